from odoo import models

# The guideline of the EN 16931 (Comfort) profile of Factur-X: what the PDF's
# XMP metadata of Odoo declares (fx:ConformanceLevel "EN 16931").
FACTURX_EN16931 = "urn:cen.eu:en16931:2017"


class AccountEdiXmlCII(models.AbstractModel):
    _inherit = "account.edi.xml.cii"

    def _export_invoice_vals(self, invoice):
        vals = super()._export_invoice_vals(invoice)
        # Odoo declares the EXTENDED profile in the XML while the PDF's
        # metadata says EN 16931: the XML says EN 16931 too, and follows it.
        vals["document_context_id"] = FACTURX_EN16931
        vals["kpa_included_notes"] = invoice._kpa_edi_notes()
        vals["kpa_trading_name"] = invoice.kpa_cooperative_id.name or False
        return vals
