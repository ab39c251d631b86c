from odoo import fields, models
from odoo.tools import SQL


class AccountInvoiceReport(models.Model):
    _inherit = "account.invoice.report"

    kpa_cooperative_id = fields.Many2one(
        "kpa.cooperative", string="Cooperative", readonly=True
    )
    kpa_activity_id = fields.Many2one("kpa.activity", string="Activity", readonly=True)

    _depends = {
        "account.move": ["kpa_cooperative_id"],
        "product.template": ["kpa_activity_id"],
    }

    def _select(self):
        return SQL(
            "%s, move.kpa_cooperative_id AS kpa_cooperative_id, "
            "template.kpa_activity_id AS kpa_activity_id",
            super()._select(),
        )
