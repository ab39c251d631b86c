from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools.misc import format_date

from odoo.addons.kpa_cooperative.models.input_check import (
    ACTIVITY_FIELDS,
    MAIL_FIELDS,
    check_input_values,
)

RULE_CATEGORIES = [
    ("functioning", "Functioning"),
    ("welcome", "Welcome of newcomers"),
    ("exclusion", "Exclusion"),
    ("resources", "Use of shared resources"),
    ("other", "Other"),
]
# The text of a rule, frozen once it is adopted: a change is a new version.
RULE_CONTENT_FIELDS = {
    "name",
    "cooperative_id",
    "category",
    "body",
    "version",
    "previous_id",
    "origin_id",
    "sets_voting_rules",
    "quorum",
    "majority",
}
# Written by the adoption of a decision only.
RULE_ADOPTION_FIELDS = {"state", "date_adopted", "decision_id", "date_archived"}
# What the coordinators write on a draft rule (a positive list): its text.
# Versions and their links are made by action_new_version, adoption by a
# decision; of an adopted rule, only its place in the list changes.
RULE_DRAFT_FIELDS = {
    "name",
    "cooperative_id",
    "category",
    "sequence",
    "body",
    "sets_voting_rules",
    "quorum",
    "majority",
}
RULE_ADOPTED_FIELDS = {"sequence"}


