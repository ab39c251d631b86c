from odoo import api, models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    @api.depends("kpa_cooperative_id")
    def _compute_warehouse_id(self):
        """A cooperative's order delivers its goods from the cooperative's
        stock place (a cart mixing cooperatives becomes one order per
        cooperative, each from its own place)."""
        res = super()._compute_warehouse_id()
        for order in self:
            # The cooperative's settings, read for any customer of the e-shop.
            place = order.kpa_cooperative_id.sudo().warehouse_id
            if place and order.state in ("draft", "sent"):
                order.warehouse_id = place
        return res

    def _kpa_prepare_split_order_vals(self, key, lines):
        """An order split off a quotation delivers from its cooperative's
        place, or else from the quotation's warehouse (given, not computed
        again for each new order)."""
        vals = super()._kpa_prepare_split_order_vals(key, lines)
        place = self.env["kpa.cooperative"].sudo().browse(key).warehouse_id
        vals["warehouse_id"] = (place or self.warehouse_id).id
        return vals

    def _get_cart_and_free_qty(self, product, line=None):
        """A cooperative's goods are counted in its own stock place."""
        cart_qty, free_qty = super()._get_cart_and_free_qty(product, line=line)
        product = product or (line and line.product_id)
        if product:
            place_qty = product._kpa_free_qty()
            if place_qty is not None:
                free_qty = place_qty
        return cart_qty, free_qty
