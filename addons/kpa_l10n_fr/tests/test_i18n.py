from odoo.tests import TransactionCase, tagged

from odoo.addons.kpa_cooperative.tests.i18n_common import (
    FrenchTranslationFileChecks,
    load_french,
)

from .common import KpaL10nFrCommon
from .edi_tools import pdf_text

MODULE = "kpa_l10n_fr"


@tagged("post_install", "-at_install")
class TestFrenchTranslationFile(FrenchTranslationFileChecks, TransactionCase):
    module = MODULE
    minimum_terms = 50


@tagged("post_install", "-at_install")
class TestFrenchInvoice(KpaL10nFrCommon):
    """A French customer reads the legal mentions of the PDF in French, and
    the e-invoice's note is the same mention, word for word."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        load_french(cls.env, ["kpa_cooperative", MODULE])
        cls.business_customer.lang = "fr_FR"

    def test_pdf_mentions_read_in_french(self):
        invoice = self._coop_invoice(self.business_customer)
        pdf, _type = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf("account.account_invoices", invoice.ids)
        )
        text = pdf_text(pdf)
        for mention in (
            "Vendeur : Host Structure Test, SCIC SAS à capital variable au capital "
            "de 2 000,00 €",
            "SIREN 899 123 459",
            "N° TVA FR15899123459",
            "Host Structure Test, pour le compte de Coop Alpha",
            "Pas d'escompte pour paiement anticipé.",
            "Pénalités de retard : 12,00 % par an",
            "Indemnité forfaitaire pour frais de recouvrement due par un·e client·e "
            "professionnel·le en cas de retard de paiement : 40,00 €",
        ):
            self.assertIn(mention, text)
        notes = [
            note["content"]
            for note in invoice.with_context(lang="fr_FR")._kpa_edi_notes()
        ]
        self.assertEqual(notes[0], "Host Structure Test, pour le compte de Coop Alpha")
        self.assertIn(notes[0], text)
