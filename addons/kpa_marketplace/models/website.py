from odoo import models
from odoo.osv import expression


class Website(models.Model):
    _inherit = "website"

    def _product_domain(self):
        """The e-shop sells the services of open, published cooperatives (and
        the host's own products)."""
        return expression.AND(
            [
                super()._product_domain(),
                [
                    "|",
                    ("kpa_cooperative_id", "=", False),
                    "&",
                    ("kpa_cooperative_state", "!=", "closed"),
                    ("kpa_cooperative_published", "=", True),
                ],
            ]
        )
