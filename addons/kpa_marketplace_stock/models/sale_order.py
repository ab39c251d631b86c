from odoo import api, models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    @api.depends("kpa_cooperative_id")
    def _compute_warehouse_id(self):
        """A cooperative's order delivers its goods from the cooperative's
        stock place (a cart mixing cooperatives becomes one order per
        cooperative, each from its own place).

        The cooperative is computed again whenever the lines change: when the
        ORM computes the warehouse again for that reason, an order of no stock
        place keeps the warehouse it was given (Odoo chooses it on a change of
        salesperson or company only), unless that warehouse is a cooperative's
        place it no longer has, or belongs to another company. Called
        directly (as Click & Collect does to reset it), Odoo's choice is made.
        """
        placed = self.filtered(
            lambda order: (order.state in ("draft", "sent") or not order.ids)
            and order.kpa_cooperative_id.sudo().warehouse_id
        )
        field = self._fields["warehouse_id"]
        given = (self - placed).filtered(
            lambda order: self.env.is_protected(field, order)
            and order.warehouse_id.company_id == order.company_id
        )
        # The cooperatives' settings, read for any customer of the e-shop.
        places = (
            self.env["kpa.cooperative"]
            .sudo()
            .search([("warehouse_id", "in", given.warehouse_id.ids)])
            .warehouse_id
            if given
            else self.env["stock.warehouse"]
        )
        kept = {
            order: order.warehouse_id
            for order in given
            if order.warehouse_id not in places
        }
        # Odoo's choice for the others only (its default warehouse is looked
        # up order by order).
        res = super(SaleOrder, self - placed)._compute_warehouse_id()
        for order in placed:
            order.warehouse_id = order.kpa_cooperative_id.sudo().warehouse_id
        for order, warehouse in kept.items():
            if order.state in ("draft", "sent") or not order.ids:
                order.warehouse_id = warehouse
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
