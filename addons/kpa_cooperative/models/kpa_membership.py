from collections import Counter

from dateutil.relativedelta import relativedelta

from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools.misc import format_date

MINIMUM_AGE = 16
OPEN_STATES = ("candidate", "member")


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
    email = fields.Char(related="partner_id.email")
    phone = fields.Char(related="partner_id.phone")

    # === COMPUTE METHODS === #

    @api.depends("state")
    def _compute_is_open(self):
        for membership in self:
            membership.is_open = membership.state in OPEN_STATES

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
            birthdate = membership.partner_id.kpa_birthdate
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
        memberships = super().create(vals_list)
        memberships._grant_member_group()
        return memberships

    def write(self, vals):
        res = super().write(vals)
        if {"state", "partner_id"} & set(vals):
            self._grant_member_group()
        return res

    # === ACTION METHODS === #

    def action_admit(self, date=None):
        """Candidates become members, from the given date (default: today)."""
        not_candidates = self.filtered(lambda m: m.state != "candidate")
        if not_candidates:
            raise UserError(
                self.env._(
                    "Only candidates can be admitted; %(people)s are not candidates.",
                    people=", ".join(not_candidates.partner_id.mapped("name")),
                )
            )
        if date:
            self.write({"state": "member", "date_start": date})
            return True
        without_date = self.filtered(lambda m: not m.date_start)
        without_date.write(
            {"state": "member", "date_start": fields.Date.context_today(self)}
        )
        (self - without_date).write({"state": "member"})
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

    def _close(self, state, date, reason):
        """Close open memberships as left or excluded, with date and reason."""
        if state not in ("left", "excluded"):
            raise UserError(
                self.env._("A membership ends by a departure or an exclusion.")
            )
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
        self.write({"state": state, "date_end": date, "end_reason": reason})
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
