from odoo import fields, models


class SaleReport(models.Model):
    _inherit = "sale.report"

    kpa_cooperative_id = fields.Many2one(
        "kpa.cooperative", string="Cooperative", readonly=True
    )
    kpa_activity_id = fields.Many2one("kpa.activity", string="Activity", readonly=True)

    def _select_additional_fields(self):
        res = super()._select_additional_fields()
        # A line of a mixed quotation counts for the cooperative of its service.
        res["kpa_cooperative_id"] = (
            "COALESCE(s.kpa_cooperative_id, t.kpa_cooperative_id)"
        )
        res["kpa_activity_id"] = "t.kpa_activity_id"
        return res

    def _group_by_sale(self):
        return (
            super()._group_by_sale()
            + """,
            s.kpa_cooperative_id,
            t.kpa_cooperative_id,
            t.kpa_activity_id"""
        )
