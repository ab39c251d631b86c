from odoo import models


class ProductProduct(models.Model):
    _inherit = "product.product"

    def _is_add_to_cart_allowed(self):
        """A service of a closed or unpublished cooperative cannot be put in a
        cart."""
        allowed = super()._is_add_to_cart_allowed()
        if allowed and self.kpa_cooperative_id:
            return (
                self.kpa_cooperative_state != "closed"
                and self.kpa_cooperative_published
            )
        return allowed
