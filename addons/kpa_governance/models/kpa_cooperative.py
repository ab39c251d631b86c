from odoo import api, fields, models
from odoo.exceptions import ValidationError


class KpaCooperative(models.Model):
    """Governance of a cooperative: its rules, its decisions and the quorum
    and majority they are taken with."""

    _inherit = "kpa.cooperative"

    decision_quorum = fields.Integer(
        string="Quorum (%)",
        default=50,
        tracking=True,
        help="Share of the participants who must give a position (abstentions and "
        "blocks included) for a decision to be valid. An adopted rule may set "
        "another one.",
    )
    decision_majority = fields.Integer(
        string="Majority (%)",
        default=50,
        tracking=True,
        help="A proposal is adopted when more than this share of the expressed "
        "positions (agree and disagree) agree, and nobody blocks it. An adopted "
        "rule may set another one.",
    )
    effective_quorum = fields.Integer(
        compute="_compute_effective_voting_rules", string="Quorum in force (%)"
    )
    effective_majority = fields.Integer(
        compute="_compute_effective_voting_rules", string="Majority in force (%)"
    )
    voting_rule_id = fields.Many2one(
        "kpa.rule",
        compute="_compute_effective_voting_rules",
        string="Voting rule in force",
        help="The adopted rule whose quorum and majority apply, if any.",
    )
    rule_ids = fields.One2many("kpa.rule", "cooperative_id", string="Rules")
    decision_ids = fields.One2many("kpa.decision", "cooperative_id", string="Decisions")
    adopted_rule_count = fields.Integer(
        compute="_compute_governance_counts", string="Rules in force"
    )
    open_decision_count = fields.Integer(
        compute="_compute_governance_counts", string="Open decisions"
    )

    # === COMPUTE METHODS === #

    def _compute_effective_voting_rules(self):
        voting_rules = self._get_voting_rules()
        for coop in self:
            coop.effective_quorum, coop.effective_majority, coop.voting_rule_id = (
                voting_rules[coop.id]
            )

    def _compute_governance_counts(self):
        Rule, Decision = self.env["kpa.rule"], self.env["kpa.decision"]
        rules = dict(
            Rule._read_group(
                [("cooperative_id", "in", self.ids), ("state", "=", "adopted")],
                ["cooperative_id"],
                ["__count"],
            )
        )
        decisions = dict(
            Decision._read_group(
                [("cooperative_id", "in", self.ids), ("state", "=", "open")],
                ["cooperative_id"],
                ["__count"],
            )
        )
        for coop in self:
            coop.adopted_rule_count = rules.get(coop, 0)
            coop.open_decision_count = decisions.get(coop, 0)

    # === CONSTRAINT METHODS === #

    @api.constrains("decision_quorum", "decision_majority")
    def _check_decision_voting_rules(self):
        for coop in self:
            self._check_voting_values(
                coop.decision_quorum, coop.decision_majority, coop.name
            )

    @api.model
    def _check_voting_values(self, quorum, majority, owner):
        if not 0 <= quorum <= 100:
            raise ValidationError(
                self.env._(
                    "The quorum of %(owner)s must be between 0 and 100 %%.",
                    owner=owner,
                )
            )
        if not 50 <= majority < 100:
            raise ValidationError(
                self.env._(
                    "The majority of %(owner)s must be at least 50 %% and less than "
                    "100 %%: a proposal is adopted when more than this share of the "
                    "expressed positions agree.",
                    owner=owner,
                )
            )

    # === ACTION METHODS === #

    def action_view_rules(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Rules of %(cooperative)s", cooperative=self.name),
            "res_model": "kpa.rule",
            "view_mode": "list,form",
            "domain": [("cooperative_id", "=", self.id)],
            "context": {
                "default_cooperative_id": self.id,
                "search_default_adopted": 1,
            },
        }

    def action_view_decisions(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Decisions of %(cooperative)s", cooperative=self.name),
            "res_model": "kpa.decision",
            "view_mode": "list,form",
            "domain": [("cooperative_id", "=", self.id)],
            "context": {"default_cooperative_id": self.id},
        }

    # === BUSINESS METHODS === #

    def _get_voting_rules(self):
        """{cooperative id: (quorum, majority, rule)} in force for each cooperative:
        those of its adopted rule that sets them, else its own settings."""
        rules = (
            self.env["kpa.rule"]
            .sudo()
            .search(
                [
                    ("cooperative_id", "in", self.ids),
                    ("state", "=", "adopted"),
                    ("sets_voting_rules", "=", True),
                ]
            )
        )
        by_cooperative = {rule.cooperative_id.id: rule for rule in rules}
        result = {}
        for coop in self:
            rule = by_cooperative.get(coop.id)
            if rule:
                result[coop.id] = (rule.quorum, rule.majority, rule.sudo(False))
            else:
                result[coop.id] = (
                    coop.decision_quorum,
                    coop.decision_majority,
                    self.env["kpa.rule"],
                )
        return result

    def _kpa_network_fields(self):
        """The quorum and majority that apply until the members adopt a rule
        of their own: the network manager's (coordinators setting them could
        decide every vote)."""
        return super()._kpa_network_fields() | {"decision_quorum", "decision_majority"}
