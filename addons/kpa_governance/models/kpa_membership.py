from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError


class KpaMembership(models.Model):
    """Memberships change through the decisions of the members: an admission
    may, an exclusion must, come from an adopted decision."""

    _inherit = "kpa.membership"

    admission_decision_id = fields.Many2one(
        "kpa.decision",
        string="Admitted by",
        readonly=True,
        copy=False,
        ondelete="restrict",
        tracking=True,
    )
    exclusion_decision_id = fields.Many2one(
        "kpa.decision",
        string="Excluded by",
        readonly=True,
        copy=False,
        ondelete="restrict",
        tracking=True,
    )
    decision_ids = fields.One2many(
        "kpa.decision", "membership_id", string="Decisions about this membership"
    )
    decision_count = fields.Integer(compute="_compute_decision_count")

    # === COMPUTE METHODS === #

    def _compute_decision_count(self):
        counts = dict(
            self.env["kpa.decision"]._read_group(
                [("membership_id", "in", self.ids)], ["membership_id"], ["__count"]
            )
        )
        for membership in self:
            membership.decision_count = counts.get(membership, 0)

    # === CONSTRAINT METHODS === #

    @api.constrains("state", "exclusion_decision_id", "admission_decision_id")
    def _check_decisions(self):
        for membership in self:
            for decision, kind in (
                (membership.exclusion_decision_id, "exclusion"),
                (membership.admission_decision_id, "admission"),
            ):
                if decision and (
                    decision.decision_type != kind
                    or decision.membership_id != membership
                    or decision.state != "closed"
                    or decision.outcome != "adopted"
                ):
                    raise ValidationError(
                        self.env._(
                            "The decision “%(decision)s” is not an adopted %(kind)s "
                            "decision about %(person)s in %(cooperative)s.",
                            decision=decision.name,
                            kind=decision._selection_label(
                                "decision_type", kind
                            ).lower(),
                            person=membership.partner_id.name,
                            cooperative=membership.cooperative_id.name,
                        )
                    )
            if membership.state == "excluded" and not membership.exclusion_decision_id:
                raise ValidationError(membership._exclusion_needs_decision_message())

    # === CRUD METHODS === #

    def write(self, vals):
        if not self.env.su:
            self._check_state_by_decision(vals)
        return super().write(vals)

    # === ACTION METHODS === #

    def action_admit(self, date=None):
        """A candidate becomes a member only by an applied admission decision
        (kpa.decision.action_apply). The one exception: the founders of a
        cooperative with no member yet, whom a network manager admits."""
        if self.env.su or self.filtered(lambda m: m.state != "candidate"):
            # kpa_cooperative refuses those who are no candidates.
            return super().action_admit(date=date)
        self.check_access("write")
        with_members = self.cooperative_id.filtered(
            lambda coop: coop.sudo().membership_ids.filtered(
                lambda m: m.state == "member"
            )
        )
        if with_members or not self.env.user.has_group(
            "kpa_cooperative.group_kpa_manager"
        ):
            raise AccessError(self._admission_needs_decision_message())
        return self.sudo().action_admit(date=date)

    def action_propose_admission(self):
        return self._action_propose_decision("admission")

    def action_propose_exclusion(self):
        return self._action_propose_decision("exclusion")

    def action_view_decisions(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._(
                "Decisions about %(person)s", person=self.partner_id.name
            ),
            "res_model": "kpa.decision",
            "view_mode": "list,form",
            "domain": [("membership_id", "=", self.id)],
            "context": {
                "default_membership_id": self.id,
                "default_cooperative_id": self.cooperative_id.id,
            },
        }

    # === BUSINESS METHODS === #

    def _close(self, state, date, reason, decision=None):
        """An exclusion closes memberships only through the adopted exclusion
        decision about them; a departure needs none."""
        if state == "excluded" and not decision:
            raise UserError(self._exclusion_needs_decision_message())
        return super()._close(state, date, reason, decision=decision)

    def _kpa_admission_values(self, decision):
        values = super()._kpa_admission_values(decision)
        if decision:
            values["admission_decision_id"] = decision.id
        return values

    def _kpa_exclusion_values(self, decision):
        values = super()._kpa_exclusion_values(decision)
        if decision:
            values["exclusion_decision_id"] = decision.id
        return values

    def _check_state_by_decision(self, vals):
        """Nobody writes an admission or an exclusion as data: they are the
        members' decisions, applied (or the founders' admission)."""
        if {"admission_decision_id", "exclusion_decision_id"} & set(vals):
            raise AccessError(
                self.env._(
                    "The decision that admits or excludes a person is recorded "
                    "when it is applied, not written directly."
                )
            )
        if vals.get("state") == "member" and self.filtered(
            lambda m: m.state != "member"
        ):
            raise AccessError(self._admission_needs_decision_message())
        if vals.get("state") == "excluded":
            raise AccessError(self._exclusion_needs_decision_message())

    def _admission_needs_decision_message(self):
        return self.env._(
            "A candidate becomes a member by a decision of the members: propose "
            "the admission of %(people)s; once adopted, applying it admits them. "
            "Only the founders of a cooperative with no member yet are admitted "
            "by a network manager.",
            people=", ".join(self.partner_id.mapped("name"))
            or self.env._("the candidate"),
        )

    def _exclusion_needs_decision_message(self):
        return self.env._(
            "An exclusion is decided by the members: propose an exclusion decision "
            "about %(people)s; once adopted, applying it closes the membership.",
            people=", ".join(self.partner_id.mapped("name")),
        )

    def _action_propose_decision(self, kind):
        self.ensure_one()
        expected = {"admission": "candidate", "exclusion": "member"}[kind]
        if self.state != expected:
            raise UserError(
                self.env._(
                    "%(person)s is not a %(state)s of %(cooperative)s.",
                    person=self.partner_id.name,
                    state=self._selection_label("state", expected).lower(),
                    cooperative=self.cooperative_id.name,
                )
            )
        decision = self.decision_ids.filtered(
            lambda d: d.decision_type == kind and d.state != "closed"
        )[:1]
        if not decision:
            title = {
                "admission": self.env._(
                    "Admission of %(person)s", person=self.partner_id.name
                ),
                "exclusion": self.env._(
                    "Exclusion of %(person)s", person=self.partner_id.name
                ),
            }[kind]
            decision = self.env["kpa.decision"].create(
                {
                    "name": title,
                    "cooperative_id": self.cooperative_id.id,
                    "decision_type": kind,
                    "membership_id": self.id,
                }
            )
        return decision._get_form_action()
