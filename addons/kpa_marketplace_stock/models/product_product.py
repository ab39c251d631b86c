from odoo import models


class ProductProduct(models.Model):
    _inherit = "product.product"

    def _kpa_stock_place(self):
        """The warehouse the goods of this product's cooperative leave from
        (none for the host's own products, or a cooperative without one)."""
        self.ensure_one()
        # The cooperative's settings, read for any visitor of the e-shop.
        return self.sudo().kpa_cooperative_id.warehouse_id

    def _kpa_free_qty(self):
        """What can be sold of these goods: the free quantity in their
        cooperative's stock place, as Odoo counts it in a warehouse."""
        self.ensure_one()
        place = self._kpa_stock_place()
        return self.with_context(warehouse_id=place.id).free_qty if place else None
