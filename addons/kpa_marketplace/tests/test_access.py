from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import KpaMarketplaceCommon


@tagged("post_install", "-at_install")
class TestMarketplaceAccess(KpaMarketplaceCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.draft_service_b = cls.env["product.template"].create(
            {
                "name": "Secret recipe (draft)",
                "kpa_cooperative_id": cls.coop_b.id,
                "is_published": False,
            }
        )
        cls.order = cls._quotation([(cls.service_a1, 1), (cls.service_b1, 1)])
        cls.order.action_confirm()
        cls.order_a = cls.order
        cls.order_b = cls.order.kpa_split_order_ids
        # A host order without salesperson, and the customer's portal access.
        cls.host_order = cls._quotation([(cls.host_product, 1)], user_id=False)
        cls.portal_partner = cls.portal_user.partner_id
        cls.portal_order = cls._quotation(
            [(cls.service_a2, 1)], partner_id=cls.portal_partner.id
        )
        cls.portal_order.action_confirm()

    # === PRODUCTS === #

    def test_coordinator_manages_only_own_services(self):
        Template = self.env["product.template"].with_user(self.coordinator_a)
        self.assertEqual(
            Template.search([("kpa_cooperative_id", "!=", False)]),
            self.service_a1 | self.service_a2 | self.service_b1,
            "A's own services and B's published one, never B's draft",
        )
        with self.assertRaises(AccessError):
            self.draft_service_b.with_user(self.coordinator_a).read(["name"])
        with self.assertRaises(AccessError):
            self.service_b1.with_user(self.coordinator_a).write({"list_price": 1.0})
        with self.assertRaises(AccessError):
            self.host_product.with_user(self.coordinator_a).write({"list_price": 1.0})
        with self.assertRaises(AccessError):
            Template.create(
                {"name": "Fake buffet", "kpa_cooperative_id": self.coop_b.id}
            )
        self.service_a1.with_user(self.coordinator_a).write({"list_price": 120.0})
        self.assertEqual(self.service_a1.list_price, 120.0)
        self.assertEqual(self.service_b1.list_price, 250.0)

    def test_coordinator_keeps_services_in_own_cooperatives(self):
        """A service made in A does not move to B, nor leave A for the host,
        by its coordinator; they present and price it, the host's books on
        it (taxes, cost) are not theirs."""
        service = (
            self.env["product.template"]
            .with_user(self.coordinator_a)
            .create(
                {
                    "name": "Mending",
                    "type": "service",
                    "kpa_cooperative_id": self.coop_a.id,
                }
            )
        )
        for vals in (
            {"kpa_cooperative_id": self.coop_b.id},
            {"kpa_cooperative_id": False},
            {"taxes_id": [Command.clear()]},
        ):
            with self.assertRaises(AccessError):
                service.write(vals)
        with self.assertRaises(AccessError):
            service.product_variant_id.write({"standard_price": 5.0})
        self.assertEqual(service.sudo().kpa_cooperative_id, self.coop_a)
        self.assertTrue(service.sudo().taxes_id)
        service.write({"list_price": 12.0, "description_sale": "Any garment."})
        # The network manager moves it to another cooperative of the host.
        service.with_user(self.manager).kpa_cooperative_id = self.coop_b
        self.assertEqual(service.sudo().kpa_cooperative_id, self.coop_b)

    def test_network_manager_manages_every_service(self):
        self.service_b1.with_user(self.manager).write({"list_price": 260.0})
        self.draft_service_b.with_user(self.manager).read(["name"])

    # === ORDERS === #

    def test_coordinator_sees_only_own_cooperative_orders(self):
        Order = self.env["sale.order"].with_user(self.coordinator_a)
        visible = Order.search([])
        self.assertIn(self.order_a, visible)
        self.assertIn(self.portal_order, visible)
        self.assertNotIn(self.order_b, visible)
        with self.assertRaises(AccessError):
            self.order_b.with_user(self.coordinator_a).read(["name"])
        with self.assertRaises(AccessError):
            self.order_b.with_user(self.coordinator_a).write({"note": "Hacked"})
        with self.assertRaises(AccessError):
            self.order_b.order_line.with_user(self.coordinator_a).read(["name"])
        self.order_a.with_user(self.coordinator_a).write({"client_order_ref": "A-1"})
        # And the other way round.
        visible_b = self.env["sale.order"].with_user(self.coordinator_b).search([])
        self.assertIn(self.order_b, visible_b)
        self.assertNotIn(self.order_a, visible_b)
        self.assertNotIn(self.portal_order, visible_b)

    def test_mixed_quotation_is_not_shown_to_other_coordinators(self):
        mixed = self._quotation(
            [(self.service_a1, 1), (self.service_b1, 1)], user_id=False
        )
        # Not even to its salesperson: it sells the services of B too, which
        # only B's coordinators and the host's staff handle.
        mixed.user_id = self.coordinator_a
        for coordinator in (self.coordinator_a, self.coordinator_b):
            with self.assertRaises(AccessError):
                mixed.with_user(coordinator).read(["name"])
        mixed.with_user(self.manager).read(["name"])

    def test_accountants_do_not_confirm_the_cooperatives_quotations(self):
        """The host's accountants, whom Odoo lets write the orders they
        invoice, do not confirm a cooperative's quotation: its coordinators
        do; nothing changes on a refusal."""
        order = self._quotation([(self.service_a1, 1), (self.service_b1, 1)])
        with self.assertRaises(AccessError) as refusal:
            order.with_user(self.accountant).action_confirm()
        if "loyalty.card" not in self.env:
            # With Odoo's promotions installed, their confirmation reads the
            # coupons first, which accountants may not either.
            self.assertIn("confirmed by their coordinators", str(refusal.exception))
        self.assertEqual(order.state, "draft")
        self.assertFalse(order.kpa_split_order_ids)
        self.assertEqual(len(order.order_line), 2)
        order.with_user(self.manager).action_confirm()
        self.assertEqual(order.state, "sale")

    def test_coordinator_sells_only_in_own_cooperatives(self):
        """A coordinator of A creates no quotation of B's services, even with
        themselves as salesperson, nor one mixing A's and B's: nothing is
        created."""
        Order = self.env["sale.order"].with_user(self.coordinator_a)
        count = self.env["sale.order"].search_count([])
        for services in ((self.service_b1,), (self.service_a2, self.service_b1)):
            with self.assertRaises(AccessError):
                Order.create(
                    {
                        "partner_id": self.customer.id,
                        "user_id": self.coordinator_a.id,
                        "order_line": [
                            Command.create({"product_id": s.product_variant_id.id})
                            for s in services
                        ],
                    }
                )
        self.assertEqual(self.env["sale.order"].search_count([]), count)

    def test_coordinator_cannot_bring_an_order_into_another_cooperative(self):
        """Checked after the write: a quotation of A (or of no cooperative)
        does not take a service of B, through the order or its lines."""
        quotation = self._quotation([(self.service_a2, 1)]).with_user(
            self.coordinator_a
        )
        quotation.sudo().user_id = self.coordinator_a
        empty = (
            self.env["sale.order"]
            .with_user(self.coordinator_a)
            .create({"partner_id": self.customer.id})
        )
        variant_b = self.service_b1.product_variant_id
        for order in (quotation, empty):
            with self.assertRaises(AccessError):
                order.write(
                    {"order_line": [Command.create({"product_id": variant_b.id})]}
                )
            with self.assertRaises(AccessError):
                self.env["sale.order.line"].with_user(self.coordinator_a).create(
                    {"order_id": order.id, "product_id": variant_b.id}
                )
        with self.assertRaises(AccessError):
            quotation.order_line.write({"product_id": variant_b.id})
        self.assertEqual(quotation.sudo().kpa_cooperative_id, self.coop_a)
        self.assertFalse(empty.sudo().order_line)

    def test_coordinator_writes_only_the_follow_up_of_a_confirmed_order(self):
        order = self.order_a.with_user(self.coordinator_a)
        order.write({"client_order_ref": "A-2", "note": "Call before coming."})
        for vals in (
            {"state": "cancel"},
            {"partner_id": self.portal_partner.id},
            {"amount_total": 1.0},
            {"journal_id": self.coop_b.journal_id.id},
            {"kpa_cooperative_id": self.coop_b.id},
        ):
            with self.assertRaises(AccessError):
                order.write(vals)
        self.assertEqual(self.order_a.state, "sale")
        self.assertEqual(self.order_a.kpa_cooperative_id, self.coop_a)
        # Its flows still write what they need.
        order.with_context(disable_cancel_warning=True).action_cancel()
        self.assertEqual(self.order_a.state, "cancel")

    def test_network_manager_sells_for_every_cooperative(self):
        quotation = (
            self.env["sale.order"]
            .with_user(self.manager)
            .create(
                {
                    "partner_id": self.customer.id,
                    "order_line": [
                        Command.create(
                            {"product_id": self.service_a2.product_variant_id.id}
                        ),
                        Command.create(
                            {"product_id": self.service_b1.product_variant_id.id}
                        ),
                    ],
                }
            )
        )
        quotation.action_confirm()
        self.assertEqual(quotation.kpa_cooperative_id, self.coop_a)
        other = quotation.sudo().kpa_split_order_ids
        self.assertEqual(other.state, "sale")
        self.assertEqual(other.user_id, self.coordinator_b)
        with self.assertRaises(AccessError):
            other.with_user(self.coordinator_a).read(["name"])

    def test_network_manager_sees_every_order(self):
        visible = self.env["sale.order"].with_user(self.manager).search([])
        self.assertTrue(
            (self.order_a | self.order_b | self.host_order | self.portal_order)
            <= visible
        )

    def test_host_orders_of_salespeople_stay_as_in_sale(self):
        visible = self.env["sale.order"].with_user(self.coordinator_b).search([])
        self.assertIn(self.host_order, visible)

    def test_portal_and_public_see_only_their_own(self):
        visible = self.env["sale.order"].with_user(self.portal_user).search([])
        self.assertEqual(visible, self.portal_order)
        with self.assertRaises(AccessError):
            self.order_a.with_user(self.portal_user).read(["name"])
        with self.assertRaises(AccessError):
            self.order_a.with_user(self.public_user).read(["name"])

    # === REPORTING === #

    def test_sales_analysis_by_cooperative(self):
        Report = self.env["sale.report"]
        self.env.flush_all()
        for coordinator, cooperative in (
            (self.coordinator_a, self.coop_a),
            (self.coordinator_b, self.coop_b),
        ):
            groups = Report.with_user(coordinator)._read_group(
                [("state", "=", "sale")], ["kpa_cooperative_id"], ["price_total:sum"]
            )
            self.assertEqual([group[0] for group in groups], [cooperative])
        groups = dict(
            Report.with_user(self.manager)._read_group(
                [("state", "=", "sale"), ("kpa_cooperative_id", "!=", False)],
                ["kpa_cooperative_id"],
                ["price_subtotal:sum"],
            )
        )
        self.assertAlmostEqual(groups[self.coop_a], 140.0)
        self.assertAlmostEqual(groups[self.coop_b], 250.0)
