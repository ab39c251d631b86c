from contextlib import contextmanager
from unittest.mock import patch

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common import KpaMarketplaceCommon


@tagged("post_install", "-at_install")
class TestCartSplit(KpaMarketplaceCommon):
    extra_cooperatives = 3

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.discount_product = cls.env["product.product"].create(
            {"name": "Discount", "type": "service", "list_price": 0.0}
        )
        cls.delivery_product = cls.env["product.product"].create(
            {"name": "Bike delivery", "type": "service", "list_price": 0.0}
        )
        cls.carrier = cls.env["delivery.carrier"].create(
            {
                "name": "Bike delivery",
                "product_id": cls.delivery_product.id,
                "delivery_type": "fixed",
                "fixed_price": 8.0,
            }
        )

    def _all_orders(self, order):
        return order | order.kpa_split_order_ids

    # === ONE, TWO, FIVE COOPERATIVES === #

    def test_one_cooperative_is_not_split(self):
        order = self._quotation([(self.service_a1, 2), (self.service_a2, 1)])
        self.assertEqual(order.kpa_cooperative_id, self.coop_a)
        self.assertFalse(order.kpa_several_cooperatives)
        order.action_confirm()
        self.assertEqual(order.state, "sale")
        self.assertFalse(order.kpa_split_order_ids)
        self.assertFalse(order.kpa_linked_order_ids)
        self.assertEqual(order.kpa_cooperative_id, self.coop_a)
        self.assertEqual(len(order.order_line), 2)

    def test_two_cooperatives_become_two_linked_orders(self):
        order = self._quotation(
            [(self.service_a1, 2), (self.service_b1, 1), (self.service_a2, 3)],
            client_order_ref="PO-42",
            note="<p>Ring twice</p>",
        )
        self.assertTrue(order.kpa_several_cooperatives)
        self.assertFalse(order.kpa_cooperative_id)
        before = self._order_summary(order)
        total = order.amount_total
        order.action_confirm()

        orders = self._all_orders(order)
        self.assertEqual(len(orders), 2)
        self.assertEqual(orders.mapped("state"), ["sale", "sale"])
        # The quotation keeps its number and the first cooperative's lines.
        self.assertEqual(order.kpa_cooperative_id, self.coop_a)
        order_b = order.kpa_split_order_ids
        self.assertEqual(order_b.kpa_cooperative_id, self.coop_b)
        self.assertEqual(order_b.kpa_split_origin_id, order)
        self.assertEqual(order.kpa_linked_order_ids, order_b)
        self.assertEqual(order_b.kpa_linked_order_ids, order)
        self.assertEqual(order_b.origin, order.name)
        for field in (
            "partner_id",
            "partner_invoice_id",
            "partner_shipping_id",
            "pricelist_id",
            "currency_id",
            "company_id",
            "payment_term_id",
            "fiscal_position_id",
            "client_order_ref",
            "note",
        ):
            self.assertEqual(order_b[field], order[field], field)
        tax = (self.tax_sale.id,)
        self.assertEqual(
            self._order_summary(orders),
            {
                "Coop Alpha": [
                    ("Cushion repair", 3.0, 0.0, tax),
                    ("Sewing workshop", 2.0, 0.0, tax),
                ],
                "Coop Beta": [("Buffet for ten", 1.0, 0.0, tax)],
            },
        )
        self.assertEqual(len(before["host"]), 3)
        self.assertAlmostEqual(sum(orders.mapped("amount_total")), total)
        self.assertIn(order_b.name, order.message_ids[:1].body)

    def test_five_cooperatives_become_five_orders(self):
        lines = [(self.service_a1, 1), (self.service_b1, 2)] + [
            (service, index + 1) for index, service in enumerate(self.service_extra)
        ]
        order = self._quotation(lines)
        total, untaxed, tax = order.amount_total, order.amount_untaxed, order.amount_tax
        order.action_confirm()
        orders = self._all_orders(order)
        self.assertEqual(len(orders), 5)
        self.assertEqual(
            orders.kpa_cooperative_id, self.coop_a | self.coop_b | self.coop_extra
        )
        self.assertEqual(set(orders.mapped("state")), {"sale"})
        for each in orders:
            self.assertEqual(
                each.order_line.product_id.kpa_cooperative_id, each.kpa_cooperative_id
            )
        self.assertAlmostEqual(sum(orders.mapped("amount_total")), total)
        self.assertAlmostEqual(sum(orders.mapped("amount_untaxed")), untaxed)
        self.assertAlmostEqual(sum(orders.mapped("amount_tax")), tax)

    def _five_cooperative_cart(self, lines_per_cooperative):
        services = self.service_a1 | self.service_b1 | self.service_extra
        order = self._quotation(
            [
                (service, index + 1)
                for index in range(lines_per_cooperative)
                for service in services
            ]
        )
        self.env.flush_all()
        self.env.invalidate_all()
        return order

    def _confirm_queries(self, order):
        before = self.cr.sql_log_count
        order.action_confirm()
        self.env.flush_all()
        return self.cr.sql_log_count - before

    def test_query_count_of_confirming_a_five_cooperative_cart(self):
        order = self._five_cooperative_cart(1)
        with self.assertQueryCount(138):  # 132 measured, with the apps of ./kpa
            order.action_confirm()
        self.assertEqual(len(order | order.kpa_split_order_ids), 5)
        # Three lines per cooperative cost the same queries as one.
        one_line = self._confirm_queries(self._five_cooperative_cart(1))
        three_lines = self._confirm_queries(self._five_cooperative_cart(3))
        self.assertLessEqual(three_lines, one_line + 2)

    # === QUANTITIES, DISCOUNTS, TAXES === #

    def test_quantities_discounts_and_taxes_are_kept(self):
        other_tax = self.tax_sale.copy({"name": "Other tax", "amount": 5.5})
        order = self._quotation(
            [
                (self.service_a1, 3, {"discount": 10.0}),
                (
                    self.service_b1,
                    2,
                    {
                        "discount": 25.0,
                        "price_unit": 199.99,
                        "tax_id": [Command.set(other_tax.ids)],
                    },
                ),
                (self.service_a2, 7, {"tax_id": [Command.set(other_tax.ids)]}),
            ]
        )
        lines = {
            line.product_id.name: (
                line.product_uom_qty,
                line.discount,
                line.price_unit,
                line.tax_id,
                line.price_subtotal,
                line.price_total,
            )
            for line in order.order_line
        }
        amounts = (order.amount_untaxed, order.amount_tax, order.amount_total)
        order.action_confirm()
        orders = self._all_orders(order)
        self.assertEqual(
            {
                line.product_id.name: (
                    line.product_uom_qty,
                    line.discount,
                    line.price_unit,
                    line.tax_id,
                    line.price_subtotal,
                    line.price_total,
                )
                for line in orders.order_line
            },
            lines,
        )
        self.assertEqual(
            tuple(
                round(sum(orders.mapped(name)), 2)
                for name in ("amount_untaxed", "amount_tax", "amount_total")
            ),
            tuple(round(amount, 2) for amount in amounts),
        )

    # === LINES OF NO COOPERATIVE === #

    def _prices(self, order, product):
        """{cooperative name or 'host': unit price} of `product`'s lines."""
        return {
            (line.order_id.kpa_cooperative_id.name or "host"): line.price_unit
            for line in self._all_orders(order).order_line
            if line.product_id == product
        }

    def test_host_products_delivery_and_discount_make_the_host_order(self):
        order = self._quotation(
            [
                (self.service_a1, 1),
                (self.host_product, 2),
                (self.service_b1, 1),
                (self.discount_product, 1, {"price_unit": -20.5}),
            ]
        )
        order.set_delivery_line(self.carrier, 8.0)
        total = order.amount_total
        order.action_confirm()
        orders = self._all_orders(order)
        self.assertEqual(len(orders), 3)
        # The host's order is the quotation itself, without cooperative: it
        # sells the host's product and delivers services of several
        # cooperatives (no goods to follow).
        self.assertFalse(order.kpa_cooperative_id)
        self.assertEqual(
            set(order.order_line.product_id.ids),
            {
                self.host_product.product_variant_id.id,
                self.discount_product.id,
                self.delivery_product.id,
            },
        )
        self.assertEqual(
            order.kpa_split_order_ids.kpa_cooperative_id, self.coop_a | self.coop_b
        )
        # The discount is shared pro rata of 100 (A), 60 (host) and 250 (B).
        self.assertEqual(
            self._prices(order, self.discount_product),
            {"Coop Alpha": -5.0, "host": -3.0, "Coop Beta": -12.5},
        )
        self.assertEqual(
            order.currency_id.compare_amounts(
                sum(orders.mapped("amount_total")), total
            ),
            0,
        )

    def test_delivery_and_discount_stay_with_a_single_cooperative(self):
        order = self._quotation(
            [
                (self.service_a1, 1),
                (self.discount_product, 1, {"price_unit": -20.0}),
            ]
        )
        order.set_delivery_line(self.carrier, 8.0)
        order.action_confirm()
        self.assertFalse(order.kpa_split_order_ids)
        self.assertEqual(order.kpa_cooperative_id, self.coop_a)
        self.assertEqual(len(order.order_line), 3)

    def test_host_product_with_one_cooperative_is_split_off(self):
        order = self._quotation([(self.service_b1, 1), (self.host_product, 1)])
        order.action_confirm()
        self.assertFalse(order.kpa_cooperative_id)
        self.assertEqual(
            order.order_line.product_id, self.host_product.product_variant_id
        )
        self.assertEqual(order.kpa_split_order_ids.kpa_cooperative_id, self.coop_b)

    def test_discount_on_a_mixed_cart_is_shared_pro_rata(self):
        order = self._quotation(
            [
                (self.service_a1, 1),
                (self.service_b1, 1),
                (self.discount_product, 1, {"price_unit": -35.0}),
            ]
        )
        untaxed, total = order.amount_untaxed, order.amount_total
        order.action_confirm()
        orders = self._all_orders(order)
        # Each cooperative bears its share of the discount on its own order:
        # 100 and 250 make 2/7 and 5/7 of it.
        self.assertEqual(
            self._prices(order, self.discount_product),
            {"Coop Alpha": -10.0, "Coop Beta": -25.0},
        )
        self.assertEqual(orders.mapped("amount_untaxed"), [90.0, 225.0])
        self.assertAlmostEqual(sum(orders.mapped("amount_untaxed")), untaxed)
        self.assertAlmostEqual(sum(orders.mapped("amount_total")), total)
        # ... and on its own invoice, in its journal.
        invoices = orders._create_invoices()
        invoices.action_post()
        self.assertEqual(
            {
                invoice.kpa_cooperative_id.name: invoice.amount_untaxed
                for invoice in invoices
            },
            {"Coop Alpha": 90.0, "Coop Beta": 225.0},
        )

    def test_discount_shares_keep_their_taxes(self):
        reduced_tax = self.tax_sale.copy({"name": "Reduced tax", "amount": 5.5})
        order = self._quotation(
            [
                (self.service_a1, 1),
                (self.service_b1, 1, {"tax_id": [Command.set(reduced_tax.ids)]}),
                (self.service_extra[0], 3),
                (
                    self.discount_product,
                    1,
                    {"price_unit": -13.0, "tax_id": [Command.set(self.tax_sale.ids)]},
                ),
                (
                    self.discount_product,
                    1,
                    {"price_unit": -25.0, "tax_id": [Command.set(reduced_tax.ids)]},
                ),
            ]
        )
        total = order.amount_total
        order.action_confirm()
        orders = self._all_orders(order)
        # The discount at the full rate is shared by the lines at the full
        # rate (A 100, the extra cooperative 30), the one at the reduced rate
        # by B alone: each order keeps its VAT right.
        shares = sorted(
            (
                line.order_id.kpa_cooperative_id.name,
                line.price_unit,
                line.tax_id.name,
            )
            for line in orders.order_line
            if line.product_id == self.discount_product
        )
        self.assertEqual(
            shares,
            [
                ("Coop Alpha", -10.0, self.tax_sale.name),
                ("Coop Beta", -25.0, "Reduced tax"),
                ("Coop Extra 0", -3.0, self.tax_sale.name),
            ],
        )
        self.assertEqual(
            order.currency_id.compare_amounts(
                sum(orders.mapped("amount_total")), total
            ),
            0,
        )

    def test_shares_add_up_to_the_cent(self):
        order = self._quotation(
            [
                (self.service_a1, 1, {"price_unit": 33.33}),
                (self.service_b1, 1, {"price_unit": 33.33}),
                (self.service_extra[0], 1, {"price_unit": 33.34}),
                (self.service_extra[1], 1, {"price_unit": 17.01}),
                (self.discount_product, 1, {"price_unit": -10.01}),
            ]
        )
        untaxed, tax, total = (
            order.amount_untaxed,
            order.amount_tax,
            order.amount_total,
        )
        order.action_confirm()
        orders = self._all_orders(order)
        self.assertEqual(len(orders), 4)
        compare = order.currency_id.compare_amounts
        self.assertEqual(
            compare(sum(self._prices(order, self.discount_product).values()), -10.01),
            0,
        )
        self.assertEqual(compare(sum(orders.mapped("amount_untaxed")), untaxed), 0)
        self.assertEqual(compare(sum(orders.mapped("amount_tax")), tax), 0)
        self.assertEqual(compare(sum(orders.mapped("amount_total")), total), 0)

    def test_discount_larger_than_the_cart_is_refused(self):
        order = self._quotation(
            [
                (self.service_a1, 1),
                (self.service_b1, 1),
                (self.discount_product, 1, {"price_unit": -400.0}),
            ]
        )
        count = self.env["sale.order"].search_count([])
        with self.assertRefused(
            UserError,
            "cannot be shared between them: the order of Coop Alpha and Coop Beta "
            "would be negative",
        ):
            order.action_confirm()
        self.assertEqual(self.env["sale.order"].search_count([]), count)
        self.assertEqual(order.state, "draft")
        self.assertEqual(len(order.order_line), 3)
        self.assertEqual(self._prices(order, self.discount_product), {"host": -400.0})

    def test_delivery_follows_the_goods(self):
        goods_a, goods_b = self.env["product.template"].create(
            [
                {
                    "name": "Stool",
                    "type": "consu",
                    "list_price": 60.0,
                    "kpa_cooperative_id": self.coop_a.id,
                },
                {
                    "name": "Tote bag",
                    "type": "consu",
                    "list_price": 20.0,
                    "kpa_cooperative_id": self.coop_b.id,
                },
            ]
        )
        # Goods of one cooperative: their order gets the delivery.
        order = self._quotation([(goods_a, 1), (self.service_b1, 1)])
        order.set_delivery_line(self.carrier, 8.0)
        order.action_confirm()
        self.assertEqual(
            self._prices(order, self.delivery_product), {"Coop Alpha": 8.0}
        )
        self.assertEqual(order.carrier_id, self.carrier)
        self.assertFalse(order.kpa_split_order_ids.carrier_id)
        # Goods of two: each order gets its share of the delivery, pro rata
        # of the goods it delivers (60 and 20), and the delivery method.
        order = self._quotation([(goods_a, 1), (goods_b, 1), (self.service_b1, 1)])
        order.set_delivery_line(self.carrier, 8.0)
        total = order.amount_total
        order.action_confirm()
        orders = self._all_orders(order)
        self.assertEqual(
            self._prices(order, self.delivery_product),
            {"Coop Alpha": 6.0, "Coop Beta": 2.0},
        )
        self.assertEqual(orders.carrier_id, self.carrier)
        self.assertAlmostEqual(sum(orders.mapped("amount_total")), total)

    def test_paid_quotation_that_cannot_be_split_is_confirmed(self):
        order = self._quotation(
            [
                (self.service_a1, 1),
                (self.service_b1, 1),
                (self.discount_product, 1, {"price_unit": -400.0}),
            ],
            user_id=self.coordinator_a.id,
        )
        self._setup_payment_provider()
        tx = self.env["payment.transaction"].create(
            {
                "provider_id": self.provider.id,
                "payment_method_id": self.payment_method.id,
                "reference": "KPA-negative",
                "amount": 10.0,
                "currency_id": order.currency_id.id,
                "partner_id": order.partner_id.id,
                "sale_order_ids": [Command.set(order.ids)],
            }
        )
        tx._set_done()
        order.action_confirm()
        orders = self._all_orders(order)
        self.assertEqual(set(orders.mapped("state")), {"sale"})
        # Its salesperson settles it.
        todo = order.activity_ids.filtered(
            lambda activity: activity.summary
            == "Paid order to settle between the cooperatives"
        )
        self.assertEqual(todo.user_id, self.coordinator_a)
        self.assertIn("would be negative", str(todo.note))

    def test_sections_and_notes_follow_the_next_line(self):
        order = self._quotation([(self.service_a1, 1)])
        order.order_line = [
            Command.create(
                {"display_type": "line_section", "name": "Buffet", "sequence": 20}
            ),
            Command.create(
                {
                    "product_id": self.service_b1.product_variant_id.id,
                    "sequence": 21,
                }
            ),
            Command.create(
                {"display_type": "line_note", "name": "Vegetarian", "sequence": 22}
            ),
        ]
        order.action_confirm()
        order_b = order.kpa_split_order_ids
        self.assertEqual(
            order_b.order_line.mapped("display_type"),
            ["line_section", False, "line_note"],
        )
        self.assertEqual(order.order_line.mapped("display_type"), [False])

    # === IDEMPOTENCE === #

    def test_confirming_twice_changes_nothing(self):
        order = self._quotation([(self.service_a1, 1), (self.service_b1, 1)])
        order.action_confirm()
        orders = self._all_orders(order)
        count = self.env["sale.order"].search_count([])
        with self.assertRaises(UserError):
            order.action_confirm()
        with self.assertRaises(UserError):
            orders.action_confirm()
        self.assertEqual(self.env["sale.order"].search_count([]), count)
        self.assertEqual(self._all_orders(order), orders)

    def test_cancelling_one_order_keeps_the_others(self):
        order = self._quotation([(self.service_a1, 1), (self.service_b1, 1)])
        order.action_confirm()
        order_b = order.kpa_split_order_ids
        order_b._action_cancel()
        self.assertEqual(order_b.state, "cancel")
        self.assertEqual(order.state, "sale")
        # Confirmed again, it stays the order of its cooperative.
        order_b.action_draft()
        order_b.action_confirm()
        self.assertEqual(order_b.state, "sale")
        self.assertFalse(order_b.kpa_split_order_ids)
        self.assertEqual(order.kpa_split_order_ids, order_b)

    def test_confirming_one_cooperative_order_leaves_the_others(self):
        quotation_a = self._quotation([(self.service_a1, 1)])
        quotation_b = self._quotation([(self.service_b1, 1)])
        quotation_b.action_confirm()
        self.assertEqual(quotation_a.state, "draft")
        self.assertEqual(quotation_a.order_line.product_id.name, "Sewing workshop")
        self.assertFalse(
            quotation_a.kpa_split_order_ids | quotation_b.kpa_split_order_ids
        )

    def test_confirmed_order_takes_no_service_of_another_cooperative(self):
        order = self._quotation([(self.service_a1, 1)])
        order.action_confirm()
        with self.assertRefused(Exception, "Sell it in a new quotation"):
            order.order_line = [
                Command.create({"product_id": self.service_b1.product_variant_id.id})
            ]

    # === CONFIRMATION OF THE SPLIT ORDERS === #

    @contextmanager
    def _recording_confirmations(self):
        """Record the orders confirmed through the whole action_confirm of
        sale.order (as a module loaded after the marketplace sees them), with
        the superuser flag of their environment."""
        Order = type(self.env["sale.order"])
        original = Order.action_confirm
        confirmed = []

        def action_confirm(orders):
            confirmed.extend((order, orders.env.su) for order in orders)
            return original(orders)

        with patch.object(Order, "action_confirm", action_confirm):
            yield confirmed

    def test_split_orders_are_confirmed_through_the_whole_chain(self):
        order = self._quotation(
            [(self.service_a1, 1), (self.service_b1, 1), (self.host_product, 1)]
        )
        salesperson = self.env["res.users"].create(
            {
                "name": "Salesperson Test",
                "login": "kpa_salesperson_all",
                "email": "kpa_salesperson_all@example.com",
                "company_id": self.host.id,
                "company_ids": [Command.set(self.host.ids)],
                "groups_id": [
                    Command.set(
                        self.env.ref("sales_team.group_sale_salesman_all_leads").ids
                    )
                ],
            }
        )
        with self._recording_confirmations() as confirmed:
            order.with_user(salesperson).action_confirm()
        orders = self._all_orders(order)
        self.assertEqual(len(orders), 3)
        # Each order went through every module's confirmation, once, as the
        # salesperson (who may handle them all), not as superuser.
        self.assertEqual(sorted(o.id for o, _su in confirmed), sorted(orders.ids))
        self.assertEqual({su for _o, su in confirmed}, {False})
        self.assertEqual(set(orders.mapped("state")), {"sale"})

    def test_manager_confirms_every_split_order_with_own_rights(self):
        """A network manager acts in every cooperative of the host: each order
        split off the quotation is confirmed with their rights, none with the
        superuser's (a coordinator sells no other cooperative's services)."""
        quotation = (
            self.env["sale.order"]
            .with_user(self.manager)
            .create(
                {
                    "partner_id": self.customer.id,
                    "order_line": [
                        Command.create(
                            {"product_id": self.service_a1.product_variant_id.id}
                        ),
                        Command.create(
                            {"product_id": self.service_b1.product_variant_id.id}
                        ),
                    ],
                }
            )
        )
        with self._recording_confirmations() as confirmed:
            quotation.action_confirm()
        order_b = quotation.sudo().kpa_split_order_ids
        self.assertEqual(
            {order.id: su for order, su in confirmed},
            {quotation.id: False, order_b.id: False},
        )
        self.assertEqual(order_b.state, "sale")

    # === COOPERATIVE OF A QUOTATION === #

    def test_quotation_without_cooperative_lines_has_no_cooperative(self):
        order = self._quotation([(self.service_a1, 1)])
        self.assertEqual(order.kpa_cooperative_id, self.coop_a)
        with Form(order) as form:
            with form.order_line.edit(0) as line:
                line.product_id = self.host_product.product_variant_id
        self.assertFalse(order.kpa_cooperative_id)
        order.action_confirm()
        invoice = order._create_invoices()
        self.assertFalse(invoice.kpa_cooperative_id)
        self.assertFalse(invoice.journal_id.kpa_cooperative_id)
        invoice.action_post()
        self.assertEqual(invoice.state, "posted")
        # A confirmed order keeps its cooperative whatever happens to its lines.
        confirmed = self._quotation([(self.service_b1, 1)])
        confirmed.action_confirm()
        confirmed.order_line = [
            Command.create({"product_id": self.host_product.product_variant_id.id})
        ]
        confirmed.order_line.filtered(
            lambda line: line.product_id == self.service_b1.product_variant_id
        ).product_uom_qty = 0
        self.assertEqual(confirmed.kpa_cooperative_id, self.coop_b)

    # === NOTIFICATIONS === #

    def test_coordinators_get_a_todo_for_their_new_order(self):
        order = self._quotation([(self.service_a1, 1), (self.service_b1, 1)])
        order.action_confirm()
        order_b = order.kpa_split_order_ids
        self.assertEqual(order.activity_ids.user_id, self.coordinator_a)
        self.assertEqual(order_b.activity_ids.user_id, self.coordinator_b)
        self.assertIn(order_b.name, order_b.activity_ids.summary)
        # Each order's salesperson is one of its cooperative's coordinators.
        self.assertEqual(order_b.user_id, self.coordinator_b)

    # === CLOSED COOPERATIVE === #

    def test_services_of_a_closed_cooperative_cannot_be_sold(self):
        order = self._quotation([(self.service_a1, 1), (self.service_b1, 1)])
        self.coop_b.action_close()
        with self.assertRefused(UserError, "Coop Beta is closed"):
            order.action_confirm()
        self.assertEqual(order.state, "draft")
        self.assertFalse(order.kpa_split_order_ids)
        website = self.env["website"].create(
            {"name": "Shop test", "company_id": self.host.id}
        )
        as_visitor = {"website_id": website.id}
        service_a1, service_b1 = (
            (self.service_a1 | self.service_b1)
            .product_variant_ids.with_user(self.portal_user)
            .with_context(**as_visitor)
        )
        self.assertTrue(service_a1._is_add_to_cart_allowed())
        self.assertFalse(service_b1._is_add_to_cart_allowed())
        shop_products = self.env["product.template"].search(
            website.with_user(self.public_user)
            .with_context(**as_visitor)
            .sale_product_domain()
        )
        self.assertIn(self.service_a1, shop_products)
        self.assertNotIn(self.service_b1, shop_products)
