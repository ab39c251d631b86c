from odoo import api, models


class AccountMoveSend(models.AbstractModel):
    _inherit = "account.move.send"

    @api.model
    def _get_default_invoice_edi_format(self, move):
        """A cooperative's invoices and credit notes carry a Factur-X XML
        (EN 16931) unless their customer chose another format (UBL, Peppol
        BIS 3) or none on their contact."""
        edi_format = super()._get_default_invoice_edi_format(move)
        if not move.kpa_cooperative_id or not move.is_sale_document():
            return edi_format
        chosen = move.partner_id.commercial_partner_id.with_company(
            move.company_id
        ).invoice_edi_format_store
        if chosen == "none":
            return False
        return chosen or "facturx"
