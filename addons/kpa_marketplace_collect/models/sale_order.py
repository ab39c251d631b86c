from odoo import models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    def _get_cart_and_free_qty(self, product, line=None):
        """Whatever pickup point the customer chose, a cooperative's goods are
        counted in its own place, where they are collected."""
        cart_qty, free_qty = super()._get_cart_and_free_qty(product, line=line)
        product = product or (line and line.product_id)
        if product:
            place_qty = product._kpa_free_qty()
            if place_qty is not None:
                free_qty = place_qty
        return cart_qty, free_qty

    def _get_unavailable_order_lines(self, wh_id):
        """The goods of a cooperative are checked in its own place (where its
        order is collected), the others in the chosen pickup point."""
        unavailable = super()._get_unavailable_order_lines(wh_id)
        for line in self.order_line.filtered(
            lambda line: line.is_storable and line.product_id._kpa_stock_place()
        ):
            free_qty = line.product_id._kpa_free_qty()
            if line.product_uom_qty > free_qty:
                line.shop_warning = self.env._(
                    "Only %(quantity)s available at %(place)s",
                    quantity=int(max(free_qty, 0)),
                    place=line.product_id._kpa_stock_place().name,
                )
                unavailable |= line
            elif line in unavailable:
                line.shop_warning = False
                unavailable -= line
        return unavailable

    def _kpa_pickup_places(self):
        """[(cooperative name, place)] where the goods of this cart are
        collected, when they are at several places."""
        self.ensure_one()
        goods = self.order_line.product_id.sudo().filtered(
            lambda product: product.type == "consu"
            and product.kpa_cooperative_id.warehouse_id
        )
        cooperatives = goods.kpa_cooperative_id
        if len(cooperatives.warehouse_id) < 2:
            return []
        return [
            (cooperative.name, cooperative.warehouse_id) for cooperative in cooperatives
        ]

    def _kpa_after_split(self, split_orders):
        """Each order of a cart collected in store is collected at its own
        cooperative's place."""
        res = super()._kpa_after_split(split_orders)
        for order in (
            (self | split_orders)
            .sudo()
            .filtered(lambda order: order.carrier_id.delivery_type == "in_store")
        ):
            place = order.kpa_cooperative_id.warehouse_id
            if place and (order.pickup_location_data or {}).get("id") != place.id:
                order.pickup_location_data = order._kpa_pickup_location_data(place)
        return res

    def _kpa_pickup_location_data(self, warehouse):
        """The pickup point of `warehouse`, as Click & Collect records the
        one a customer chooses."""
        address = warehouse.partner_id
        return {
            "id": warehouse.id,
            "name": (address.name or warehouse.name).title(),
            "street": (address.street or "").title(),
            "city": (address.city or "").title(),
            "zip_code": address.zip,
            "country_code": address.country_code,
            "state": address.state_id.code,
            "latitude": address.partner_latitude,
            "longitude": address.partner_longitude,
        }
