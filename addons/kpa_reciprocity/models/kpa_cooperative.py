from collections import defaultdict

from odoo import fields, models


class KpaCooperative(models.Model):
    """Reciprocity in a cooperative: its pooled resources and the totals of
    its reciprocity ledger."""

    _inherit = "kpa.cooperative"

    resource_ids = fields.One2many(
        "kpa.resource", "cooperative_id", string="Pooled resources"
    )
    resource_count = fields.Integer(
        compute="_compute_resource_count", string="Resources"
    )
    contribution_hours = fields.Float(
        compute="_compute_contribution_hours",
        string="Contributed hours",
        help="Hours of validated contributions recorded in the cooperative.",
    )

    # === COMPUTE METHODS === #

    def _compute_resource_count(self):
        resources = dict(
            self.env["kpa.resource"]._read_group(
                [("cooperative_id", "in", self.ids)], ["cooperative_id"], ["__count"]
            )
        )
        for coop in self:
            coop.resource_count = resources.get(coop, 0)

    def _compute_contribution_hours(self):
        hours = dict(
            self.env["kpa.contribution"]._read_group(
                [("cooperative_id", "in", self.ids), ("state", "=", "validated")],
                ["cooperative_id"],
                ["quantity:sum"],
            )
        )
        for coop in self:
            coop.contribution_hours = hours.get(coop, 0.0)

    # === ACTION METHODS === #

    def action_view_resources(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Resources of %(cooperative)s", cooperative=self.name),
            "res_model": "kpa.resource",
            "view_mode": "kanban,list,form",
            "domain": [("cooperative_id", "=", self.id)],
            "context": {"default_cooperative_id": self.id},
        }

    def action_view_contributions(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._(
                "Contributions to %(cooperative)s", cooperative=self.name
            ),
            "res_model": "kpa.contribution",
            "view_mode": "pivot,graph,list,form",
            "domain": [("cooperative_id", "=", self.id)],
            "context": {
                "default_cooperative_id": self.id,
                "search_default_validated": 1,
            },
        }

    # === BUSINESS METHODS === #

    def _contribution_totals(self, date_from=None, date_to=None, granularity="month"):
        """Validated hours per cooperative, period and type, in one grouped query.

        Returns {cooperative: {(period start date, type): hours}}.
        """
        domain = [("cooperative_id", "in", self.ids), ("state", "=", "validated")]
        if date_from:
            domain.append(("date", ">=", date_from))
        if date_to:
            domain.append(("date", "<=", date_to))
        totals = defaultdict(dict)
        for coop, period, kind, hours in self.env["kpa.contribution"]._read_group(
            domain,
            ["cooperative_id", f"date:{granularity}", "contribution_type"],
            ["quantity:sum"],
        ):
            totals[coop][period, kind] = hours
        return {coop: totals[coop] for coop in self}
