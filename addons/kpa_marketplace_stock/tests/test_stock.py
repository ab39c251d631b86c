from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged

from .common import KpaStockCommon


@tagged("post_install", "-at_install")
class TestGoodsOfTheCooperatives(KpaStockCommon):
    def test_goods_leave_from_their_cooperative_place(self):
        order = self._quotation([(self.stool, 2)])
        self.assertEqual(order.warehouse_id, self.place_a)
        order.action_confirm()
        self.assertEqual(len(order.picking_ids), 1)
        self.assertEqual(order.picking_ids.location_id, self.place_a.lot_stock_id)
        self.assertEqual(order.picking_ids.move_ids.product_uom_qty, 2.0)

    def test_mixed_cart_gives_each_order_its_own_picking(self):
        order = self._quotation(
            [(self.stool, 1), (self.bag, 3), (self.service_b1, 1), (self.service_a1, 1)]
        )
        order.action_confirm()
        orders = order | order.kpa_split_order_ids
        self.assertEqual(len(orders), 2)
        for each, place, product in (
            (
                orders.filtered(lambda o: o.kpa_cooperative_id == self.coop_a),
                self.place_a,
                self.stool,
            ),
            (
                orders.filtered(lambda o: o.kpa_cooperative_id == self.coop_b),
                self.place_b,
                self.bag,
            ),
        ):
            self.assertEqual(each.warehouse_id, place)
            self.assertEqual(len(each.picking_ids), 1, each.kpa_cooperative_id.name)
            picking = each.picking_ids
            self.assertEqual(picking.location_id, place.lot_stock_id)
            self.assertEqual(picking.picking_type_id.warehouse_id, place)
            self.assertEqual(picking.move_ids.product_id, product.product_variant_id)
            self.assertEqual(picking.origin, each.name)
        # Only the goods are delivered: the services make no picking.
        self.assertEqual(
            orders.picking_ids.move_ids.product_id,
            (self.stool | self.bag).product_variant_ids,
        )

    def test_goods_of_a_cooperative_without_place_leave_from_the_host(self):
        self.coop_b.warehouse_id = False
        order = self._quotation([(self.bag, 1)])
        order.action_confirm()
        self.assertNotIn(order.warehouse_id, self.place_a | self.place_b)
        self.assertEqual(order.picking_ids.location_id, order.warehouse_id.lot_stock_id)

    def test_the_shop_counts_the_stock_of_the_cooperative_place(self):
        website = self.env["website"].create(
            {"name": "Shop test", "company_id": self.host.id}
        )
        stool = self.stool.product_variant_id
        # 5 at the cooperative's place; the 10 of the host's warehouse are not
        # for sale in its name.
        self.assertEqual(website._get_product_available_qty(stool), 5)
        info = self.stool.with_context(
            website_id=website.id
        )._get_additionnal_combination_info(stool, 1, self.env.cr.now().date(), website)
        self.assertEqual(info["free_qty"], 5)
        cart = self._quotation([(self.stool, 1)], website_id=website.id)
        self.assertEqual(cart._get_cart_and_free_qty(stool), (1, 5))
        # No more in the cart than the place holds.
        cart.order_line.product_uom_qty = 6
        with self.assertRefused(ValidationError, "but only 5.0 is available"):
            cart._check_cart_is_ready_to_be_paid()

    def test_only_network_managers_choose_the_place(self):
        with self.assertRaises(AccessError):
            self.coop_a.with_user(self.coordinator_a).write(
                {"warehouse_id": self.place_b.id}
            )
        self.assertEqual(self.coop_a.warehouse_id, self.place_a)
        self.coop_a.with_user(self.manager).write({"warehouse_id": False})
        self.assertFalse(self.coop_a.warehouse_id)
