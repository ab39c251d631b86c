import json
from unittest.mock import patch

from odoo import Command
from odoo.tests import tagged

from odoo.addons.kpa_marketplace_stock.tests.common import KpaStockCommon
from odoo.addons.website.tools import MockRequest


@tagged("post_install", "-at_install")
class TestCollectAtTheCooperativePlace(KpaStockCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        address = {
            "street": "1 rue du Test",
            "city": "Roubaix",
            "zip": "59100",
            "country_id": cls.env.ref("base.fr").id,
            "partner_latitude": 50.69,
            "partner_longitude": 3.18,
        }
        for warehouse in cls.host_warehouse | cls.place_a | cls.place_b:
            warehouse.partner_id = cls.env["res.partner"].create(
                {**address, "name": f"Address of {warehouse.name}"}
            )
        cls.website = cls._setup_host_website()
        cls.pickup_product = cls.env["product.product"].create(
            {"name": "Pickup", "type": "service", "list_price": 0.0}
        )
        cls.in_store = cls.env["delivery.carrier"].create(
            {
                "name": "Pick up at the cooperative",
                "delivery_type": "in_store",
                "product_id": cls.pickup_product.id,
                "company_id": cls.host.id,
                "website_id": cls.website.id,
                "warehouse_ids": [Command.set(cls.host_warehouse.ids)],
                "is_published": True,
            }
        )
        # Places chosen before the delivery method existed become pickup
        # points when it is set again (and on install, see hooks.py).
        (cls.coop_a | cls.coop_b)._kpa_offer_pickup()

    def _cart(self, lines):
        return self._quotation(lines, website_id=self.website.id)

    def _offered(self, cart, product=None):
        with (
            patch(
                "odoo.addons.base_geolocalize.models.res_partner.ResPartner.geo_localize",
                return_value=True,
            ),
            MockRequest(self.env, website=self.website, sale_order_id=cart.id),
        ):
            locations = self.in_store._in_store_get_close_locations(
                self.customer, product_id=product and product.id
            )
        return {location["id"] for location in locations}

    def test_the_place_of_a_cooperative_is_a_pickup_point(self):
        self.assertEqual(
            self.in_store.warehouse_ids,
            self.host_warehouse | self.place_a | self.place_b,
        )
        place_c = self.env["stock.warehouse"].create(
            {"name": "Place of Gamma", "code": "PLC", "company_id": self.host.id}
        )
        self.coop_extra_gamma = self.env["kpa.cooperative"].create(
            {
                "name": "Coop Gamma",
                "company_id": self.host.id,
                "warehouse_id": place_c.id,
            }
        )
        self.assertIn(place_c, self.in_store.warehouse_ids)

    def test_pickup_points_offered_are_the_places_of_the_goods(self):
        stool = self.stool.product_variant_id
        cart = self._cart([(self.stool, 1)])
        # On the product page of a cooperative's goods: its place only.
        self.assertEqual(self._offered(cart, stool), {self.place_a.id})
        # At checkout: the places of the cooperatives whose goods are in it.
        self.assertEqual(self._offered(cart), {self.place_a.id})
        cart.order_line = [
            Command.create({"product_id": self.bag.product_variant_id.id})
        ]
        self.assertEqual(self._offered(cart), {self.place_a.id, self.place_b.id})
        self.assertEqual(
            cart._kpa_pickup_places(),
            [("Coop Alpha", self.place_a), ("Coop Beta", self.place_b)],
        )
        # A cart without goods of a cooperative: every pickup point.
        services = self._cart([(self.service_a1, 1)])
        self.assertEqual(
            self._offered(services),
            set((self.host_warehouse | self.place_a | self.place_b).ids),
        )

    def test_each_cooperative_goods_are_checked_at_its_place(self):
        cart = self._cart([(self.stool, 3), (self.bag, 2)])
        # Chosen pickup point: Alpha's place; Beta's bags are checked at Beta's.
        self.assertFalse(cart._get_unavailable_order_lines(self.place_a.id))
        self.assertFalse(cart._get_unavailable_order_lines(self.host_warehouse.id))
        cart.order_line.filtered(
            lambda line: line.product_id == self.bag.product_variant_id
        ).product_uom_qty = 5
        unavailable = cart._get_unavailable_order_lines(self.place_a.id)
        self.assertEqual(unavailable.product_id, self.bag.product_variant_id)
        self.assertEqual(unavailable.shop_warning, "Only 4 available at Place of Beta")

    def test_mixed_cart_gives_each_order_its_own_pickup(self):
        cart = self._cart(
            [(self.stool, 1), (self.bag, 2), (self.service_b1, 1), (self.service_a1, 1)]
        )
        cart.set_delivery_line(self.in_store, 0.0)
        cart._set_pickup_location(
            json.dumps(cart._kpa_pickup_location_data(self.place_a))
        )
        self.assertEqual(cart.warehouse_id, self.place_a)
        cart.action_confirm()
        orders = cart | cart.kpa_split_order_ids
        # One order per cooperative, none of the host: the pickup goes with
        # the goods.
        self.assertEqual(orders.kpa_cooperative_id, self.coop_a | self.coop_b)
        for each in orders:
            place = each.kpa_cooperative_id.warehouse_id
            self.assertEqual(each.carrier_id, self.in_store)
            self.assertEqual(each.pickup_location_data["id"], place.id)
            self.assertEqual(each.warehouse_id, place)
            self.assertEqual(each.picking_ids.location_id, place.lot_stock_id)
            self.assertEqual(each.picking_ids.carrier_id, self.in_store)
            self.assertEqual(
                each.order_line.filtered("is_delivery").product_id, self.pickup_product
            )
