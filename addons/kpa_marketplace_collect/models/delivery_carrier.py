from odoo import models
from odoo.http import request


class DeliveryCarrier(models.Model):
    _inherit = "delivery.carrier"

    def _in_store_get_close_locations(self, partner_address, product_id=None):
        """The pickup points offered for goods of cooperatives are their
        cooperatives' places: a product's own on its page, those of the goods
        of the cart at checkout."""
        locations = super()._in_store_get_close_locations(
            partner_address, product_id=product_id
        )
        places = self._kpa_pickup_places(product_id)
        if places is None:
            return locations
        return [location for location in locations if location["id"] in places.ids]

    def _kpa_pickup_places(self, product_id=None):
        """The warehouses where the goods to collect are (the host's own goods
        at the host's pickup points), or None when no goods of a cooperative
        are concerned."""
        Product = self.env["product.product"]
        try:
            products = Product.browse(int(product_id)) if product_id else Product
        except ValueError:
            products = Product
        if not products:
            order_sudo = request.website.sale_get_order() if request else None
            products = order_sudo.order_line.product_id if order_sudo else Product
        goods = products.sudo().filtered(lambda product: product.type == "consu")
        places = goods.kpa_cooperative_id.warehouse_id
        if not places:
            return None
        if goods.filtered(lambda product: not product._kpa_stock_place()):
            # The host's own goods are collected at its own pickup points.
            places |= self.warehouse_ids - self._kpa_cooperative_places()
        return places

    def _kpa_cooperative_places(self):
        return (
            self.env["kpa.cooperative"]
            .sudo()
            .search([("warehouse_id", "in", self.warehouse_ids.ids)])
            .warehouse_id
        )
