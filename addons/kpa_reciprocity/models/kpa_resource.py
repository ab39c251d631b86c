from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools.misc import format_date

from .kpa_contribution import check_writable_fields

# What the coordinators of the owner cooperative write as data (positive
# lists); the state of a loan and its contribution are its buttons'.
RESOURCE_FIELDS = {
    "name",
    "cooperative_id",
    "resource_type",
    "description",
    "location",
    "is_available",
    "availability",
    "hours_per_day",
    "active",
    "color",
}
LOAN_FIELDS = {
    "resource_id",
    "borrower_partner_id",
    "date_start",
    "date_end",
    "hours",
    "note",
}


class KpaResource(models.Model):
    _name = "kpa.resource"
    _description = "Pooled resource (tool, machine, space)"
    _inherit = ["kpa.cooperative.mixin", "mail.thread"]
    _order = "cooperative_id, name, id"

    name = fields.Char(required=True, tracking=True)
    cooperative_id = fields.Many2one(string="Owner cooperative", ondelete="restrict")
    resource_type = fields.Selection(
        [("tool", "Tool"), ("machine", "Machine"), ("space", "Space")],
        string="Type",
        required=True,
        default="tool",
    )
    description = fields.Text()
    location = fields.Char()
    is_available = fields.Boolean(
        string="Available for loans",
        default=True,
        tracking=True,
        help="Uncheck while the resource is out of service: no new loan is "
        "recorded for it.",
    )
    availability = fields.Char(
        help="When and how the resource can be borrowed, e.g. weekdays at Labo 140.",
    )
    hours_per_day = fields.Float(
        string="Hours per day of loan",
        digits=(16, 2),
        default=1.0,
        help="Hours credited to the owner in the reciprocity ledger for each day "
        "of a loan.",
    )
    loan_ids = fields.One2many("kpa.resource.loan", "resource_id", string="Loans")
    current_loan_id = fields.Many2one(
        "kpa.resource.loan", compute="_compute_current_loan", string="Current loan"
    )
    active = fields.Boolean(default=True)
    color = fields.Integer()

    # === COMPUTE METHODS === #

    def _compute_current_loan(self):
        today = fields.Date.context_today(self)
        loans = self.env["kpa.resource.loan"].search(
            [
                ("resource_id", "in", self.ids),
                ("state", "=", "confirmed"),
                ("date_start", "<=", today),
                ("date_end", ">=", today),
            ]
        )
        by_resource = {loan.resource_id: loan for loan in loans}
        for resource in self:
            resource.current_loan_id = by_resource.get(resource, False)

    # === CONSTRAINT METHODS === #

    @api.constrains("hours_per_day")
    def _check_hours_per_day(self):
        for resource in self:
            if not 0 < resource.hours_per_day <= 24:
                raise ValidationError(
                    self.env._(
                        "The hours per day of loan of %(resource)s must be "
                        "more than 0 and at most 24.",
                        resource=resource.name,
                    )
                )

    # === CRUD METHODS === #

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            check_writable_fields(self, vals, RESOURCE_FIELDS)
        return super().create(vals_list)

    def write(self, vals):
        check_writable_fields(self, vals, RESOURCE_FIELDS)
        return super().write(vals)


