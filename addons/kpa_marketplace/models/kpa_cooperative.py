from odoo import fields, models
from odoo.exceptions import AccessError
from odoo.tools import format_list


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

    # === BUSINESS METHODS === #

    def _kpa_filtered_acted_in(self):
        """These cooperatives, those in which the current user acts: the ones
        they coordinate, and for a network manager every cooperative of the
        host structures they may access. Only there do they put services,
        orders and invoices (the superuser and the administrators act
        everywhere)."""
        if self.env.is_system():
            return self
        user = self.env.user
        cooperatives = self.sudo()
        if user.has_group("kpa_cooperative.group_kpa_manager"):
            acted = cooperatives.filtered(
                lambda cooperative: cooperative.company_id in user.company_ids
                or user in cooperative.coordinator_ids
            )
        else:
            acted = cooperatives.filtered(
                lambda cooperative: user in cooperative.coordinator_ids
            )
        return self.browse(acted.ids)

    def _kpa_check_acted_in(self, what):
        """Refuse, with a clear message, when the current user does not act in
        each of these cooperatives; ``what`` says what they tried to put
        there ("the service “Buffet”")."""
        outside = self - self._kpa_filtered_acted_in()
        if outside:
            raise AccessError(
                self.env._(
                    "You cannot put %(what)s in %(cooperatives)s: only its "
                    "coordinators and the network managers of its host structure "
                    "act in it.",
                    what=what,
                    cooperatives=format_list(self.env, outside.sudo().mapped("name")),
                )
            )

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
