from odoo import fields, models


class AccountAnalyticLine(models.Model):
    _inherit = "account.analytic.line"

    category = fields.Selection(
        selection_add=[("kpa_host_fee", "Host fee")],
        ondelete={"kpa_host_fee": "set default"},
    )
    kpa_host_fee_move_id = fields.Many2one(
        "account.move",
        string="Host fee of",
        readonly=True,
        index="btree_not_null",
        ondelete="cascade",
        help="The cooperative's invoice or credit note this host fee allocation "
        "comes from.",
    )
