from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from odoo.addons.kpa_cooperative.models.input_check import (
    MAIL_FIELDS,
    check_input_values,
)

CONTRIBUTION_TYPES = [
    ("work", "Hours of work"),
    ("skill", "Skill shared or training given"),
    ("resource", "Resource lent"),
    ("other", "Other"),
]
# A year of full-time work: more in one entry is a typing error.
MAX_CONTRIBUTION_HOURS = 1600
# Set by the validation buttons (or by loans and trainings) only.
CONTRIBUTION_REVIEW_FIELDS = {"state", "validated_by_id", "date_validated"}
CONTRIBUTION_CONTENT_FIELDS = {
    "name",
    "cooperative_id",
    "giver_partner_id",
    "receiver_partner_id",
    "contribution_type",
    "quantity",
    "date",
}


def check_writable_fields(records, vals, allowed):
    """Refuse ``vals`` when it sets a field of ``records`` (one model) outside
    ``allowed``, a positive list of what a user writes as data, and Odoo's
    mail plumbing. The flows write the rest as superuser."""
    check_input_values(records, vals)
    refused = set(vals) - set(allowed) - MAIL_FIELDS
    if not refused or records.env.su:
        return
    names = sorted(
        records._fields[name]._description_string(records.env)
        if name in records._fields
        else name
        for name in refused
    )
    raise UserError(
        records.env._(
            "%(fields)s: set by the buttons of the record (validation, loan, "
            "training), not written directly.",
            fields=", ".join(names),
        )
    )


