from odoo.tests import tagged

from .common import HOST_VAT, KpaL10nFrCommon
from .edi_tools import pdf_text


@tagged("post_install", "-at_install")
class TestInvoicePdfMentions(KpaL10nFrCommon):
    """The PDF that wkhtmltopdf prints carries, in its extracted text, every
    mention French law requires, whatever the engine does of header and
    footer."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.invoice = cls._coop_invoice(cls.business_customer)
        cls.credit_note = cls._coop_invoice(
            cls.business_customer, move_type="out_refund", quantity=1.0
        )
        cls.invoice_to_person = cls._coop_invoice(cls.person)

    def _pdf_text(self, move):
        pdf, report_type = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf("account.account_invoices", move.ids)
        )
        self.assertEqual(report_type, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"), "wkhtmltopdf printed no PDF")
        return pdf_text(pdf)

    def assertMentions(self, text, move):
        expected = [
            # The seller: name, legal form and capital, address, numbers.
            "Seller: Host Structure Test, SCIC SAS à capital variable with a share "
            "capital of 2,000.00 €",
            "23 rue de l'Alma, 59100 Roubaix, France",
            "SIREN 899 123 459",
            "SIRET 899 123 459 00013",
            "RCS Lille Métropole",
            f"VAT number {HOST_VAT}",
            # On behalf of the cooperative, with its contact.
            "Host Structure Test, on behalf of Coop Alpha",
            "Rue d'Arras",
            "alpha@coop.example",
            # The customer.
            "Centre Social Test",
            "12 rue de l'Épeule",
            # Number, dates, VAT breakdown.
            move.name,
            "03/10/2026",
            "20%",
            f"{move.amount_tax:.2f}",
            f"{move.amount_untaxed:.2f}",
            # Payment terms, penalties, recovery costs.
            "Payment terms: due on",
            "No discount for early payment.",
            "Late-payment penalties: 12.00 % a year, from the day after the due date.",
            "Fixed compensation for recovery costs owed by a business customer who "
            "pays late: 40.00 €",
        ]
        missing = [mention for mention in expected if mention not in text]
        self.assertFalse(
            missing, f"missing on {move.name}: {missing}\nPDF text: {text}"
        )

    def test_invoice_carries_every_mention(self):
        self.assertMentions(self._pdf_text(self.invoice), self.invoice)

    def test_credit_note_carries_every_mention(self):
        text = self._pdf_text(self.credit_note)
        self.assertIn("Credit Note", text)
        self.assertMentions(text, self.credit_note)

    def test_individual_customer_owes_no_recovery_compensation(self):
        text = self._pdf_text(self.invoice_to_person)
        self.assertIn("Late-payment penalties", text)
        self.assertNotIn("Fixed compensation for recovery costs", text)

    def test_legal_rate_when_the_host_sets_none(self):
        self.host.kpa_late_payment_rate = 0.0
        self.assertIn(
            "Late-payment penalties: the most recent refinancing rate of the "
            "European Central Bank plus 10 points",
            self._pdf_text(self.invoice),
        )

    def test_share_capital_left_out_for_an_association(self):
        self.host.write(
            {"kpa_legal_form": "Association loi 1901", "kpa_share_capital": 0}
        )
        text = self._pdf_text(self.invoice)
        self.assertIn("Seller: Host Structure Test, Association loi 1901 ·", text)
        self.assertNotIn("share capital", text)
