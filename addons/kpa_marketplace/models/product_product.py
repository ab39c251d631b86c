from odoo import models

from .product_template import SERVICE_FIELDS

# A variant's own fields its cooperative's coordinators write, besides those
# of its service (its cost, like the service's, is the accounting managers').
VARIANT_FIELDS = SERVICE_FIELDS | {"lst_price"}


class ProductProduct(models.Model):
    _inherit = "product.product"

    def write(self, vals):
        if not self.env.is_system():
            own = {
                name: value
                for name, value in vals.items()
                if name in self._fields
                and not self._fields[name].inherited
                and name not in VARIANT_FIELDS
            }
            if own:
                self.product_tmpl_id._kpa_check_service_fields(own)
        return super().write(vals)

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
