from odoo import fields, models


class KpaCooperative(models.Model):
    _inherit = "kpa.cooperative"

    service_ids = fields.One2many(
        "product.template", "kpa_cooperative_id", string="Services"
    )
    service_count = fields.Integer(
        compute="_compute_service_count",
        string="Service count",
        groups="base.group_user",
    )
    sale_order_count = fields.Integer(
        compute="_compute_sale_order_count",
        string="Sales orders",
        groups="sales_team.group_sale_salesman",
    )

    def _compute_service_count(self):
        counts = dict(
            self.env["product.template"]._read_group(
                [("kpa_cooperative_id", "in", self.ids)],
                ["kpa_cooperative_id"],
                ["__count"],
            )
        )
        for cooperative in self:
            cooperative.service_count = counts.get(cooperative, 0)

    def _compute_sale_order_count(self):
        counts = dict(
            self.env["sale.order"]._read_group(
                [("kpa_cooperative_id", "in", self.ids), ("state", "=", "sale")],
                ["kpa_cooperative_id"],
                ["__count"],
            )
        )
        for cooperative in self:
            cooperative.sale_order_count = counts.get(cooperative, 0)

    def action_view_services(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "kpa_marketplace.product_template_action_kpa_services"
        )
        action["domain"] = [("kpa_cooperative_id", "=", self.id)]
        action["context"] = {
            "default_kpa_cooperative_id": self.id,
            "default_type": "service",
        }
        return action

    def action_view_sale_orders(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "kpa_marketplace.sale_order_action_kpa_orders"
        )
        action["domain"] = [("kpa_cooperative_id", "=", self.id)]
        action["context"] = {"default_kpa_cooperative_id": self.id}
        return action