class KpaResourceLoan(models.Model):
    _name = "kpa.resource.loan"
    _description = "Loan of a pooled resource"
    _inherit = ["mail.thread"]
    _order = "date_start desc, id desc"
    _check_company_auto = True

    resource_id = fields.Many2one(
        "kpa.resource",
        string="Resource",
        required=True,
        index=True,
        tracking=True,
        ondelete="restrict",
        check_company=True,
    )
    cooperative_id = fields.Many2one(
        related="resource_id.cooperative_id",
        store=True,
        index=True,
        string="Owner cooperative",
    )
    company_id = fields.Many2one(
        related="resource_id.company_id",
        store=True,
        index=True,
        string="Host structure",
    )
    borrower_partner_id = fields.Many2one(
        "res.partner",
        string="Borrower",
        required=True,
        index=True,
        tracking=True,
        ondelete="restrict",
        help="Another cooperative (its contact) or a member of the network.",
    )
    date_start = fields.Date(
        string="From", required=True, default=fields.Date.context_today, tracking=True
    )
    date_end = fields.Date(
        string="To",
        required=True,
        default=fields.Date.context_today,
        tracking=True,
        help="Last day of the loan, included.",
    )
    hours = fields.Float(
        digits=(16, 2),
        compute="_compute_hours",
        store=True,
        readonly=False,
        precompute=True,
        help="Hours credited to the owner cooperative in the reciprocity ledger.",
    )
    state = fields.Selection(
        [
            ("confirmed", "Confirmed"),
            ("returned", "Returned"),
            ("cancelled", "Cancelled"),
        ],
        required=True,
        default="confirmed",
        readonly=True,
        copy=False,
        index=True,
        tracking=True,
    )
    note = fields.Char()
    contribution_id = fields.Many2one(
        "kpa.contribution", string="Contribution", readonly=True, copy=False
    )

    # === COMPUTE METHODS === #

    @api.depends("date_start", "date_end", "resource_id.hours_per_day")
    def _compute_hours(self):
        for loan in self:
            if loan.date_start and loan.date_end and loan.date_end >= loan.date_start:
                days = (loan.date_end - loan.date_start).days + 1
                loan.hours = days * loan.resource_id.hours_per_day
            else:
                loan.hours = 0.0

    @api.depends("resource_id", "borrower_partner_id", "date_start")
    def _compute_display_name(self):
        for loan in self:
            loan.display_name = self.env._(
                "%(resource)s → %(borrower)s (%(date)s)",
                resource=loan.resource_id.name or "",
                borrower=loan.borrower_partner_id.name or "",
                date=format_date(self.env, loan.date_start),
            )

    # === CONSTRAINT METHODS === #

    @api.constrains("date_start", "date_end")
    def _check_dates(self):
        for loan in self:
            if loan.date_end < loan.date_start:
                raise ValidationError(
                    self.env._(
                        "The loan of %(resource)s cannot end (%(end)s) before it "
                        "starts (%(start)s).",
                        resource=loan.resource_id.name,
                        end=format_date(self.env, loan.date_end),
                        start=format_date(self.env, loan.date_start),
                    )
                )

    @api.constrains("resource_id", "date_start", "date_end", "state")
    def _check_overlap(self):
        """One resource is lent to one borrower at a time."""
        loans = self.filtered(lambda loan: loan.state != "cancelled")
        if not loans:
            return
        others = defaultdict(list)
        for other in self.sudo().search(
            [
                ("resource_id", "in", loans.resource_id.ids),
                ("state", "!=", "cancelled"),
                ("date_start", "<=", max(loans.mapped("date_end"))),
                ("date_end", ">=", min(loans.mapped("date_start"))),
            ]
        ):
            others[other.resource_id.id].append(other)
        for loan in loans:
            for other in others[loan.resource_id.id]:
                if (
                    other.id != loan.id
                    and other.date_start <= loan.date_end
                    and other.date_end >= loan.date_start
                ):
                    raise ValidationError(
                        self.env._(
                            "%(resource)s is already lent to %(borrower)s from "
                            "%(start)s to %(end)s: choose other dates.",
                            resource=loan.resource_id.name,
                            borrower=other.borrower_partner_id.name,
                            start=format_date(self.env, other.date_start),
                            end=format_date(self.env, other.date_end),
                        )
                    )

    @api.constrains("borrower_partner_id", "resource_id")
    def _check_borrower(self):
        for loan in self:
            if loan.borrower_partner_id == loan.resource_id.cooperative_id.partner_id:
                raise ValidationError(
                    self.env._(
                        "%(resource)s belongs to %(cooperative)s: it is lent to "
                        "another cooperative or to a member.",
                        resource=loan.resource_id.name,
                        cooperative=loan.cooperative_id.name,
                    )
                )

    # === CRUD METHODS === #

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            check_writable_fields(self, vals, LOAN_FIELDS)
        resources = self.env["kpa.resource"].browse(
            {vals.get("resource_id") for vals in vals_list if vals.get("resource_id")}
        )
        unavailable = resources.filtered(lambda r: not r.is_available)
        if unavailable:
            raise UserError(
                self.env._(
                    "%(resource)s is not available for loans at the moment.",
                    resource=unavailable[0].name,
                )
            )
        loans = super().create(vals_list)
        loans._create_contributions()
        return loans

    def write(self, vals):
        # A returned or cancelled loan stays in the ledger as it was.
        check_writable_fields(
            self,
            vals,
            LOAN_FIELDS
            if not self.filtered(lambda loan: loan.state != "confirmed")
            else (),
        )
        res = super().write(vals)
        if "resource_id" in vals and not self.env.su:
            # A loan never goes with a resource of a cooperative its writer
            # does not act in (checked after the write, as the mixin does).
            outside = self - self._filtered_access("write")
            if outside:
                raise AccessError(
                    self.env._(
                        "The loan cannot go to %(resource)s: you do not act in "
                        "its cooperative.",
                        resource=outside[0].sudo().resource_id.name,
                    )
                )
        if {
            "date_start",
            "date_end",
            "hours",
            "borrower_partner_id",
            "resource_id",
        } & set(vals):
            self._sync_contributions()
        return res

    @api.ondelete(at_uninstall=False)
    def _unlink_except_recorded(self):
        if self.filtered(lambda loan: loan.state != "cancelled"):
            raise UserError(
                self.env._(
                    "A loan stays in the reciprocity ledger: cancel it instead of "
                    "deleting it."
                )
            )

    # === ACTION METHODS === #

    def action_return(self):
        self.check_access("write")
        self._check_state(("confirmed",))
        self.sudo().write({"state": "returned"})
        return True

    def action_cancel(self):
        self.check_access("write")
        self._check_state(("confirmed",))
        self.sudo().write({"state": "cancelled"})
        self.contribution_id.sudo().write({"state": "refused"})
        return True

    # === BUSINESS METHODS === #

    def _check_state(self, allowed):
        wrong = self.filtered(lambda loan: loan.state not in allowed)
        if wrong:
            raise UserError(
                self.env._(
                    "The loan %(loan)s is %(state)s.",
                    loan=wrong[0].display_name,
                    state=wrong[0]._selection_label("state").lower(),
                )
            )

    def _contribution_vals(self):
        self.ensure_one()
        return {
            "name": self.env._("Loan of %(resource)s", resource=self.resource_id.name),
            "cooperative_id": self.resource_id.cooperative_id.id,
            "giver_partner_id": self.resource_id.cooperative_id.partner_id.id,
            "receiver_partner_id": self.borrower_partner_id.id,
            "contribution_type": "resource",
            "quantity": self.hours,
            "date": self.date_start,
        }

    def _create_contributions(self):
        """A loan recorded by the owner's coordinators is a validated
        contribution of the owner cooperative to the borrower."""
        today = fields.Date.context_today(self)
        contributions = (
            self.env["kpa.contribution"]
            .sudo()
            .create(
                [
                    dict(
                        loan._contribution_vals(),
                        loan_id=loan.id,
                        state="validated",
                        validated_by_id=self.env.user.id,
                        date_validated=today,
                    )
                    for loan in self
                ]
            )
        )
        for loan, contribution in zip(self, contributions, strict=True):
            loan.sudo().contribution_id = contribution

    def _sync_contributions(self):
        for loan in self.filtered("contribution_id"):
            loan.contribution_id.sudo().write(loan._contribution_vals())
