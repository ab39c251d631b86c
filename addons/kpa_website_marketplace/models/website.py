from odoo import models


class Website(models.Model):
    _inherit = "website"

    def _kpa_home_services(self, limit=4):
        """Services of the published cooperatives of this website's host, on
        sale in its e-shop, for the home page (read with sudo through this
        explicit published domain: visitors may read published products, not
        the cooperatives they belong to)."""
        self.ensure_one()
        cooperatives_sudo = self._kpa_published_cooperatives()
        return (
            self.env["product.template"]
            .sudo()
            .search(
                [
                    ("kpa_cooperative_id", "in", cooperatives_sudo.ids),
                    ("is_published", "=", True),
                    ("sale_ok", "=", True),
                    ("website_id", "in", (False, self.id)),
                ],
                order="website_sequence, id",
                limit=limit,
            )
        )
