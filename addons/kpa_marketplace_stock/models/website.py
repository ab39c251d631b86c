from odoo import models


class Website(models.Model):
    _inherit = "website"

    def _get_product_available_qty(self, product, **kwargs):
        """The e-shop shows the stock of a cooperative's goods in its own
        stock place, as Odoo shows a warehouse's."""
        place_qty = product._kpa_free_qty()
        if place_qty is not None:
            return place_qty
        return super()._get_product_available_qty(product, **kwargs)
