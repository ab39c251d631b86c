from collections import Counter, defaultdict

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools.misc import format_date

from odoo.addons.kpa_cooperative.models.input_check import (
    ACTIVITY_FIELDS,
    MAIL_FIELDS,
    check_input_values,
)

DECISION_TYPES = [
    ("admission", "Admission"),
    ("exclusion", "Exclusion"),
    ("rule", "Rule adoption"),
    ("other", "Other"),
]
POSITIONS = [
    ("agree", "Agree"),
    ("abstain", "Abstain"),
    ("disagree", "Disagree"),
    ("block", "Block"),
]
# What the members vote on: frozen once the vote is open.
DECISION_SUBJECT_FIELDS = {
    "cooperative_id",
    "decision_type",
    "membership_id",
    "rule_id",
    "proposal",
    "quorum",
    "majority",
}
# What a coordinator writes on a draft decision: what the members will vote
# on. State, quorum and majority (set when the vote opens), counts, outcome
# and dates of application are the governance methods' only; nothing is
# written as data once the vote is open.
DECISION_DRAFT_FIELDS = {
    "name",
    "decision_type",
    "proposal",
    "membership_id",
    "rule_id",
    "date",
    "cooperative_id",
}


class KpaDecision(models.Model):
    _name = "kpa.decision"
    _description = "Collective decision"
    _inherit = ["kpa.cooperative.mixin", "mail.thread", "mail.activity.mixin"]
    _order = "state_sequence, date desc, id desc"

    name = fields.Char(string="Subject", required=True, tracking=True)
    decision_type = fields.Selection(
        DECISION_TYPES,
        string="Type",
        required=True,
        default="other",
        tracking=True,
    )
    proposal = fields.Html(
        help="The text the members give their position on.",
    )
    membership_id = fields.Many2one(
        "kpa.membership",
        string="Membership",
        index=True,
        tracking=True,
        ondelete="restrict",
        check_company=True,
        domain="[('cooperative_id', '=', cooperative_id), ('is_open', '=', True)]",
        help="The candidacy to admit, or the membership to end by an exclusion.",
    )
    partner_id = fields.Many2one(
        related="membership_id.partner_id", string="Person concerned"
    )
    rule_id = fields.Many2one(
        "kpa.rule",
        string="Rule",
        index=True,
        tracking=True,
        ondelete="restrict",
        check_company=True,
        domain="[('cooperative_id', '=', cooperative_id), ('state', '=', 'draft')]",
        help="The draft rule (or new version of a rule) to adopt.",
    )
    date = fields.Date(
        string="Decision date",
        tracking=True,
        copy=False,
        help="Day the decision takes effect: an admission makes the candidate a "
        "member from this day. Set to the closing day when left empty.",
    )
    state = fields.Selection(
        [("draft", "Draft"), ("open", "Voting"), ("closed", "Closed")],
        required=True,
        default="draft",
        readonly=True,
        copy=False,
        index=True,
        tracking=True,
    )
    state_sequence = fields.Integer(
        compute="_compute_state_sequence", store=True, string="State order"
    )
    quorum = fields.Integer(
        string="Quorum (%)",
        readonly=True,
        copy=False,
        help="Set when the vote opens, from the rules in force in the cooperative.",
    )
    majority = fields.Integer(
        string="Majority (%)",
        readonly=True,
        copy=False,
        help="Set when the vote opens, from the rules in force in the cooperative.",
    )
    position_ids = fields.One2many(
        "kpa.decision.position", "decision_id", string="Positions", copy=False
    )
    participant_count = fields.Integer(
        compute="_compute_outcome", store=True, string="Participants"
    )
    given_count = fields.Integer(
        compute="_compute_outcome", store=True, string="Positions given"
    )
    agree_count = fields.Integer(compute="_compute_outcome", store=True, string="Agree")
    abstain_count = fields.Integer(
        compute="_compute_outcome", store=True, string="Abstain"
    )
    disagree_count = fields.Integer(
        compute="_compute_outcome", store=True, string="Disagree"
    )
    block_count = fields.Integer(compute="_compute_outcome", store=True, string="Block")
    quorum_reached = fields.Boolean(compute="_compute_outcome", store=True)
    outcome = fields.Selection(
        [("adopted", "Adopted"), ("rejected", "Rejected")],
        compute="_compute_outcome",
        store=True,
        tracking=True,
        help="Computed from the positions: the quorum is reached, nobody blocks, "
        "and more than the majority of the expressed positions agree. Final once "
        "the vote is closed.",
    )
    date_applied = fields.Datetime(string="Applied on", readonly=True, copy=False)
    my_position = fields.Selection(
        POSITIONS, compute="_compute_my_position", string="My position"
    )
    is_participant = fields.Boolean(
        compute="_compute_my_position", string="I take part"
    )

    # === COMPUTE METHODS === #

    @api.depends("state")
    def _compute_state_sequence(self):
        order = {"open": 0, "draft": 1, "closed": 2}
        for decision in self:
            decision.state_sequence = order.get(decision.state, 3)

    @api.depends("state", "quorum", "majority", "position_ids.position")
    def _compute_outcome(self):
        for decision in self:
            counts = Counter(decision.position_ids.mapped("position"))
            participants = len(decision.position_ids)
            given = sum(counts[key] for key, _label in POSITIONS)
            agree, disagree = counts["agree"], counts["disagree"]
            decision.participant_count = participants
            decision.given_count = given
            decision.agree_count = agree
            decision.abstain_count = counts["abstain"]
            decision.disagree_count = disagree
            decision.block_count = counts["block"]
            decision.quorum_reached = bool(participants) and (
                given * 100 >= decision.quorum * participants
            )
            if decision.state == "draft":
                decision.outcome = False
            elif (
                decision.quorum_reached
                and not counts["block"]
                and agree * 100 > decision.majority * (agree + disagree)
            ):
                decision.outcome = "adopted"
            else:
                decision.outcome = "rejected"

    @api.depends_context("uid")
    @api.depends("position_ids.position", "position_ids.partner_id")
    def _compute_my_position(self):
        partner = self.env.user.partner_id
        for decision in self:
            mine = decision.sudo().position_ids.filtered(
                lambda p: p.partner_id == partner
            )
            decision.is_participant = bool(mine)
            decision.my_position = mine.position

    # === CONSTRAINT METHODS === #

    @api.constrains("decision_type", "membership_id", "rule_id", "cooperative_id")
    def _check_subject(self):
        """A decision has the subject its type needs, and what it changes
        belongs to its own cooperative, always."""
        for decision in self:
            if (
                decision.decision_type in ("admission", "exclusion")
                and not decision.membership_id
            ):
                raise ValidationError(
                    self.env._(
                        "The decision “%(decision)s” is about an admission or an "
                        "exclusion: choose the membership it is about.",
                        decision=decision.name,
                    )
                )
            if decision.decision_type == "rule" and not decision.rule_id:
                raise ValidationError(
                    self.env._(
                        "The decision “%(decision)s” adopts a rule: choose the draft "
                        "rule to adopt.",
                        decision=decision.name,
                    )
                )
        self._check_same_cooperative("membership_id")
        self._check_same_cooperative("rule_id")

    # === CRUD METHODS === #

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            check_input_values(self, vals)
        if not self.env.su:
            for vals in vals_list:
                self._check_writable_fields(vals, DECISION_DRAFT_FIELDS)
        return super().create(vals_list)

    def write(self, vals):
        check_input_values(self, vals)
        if not self.env.su:
            if self.filtered(lambda d: d.state != "draft"):
                self._check_writable_fields(vals, set())
            self._check_writable_fields(vals, DECISION_DRAFT_FIELDS)
        if DECISION_SUBJECT_FIELDS & set(vals):
            self._check_subject_editable()
        if "date" in vals:
            self._check_date_editable()
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_started(self):
        started = self.filtered(lambda d: d.state != "draft")
        if started:
            raise UserError(
                self.env._(
                    "The members have voted on “%(decision)s”: it stays in the "
                    "history of the cooperative.",
                    decision=started[0].name,
                )
            )

    # === ACTION METHODS === #

    def action_open(self):
        """Open the vote: the current members of the cooperative take part."""
        self._check_flow_access()
        self._check_can_open()
        participants = self._get_participants()
        voting_rules = self.cooperative_id._get_voting_rules()
        for decision in self:
            quorum, majority, _rule = voting_rules[decision.cooperative_id.id]
            decision.sudo().write(
                {"quorum": quorum, "majority": majority, "state": "open"}
            )
        self.env["kpa.decision.position"].sudo().create(
            [
                {"decision_id": decision.id, "partner_id": partner.id}
                for decision in self
                for partner in participants[decision.id]
            ]
        )
        self._log_vote_opened()
        return True

    def action_close(self):
        """Close the vote: the outcome is final."""
        self._check_flow_access()
        self._check_can_close()
        today = fields.Date.context_today(self)
        for decision in self:
            decision.sudo().write({"state": "closed", "date": decision.date or today})
        self._log_vote_closed()
        return True

    def action_apply(self):
        """Do what the adopted decisions decided. Idempotent: a decision already
        applied changes nothing."""
        self._check_flow_access()
        self._check_can_apply()
        todo = self.filtered(lambda d: not d.date_applied)
        bodies = {decision.id: decision._apply_decision() for decision in todo}
        todo.sudo().write({"date_applied": fields.Datetime.now()})
        todo._message_log_batch(bodies)
        return True

    def action_set_position(self, position, comment=None):
        """The current user gives their position on this open decision."""
        self.ensure_one()
        self.check_access("read")
        return self._set_position(self.env.user.partner_id, position, comment)

    # === BUSINESS METHODS === #

    def _cooperative_record_kind(self):
        return self.env._("a decision")

    # --- What may change, and when --- #

    def _check_flow_access(self):
        """Those who manage these decisions (their cooperatives' coordinators,
        the host's network managers) open, close and apply their votes; the
        flow then writes what the members decided, which nobody writes as
        data."""
        self.check_access("write")

    def _check_writable_fields(self, vals, allowed):
        """Refuse ``vals`` when it sets a field outside ``allowed`` (a
        positive list) and Odoo's mail plumbing."""
        refused = set(vals) - allowed - MAIL_FIELDS - ACTIVITY_FIELDS
        if not refused:
            return
        if self and self.filtered(lambda d: d.state != "draft"):
            started = self.filtered(lambda d: d.state != "draft")[0]
            raise UserError(
                self.env._(
                    "The vote on “%(decision)s” has started: the decision changes "
                    "only through its vote (opening, positions of the members, "
                    "closing, application).",
                    decision=started.name,
                )
            )
        raise UserError(
            self.env._(
                "%(fields)s of a decision are set by its vote (opening, positions "
                "of the members, closing, application), not written directly.",
                fields=", ".join(
                    sorted(
                        self._fields[name]._description_string(self.env)
                        if name in self._fields
                        else name
                        for name in refused
                    )
                ),
            )
        )

    def _check_subject_editable(self):
        started = self.filtered(lambda d: d.state != "draft")
        if started:
            raise UserError(
                self.env._(
                    "The vote on “%(decision)s” has started: what the members "
                    "vote on no longer changes.",
                    decision=started[0].name,
                )
            )

    def _check_date_editable(self):
        closed = self.filtered(lambda d: d.state == "closed")
        if closed:
            raise UserError(
                self.env._(
                    "The decision “%(decision)s” is closed: its date no longer "
                    "changes.",
                    decision=closed[0].name,
                )
            )

    def _check_positions_editable(self):
        closed = self.filtered(lambda d: d.state == "closed")
        if closed:
            raise UserError(
                self.env._(
                    "The vote on “%(decision)s” is closed: positions no longer "
                    "change.",
                    decision=closed[0].name,
                )
            )

    # --- Opening the vote --- #

    def _check_can_open(self):
        not_draft = self.filtered(lambda d: d.state != "draft")
        if not_draft:
            raise UserError(
                self.env._(
                    "The vote on “%(decision)s” is already open or closed.",
                    decision=not_draft[0].name,
                )
            )
        for decision in self:
            decision._check_subject_ready()
        self._check_no_rival_vote()

    def _check_subject_ready(self):
        """The person to admit is a candidate, the person to exclude a member,
        the rule to adopt a draft."""
        self.ensure_one()
        membership, rule = self.membership_id, self.rule_id
        if self.decision_type == "admission" and membership.state != "candidate":
            raise UserError(
                self.env._(
                    "%(person)s is not a candidate of %(cooperative)s: there is "
                    "no admission to decide.",
                    person=membership.partner_id.name,
                    cooperative=self.cooperative_id.name,
                )
            )
        if self.decision_type == "exclusion" and membership.state != "member":
            raise UserError(
                self.env._(
                    "%(person)s is not a member of %(cooperative)s: there is no "
                    "exclusion to decide.",
                    person=membership.partner_id.name,
                    cooperative=self.cooperative_id.name,
                )
            )
        if self.decision_type == "rule" and rule.state != "draft":
            raise UserError(
                self.env._(
                    "The rule “%(rule)s” is not a draft: there is nothing to " "adopt.",
                    rule=rule.name,
                )
            )

    def _check_no_rival_vote(self):
        """One open vote at a time on the same membership or rule."""
        subjects = self.filtered(lambda d: d.membership_id or d.rule_id)
        if not subjects:
            return
        rivals = self.search(
            [
                ("state", "=", "open"),
                ("decision_type", "in", subjects.mapped("decision_type")),
                "|",
                ("membership_id", "in", subjects.membership_id.ids),
                ("rule_id", "in", subjects.rule_id.ids),
            ]
        )
        for decision in subjects:
            rival = rivals.filtered(
                lambda r, d=decision: r.decision_type == d.decision_type
                and r.membership_id == d.membership_id
                and r.rule_id == d.rule_id
            )[:1]
            if rival:
                raise UserError(
                    self.env._(
                        "The members are already voting on the same question: "
                        "“%(decision)s”.",
                        decision=rival.name,
                    )
                )

    def _get_participants(self):
        """{decision id: the people who take part}: the current members of its
        cooperative, but the person an exclusion is about. Two queries."""
        members = (
            self.env["kpa.membership"]
            .sudo()
            .search_fetch(
                [
                    ("cooperative_id", "in", self.cooperative_id.ids),
                    ("state", "=", "member"),
                ],
                ["cooperative_id", "partner_id"],
            )
        )
        members_by_coop = defaultdict(lambda: self.env["res.partner"])
        for membership in members:
            members_by_coop[membership.cooperative_id.id] |= membership.partner_id
        participants = {}
        for decision in self:
            partners = members_by_coop[decision.cooperative_id.id]
            if decision.decision_type == "exclusion":
                partners -= decision.partner_id
            if not partners:
                raise UserError(
                    self.env._(
                        "%(cooperative)s has no member to take part in the decision "
                        "“%(decision)s”.",
                        cooperative=decision.cooperative_id.name,
                        decision=decision.name,
                    )
                )
            participants[decision.id] = partners
        return participants

    def _log_vote_opened(self):
        self._message_log_batch(
            {
                decision.id: self.env._(
                    "Vote opened: %(count)s participants, quorum %(quorum)s %%, "
                    "majority %(majority)s %%.",
                    count=decision.participant_count,
                    quorum=decision.quorum,
                    majority=decision.majority,
                )
                for decision in self
            }
        )

    # --- Positions --- #

    def _set_position(self, partner, position, comment=None):
        self.ensure_one()
        if position not in dict(POSITIONS):
            raise UserError(
                self.env._("Choose a position: agree, abstain, disagree or block.")
            )
        self._check_vote_open()
        # Positions are not written as data by anyone: this flow writes the
        # position of ``partner``, a participant, while the vote is open.
        self._get_position_line(partner).sudo().write(
            {"position": position, "comment": comment or False}
        )
        return True

    def _check_vote_open(self):
        self.ensure_one()
        if self.state == "draft":
            raise UserError(
                self.env._(
                    "The vote on “%(decision)s” has not started yet.",
                    decision=self.name,
                )
            )
        self._check_positions_editable()

    def _get_position_line(self, partner):
        """The position line of ``partner``, who took part when the vote opened
        and is still a member."""
        self.ensure_one()
        line = self.sudo().position_ids.filtered(lambda p: p.partner_id == partner)
        is_member = (
            self.env["kpa.membership"]
            .sudo()
            .search_count(
                [
                    ("cooperative_id", "=", self.cooperative_id.id),
                    ("partner_id", "=", partner.id),
                    ("state", "=", "member"),
                ],
                limit=1,
            )
        )
        if not line or not is_member:
            raise UserError(
                self.env._(
                    "%(person)s does not take part in “%(decision)s”: only the "
                    "members of %(cooperative)s when the vote opened give their "
                    "position.",
                    person=partner.name,
                    decision=self.name,
                    cooperative=self.cooperative_id.name,
                )
            )
        return line

    # --- Closing the vote --- #

    def _check_can_close(self):
        not_open = self.filtered(lambda d: d.state != "open")
        if not_open:
            raise UserError(
                self.env._(
                    "Only a decision being voted on can be closed; “%(decision)s” "
                    "is not.",
                    decision=not_open[0].name,
                )
            )

    def _log_vote_closed(self):
        self._message_log_batch(
            {
                decision.id: self.env._(
                    "Vote closed on %(date)s: %(outcome)s (agree %(agree)s, abstain "
                    "%(abstain)s, disagree %(disagree)s, block %(block)s; "
                    "%(given)s of %(participants)s positions given).",
                    date=format_date(self.env, decision.date),
                    outcome=decision._selection_label("outcome").lower(),
                    agree=decision.agree_count,
                    abstain=decision.abstain_count,
                    disagree=decision.disagree_count,
                    block=decision.block_count,
                    given=decision.given_count,
                    participants=decision.participant_count,
                )
                for decision in self
            }
        )

    # --- Applying the decision --- #

    def _check_can_apply(self):
        for decision in self:
            if decision.state != "closed" or decision.outcome != "adopted":
                raise UserError(
                    self.env._(
                        "Only a closed, adopted decision can be applied; "
                        "“%(decision)s” is not.",
                        decision=decision.name,
                    )
                )

    def _apply_decision(self):
        """Do what this decision decided; the message to log."""
        self.ensure_one()
        return getattr(self, f"_apply_{self.decision_type}")() or self.env._(
            "Applied: the decision required no change."
        )

    def _apply_admission(self):
        membership = self.membership_id
        self._check_same_cooperative("membership_id")
        if membership.admission_decision_id == self and membership.state == "member":
            return False
        if membership.state != "candidate":
            raise UserError(
                self.env._(
                    "%(person)s is no longer a candidate of %(cooperative)s: the "
                    "admission cannot be applied.",
                    person=membership.partner_id.name,
                    cooperative=self.cooperative_id.name,
                )
            )
        membership._kpa_admit(date=self.date, decision=self)
        message = self.env._(
            "Admitted: %(person)s is a member of %(cooperative)s from %(date)s.",
            person=membership.partner_id.name,
            cooperative=self.cooperative_id.name,
            date=format_date(self.env, self.date),
        )
        membership._message_log(
            body=self.env._(
                "Admitted by the decision “%(decision)s”.", decision=self.name
            )
        )
        return message

    def _apply_exclusion(self):
        membership = self.membership_id
        self._check_same_cooperative("membership_id")
        if membership.exclusion_decision_id == self:
            return False
        if not membership.is_open:
            raise UserError(
                self.env._(
                    "The membership of %(person)s in %(cooperative)s has already "
                    "ended: the exclusion cannot be applied.",
                    person=membership.partner_id.name,
                    cooperative=self.cooperative_id.name,
                )
            )
        membership.sudo().with_context(kpa_membership_flow="exclusion")._close(
            "excluded",
            self.date,
            self.env._(
                "Excluded by the decision “%(decision)s” of %(date)s.",
                decision=self.name,
                date=format_date(self.env, self.date),
            ),
            decision=self,
        )
        return self.env._(
            "Excluded: the membership of %(person)s in %(cooperative)s ended on "
            "%(date)s.",
            person=membership.partner_id.name,
            cooperative=self.cooperative_id.name,
            date=format_date(self.env, self.date),
        )

    def _apply_rule(self):
        rule = self.rule_id
        self._check_same_cooperative("rule_id")
        if not rule._adopt(self):
            return False
        return self.env._(
            "Adopted: the rule “%(rule)s” (version %(version)s) is in force.",
            rule=rule.name,
            version=rule.version,
        )

    def _apply_other(self):
        return False
