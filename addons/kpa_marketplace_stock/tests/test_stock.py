from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, tagged

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

    def _host_goods_and_other_warehouse(self):
        """Goods of the host (of no cooperative) and a second warehouse of the
        host, which is no cooperative's place."""
        crate = self.env["product.product"].create(
            {"name": "Host's crate", "is_storable": True, "company_id": self.host.id}
        )
        other = self.env["stock.warehouse"].create(
            {
                "name": "Host's other warehouse",
                "code": "OTH",
                "company_id": self.host.id,
            }
        )
        return crate, other

    def test_an_order_of_no_cooperative_keeps_the_warehouse_it_was_given(self):
        """Odoo chooses an order's warehouse on a change of salesperson or
        company only: adding or changing lines of an order of no cooperative
        does not take back the warehouse given to it (as Odoo's
        sale_stock test_return_with_mto_and_multisteps_old_pull does)."""
        crate, other = self._host_goods_and_other_warehouse()
        order_form = Form(self.env["sale.order"].with_company(self.host))
        order_form.partner_id = self.customer
        order_form.warehouse_id = other
        with order_form.order_line.new() as line:
            line.product_id = crate
            line.product_uom_qty = 2
        order = order_form.save()
        self.assertEqual(order.warehouse_id, other)
        order.order_line = [Command.create({"product_id": crate.id})]
        self.assertEqual(order.warehouse_id, other)
        order.action_confirm()
        self.assertEqual(order.picking_ids.picking_type_id.warehouse_id, other)

    def test_odoo_chooses_the_warehouse_when_asked_to(self):
        """Called directly (as Click & Collect does when the customer gives up
        the pickup), the warehouse is Odoo's choice again."""
        crate, other = self._host_goods_and_other_warehouse()
        order = self._quotation([(crate.product_tmpl_id, 1)])
        default = order.warehouse_id
        self.assertNotIn(default, self.place_a | self.place_b | other)
        order.warehouse_id = other
        order.order_line = [Command.create({"product_id": crate.id})]
        self.assertEqual(order.warehouse_id, other)
        order._compute_warehouse_id()
        self.assertEqual(order.warehouse_id, default)

    def test_a_quotation_follows_its_cooperative_place(self):
        """A quotation's warehouse is its cooperative's place while it has
        one, and Odoo's default warehouse once it has none."""
        order = self._quotation([(self.stool, 1)])
        self.assertEqual(order.warehouse_id, self.place_a)
        order.order_line = [
            Command.clear(),
            Command.create({"product_id": self.bag.product_variant_id.id}),
        ]
        self.assertEqual(order.warehouse_id, self.place_b)
        order.order_line = [Command.clear()]
        self.assertFalse(order.kpa_cooperative_id)
        self.assertTrue(order.warehouse_id)
        self.assertNotIn(order.warehouse_id, self.place_a | self.place_b)

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
