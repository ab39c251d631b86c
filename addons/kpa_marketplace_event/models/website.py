from odoo import models
from odoo.osv import expression


class Website(models.Model):
    _inherit = "website"

    def sale_product_domain(self):
        """The workshops of the cooperatives are on sale in the e-shop too:
        their page offers their sessions, each booked with Odoo's registration
        form (the e-shop leaves out the products that make event registrations,
        which are sold from their events' pages)."""
        domain = super().sale_product_domain()
        if self.env.user._is_internal():
            return domain
        workshops = expression.AND(
            [
                self._product_domain(),
                self.get_current_website().website_domain(),
                [
                    ("is_published", "=", True),
                    ("service_tracking", "=", "event"),
                    ("kpa_cooperative_id", "!=", False),
                ],
            ]
        )
        return expression.OR([domain, workshops])
