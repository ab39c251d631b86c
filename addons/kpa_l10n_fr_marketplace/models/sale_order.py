from odoo import fields, models

# The references a public buyer gives for Chorus Pro, named as on the invoice
# (l10n_fr_facturx_chorus_pro), which the Factur-X XML reads.
CHORUS_PRO_FIELDS = (
    "buyer_reference",
    "contract_reference",
    "purchase_order_reference",
)


class SaleOrder(models.Model):
    _inherit = "sale.order"

    buyer_reference = fields.Char(
        string="Service code",
        copy=False,
        tracking=True,
        help="The public buyer's 'Service exécutant' in Chorus Pro: its invoices "
        "carry it.",
    )
    contract_reference = fields.Char(
        string="Contract number",
        copy=False,
        help="The 'Numéro de marché' in Chorus Pro, when the order comes under a "
        "public contract: its invoices carry it.",
    )
    purchase_order_reference = fields.Char(
        string="Engagement number",
        copy=False,
        tracking=True,
        help="The 'Engagement juridique' the public buyer gave with its order "
        "(Chorus Pro): its invoices carry it.",
    )

    # === BUSINESS METHODS === #

    def _prepare_invoice(self):
        values = super()._prepare_invoice()
        values.update({name: self[name] for name in CHORUS_PRO_FIELDS if self[name]})
        return values

    def _kpa_prepare_split_order_vals(self, key, lines):
        """Each cooperative's order of a split cart keeps the buyer's Chorus
        Pro references: all its invoices need them."""
        vals = super()._kpa_prepare_split_order_vals(key, lines)
        vals.update({name: self[name] for name in CHORUS_PRO_FIELDS})
        return vals
