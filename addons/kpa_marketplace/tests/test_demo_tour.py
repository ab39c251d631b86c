"""The demo network's mixed cart, bought in a browser with Odoo's apps.

Like tests/test_demo_network.py, this test reads the demo records on purpose:
it checks what a visitor of `./kpa run` can do. It needs the bridges to
Odoo's apps (kpa_marketplace_event, _collect, _loyalty), their demo data and
the demo payment provider (payment_demo), and is skipped without them.
"""

from unittest import SkipTest

from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged

NEEDED = (
    "kpa_marketplace_event",
    "kpa_marketplace_collect",
    "kpa_marketplace_loyalty",
    "payment_demo",
)


@tagged("post_install", "-at_install", "kpa_http")
class TestDemoMixedCartTour(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        installed = cls.env["ir.module.module"].search(
            [("name", "in", NEEDED), ("state", "=", "installed")]
        )
        promotion = cls.env.ref(
            "kpa_marketplace_loyalty.program_bienvenue_demo", raise_if_not_found=False
        )
        if len(installed) < len(NEEDED) or not promotion:
            raise SkipTest(
                "needs the bridges to Odoo's apps, their demo and payment_demo"
            )
        cls.opteos = cls.env.ref("kpa_cooperative.company_opteos_demo")
        cls.la_cape = cls.env.ref("kpa_cooperative.cooperative_la_cape_demo")
        cls.moulins = cls.env.ref("kpa_cooperative.cooperative_moulins_demo")
        cls.illicoop = cls.env.ref("kpa_cooperative.cooperative_illicoop_demo")
        cls.labo_140 = cls.env.ref("kpa_marketplace_stock.warehouse_labo_140_demo")
        # The network's website answers on the address `./kpa run` gives it;
        # here, on the test server's, which the test's browser opens.
        network = cls.env.ref("kpa_cooperative.website_network_demo")
        network.domain = cls.base_url()
        english = cls.env["res.lang"]._activate_lang("en_US")
        cls.customer = new_test_user(
            cls.env,
            login="kpa_demo_customer",
            groups="base.group_portal",
            company_id=cls.opteos.id,
            company_ids=[Command.set(cls.opteos.ids)],
            name="Camille Test",
            email="camille@example.com",
            lang=english.code,
        )
        cls.customer.partner_id.write(
            {
                "street": "3 rue de Lannoy",
                "city": "Roubaix",
                "zip": "59100",
                "country_id": cls.env.ref("base.fr").id,
                "phone": "+33 6 00 00 00 00",
            }
        )

    def test_seat_table_and_service_with_a_promotion_code(self):
        self.start_tour(
            "/en/cooperatives/moulins",
            "kpa_demo_mixed_cart",
            login=self.customer.login,
        )
        orders = self.env["sale.order"].search(
            [("partner_id", "=", self.customer.partner_id.id)]
        )
        # Three confirmed orders, one per cooperative, none of the host.
        self.assertEqual(len(orders), 3)
        self.assertEqual(set(orders.mapped("state")), {"sale"})
        self.assertEqual(
            orders.kpa_cooperative_id, self.la_cape | self.moulins | self.illicoop
        )
        self.assertEqual(len(orders.transaction_ids), 1)
        self.assertEqual(orders.transaction_ids.state, "done")
        order_of = {order.kpa_cooperative_id: order for order in orders}
        # Moulins' order: the registration of the seat, confirmed.
        registration = self.env["event.registration"].search(
            [("partner_id", "=", self.customer.partner_id.id)]
        )
        self.assertEqual(len(registration), 1)
        self.assertEqual(registration.sale_order_id, order_of[self.moulins])
        self.assertEqual(registration.state, "open")
        self.assertEqual(registration.event_id.kpa_cooperative_id, self.moulins)
        # La Cape's order: its picking leaves from La Cape's place, the Labo
        # 140, where the customer collects it.
        order_la_cape = order_of[self.la_cape]
        self.assertEqual(len(order_la_cape.picking_ids), 1)
        self.assertEqual(
            order_la_cape.picking_ids.location_id, self.labo_140.lot_stock_id
        )
        self.assertEqual(order_la_cape.carrier_id.delivery_type, "in_store")
        self.assertEqual(order_la_cape.pickup_location_data["id"], self.labo_140.id)
        self.assertFalse((orders - order_la_cape).picking_ids)
        # The promotion (10 %) is shared pro rata: each order bears 10 % of
        # its own lines.
        for order in orders:
            rewards = order.order_line.filtered("reward_id")
            sold = order.order_line - rewards
            self.assertTrue(rewards, order.kpa_cooperative_id.name)
            self.assertAlmostEqual(
                sum(rewards.mapped("price_subtotal")),
                -0.1 * sum(sold.mapped("price_subtotal")),
                delta=0.02,
                msg=order.kpa_cooperative_id.name,
            )
        self.assertAlmostEqual(
            sum(orders.mapped("amount_total")), orders.transaction_ids.amount
        )
