from odoo import Command
from odoo.tests import tagged

from .common import KpaMarketplaceCommon


@tagged("post_install", "-at_install")
class TestPaymentOfSplitOrders(KpaMarketplaceCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_payment_provider()

    def test_one_payment_confirms_and_pays_every_split_order(self):
        order = self._quotation(
            [(self.service_a1, 1), (self.service_b1, 2), (self.host_product, 1)]
        )
        total = order.amount_total
        tx = self._pay(order)
        orders = order | order.kpa_split_order_ids
        self.assertEqual(len(orders), 3)
        self.assertEqual(set(orders.mapped("state")), {"sale"})
        self.assertEqual(tx.sale_order_ids, orders)
        self.assertEqual(orders.transaction_ids, tx)
        # Each order is paid for its own amount, not for the whole payment.
        for each in orders:
            self.assertAlmostEqual(each.amount_paid, each.amount_total)
            self.assertTrue(each._is_paid())
        self.assertAlmostEqual(sum(orders.mapped("amount_paid")), total)
        self.assertAlmostEqual(tx.amount, total)

    def test_automatic_invoicing_gives_one_invoice_per_order(self):
        self.env["ir.config_parameter"].sudo().set_param("sale.automatic_invoice", True)
        order = self._quotation([(self.service_a1, 1), (self.service_b1, 1)])
        tx = self._pay(order)
        orders = order | order.kpa_split_order_ids
        self.assertEqual(len(tx.invoice_ids), 2)
        for each in orders:
            self.assertEqual(len(each.invoice_ids), 1)
            self.assertEqual(each.invoice_ids.state, "posted")
            self.assertAlmostEqual(each.invoice_ids.amount_total, each.amount_total)
        self.assertEqual(
            sorted(tx.invoice_ids.mapped("payment_state")),
            ["in_payment", "in_payment"]
            if tx.invoice_ids[:1].payment_state == "in_payment"
            else ["paid", "paid"],
        )

    def test_partial_payment_pays_the_orders_in_turn(self):
        order = self._quotation([(self.service_a1, 1), (self.service_b1, 1)])
        order.action_confirm()
        orders = order | order.kpa_split_order_ids
        amount = orders[0].amount_total + 10.0
        tx = self._pay(order, amount=amount)
        tx.sale_order_ids = [Command.set(orders.ids)]
        orders.invalidate_recordset(["amount_paid"])
        self.assertAlmostEqual(orders[0].amount_paid, orders[0].amount_total)
        self.assertAlmostEqual(orders[1].amount_paid, 10.0)
