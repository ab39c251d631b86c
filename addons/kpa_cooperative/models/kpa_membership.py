from collections import Counter

from dateutil.relativedelta import relativedelta

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools.misc import format_date

MINIMUM_AGE = 16
OPEN_STATES = ("candidate", "member")
# What a coordinator of the cooperative (or a network manager) writes on a
# membership; its state, dates and reason change through the flows only
# (_kpa_admit, _close), its person and cooperative never (issue 9). Other
# add-ons extend it through _kpa_writable_fields().
WRITABLE_FIELDS = frozenset({"date_apply"})
# What they give a new candidacy (a founder's membership: with its start).
CREATE_FIELDS = frozenset({"partner_id", "cooperative_id", "state", "date_apply"})


class KpaMembership(models.Model):
    _name = "kpa.membership"
    _description = "Membership of a person in a cooperative"
    _inherit = ["kpa.cooperative.mixin", "mail.thread", "mail.activity.mixin"]
    _order = "cooperative_id, state, date_start desc, id desc"

    partner_id = fields.Many2one(
        "res.partner",
        string="Person",
        required=True,
        index=True,
        tracking=True,
        ondelete="restrict",
    )
    state = fields.Selection(
        [
            ("candidate", "Candidate"),
            ("member", "Member"),
            ("left", "Left"),
            ("excluded", "Excluded"),
        ],
        required=True,
        default="candidate",
        index=True,
        tracking=True,
        copy=False,
    )
    is_open = fields.Boolean(
        compute="_compute_is_open",
        store=True,
        string="Open",
        help="A candidacy or a current membership.",
    )
    date_apply = fields.Date(
        string="Application date", default=fields.Date.context_today, tracking=True
    )
    date_start = fields.Date(string="Member since", tracking=True, copy=False)
    date_end = fields.Date(string="End date", tracking=True, copy=False)
    end_reason = fields.Text(string="Reason of the end", tracking=True, copy=False)
    skill_ids = fields.One2many(related="partner_id.kpa_skill_ids", string="Skills")
    image_128 = fields.Image(related="partner_id.image_128")
    # Contact details, for those who act in the cooperative only: fellow
    # members never get them through a membership.
    email = fields.Char(compute="_compute_contact_details")
    phone = fields.Char(compute="_compute_contact_details")

    # === COMPUTE METHODS === #

    @api.depends("state")
    def _compute_is_open(self):
        for membership in self:
            membership.is_open = membership.state in OPEN_STATES

    @api.depends("partner_id.email", "partner_id.phone", "cooperative_id")
    @api.depends_context("uid")
    def _compute_contact_details(self):
        acting = self.cooperative_id._kpa_acting_cooperatives()
        for membership in self:
            partner = membership.partner_id.sudo()
            shown = membership.cooperative_id in acting
            membership.email = partner.email if shown else False
            membership.phone = partner.phone if shown else False

    @api.depends("partner_id", "cooperative_id")
    def _compute_display_name(self):
        # A candidate reads their own candidacy, not yet the cooperative: its
        # name only is read with sudo.
        for membership in self:
            partner = membership.partner_id.sudo()
            cooperative = membership.cooperative_id.sudo()
            membership.display_name = f"{partner.name or ''} · {cooperative.name or ''}"

    # === CONSTRAINT METHODS === #

    @api.constrains("date_start", "partner_id", "state")
    def _check_member_age(self):
        for membership in self.sudo():
            if not membership.date_start:
                if membership.state == "member":
                    raise ValidationError(
                        self.env._(
                            "%(person)s needs a start date to be a member of "
                            "%(cooperative)s.",
                            person=membership.partner_id.name,
                            cooperative=membership.cooperative_id.name,
                        )
                    )
                continue
            birthdate = membership.partner_id.kpa_birthdate_value
            if not birthdate:
                raise ValidationError(
                    self.env._(
                        "%(person)s has no birthdate: enter it on their contact before "
                        "they join %(cooperative)s (members are %(age)s or older).",
                        person=membership.partner_id.name,
                        cooperative=membership.cooperative_id.name,
                        age=MINIMUM_AGE,
                    )
                )
            age = relativedelta(membership.date_start, birthdate).years
            if age < MINIMUM_AGE:
                raise ValidationError(
                    self.env._(
                        "%(person)s is %(age)s on %(date)s: members of a cooperative "
                        "must be %(minimum)s or older on the day they join.",
                        person=membership.partner_id.name,
                        age=age,
                        date=format_date(self.env, membership.date_start),
                        minimum=MINIMUM_AGE,
                    )
                )

    @api.constrains("partner_id", "cooperative_id", "state")
    def _check_single_open_membership(self):
        open_memberships = self.filtered("is_open")
        if not open_memberships:
            return
        counts = Counter(
            {
                (partner.id, cooperative.id): count
                for partner, cooperative, count in self.sudo()._read_group(
                    [
                        ("partner_id", "in", open_memberships.partner_id.ids),
                        ("cooperative_id", "in", open_memberships.cooperative_id.ids),
                        ("is_open", "=", True),
                    ],
                    ["partner_id", "cooperative_id"],
                    ["__count"],
                )
            }
        )
        for membership in open_memberships:
            if counts[membership.partner_id.id, membership.cooperative_id.id] > 1:
                raise ValidationError(
                    self.env._(
                        "%(person)s already has an open membership (candidate or "
                        "member) in %(cooperative)s: there can be only one.",
                        person=membership.partner_id.name,
                        cooperative=membership.cooperative_id.name,
                    )
                )

    @api.constrains("state", "date_start", "date_end", "end_reason")
    def _check_end(self):
        for membership in self:
            if membership.state in ("left", "excluded") and not membership.date_end:
                raise ValidationError(
                    self.env._(
                        "The membership of %(person)s ended: give its end date.",
                        person=membership.partner_id.name,
                    )
                )
            if (
                membership.state == "excluded"
                and not (membership.end_reason or "").strip()
            ):
                raise ValidationError(
                    self.env._(
                        "An exclusion needs a reason: explain why %(person)s is "
                        "excluded from %(cooperative)s.",
                        person=membership.partner_id.name,
                        cooperative=membership.cooperative_id.name,
                    )
                )
            if (
                membership.date_start
                and membership.date_end
                and membership.date_end < membership.date_start
            ):
                raise ValidationError(
                    self.env._(
                        "The membership of %(person)s cannot end (%(end)s) before it "
                        "starts (%(start)s).",
                        person=membership.partner_id.name,
                        end=format_date(self.env, membership.date_end),
                        start=format_date(self.env, membership.date_start),
                    )
                )

    @api.constrains("cooperative_id", "state")
    def _check_cooperative_open(self):
        for membership in self:
            if membership.is_open and membership.cooperative_id.state == "closed":
                raise ValidationError(
                    self.env._(
                        "%(cooperative)s is closed: it welcomes no new candidate or "
                        "member.",
                        cooperative=membership.cooperative_id.name,
                    )
                )

    # === CRUD METHODS === #

    @api.model_create_multi
    def create(self, vals_list):
        founders = []
        for vals in vals_list:
            self._kpa_check_values(vals)
            if not self.env.su:
                self._kpa_check_create_vals(vals)
                if vals.get("state", "candidate") == "member":
                    founders.append(vals.get("cooperative_id"))
        if founders:
            self._kpa_check_founders(
                self.env["kpa.cooperative"].browse(founders).exists()
            )
        memberships = super().create(vals_list)
        memberships._grant_member_group()
        return memberships

    def write(self, vals):
        self._kpa_check_values(vals)
        if not self.env.su:
            self._kpa_check_writable(vals)
        res = super().write(vals)
        if {"state", "partner_id"} & set(vals):
            self._grant_member_group()
            self.partner_id.user_ids._kpa_sync_member_role()
        return res

    # === ACTION METHODS === #

    def action_admit(self, date=None):
        """Admit founders: the candidates of a cooperative that has no member
        yet, whom a network manager admits (from ``date``, default today).
        Every other admission comes from an applied admission decision
        (kpa_governance calls :meth:`_kpa_admit` with it)."""
        return self._kpa_admit(date=date)

    def action_leave(self):
        """The person leaves these memberships of theirs, today: their own
        wish (an exclusion is decided by the members)."""
        partner = self.env.user.partner_id
        if not self or any(m.partner_id != partner for m in self.sudo()):
            raise AccessError(
                self.env._("Only the person themselves may leave a membership.")
            )
        self.sudo()._close(
            "left",
            fields.Date.context_today(self),
            self.env._("Left of their own wish."),
        )
        return True

    def action_end(self):
        """Open the wizard that records a departure or an exclusion."""
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("End of membership"),
            "res_model": "kpa.membership.end",
            "view_mode": "form",
            "target": "new",
            "context": {"default_membership_ids": self.ids},
        }

    # === BUSINESS METHODS === #

    def _kpa_admit(self, date=None, decision=None):
        """The only path by which candidates become members (issue 9), from
        ``date`` (default: their start date, or today).

        - With ``decision``: the applied admission decision of the members,
          given by kpa_governance, which checks it and adds its own values
          (:meth:`_kpa_admission_values`).
        - Without: the founders of a cooperative that has no member yet,
          admitted by a network manager (or the superuser).

        The state and start date are then written with sudo: nobody writes
        them directly."""
        not_candidates = self.filtered(lambda m: m.state != "candidate")
        if not_candidates:
            raise UserError(
                self.env._(
                    "Only candidates can be admitted; %(people)s are not candidates.",
                    people=", ".join(not_candidates.partner_id.mapped("name")),
                )
            )
        if not self.env.su:
            self.check_access("write")
            if not decision:
                self._kpa_check_founders(self.cooperative_id)
        today = fields.Date.context_today(self)
        for membership in self:
            membership.sudo().write(
                {
                    "state": "member",
                    "date_start": date or membership.date_start or today,
                    **self._kpa_admission_values(decision),
                }
            )
        return True

    @api.model
    def _kpa_public_person_domain(self):
        """The memberships whose person may appear in public: they consented
        to a public profile and are known to be of age (issue 9: no minor on
        any public page or file, consent or not). For the public pages of
        every add-on (search with sudo)."""
        return [
            ("partner_id.kpa_public_profile", "=", True),
            (
                "partner_id.kpa_birthdate_value",
                "<=",
                self.env["res.partner"]._kpa_adult_birthdate_limit(),
            ),
        ]

    def _kpa_admission_values(self, decision):
        """Values the admission by ``decision`` writes too (kpa_governance:
        the decision that admitted them)."""
        return {}

    def _kpa_exclusion_values(self, decision):
        """Values the exclusion by ``decision`` writes too (kpa_governance:
        the decision that excluded them)."""
        return {}

    def _kpa_check_founders(self, cooperatives):
        """Admitting without a decision: only the founders of cooperatives
        with no member yet, and only by a network manager."""
        if self.env.su:
            return
        if not self.env.user.has_group("kpa_cooperative.group_kpa_manager"):
            raise AccessError(
                self.env._(
                    "A candidate becomes a member by an admission decision of the "
                    "members; only a network manager admits the founders of a "
                    "cooperative that has no member yet."
                )
            )
        with_members = (
            self.sudo()
            .search(
                [("cooperative_id", "in", cooperatives.ids), ("state", "=", "member")]
            )
            .cooperative_id
        )
        if with_members:
            raise AccessError(
                self.env._(
                    "%(cooperatives)s already has members: a candidate becomes a "
                    "member by an admission decision of the members.",
                    cooperatives=", ".join(with_members.sudo().mapped("name")),
                )
            )

    def _kpa_writable_fields(self):
        """The fields the current user may write on these memberships (the
        record rules say which memberships they reach)."""
        return set(WRITABLE_FIELDS)

    def _kpa_check_writable(self, vals):
        refused = set(vals) - self._kpa_writable_fields()
        if refused:
            raise AccessError(
                self.env._(
                    "You may not change %(fields)s of a membership: a membership "
                    "changes through its flows only (application, admission "
                    "decision, departure, exclusion decision).",
                    fields=", ".join(
                        sorted(
                            f"“{self._fields[f]._description_string(self.env)}”"
                            if f in self._fields
                            else f
                            for f in refused
                        )
                    ),
                )
            )

    def _kpa_check_create_vals(self, vals):
        state = vals.get("state") or "candidate"
        allowed = set(CREATE_FIELDS) | self._kpa_writable_fields()
        if state == "member":
            allowed.add("date_start")
        refused = {f for f, v in vals.items() if v and f not in allowed}
        if state not in ("candidate", "member"):
            refused.add("state")
        if refused:
            raise AccessError(
                self.env._(
                    "A new membership is a candidacy (or a founder's membership, "
                    "by a network manager): %(fields)s cannot be given.",
                    fields=", ".join(
                        sorted(
                            f"“{self._fields[f]._description_string(self.env)}”"
                            if f in self._fields
                            else f
                            for f in refused
                        )
                    ),
                )
            )

    def _close(self, state, date, reason, decision=None):
        """Close open memberships as left or excluded, with date and reason.

        A departure is the person's wish (:meth:`action_leave`, or recorded
        by a coordinator of the cooperative with the end wizard); an
        exclusion needs the applied exclusion ``decision`` of the members
        (kpa_governance passes it; :meth:`_kpa_exclusion_values` adds its
        values). The state, date and reason are then written with sudo."""
        if state not in ("left", "excluded"):
            raise UserError(
                self.env._("A membership ends by a departure or an exclusion.")
            )
        if state == "excluded" and not decision:
            raise UserError(
                self.env._(
                    "An exclusion is decided by the members: it is applied from "
                    "their adopted exclusion decision only."
                )
            )
        if not self.env.su:
            self.check_access("write")
        closed = self.filtered(lambda m: not m.is_open)
        if closed:
            raise UserError(
                self.env._(
                    "The membership of %(people)s has already ended.",
                    people=", ".join(closed.partner_id.mapped("name")),
                )
            )
        # A candidate who withdraws (or is refused) never was a member: no
        # start date is invented for them.
        self.sudo().write(
            {
                "state": state,
                "date_end": date,
                "end_reason": reason,
                **self._kpa_exclusion_values(decision),
            }
        )
        return True

    def _grant_member_group(self):
        """People with an account (often a portal one) who apply or join get
        the member role: their own application, their cooperatives, the
        portal pages of members; the record rules keep them to their own."""
        users = self.filtered("is_open").partner_id.sudo().user_ids
        group = self.env.ref("kpa_cooperative.group_kpa_member")
        missing = users.filtered(lambda user: group not in user.groups_id)
        if missing:
            group.sudo().write({"users": [Command.link(user.id) for user in missing]})
