from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import KpaMarketplaceCommon


@tagged("post_install", "-at_install")
class TestInvoicingThroughTheHost(KpaMarketplaceCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.order = cls._quotation(
            [(cls.service_a1, 2), (cls.service_b1, 1), (cls.service_a2, 1)]
        )
        cls.order.action_confirm()
        cls.order_a = cls.order
        cls.order_b = cls.order.kpa_split_order_ids
        cls.plan_column = cls.env.ref(
            "kpa_cooperative.analytic_plan_cooperatives"
        )._column_name()

    def _invoice(self, orders, user=None):
        invoices = (orders.with_user(user) if user else orders)._create_invoices()
        return invoices.sudo(False).with_env(self.env)

    def _balance(self, cooperative):
        lines = self.env["account.analytic.line"].search(
            [(self.plan_column, "=", cooperative.analytic_account_id.id)]
        )
        return round(sum(lines.mapped("amount")), 2)

    def test_each_order_is_invoiced_in_its_cooperative_journal(self):
        invoices = self._invoice(self.order_a | self.order_b)
        self.assertEqual(len(invoices), 2)
        invoice_a = self.order_a.invoice_ids
        invoice_b = self.order_b.invoice_ids
        self.assertEqual(invoices, invoice_a | invoice_b)
        for invoice, cooperative, order in (
            (invoice_a, self.coop_a, self.order_a),
            (invoice_b, self.coop_b, self.order_b),
        ):
            self.assertEqual(invoice.kpa_cooperative_id, cooperative)
            self.assertEqual(invoice.company_id, self.host)
            self.assertEqual(invoice.journal_id, cooperative.journal_id)
            self.assertAlmostEqual(invoice.amount_total, order.amount_total)
            for line in invoice.invoice_line_ids:
                self.assertEqual(
                    line.analytic_distribution,
                    {str(cooperative.analytic_account_id.id): 100.0},
                )
            self.assertEqual(
                invoice.kpa_legal_mention,
                f"Host Structure Test, on behalf of {cooperative.name}",
            )
        invoices.with_user(self.accountant).action_post()
        # Each cooperative numbers its invoices in its own sequence.
        self.assertTrue(invoice_a.name.startswith(self.coop_a.journal_id.code))
        self.assertTrue(invoice_b.name.startswith(self.coop_b.journal_id.code))
        self.assertTrue(invoice_a.name.endswith("/00001"))
        self.assertTrue(invoice_b.name.endswith("/00001"))

    def test_coordinators_follow_their_invoices_without_an_email(self):
        """Each invoice is followed by its salesperson (the cooperative's
        coordinator), with the subtypes Odoo gives a salesperson, and no
        assignment email is sent."""
        orders = self.order_a | self.order_b
        Subtype = self.env["mail.message.subtype"]
        subtypes = Subtype._get_auto_subscription_subtypes("account.move")[1]
        mails = self.env["mail.mail"].search_count([])
        invoices = self._invoice(orders)
        for invoice in invoices:
            user = invoice.invoice_user_id
            self.assertTrue(user)
            follower = invoice.message_follower_ids.filtered(
                lambda f, partner=user.partner_id: f.partner_id == partner
            )
            self.assertEqual(follower.subtype_ids.ids, sorted(subtypes), invoice.name)
        self.assertEqual(self.env["mail.mail"].search_count([]), mails)
        self.assertFalse(
            invoices.message_ids.filtered(
                lambda message: "assigned" in (message.body or "")
            )
        )

    def test_host_order_is_invoiced_by_the_host_alone(self):
        order = self._quotation([(self.service_a1, 1), (self.host_product, 1)])
        order.action_confirm()
        invoices = self._invoice(order | order.kpa_split_order_ids)
        host_invoice = order.invoice_ids
        self.assertFalse(host_invoice.kpa_cooperative_id)
        self.assertFalse(host_invoice.journal_id.kpa_cooperative_id)
        self.assertEqual(len(invoices), 2)
        invoices.action_post()
        self.assertFalse(host_invoice.kpa_host_fee_line_ids)

    def test_host_fee_booked_reversed_and_removed(self):
        invoice = self._invoice(self.order_a)
        untaxed = invoice.amount_untaxed
        self.assertAlmostEqual(untaxed, 240.0)
        invoice.with_user(self.accountant).action_post()
        # Coop Alpha gives 10 % to its host.
        self.assertAlmostEqual(invoice.kpa_host_fee_amount, 24.0)
        self.assertEqual(len(invoice.kpa_host_fee_line_ids), 2)
        self.assertEqual(self._balance(self.coop_a), 216.0)
        self.assertAlmostEqual(self.coop_a.analytic_balance, 216.0)

        invoice.button_draft()
        self.assertFalse(invoice.kpa_host_fee_line_ids)
        self.assertEqual(self._balance(self.coop_a), 0.0)
        invoice.action_post()
        self.assertEqual(self._balance(self.coop_a), 216.0)

        # A credit note (from the invoice) reverses revenue and fee.
        reversal = (
            self.env["account.move.reversal"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"journal_id": invoice.journal_id.id, "reason": "Cancelled"})
        )
        credit_note = self.env["account.move"].browse(
            reversal.reverse_moves()["res_id"]
        )
        self.assertEqual(credit_note.move_type, "out_refund")
        self.assertEqual(credit_note.kpa_cooperative_id, self.coop_a)
        self.assertEqual(credit_note.journal_id, self.coop_a.journal_id)
        self.assertEqual(
            credit_note.kpa_legal_mention,
            "Host Structure Test, on behalf of Coop Alpha",
        )
        credit_note.action_post()
        self.assertAlmostEqual(credit_note.kpa_host_fee_amount, -24.0)
        self.assertEqual(self._balance(self.coop_a), 0.0)
        self.assertEqual(self.order_a.invoice_ids, invoice | credit_note)

    def test_host_fee_rates_zero_and_hundred(self):
        self.coop_a.host_fee_rate = 0.0
        self.coop_b.host_fee_rate = 100.0
        invoices = self._invoice(self.order_a | self.order_b)
        invoices.action_post()
        invoice_a, invoice_b = self.order_a.invoice_ids, self.order_b.invoice_ids
        self.assertEqual(invoice_a.kpa_host_fee_amount, 0.0)
        self.assertFalse(invoice_a.kpa_host_fee_line_ids)
        self.assertEqual(self._balance(self.coop_a), 240.0)
        self.assertAlmostEqual(invoice_b.kpa_host_fee_amount, 250.0)
        self.assertEqual(self._balance(self.coop_b), 0.0)

    def test_analytic_distribution_of_the_order_line_gives_way(self):
        other_plan = self.env["account.analytic.plan"].create({"name": "Projects"})
        project = self.env["account.analytic.account"].create(
            {"name": "Project X", "plan_id": other_plan.id}
        )
        line = self.order_a.order_line[:1]
        line.analytic_distribution = {
            str(project.id): 100.0,
            str(self.coop_b.analytic_account_id.id): 100.0,
        }
        invoice = self._invoice(self.order_a)
        invoice_line = invoice.invoice_line_ids.filtered(
            lambda inv_line: inv_line.sale_line_ids == line
        )
        self.assertEqual(
            invoice_line.analytic_distribution,
            {
                str(project.id): 100.0,
                str(self.coop_a.analytic_account_id.id): 100.0,
            },
        )
        invoice.action_post()

    def test_pdf_shows_the_legal_mention_in_french(self):
        self.customer.lang = "fr_FR"
        invoice = self._invoice(self.order_b)
        invoice.action_post()
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("account.account_invoices", invoice.ids)[0]
            .decode()
        )
        self.assertIn("Host Structure Test, pour le compte de Coop Beta", html)

    def test_coordinators_read_only_their_invoices(self):
        # Each coordinator invoices their own order; not the other one's.
        self.assertFalse(self._invoice(self.order_b, user=self.coordinator_a))
        invoice_a = self._invoice(self.order_a, user=self.coordinator_a)
        invoice_b = self._invoice(self.order_b, user=self.coordinator_b)
        invoices = invoice_a | invoice_b
        self.assertEqual(len(invoices), 2)
        Move = self.env["account.move"]
        self.assertEqual(
            Move.with_user(self.coordinator_a).search(
                [("move_type", "=", "out_invoice")]
            ),
            invoice_a,
        )
        with self.assertRaises(AccessError):
            invoice_b.with_user(self.coordinator_a).read(["name"])
        with self.assertRaises(AccessError):
            invoice_b.invoice_line_ids.with_user(self.coordinator_a).read(["name"])
        self.assertEqual(
            Move.with_user(self.coordinator_b).search(
                [("move_type", "=", "out_invoice")]
            ),
            invoice_b,
        )
        # The network manager reads both; the invoicing analysis follows suit.
        self.assertEqual(
            Move.with_user(self.manager).search(
                [("move_type", "=", "out_invoice"), ("id", "in", invoices.ids)]
            ),
            invoices,
        )
        invoices.action_post()
        self.env.flush_all()
        Report = self.env["account.invoice.report"]
        self.assertEqual(
            [
                group[0]
                for group in Report.with_user(self.coordinator_b)._read_group(
                    [], ["kpa_cooperative_id"]
                )
            ],
            [self.coop_b],
        )
        totals = dict(
            Report.with_user(self.manager)._read_group(
                [("kpa_cooperative_id", "!=", False)],
                ["kpa_cooperative_id"],
                ["price_subtotal:sum"],
            )
        )
        self.assertEqual(totals, {self.coop_a: 240.0, self.coop_b: 250.0})

    def test_salesperson_of_another_cooperative_invoices_nothing(self):
        """A coordinator of A named salesperson of B's order neither reads,
        confirms nor invoices it: the "own documents" rules give nothing on
        a cooperative's orders and invoices."""
        self.order_b.user_id = self.coordinator_a
        order_b = self.order_b.with_user(self.coordinator_a)
        with self.assertRaises(AccessError):
            order_b.read(["name"])
        self.assertFalse(self._invoice(self.order_b, user=self.coordinator_a))
        self.assertFalse(self.order_b.invoice_ids)
        invoice_b = self._invoice(self.order_b)
        invoice_b.invoice_user_id = self.coordinator_a
        with self.assertRaises(AccessError):
            invoice_b.with_user(self.coordinator_a).read(["name"])
        invoice_b.action_post()
        Sending = self.env["account.move.send.wizard"].with_user(self.coordinator_a)
        with self.assertRaises(AccessError):
            Sending.with_context(
                active_model="account.move", active_ids=invoice_b.ids
            ).create({"move_id": invoice_b.id})
        Batch = self.env["account.move.send.batch.wizard"]
        with self.assertRaises(AccessError):
            Batch.with_user(self.coordinator_a).create(
                {"move_ids": [Command.set(invoice_b.ids)]}
            )
        Batch.with_user(self.coordinator_b).create(
            {"move_ids": [Command.set(invoice_b.ids)]}
        )
        # B's coordinator sends it.
        self.env["account.move.send.wizard"].with_user(self.coordinator_b).with_context(
            active_model="account.move", active_ids=invoice_b.ids
        ).create({"move_id": invoice_b.id})
        quotation_b = self._quotation([(self.service_b1, 1)])
        quotation_b.user_id = self.coordinator_a
        with self.assertRaises(AccessError):
            quotation_b.with_user(self.coordinator_a).action_confirm()
        self.assertEqual(quotation_b.state, "draft")

    def test_invoicing_journal_of_the_order_gives_way_to_the_cooperative(self):
        """An order's "Invoicing Journal" never makes posting a cooperative's
        invoice fail: the cooperative's journal applies."""
        order = self._quotation([(self.service_a1, 1)])
        order.journal_id = self.company_data["default_journal_sale"]
        order.action_confirm()
        invoice = self._invoice(order)
        self.assertEqual(invoice.journal_id, self.coop_a.journal_id)
        invoice.with_user(self.accountant).action_post()
        self.assertEqual(invoice.state, "posted")

    def test_portal_customer_reads_own_invoices_only(self):
        portal_partner = self.portal_user.partner_id
        order = self._quotation(
            [(self.service_a1, 1), (self.service_b1, 1)],
            partner_id=portal_partner.id,
        )
        order.action_confirm()
        orders = order | order.kpa_split_order_ids
        invoices = self._invoice(orders)
        invoices.action_post()
        other = self._invoice(self.order_a)
        other.action_post()
        self.assertEqual(
            self.env["account.move"]
            .with_user(self.portal_user)
            .search([("move_type", "=", "out_invoice")]),
            invoices,
        )
        with self.assertRaises(AccessError):
            other.with_user(self.portal_user).read(["name"])
        self.assertEqual(
            self.env["sale.order"].with_user(self.portal_user).search([]), orders
        )