class KpaRule(models.Model):
    _name = "kpa.rule"
    _description = "Rule of a cooperative"
    _inherit = ["kpa.cooperative.mixin", "mail.thread", "mail.activity.mixin"]
    _order = "cooperative_id, sequence, name, version desc, id"

    name = fields.Char(string="Title", required=True, tracking=True)
    category = fields.Selection(
        RULE_CATEGORIES, required=True, default="functioning", tracking=True
    )
    sequence = fields.Integer(default=10)
    body = fields.Html(string="Text of the rule")
    version = fields.Integer(default=1, readonly=True, copy=False)
    state = fields.Selection(
        [("draft", "Draft"), ("adopted", "Adopted"), ("archived", "Archived")],
        required=True,
        default="draft",
        readonly=True,
        copy=False,
        index=True,
        tracking=True,
        help="A rule is adopted only through a decision of the members; a new "
        "version, once adopted, archives the previous one.",
    )
    previous_id = fields.Many2one(
        "kpa.rule",
        string="Previous version",
        readonly=True,
        copy=False,
        index=True,
        ondelete="restrict",
    )
    origin_id = fields.Many2one(
        "kpa.rule",
        string="First version",
        readonly=True,
        copy=False,
        index=True,
        ondelete="restrict",
    )
    version_count = fields.Integer(compute="_compute_version_count", string="Versions")
    date_adopted = fields.Date(
        string="Adopted on", readonly=True, copy=False, tracking=True
    )
    date_archived = fields.Date(
        string="Archived on", readonly=True, copy=False, tracking=True
    )
    decision_id = fields.Many2one(
        "kpa.decision",
        string="Adopted by",
        readonly=True,
        copy=False,
        ondelete="restrict",
        help="The decision of the members that adopted this version.",
    )
    decision_ids = fields.One2many(
        "kpa.decision", "rule_id", string="Decisions on this rule"
    )
    sets_voting_rules = fields.Boolean(
        string="Sets quorum and majority",
        tracking=True,
        help="While this rule is adopted, its quorum and majority apply to the "
        "decisions of the cooperative instead of the cooperative's settings.",
    )
    quorum = fields.Integer(
        string="Quorum (%)",
        default=50,
        tracking=True,
        help="Share of the participants who must give a position (abstentions and "
        "blocks included) for a decision to be valid.",
    )
    majority = fields.Integer(
        string="Majority (%)",
        default=50,
        tracking=True,
        help="A proposal is adopted when more than this share of the expressed "
        "positions (agree and disagree) agree, and nobody blocks it.",
    )

    # === COMPUTE METHODS === #

    def _compute_version_count(self):
        origins = self.mapped(lambda rule: rule.origin_id or rule)
        counts = dict(
            self._read_group(
                [("origin_id", "in", origins.ids)], ["origin_id"], ["__count"]
            )
        )
        for rule in self:
            rule.version_count = 1 + counts.get(rule.origin_id or rule, 0)

    # === CONSTRAINT METHODS === #

    @api.constrains("quorum", "majority")
    def _check_voting_rules(self):
        for rule in self:
            self.env["kpa.cooperative"]._check_voting_values(
                rule.quorum, rule.majority, rule.display_name
            )

    @api.constrains("previous_id", "cooperative_id")
    def _check_previous_cooperative(self):
        self._check_same_cooperative("previous_id")

    @api.constrains("state", "decision_id", "cooperative_id")
    def _check_adopted_by_decision(self):
        for rule in self.filtered(lambda r: r.state == "adopted"):
            decision = rule.decision_id
            if (
                not decision
                or decision.rule_id != rule
                or decision.cooperative_id != rule.cooperative_id
                or decision.outcome != "adopted"
            ):
                raise ValidationError(
                    self.env._(
                        "The rule “%(rule)s” can only be adopted by an adopted "
                        "decision of the members of %(cooperative)s.",
                        rule=rule.name,
                        cooperative=rule.cooperative_id.name,
                    )
                )

    @api.constrains("state", "sets_voting_rules", "cooperative_id")
    def _check_single_voting_rule(self):
        voting_rules = self.filtered(
            lambda r: r.state == "adopted" and r.sets_voting_rules
        )
        if not voting_rules:
            return
        adopted = self.sudo().search(
            [
                ("cooperative_id", "in", voting_rules.cooperative_id.ids),
                ("state", "=", "adopted"),
                ("sets_voting_rules", "=", True),
            ]
        )
        for rule in voting_rules:
            others = adopted.filtered(
                lambda r, rule=rule: r.cooperative_id == rule.cooperative_id
                and r != rule
            )
            if others:
                raise ValidationError(
                    self.env._(
                        "%(cooperative)s already has an adopted rule that sets "
                        "quorum and majority (“%(other)s”): adopt a new version of "
                        "that rule instead.",
                        cooperative=rule.cooperative_id.name,
                        other=others[0].name,
                    )
                )

    # === CRUD METHODS === #

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            check_input_values(self, vals)
        if not self.env.su and any(
            vals.get("state", "draft") != "draft"
            or vals.get("decision_id")
            or vals.get("date_adopted")
            for vals in vals_list
        ):
            raise UserError(
                self.env._(
                    "A rule starts as a draft: it is adopted only through a "
                    "decision of the members."
                )
            )
        if not self.env.su:
            for vals in vals_list:
                self._check_writable_fields(vals, RULE_DRAFT_FIELDS)
        return super().create(vals_list)

    def write(self, vals):
        check_input_values(self, vals)
        if not self.env.su and RULE_ADOPTION_FIELDS & set(vals):
            raise UserError(
                self.env._(
                    "A rule is adopted only through a decision of the members: "
                    "propose its adoption instead."
                )
            )
        if not self.env.su:
            frozen = self.filtered(lambda r: r.state != "draft")
            self._check_writable_fields(
                vals, RULE_ADOPTED_FIELDS if frozen else RULE_DRAFT_FIELDS
            )
        if RULE_CONTENT_FIELDS & set(vals):
            self._check_text_open()
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_adopted(self):
        kept = self.filtered(lambda r: r.state != "draft" or r.decision_ids)
        if kept:
            raise UserError(
                self.env._(
                    "The rule “%(rule)s” has been put to a decision: it stays in "
                    "the history of the cooperative.",
                    rule=kept[0].name,
                )
            )

    # === ACTION METHODS === #

    def action_new_version(self):
        """Draft the next version of an adopted rule (or open the existing one)."""
        self.ensure_one()
        if self.state != "adopted":
            raise UserError(
                self.env._(
                    "Only the adopted version of a rule gets a new version; "
                    "“%(rule)s” is not adopted.",
                    rule=self.name,
                )
            )
        new_version = self.next_draft_version()
        if not new_version:
            # Those who manage the rule draft its new version; the flow links
            # the versions, which nobody writes as data.
            self.check_access("write")
            new_version = self.sudo().create(
                {
                    "name": self.name,
                    "cooperative_id": self.cooperative_id.id,
                    "category": self.category,
                    "sequence": self.sequence,
                    "body": self.body,
                    "sets_voting_rules": self.sets_voting_rules,
                    "quorum": self.quorum,
                    "majority": self.majority,
                    "version": self.version + 1,
                    "previous_id": self.id,
                    "origin_id": (self.origin_id or self).id,
                }
            )
        return new_version._get_form_action()

    def action_propose_adoption(self):
        """A draft decision of the members to adopt this draft rule."""
        self.ensure_one()
        if self.state != "draft":
            raise UserError(
                self.env._(
                    "The rule “%(rule)s” is already %(state)s.",
                    rule=self.name,
                    state=self._selection_label("state").lower(),
                )
            )
        decision = self.decision_ids.filtered(lambda d: d.state != "closed")[:1]
        if not decision:
            decision = self.env["kpa.decision"].create(
                {
                    "name": self.env._(
                        "Adoption of the rule “%(rule)s” (version %(version)s)",
                        rule=self.name,
                        version=self.version,
                    ),
                    "cooperative_id": self.cooperative_id.id,
                    "decision_type": "rule",
                    "rule_id": self.id,
                    "proposal": self.body,
                }
            )
        return decision._get_form_action()

    def action_view_versions(self):
        self.ensure_one()
        origin = self.origin_id or self
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Versions of %(rule)s", rule=origin.name),
            "res_model": "kpa.rule",
            "view_mode": "list,form",
            "domain": ["|", ("id", "=", origin.id), ("origin_id", "=", origin.id)],
            "context": {"create": False},
        }

    # === BUSINESS METHODS === #

    def _cooperative_record_kind(self):
        return self.env._("a rule")

    def _check_text_open(self):
        """Only a draft rule's text changes: an adopted (or older) version is
        replaced by a new one."""
        frozen = self.filtered(lambda r: r.state != "draft")
        if frozen:
            raise UserError(
                self.env._(
                    "The rule “%(rule)s” is %(state)s: its text no longer "
                    "changes. Create a new version and propose its adoption.",
                    rule=frozen[0].name,
                    state=frozen[0]._selection_label("state").lower(),
                )
            )

    def _check_writable_fields(self, vals, allowed):
        """Refuse ``vals`` when it sets a field outside ``allowed`` (a
        positive list) and Odoo's mail plumbing."""
        refused = set(vals) - allowed - MAIL_FIELDS - ACTIVITY_FIELDS
        if not refused:
            return
        self._check_text_open()
        raise UserError(
            self.env._(
                "%(fields)s of a rule are set by its versions and its adoption, "
                "not written directly.",
                fields=", ".join(sorted(self._field_labels(refused))),
            )
        )

    def _field_labels(self, names):
        return [
            self._fields[name]._description_string(self.env)
            if name in self._fields
            else name
            for name in names
        ]

    def next_draft_version(self):
        self.ensure_one()
        return self.search(
            [("previous_id", "=", self.id), ("state", "=", "draft")], limit=1
        )

    def _adopt(self, decision):
        """Adopt these draft rules by the given (closed, adopted) decision.

        Adopting a version archives the other adopted versions of the same rule.
        Idempotent: a rule already adopted by this decision is left as it is.
        Returns the rules that were adopted now.
        """
        todo = self.filtered(
            lambda r: not (r.state == "adopted" and r.decision_id == decision)
        )
        not_draft = todo.filtered(lambda r: r.state != "draft")
        if not_draft:
            raise UserError(
                self.env._(
                    "The rule “%(rule)s” is no longer a draft: the decision cannot "
                    "adopt it.",
                    rule=not_draft[0].name,
                )
            )
        strangers = todo.filtered(lambda r: r.cooperative_id != decision.cooperative_id)
        if strangers or decision.outcome != "adopted" or decision.state != "closed":
            raise UserError(
                self.env._(
                    "Only an adopted decision of %(cooperative)s adopts its rules.",
                    cooperative=decision.cooperative_id.name,
                )
            )
        if not todo:
            return todo
        origins = [(rule.origin_id or rule).id for rule in todo]
        superseded = (
            self.sudo()
            .search(
                [
                    ("state", "=", "adopted"),
                    "|",
                    ("id", "in", origins),
                    ("origin_id", "in", origins),
                ]
            )
            .filtered(lambda r: r not in todo)
        )
        date = decision.date or fields.Date.context_today(self)
        superseded.sudo().write({"state": "archived", "date_archived": date})
        todo.sudo().write(
            {"state": "adopted", "date_adopted": date, "decision_id": decision.id}
        )
        superseded.sudo()._message_log_batch(
            dict.fromkeys(
                superseded.ids,
                self.env._(
                    "Archived: superseded by a new version adopted by the decision "
                    "“%(decision)s”.",
                    decision=decision.name,
                ),
            )
        )
        todo.sudo()._message_log_batch(
            dict.fromkeys(
                todo.ids,
                self.env._(
                    "Adopted by the decision “%(decision)s” of %(date)s.",
                    decision=decision.name,
                    date=format_date(self.env, date),
                ),
            )
        )
        return todo
