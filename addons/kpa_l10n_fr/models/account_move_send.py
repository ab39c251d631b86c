import io
import logging

from odoo import api, fields, models, tools
from odoo.tools.pdf import (
    DictionaryObject,
    NameObject,
    OdooPdfFileReader,
    OdooPdfFileWriter,
)

_logger = logging.getLogger(__name__)


class AccountMoveSend(models.AbstractModel):
    _inherit = "account.move.send"

    @api.model
    def _get_default_invoice_edi_format(self, move, **kwargs):
        """A cooperative's invoices and credit notes carry a Factur-X XML
        (EN 16931) unless their customer chose another format (UBL, Peppol
        BIS 3) or none on their contact."""
        edi_format = super()._get_default_invoice_edi_format(move, **kwargs)
        if not move.kpa_cooperative_id or not move.is_sale_document():
            return edi_format
        chosen = move.partner_id.commercial_partner_id.with_company(
            move.company_id
        ).invoice_edi_format_store
        if chosen == "none":
            return False
        return chosen or "facturx"

    def _hook_invoice_document_after_pdf_report_render(self, invoice, invoice_data):
        super()._hook_invoice_document_after_pdf_report_render(invoice, invoice_data)
        if (
            invoice_data.get("ubl_cii_xml_options", {}).get("ubl_cii_format")
            != "facturx"
            or tools.config["test_enable"]
        ):
            return
        pdf_values = (
            invoice.invoice_pdf_report_id
            or invoice_data.get("pdf_attachment_values")
            or invoice_data["proforma_pdf_attachment_values"]
        )
        pdf_values["raw"] = self._kpa_facturx_pdfa(invoice, pdf_values["raw"])

    @api.model
    def _kpa_facturx_pdfa(self, invoice, pdf):
        """Make a Factur-X PDF a PDF/A-3 with the Factur-X XMP metadata when
        Odoo did not.

        Odoo guesses that a PDF is already a PDF/A from its second line, a
        binary comment that PyPDF2 2.x writes in every PDF it saves (and the
        invoice PDF went through it when the report was split by invoice): it
        then skips the conversion and the metadata that declare the Factur-X
        profile, and the file is not a Factur-X any more for a reader.
        """
        reader = OdooPdfFileReader(io.BytesIO(pdf), strict=False)
        if "/Metadata" in reader.trailer["/Root"]:
            return pdf
        writer = OdooPdfFileWriter()
        writer.cloneReaderDocumentRoot(reader)
        # Odoo's conversion ends by counting the document outline, which only
        # a wkhtmltopdf with patched Qt writes: without one, it stops there
        # with a KeyError. An empty outline lets it finish; it is taken out
        # again, PDF/A not asking for any.
        root = writer._root_object
        without_outline = "/Outlines" not in root
        if without_outline:
            root[NameObject("/Outlines")] = writer._add_object(
                DictionaryObject({NameObject("/Type"): NameObject("/Outlines")})
            )
        try:
            writer.convert_to_pdfa()
        except Exception:  # noqa: BLE001 — as Odoo does: a PDF all the same
            _logger.exception("Error while converting %s to PDF/A", invoice.name)
        if without_outline:
            del root["/Outlines"]
        metadata = self.env["ir.qweb"]._render(
            "account_edi_ubl_cii.account_invoice_pdfa_3_facturx_metadata",
            {"title": invoice.name, "date": fields.Date.context_today(self)},
        )
        writer.add_file_metadata(metadata.encode())
        with io.BytesIO() as buffer:
            writer.write(buffer)
            return buffer.getvalue()
