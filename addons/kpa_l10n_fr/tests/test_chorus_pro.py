from lxml import etree

from odoo.tests import tagged

from .common import KpaL10nFrCommon
from .edi_tools import facturx_xml_from_pdf, pdf_text, validate_facturx

NS = {
    "ram": "urn:un:unece:uncefact:data:standard:"
    "ReusableAggregateBusinessInformationEntity:100",
}


@tagged("post_install", "-at_install")
class TestChorusPro(KpaL10nFrCommon):
    """A cooperative's invoice to a public customer carries the Chorus Pro
    service code and engagement number, in its Factur-X XML and on its PDF."""

    def test_public_customer_invoice_carries_chorus_pro_fields(self):
        invoice = self._coop_invoice(
            self.public_customer,
            buyer_reference="DEV-ECO-QUARTIERS",
            purchase_order_reference="EJ-2026-004512",
        )
        pdf = self._send(invoice)
        _name, xml = facturx_xml_from_pdf(pdf)
        messages = validate_facturx(xml)
        self.assertFalse(messages, "\n".join(messages))
        tree = etree.fromstring(xml)
        agreement = "//ram:ApplicableHeaderTradeAgreement"
        self.assertEqual(
            tree.xpath(f"string({agreement}/ram:BuyerReference)", namespaces=NS),
            "DEV-ECO-QUARTIERS",
        )
        self.assertEqual(
            tree.xpath(
                f"string({agreement}/ram:BuyerOrderReferencedDocument/ram:IssuerAssignedID)",
                namespaces=NS,
            ),
            "EJ-2026-004512",
        )
        self.assertEqual(
            tree.xpath(
                f"string({agreement}/ram:BuyerTradeParty/ram:SpecifiedLegalOrganization/ram:ID)",
                namespaces=NS,
            ),
            "21590350100017",
        )
        text = pdf_text(pdf)
        self.assertIn("Service code (Chorus Pro): DEV-ECO-QUARTIERS", text)
        self.assertIn("Engagement number: EJ-2026-004512", text)

    def test_line_without_product_keeps_an_item_name(self):
        invoice = self._coop_invoice(self.public_customer)
        invoice.button_draft()
        invoice.invoice_line_ids.write({"product_id": False, "name": "Buffet for 40"})
        invoice.action_post()
        xml = self.env["account.edi.xml.cii"]._export_invoice(invoice)[0]
        messages = validate_facturx(xml)
        self.assertFalse(messages, "\n".join(messages))
        self.assertEqual(
            etree.fromstring(xml).xpath(
                "string(//ram:SpecifiedTradeProduct/ram:Name)", namespaces=NS
            ),
            "Buffet for 40",
        )
