from unittest.mock import patch

from odoo import Command, fields
from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common import KpaCooperativeCommon


@tagged("post_install", "-at_install")
class TestCooperativeInvoicing(KpaCooperativeCommon):
    with_other_host = True

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.plan = cls.env.ref("kpa_cooperative.analytic_plan_cooperatives")
        cls.column = cls.plan._column_name()
        cls.customer = cls.partner_a
        cls.other_plan = cls.env["account.analytic.plan"].create(
            {"name": "Projects KPA test"}
        )
        cls.project_account = cls.env["account.analytic.account"].create(
            {
                "name": "Project X",
                "plan_id": cls.other_plan.id,
                "company_id": cls.host.id,
            }
        )

    def _invoice(
        self, cooperative, amounts=(1000.0,), move_type="out_invoice", post=True
    ):
        move = self.env["account.move"].create(
            {
                "move_type": move_type,
                "partner_id": self.customer.id,
                "invoice_date": fields.Date.from_string("2025-03-10"),
                "kpa_cooperative_id": cooperative.id if cooperative else False,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "name": f"Service {index}",
                            "product_id": self.product_a.id,
                            "price_unit": amount,
                            "tax_ids": [Command.set(self.tax_sale_a.ids)]
                            if move_type.startswith("out")
                            else [Command.set(self.tax_purchase_a.ids)],
                        }
                    )
                    for index, amount in enumerate(amounts)
                ],
            }
        )
        if post:
            move.action_post()
        return move

    def _balances(self, *accounts, column=None):
        """{analytic account: balance} from the posted books."""
        column = column or self.column
        groups = self.env["account.analytic.line"]._read_group(
            [(column, "in", [a.id for a in accounts])], [column], ["amount:sum"]
        )
        result = dict.fromkeys(accounts, 0.0)
        result.update(dict(groups))
        return result

    # === JOURNAL AND SEQUENCE === #

    def test_invoice_numbered_in_cooperative_journal(self):
        invoice_a = self._invoice(self.coop_a)
        invoice_b = self._invoice(self.coop_b)
        self.assertEqual(invoice_a.journal_id, self.coop_a.journal_id)
        self.assertEqual(invoice_b.journal_id, self.coop_b.journal_id)
        self.assertTrue(invoice_a.name.startswith(f"{self.coop_a.journal_id.code}/"))
        self.assertTrue(invoice_b.name.startswith(f"{self.coop_b.journal_id.code}/"))
        self.assertNotEqual(self.coop_a.journal_id.code, self.coop_b.journal_id.code)
        second_a = self._invoice(self.coop_a)
        self.assertEqual(int(second_a.name[-5:]), int(invoice_a.name[-5:]) + 1)

    def test_form_sets_journal_from_cooperative(self):
        with Form(
            self.env["account.move"].with_context(default_move_type="out_invoice")
        ) as form:
            form.partner_id = self.customer
            self.assertFalse(form.journal_id.kpa_cooperative_id)
            form.kpa_cooperative_id = self.coop_b
            self.assertEqual(form.journal_id, self.coop_b.journal_id)
            form.kpa_cooperative_id = self.env["kpa.cooperative"]
            self.assertFalse(form.journal_id.kpa_cooperative_id)

    def test_plain_invoice_never_in_cooperative_journal(self):
        invoice = self._invoice(None)
        self.assertFalse(invoice.journal_id.kpa_cooperative_id)
        self.assertFalse(invoice.kpa_host_fee_line_ids)

    def test_cooperative_journal_without_cooperative_refused(self):
        invoice = self._invoice(None, post=False)
        invoice.journal_id = self.coop_a.journal_id
        with self.assertRaisesRegex(UserError, "sales journal of Coop Alpha"):
            invoice.action_post()
        self.assertEqual(invoice.state, "draft")

    def test_other_journal_for_cooperative_refused(self):
        invoice = self._invoice(self.coop_a, post=False)
        invoice.journal_id = self.coop_b.journal_id
        with self.assertRaisesRegex(UserError, "sales journal of Coop Beta"):
            invoice.action_post()
        invoice.journal_id = self.company_data["default_journal_sale"]
        with self.assertRaisesRegex(UserError, "numbered in its own journal"):
            invoice.action_post()
        self.assertEqual(invoice.state, "draft")

    def test_cooperative_of_other_host_refused(self):
        with self.assertRaises(UserError):
            self._invoice(self.coop_other, post=False)

    def test_closed_cooperative_sells_nothing(self):
        invoice = self._invoice(self.coop_a)
        self.coop_a.action_close()
        with self.assertRaisesRegex(UserError, "Coop Alpha is closed"):
            self._invoice(self.coop_a)
        # Its history stays, and past sales can still be refunded.
        refund = invoice._reverse_moves(cancel=True)
        self.assertEqual(refund.state, "posted")
        self.assertEqual(refund.kpa_cooperative_id, self.coop_a)

    # === ANALYTIC DISTRIBUTION === #

    def test_every_product_line_carries_cooperative_account(self):
        invoice = self._invoice(self.coop_a, amounts=(100.0, 250.0))
        account_key = str(self.coop_a.analytic_account_id.id)
        product_lines = invoice.invoice_line_ids
        self.assertEqual(len(product_lines), 2)
        for line in product_lines:
            self.assertEqual(line.analytic_distribution, {account_key: 100.0})
        other_lines = invoice.line_ids - product_lines
        self.assertFalse(any(other_lines.mapped("analytic_distribution")))

    def test_other_plans_kept_other_cooperative_replaced(self):
        invoice = self._invoice(self.coop_a, post=False)
        line = invoice.invoice_line_ids
        line.analytic_distribution = {
            str(self.project_account.id): 100.0,
            str(self.coop_b.analytic_account_id.id): 100.0,
        }
        invoice.kpa_cooperative_id = self.coop_a  # unchanged: no recompute
        invoice.kpa_cooperative_id = self.coop_b
        invoice.kpa_cooperative_id = self.coop_a
        self.assertEqual(
            line.analytic_distribution,
            {
                str(self.project_account.id): 100.0,
                str(self.coop_a.analytic_account_id.id): 100.0,
            },
        )
        invoice.action_post()
        project_balances = self._balances(
            self.project_account, column=self.other_plan._column_name()
        )
        self.assertEqual(project_balances[self.project_account], 1000.0)

    def test_line_outside_books_refused(self):
        invoice = self._invoice(self.coop_a, post=False)
        invoice.invoice_line_ids.analytic_distribution = {
            str(self.project_account.id): 100.0
        }
        with self.assertRaisesRegex(UserError, "goes to its books"):
            invoice.action_post()
        self.assertEqual(invoice.state, "draft")

    def test_vendor_bill_lands_in_cooperative_books(self):
        bill = self._invoice(self.coop_a, amounts=(300.0,), move_type="in_invoice")
        self.assertEqual(bill.journal_id.type, "purchase")
        self.assertEqual(
            bill.invoice_line_ids.analytic_distribution,
            {str(self.coop_a.analytic_account_id.id): 100.0},
        )
        self.assertFalse(bill.kpa_host_fee_line_ids, "no host fee on expenses")
        account = self.coop_a.analytic_account_id
        self.assertEqual(self._balances(account)[account], -300.0)

    # === LEGAL MENTION === #

    def test_legal_mention_on_invoice_and_pdf(self):
        invoice = self._invoice(self.coop_a)
        self.assertEqual(
            invoice.kpa_legal_mention, "Host Structure Test, on behalf of Coop Alpha"
        )
        self.coop_a.write({"street": "140 boulevard d'Armentières", "city": "Roubaix"})
        # The PDF speaks the customer's language (test_legal_mention_in_french
        # checks the French mention); whatever the database's language, this
        # customer reads English.
        invoice.partner_id.lang = "en_US"
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("account.report_invoice", invoice.ids)[0]
            .decode()
        )
        self.assertIn("Host Structure Test, on behalf of Coop Alpha", html)
        self.assertIn("Roubaix", html)
        plain = self._invoice(None)
        self.assertFalse(plain.kpa_legal_mention)
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("account.report_invoice", plain.ids)[0]
            .decode()
        )
        self.assertNotIn("on behalf of", html)

    def test_legal_mention_in_french(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(["kpa_cooperative"], ["fr_FR"])
        invoice = self._invoice(self.coop_a).with_context(lang="fr_FR")
        self.assertEqual(
            invoice.kpa_legal_mention,
            "Host Structure Test, pour le compte de Coop Alpha",
        )

    # === HOST FEE === #

    def test_host_fee_booked_on_post(self):
        invoice = self._invoice(self.coop_a, amounts=(1000.0, 500.0))  # rate 10 %
        self.assertEqual(invoice.kpa_host_fee_rate, 10.0)
        self.assertEqual(invoice.kpa_host_fee_amount, 150.0)
        fee_lines = invoice.kpa_host_fee_line_ids
        self.assertEqual(len(fee_lines), 2)
        self.assertEqual(set(fee_lines.mapped("category")), {"kpa_host_fee"})
        host_account = self.host.kpa_host_analytic_account_id
        coop_account = self.coop_a.analytic_account_id
        self.assertEqual(host_account.plan_id, self.plan)
        balances = self._balances(coop_account, host_account)
        self.assertEqual(balances[coop_account], 1500.0 - 150.0)
        self.assertEqual(balances[host_account], 150.0)
        self.assertEqual(self.coop_a.analytic_balance, 1350.0)

    def test_host_account_made_with_the_first_cooperative(self):
        """Posting never writes the host company: invoices posted at the same
        time would otherwise conflict on its row."""
        company = self.env["res.company"].create({"name": "New Host"})
        self.assertFalse(company.kpa_host_analytic_account_id)
        self.env["kpa.cooperative"].create(
            {"name": "Coop Nouvelle", "company_id": company.id}
        )
        self.assertEqual(company.kpa_host_analytic_account_id.plan_id, self.plan)
        self.assertEqual(company.kpa_host_analytic_account_id.company_id, company)
        host_account = self.host.kpa_host_analytic_account_id
        self.assertTrue(host_account)
        self.env.flush_all()
        with patch.object(
            type(self.env["res.company"]), "write", side_effect=AssertionError
        ):
            invoice = self._invoice(self.coop_a)
        self.assertEqual(
            set(invoice.kpa_host_fee_line_ids.mapped(self.column)),
            {host_account, self.coop_a.analytic_account_id},
        )

    def test_host_fee_reversed_by_credit_note(self):
        invoice = self._invoice(self.coop_a)
        refund = invoice._reverse_moves(cancel=True)
        self.assertEqual(refund.move_type, "out_refund")
        self.assertEqual(refund.journal_id, self.coop_a.journal_id)
        self.assertEqual(refund.kpa_host_fee_amount, -100.0)
        coop_account = self.coop_a.analytic_account_id
        host_account = self.host.kpa_host_analytic_account_id
        balances = self._balances(coop_account, host_account)
        self.assertEqual(balances[coop_account], 0.0)
        self.assertEqual(balances[host_account], 0.0)

    def test_host_fee_removed_on_reset_to_draft(self):
        invoice = self._invoice(self.coop_a)
        invoice.button_draft()
        self.assertFalse(invoice.kpa_host_fee_line_ids)
        self.assertEqual(invoice.kpa_host_fee_amount, 0.0)
        coop_account = self.coop_a.analytic_account_id
        self.assertEqual(self._balances(coop_account)[coop_account], 0.0)
        # Posting again books it once, at the rate of the day.
        self.coop_a.host_fee_rate = 20.0
        invoice.action_post()
        self.assertEqual(len(invoice.kpa_host_fee_line_ids), 2)
        self.assertEqual(self._balances(coop_account)[coop_account], 800.0)
        invoice.button_cancel()
        self.assertFalse(invoice.kpa_host_fee_line_ids)

    def test_host_fee_rates_zero_and_hundred(self):
        self.coop_a.host_fee_rate = 0.0
        free = self._invoice(self.coop_a)
        self.assertFalse(free.kpa_host_fee_line_ids)
        self.assertEqual(free.kpa_host_fee_amount, 0.0)
        self.coop_b.host_fee_rate = 100.0
        full = self._invoice(self.coop_b, amounts=(420.0,))
        self.assertEqual(full.kpa_host_fee_amount, 420.0)
        account = self.coop_b.analytic_account_id
        self.assertEqual(self._balances(account)[account], 0.0)

    def test_later_rate_change_keeps_posted_fee(self):
        invoice = self._invoice(self.coop_a)
        self.coop_a.host_fee_rate = 50.0
        self.assertEqual(invoice.kpa_host_fee_amount, 100.0)
        account = self.coop_a.analytic_account_id
        self.assertEqual(self._balances(account)[account], 900.0)

    def test_host_fee_batch_posting_queries(self):
        invoices = self.env["account.move"].concat(
            *(
                self._invoice(coop, post=False)
                for coop in (self.coop_a, self.coop_b) * 3
            )
        )
        self.env.flush_all()
        self.env.invalidate_all()
        # The customer is subscribed to the six invoices at once (172 before).
        with self.assertQueryCount(152):  # 147 measured
            invoices.action_post()
        self.assertEqual(len(invoices.kpa_host_fee_line_ids), 12)
        self.assertEqual(
            invoices.mapped("kpa_host_fee_amount"),
            [100.0, 50.0, 100.0, 50.0, 100.0, 50.0],
        )

    def test_posted_invoice_changes_only_through_its_flows(self):
        """Issue 9: written directly, a posted invoice of a cooperative takes
        only notes and follow-up, even from its host's accountants; its
        flows (reset to draft, cancel) still write it."""
        invoice = self._invoice(self.coop_a)
        accountant = invoice.with_user(self.accountant)
        accountant.write({"narration": "<p>Paid by transfer</p>", "ref": "PO 7"})
        self.assertEqual(invoice.ref, "PO 7")
        for vals in (
            {"amount_total": invoice.amount_total + 1},
            {"state": "draft"},
            {"name": "FAC/0001"},
            {"invoice_date_due": "2030-01-01"},
            {"ref": "PO 8", "payment_state": "paid"},
        ):
            with self.subTest(vals=vals):
                before = invoice.read(list(vals))
                with self.assertRaises(UserError), self.env.cr.savepoint():
                    accountant.write(vals)
                self.env.invalidate_all()
                self.assertEqual(invoice.read(list(vals)), before)
        accountant.button_draft()
        self.assertEqual(invoice.state, "draft")
        accountant.write({"invoice_date_due": "2030-01-01"})
        accountant.action_post()
        self.assertEqual(invoice.state, "posted")
        accountant.button_draft()
        accountant.button_cancel()
        self.assertEqual(invoice.state, "cancel")

    def test_posted_invoice_keeps_its_cooperative(self):
        """Issue 9: a posted invoice of a cooperative keeps its cooperative
        and host fee; reset to draft, it may go to another cooperative of
        its host (its accountants keep every cooperative's books)."""
        invoice = self._invoice(self.coop_a)
        accountant = invoice.with_user(self.accountant)
        accountant.write({"ref": "Order 42"})
        self.assertEqual(invoice.ref, "Order 42")
        for vals in (
            {"kpa_cooperative_id": self.coop_b.id},
            {"kpa_cooperative_id": False},
            {"kpa_host_fee_rate": 50.0},
            {"kpa_host_fee_amount": 0.0},
        ):
            with self.subTest(vals=vals):
                fname = next(iter(vals))
                before = invoice.read([fname])
                with self.assertRaises(UserError), self.env.cr.savepoint():
                    accountant.write(vals)
                self.env.invalidate_all()
                self.assertEqual(invoice.read([fname]), before)
        accountant.button_draft()
        accountant.write({"kpa_cooperative_id": self.coop_b.id})
        self.assertEqual(invoice.kpa_cooperative_id, self.coop_b)

    def test_posting_subscribes_the_customer_once_for_all_invoices(self):
        invoices = self.env["account.move"].concat(
            *(self._invoice(coop, post=False) for coop in (self.coop_a, self.coop_b))
        )
        future = self._invoice(self.coop_a, post=False)
        future.invoice_date = fields.Date.add(fields.Date.today(), days=10)
        self.assertNotIn(self.customer, invoices.message_partner_ids)
        (invoices | future)._post(soft=True)
        self.assertEqual(set(invoices.mapped("state")), {"posted"})
        for invoice in invoices:
            self.assertIn(self.customer, invoice.message_partner_ids)
        # A document dated in the future waits to be posted: not followed yet.
        self.assertEqual(future.state, "draft")
        self.assertNotIn(self.customer, future.message_partner_ids)
