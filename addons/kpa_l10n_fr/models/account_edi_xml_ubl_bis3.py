from odoo import models


class AccountEdiXmlUBLBIS3(models.AbstractModel):
    _inherit = "account.edi.xml.ubl_bis3"

    def _export_invoice_vals(self, invoice):
        vals = super()._export_invoice_vals(invoice)
        notes = [note["content"] for note in invoice._kpa_edi_notes()]
        if notes:
            # Peppol BIS 3 allows one invoice note (BT-22): the legal mention
            # first, then the payment mentions and the terms of the invoice.
            notes += [note["note"] for note in vals["vals"]["note_vals"]]
            vals["vals"]["note_vals"] = [{"note": "\n".join(notes)}]
        if invoice.kpa_cooperative_id:
            # BT-28, the seller's trading name: the cooperative; the legal
            # entity (BT-27, PartyLegalEntity) stays the host structure.
            party_vals = vals["vals"]["accounting_supplier_party_vals"]["party_vals"]
            party_vals["party_name_vals"] = [{"name": invoice.kpa_cooperative_id.name}]
        return vals

    def _get_partner_party_tax_scheme_vals_list(self, partner, role):
        # PartyTaxScheme/CompanyID is the VAT identifier (BT-31, BT-48): Odoo
        # puts the Peppol endpoint there when a party has no VAT number (a
        # SIRET, or nothing), which UBL-SR-53 and BR-CO-09 reject. No VAT
        # number, no tax scheme.
        vals_list = super()._get_partner_party_tax_scheme_vals_list(partner, role)
        return vals_list if partner.vat else []
