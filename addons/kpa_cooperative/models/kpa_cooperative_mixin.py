from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError


class KpaCooperativeMixin(models.AbstractModel):
    """A record of one cooperative: memberships, rules, decisions, resources,
    trainings, contributions. It lives in the cooperative's host structure
    (``company_id``, stored for the multi-company record rules) and refers only
    to records of that host (``_check_company_auto``).

    Models override the field attributes that differ (string, help, ondelete,
    default). Records whose cooperative follows from another record (a loan
    from its resource, a position from its decision) use related fields
    instead.
    """

    _name = "kpa.cooperative.mixin"
    _description = "Record of a cooperative"
    _check_company_auto = True

    cooperative_id = fields.Many2one(
        "kpa.cooperative",
        string="Cooperative",
        required=True,
        index=True,
        tracking=True,
        ondelete="cascade",
        check_company=True,
    )
    company_id = fields.Many2one(
        related="cooperative_id.company_id",
        store=True,
        index=True,
        string="Host structure",
    )

    # === CRUD METHODS === #

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._kpa_check_values(vals)
        records = super().create(vals_list)
        records._check_cooperative_entry()
        return records

    def write(self, vals):
        self._kpa_check_values(vals)
        res = super().write(vals)
        if "cooperative_id" in vals:
            self._check_cooperative_entry("write")
        return res

    # === BUSINESS METHODS === #

    def _check_cooperative_entry(self, operation="create"):
        """Called once these records are in their cooperative: after their
        creation (``operation`` "create"), and after a write that moves them
        to another cooperative ("write").

        A record never enters a cooperative its writer cannot act in (issue
        9): the record rules are checked again on the records where they are
        now (Odoo checks them before a write, not after it), and the
        cooperative must be one of :meth:`_kpa_entry_cooperatives`. The
        superuser's flows are not checked. Models override
        :meth:`_kpa_entry_cooperatives` to widen or narrow who acts."""
        if self.env.su or not self:
            return
        self.check_access(operation)
        cooperatives = self.sudo().cooperative_id
        outside = cooperatives - self._kpa_entry_cooperatives(cooperatives)
        if outside:
            raise AccessError(
                self.env._(
                    "You cannot put %(record)s in %(cooperatives)s: you do not act "
                    "in it.",
                    record=self._cooperative_record_kind(),
                    cooperatives=", ".join(outside.mapped("name")),
                )
            )

    def _kpa_entry_cooperatives(self, cooperatives):
        """Those of ``cooperatives`` the current user may put records of this
        model in: those they act in (coordinators, network managers of their
        hosts) and those they are a member of."""
        cooperatives = cooperatives.with_env(self.env)
        return (
            cooperatives._kpa_acting_cooperatives()
            | cooperatives._kpa_member_cooperatives()
        )

    def _get_form_action(self):
        """The action that opens this record in its form (after an action
        created or found it: a decision to vote, a new version of a rule)."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
        }

    def _check_same_cooperative(self, field_name):
        """Refuse these records when the record they refer to through
        ``field_name`` (one of this mixin too) belongs to another cooperative."""
        for record in self:
            subject = record[field_name]
            if subject and subject.cooperative_id != record.cooperative_id:
                raise ValidationError(record._other_cooperative_message(subject))

    def _other_cooperative_message(self, subject):
        """The error for this record, which may not refer to ``subject``, a
        record of another cooperative."""
        self.ensure_one()
        return self.env._(
            "“%(subject)s” belongs to %(other)s: %(record)s of %(cooperative)s "
            "cannot refer to it.",
            subject=subject.display_name,
            other=subject.cooperative_id.name,
            record=self._cooperative_record_kind(),
            cooperative=self.cooperative_id.name,
        )

    def _cooperative_record_kind(self):
        """What a record of this model is, with its article, in the messages
        about cooperatives ("a decision"). Models override it."""
        return self.env._("a record")