class KpaContribution(models.Model):
    _name = "kpa.contribution"
    _description = "Contribution (reciprocity ledger)"
    _inherit = ["kpa.cooperative.mixin", "mail.thread"]
    _order = "date desc, id desc"

    name = fields.Char(string="Description", required=True, tracking=True)
    cooperative_id = fields.Many2one(
        default=lambda self: self._default_cooperative(),
        help="The cooperative whose ledger records the contribution: the giver or "
        "the receiver is the cooperative itself or one of its members.",
    )
    giver_partner_id = fields.Many2one(
        "res.partner",
        string="Given by",
        required=True,
        index=True,
        tracking=True,
        ondelete="restrict",
        default=lambda self: self.env.user.partner_id,
        help="A member, or a cooperative (its contact).",
    )
    receiver_partner_id = fields.Many2one(
        "res.partner",
        string="Received by",
        compute="_compute_receiver_partner_id",
        store=True,
        readonly=False,
        precompute=True,
        required=True,
        index=True,
        tracking=True,
        ondelete="restrict",
        help="A member, or a cooperative (its contact). The cooperative itself by "
        "default.",
    )
    contribution_type = fields.Selection(
        CONTRIBUTION_TYPES,
        string="Type",
        required=True,
        default="work",
        tracking=True,
    )
    quantity = fields.Float(
        string="Hours", digits=(16, 2), required=True, tracking=True
    )
    date = fields.Date(required=True, default=fields.Date.context_today, tracking=True)
    state = fields.Selection(
        [("draft", "To validate"), ("validated", "Validated"), ("refused", "Refused")],
        required=True,
        default="draft",
        readonly=True,
        copy=False,
        index=True,
        tracking=True,
    )
    validated_by_id = fields.Many2one(
        "res.users", string="Reviewed by", readonly=True, copy=False
    )
    date_validated = fields.Date(string="Reviewed on", readonly=True, copy=False)
    loan_id = fields.Many2one(
        "kpa.resource.loan", string="Loan", readonly=True, copy=False, index=True
    )
    training_id = fields.Many2one(
        "kpa.training", string="Training", readonly=True, copy=False, index=True
    )

    # === DEFAULT METHODS === #

    def _default_cooperative(self):
        return (
            self.env["kpa.membership"]
            .search(
                [
                    ("partner_id", "=", self.env.user.partner_id.id),
                    ("state", "=", "member"),
                ],
                limit=1,
            )
            .cooperative_id
        )

    # === COMPUTE METHODS === #

    @api.depends("cooperative_id")
    def _compute_receiver_partner_id(self):
        for contribution in self:
            if not contribution.receiver_partner_id:
                contribution.receiver_partner_id = (
                    contribution.cooperative_id.partner_id
                )

    @api.depends(
        "giver_partner_id", "receiver_partner_id", "quantity", "contribution_type"
    )
    def _compute_display_name(self):
        for contribution in self:
            contribution.display_name = self.env._(
                "%(giver)s → %(receiver)s: %(hours)s h (%(type)s)",
                giver=contribution.giver_partner_id.name or "",
                receiver=contribution.receiver_partner_id.name or "",
                hours=format(contribution.quantity, "g"),
                type=contribution._selection_label("contribution_type"),
            )

    # === CONSTRAINT METHODS === #

    @api.constrains("quantity")
    def _check_quantity(self):
        for contribution in self:
            if contribution.quantity <= 0:
                raise ValidationError(
                    self.env._(
                        "A contribution counts a positive number of hours: "
                        "%(hours)s hours cannot be recorded.",
                        hours=format(contribution.quantity, "g"),
                    )
                )
            if contribution.quantity > MAX_CONTRIBUTION_HOURS:
                raise ValidationError(
                    self.env._(
                        "A contribution counts at most %(maximum)s hours: record "
                        "%(hours)s hours as several contributions, one per "
                        "period.",
                        maximum=MAX_CONTRIBUTION_HOURS,
                        hours=format(contribution.quantity, "g"),
                    )
                )

    @api.constrains("giver_partner_id", "receiver_partner_id", "cooperative_id")
    def _check_parties(self):
        """Givers and receivers are cooperatives or people with a membership
        in the network; one of them belongs to the cooperative of the entry."""
        partners = self.giver_partner_id | self.receiver_partner_id
        Cooperative = self.env["kpa.cooperative"].sudo().with_context(active_test=False)
        cooperative_partners = {
            coop.partner_id.id: coop
            for coop in Cooperative.search([("partner_id", "in", partners.ids)])
        }
        memberships = {}
        for partner, coops in (
            self.env["kpa.membership"]
            .sudo()
            ._read_group(
                [("partner_id", "in", partners.ids)],
                ["partner_id"],
                ["cooperative_id:array_agg"],
            )
        ):
            memberships[partner.id] = set(coops)
        for contribution in self:
            giver, receiver = (
                contribution.giver_partner_id,
                contribution.receiver_partner_id,
            )
            if giver == receiver:
                raise ValidationError(
                    self.env._(
                        "%(person)s cannot give a contribution to themselves.",
                        person=giver.name,
                    )
                )
            for party in (giver, receiver):
                if party.id not in cooperative_partners and party.id not in memberships:
                    raise ValidationError(
                        self.env._(
                            "%(person)s is neither a cooperative nor a member of the "
                            "network: contributions are given and received by "
                            "members and cooperatives.",
                            person=party.name,
                        )
                    )
            coop = contribution.cooperative_id
            if not any(
                cooperative_partners.get(party.id) == coop
                or coop.id in memberships.get(party.id, ())
                for party in (giver, receiver)
            ):
                raise ValidationError(
                    self.env._(
                        "Neither %(giver)s nor %(receiver)s belongs to "
                        "%(cooperative)s: record the contribution in the cooperative "
                        "of one of them.",
                        giver=giver.name,
                        receiver=receiver.name,
                        cooperative=coop.name,
                    )
                )

    # === CRUD METHODS === #

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su and any(
            CONTRIBUTION_REVIEW_FIELDS & set(vals)
            and vals.get("state", "draft") != "draft"
            for vals in vals_list
        ):
            raise UserError(
                self.env._(
                    "A contribution is recorded to be validated: a coordinator of "
                    "the cooperative validates it afterwards."
                )
            )
        for vals in vals_list:
            check_writable_fields(
                self, vals, CONTRIBUTION_CONTENT_FIELDS | CONTRIBUTION_REVIEW_FIELDS
            )
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su and CONTRIBUTION_REVIEW_FIELDS & set(vals):
            raise UserError(
                self.env._("Validate or refuse a contribution with its buttons.")
            )
        if CONTRIBUTION_CONTENT_FIELDS & set(vals) and not self.env.su:
            reviewed = self.filtered(lambda c: c.state != "draft")
            if reviewed:
                raise UserError(
                    self.env._(
                        "The contribution “%(contribution)s” has been reviewed: set "
                        "it back to validate before changing it.",
                        contribution=reviewed[0].name,
                    )
                )
        check_writable_fields(
            self,
            vals,
            CONTRIBUTION_CONTENT_FIELDS
            if not self.filtered(lambda c: c.state != "draft")
            else set(),
        )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_validated(self):
        validated = self.filtered(lambda c: c.state == "validated")
        if validated and not self.env.su:
            raise UserError(
                self.env._(
                    "The contribution “%(contribution)s” is validated: it stays in "
                    "the reciprocity ledger.",
                    contribution=validated[0].name,
                )
            )

    # === ACTION METHODS === #

    def action_validate(self):
        return self._review("validated", ("draft",))

    def action_refuse(self):
        return self._review("refused", ("draft",))

    def action_reset_draft(self):
        return self._review("draft", ("validated", "refused"))

    # === BUSINESS METHODS === #

    def _check_can_review(self):
        """Coordinators of the cooperative (and network managers) review."""
        user = self.env.user
        if self.env.su or user.has_group("kpa_cooperative.group_kpa_manager"):
            return
        strangers = self.filtered(
            lambda c: user not in c.cooperative_id.coordinator_ids
        )
        if strangers:
            raise AccessError(
                self.env._(
                    "Only the coordinators of %(cooperative)s validate its "
                    "contributions.",
                    cooperative=strangers[0].cooperative_id.name,
                )
            )

    def _review(self, state, from_states):
        self.check_access("write")
        self._check_can_review()
        wrong = self.filtered(lambda c: c.state not in from_states)
        if wrong:
            raise UserError(
                self.env._(
                    "The contribution “%(contribution)s” is %(state)s.",
                    contribution=wrong[0].name,
                    state=wrong[0]._selection_label("state").lower(),
                )
            )
        reviewed = state != "draft"
        self.sudo().write(
            {
                "state": state,
                "validated_by_id": self.env.user.id if reviewed else False,
                "date_validated": fields.Date.context_today(self)
                if reviewed
                else False,
            }
        )
        return True
