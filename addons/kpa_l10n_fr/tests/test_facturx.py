import io

from lxml import etree
from pypdf import PdfReader

from odoo.tests import tagged

from .common import HOST_SIRET, HOST_VAT, KpaL10nFrCommon
from .edi_tools import facturx_xml_from_pdf, pdf_text, validate_facturx, validate_ubl

NS = {
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "ram": "urn:un:unece:uncefact:data:standard:"
    "ReusableAggregateBusinessInformationEntity:100",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
}
SELLER = "//ram:ApplicableHeaderTradeAgreement/ram:SellerTradeParty"


@tagged("post_install", "-at_install")
class TestFacturX(KpaL10nFrCommon):
    """A cooperative's invoice PDF carries a Factur-X XML (EN 16931) that the
    official XSD and schematron accept, naming the host as the seller and the
    cooperative as its trading name, with the legal mention as a note."""

    def assertAccepted(self, messages):
        self.assertFalse(
            messages, "the validator rejects the XML:\n" + "\n".join(messages)
        )

    def _facturx_of(self, move):
        pdf = self._send(move)
        file_name, xml = facturx_xml_from_pdf(pdf)
        self.assertEqual(file_name, "factur-x.xml")
        return pdf, xml

    def assertSellerAndNote(self, move, pdf, xml):
        tree = etree.fromstring(xml)
        self.assertEqual(
            tree.xpath(
                "string(//ram:GuidelineSpecifiedDocumentContextParameter/ram:ID)",
                namespaces=NS,
            ),
            "urn:cen.eu:en16931:2017",
        )
        # BT-27, BT-30, BT-31: the host, the legal entity.
        self.assertEqual(
            tree.xpath(f"string({SELLER}/ram:Name)", namespaces=NS), self.host.name
        )
        self.assertEqual(
            tree.xpath(
                f"string({SELLER}/ram:SpecifiedLegalOrganization/ram:ID)", namespaces=NS
            ),
            HOST_SIRET,
        )
        self.assertEqual(
            tree.xpath(
                f"string({SELLER}/ram:SpecifiedTaxRegistration/ram:ID)", namespaces=NS
            ),
            HOST_VAT,
        )
        # BT-28: the cooperative, as trading name.
        self.assertEqual(
            tree.xpath(
                f"string({SELLER}/ram:SpecifiedLegalOrganization/ram:TradingBusinessName)",
                namespaces=NS,
            ),
            "Coop Alpha",
        )
        # BT-22: the legal mention, word for word as on the PDF.
        notes = tree.xpath(
            "//rsm:ExchangedDocument/ram:IncludedNote/ram:Content/text()", namespaces=NS
        )
        self.assertEqual(notes[0], "Host Structure Test, on behalf of Coop Alpha")
        self.assertIn(notes[0], pdf_text(pdf))
        # The French payment mentions, with their subject codes.
        codes = tree.xpath(
            "//rsm:ExchangedDocument/ram:IncludedNote/ram:SubjectCode/text()",
            namespaces=NS,
        )
        self.assertEqual(codes, ["AAB", "PMD", "PMT"])

    def assertPdfDeclaresEN16931(self, pdf):
        reader = PdfReader(io.BytesIO(pdf))
        root = reader.trailer["/Root"]
        metadata = root["/Metadata"].get_object().get_data()
        self.assertIn(b"<fx:ConformanceLevel>EN 16931</fx:ConformanceLevel>", metadata)
        self.assertIn(b"<pdfaid:part>3</pdfaid:part>", metadata)
        # Odoo's PDF/A conversion went to its end (its last step names Odoo
        # as the producer), with the colour profile PDF/A asks for.
        self.assertIn("/OutputIntents", root)
        self.assertEqual(reader.metadata.producer, "Odoo")

    def test_invoice_facturx_accepted(self):
        invoice = self._coop_invoice(self.business_customer)
        pdf, xml = self._facturx_of(invoice)
        self.assertAccepted(validate_facturx(xml))
        self.assertSellerAndNote(invoice, pdf, xml)
        self.assertPdfDeclaresEN16931(pdf)
        self.assertEqual(
            etree.fromstring(xml).xpath(
                "string(//rsm:ExchangedDocument/ram:TypeCode)", namespaces=NS
            ),
            "380",
        )

    def test_credit_note_facturx_accepted(self):
        credit_note = self._coop_invoice(
            self.business_customer, move_type="out_refund", quantity=1.0
        )
        pdf, xml = self._facturx_of(credit_note)
        self.assertAccepted(validate_facturx(xml))
        self.assertSellerAndNote(credit_note, pdf, xml)
        self.assertPdfDeclaresEN16931(pdf)
        self.assertEqual(
            etree.fromstring(xml).xpath(
                "string(//rsm:ExchangedDocument/ram:TypeCode)", namespaces=NS
            ),
            "381",
        )

    def test_facturx_by_default_for_cooperative_invoices(self):
        # A customer without a country: Odoo suggests no format at all.
        walk_in = self.env["res.partner"].create({"name": "Walk-in Test"})
        self.assertFalse(walk_in.invoice_edi_format)
        invoice = self._coop_invoice(walk_in)
        self.assertEqual(
            self.env["account.move.send"]._get_default_invoice_edi_format(invoice),
            "facturx",
        )
        # Unless the customer says they want none.
        walk_in.invoice_edi_format_store = "none"
        self.assertFalse(
            self.env["account.move.send"]._get_default_invoice_edi_format(invoice)
        )

    def test_ubl_for_customers_who_ask_for_it(self):
        self.business_customer.invoice_edi_format = "ubl_bis3"
        invoice = self._coop_invoice(self.business_customer)
        self._send(invoice)
        xml = invoice.ubl_cii_xml_id.raw
        self.assertTrue(xml, "no UBL file was attached")
        self.assertAccepted(validate_ubl(xml))
        tree = etree.fromstring(xml)
        party = "//cac:AccountingSupplierParty/cac:Party"
        self.assertEqual(
            tree.xpath(f"string({party}/cac:PartyName/cbc:Name)", namespaces=NS),
            "Coop Alpha",
        )
        self.assertEqual(
            tree.xpath(
                f"string({party}/cac:PartyLegalEntity/cbc:RegistrationName)",
                namespaces=NS,
            ),
            self.host.name,
        )
        note = tree.xpath("string(/*/cbc:Note)", namespaces=NS)
        self.assertTrue(
            note.startswith("Host Structure Test, on behalf of Coop Alpha\n"), note
        )

    def test_rejected_xml_fails_with_the_validators_message(self):
        invoice = self._coop_invoice(self.business_customer)
        _pdf, xml = self._facturx_of(invoice)
        tree = etree.fromstring(xml)
        for name in tree.xpath(f"{SELLER}/ram:Name", namespaces=NS):
            name.getparent().remove(name)
        messages = validate_facturx(etree.tostring(tree))
        self.assertTrue(any("BR-06" in message for message in messages), messages)
        with self.assertRaises(AssertionError) as caught:
            self.assertAccepted(messages)
        self.assertIn("BR-06", str(caught.exception))
