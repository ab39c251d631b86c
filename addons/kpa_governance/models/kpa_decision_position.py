from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from odoo.addons.kpa_cooperative.models.input_check import check_input_values

from .kpa_decision import POSITIONS


class KpaDecisionPosition(models.Model):
    _name = "kpa.decision.position"
    _description = "Position of a participant on a decision"
    _order = "decision_id, id"

    decision_id = fields.Many2one(
        "kpa.decision",
        string="Decision",
        required=True,
        index=True,
        ondelete="cascade",
    )
    cooperative_id = fields.Many2one(
        related="decision_id.cooperative_id", store=True, index=True
    )
    company_id = fields.Many2one(
        related="decision_id.company_id", store=True, index=True
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Participant",
        required=True,
        index=True,
        ondelete="restrict",
    )
    position = fields.Selection(POSITIONS)
    comment = fields.Char()
    date = fields.Datetime(string="Given on", readonly=True)

    _sql_constraints = [
        (
            "decision_partner_unique",
            "unique(decision_id, partner_id)",
            "A participant gives one position per decision.",
        ),
    ]

    # === CONSTRAINT METHODS === #

    @api.constrains("decision_id", "partner_id")
    def _check_participant_is_member(self):
        members = {
            (coop.id, partner.id)
            for coop, partner in self.env["kpa.membership"]
            .sudo()
            ._read_group(
                [
                    ("cooperative_id", "in", self.decision_id.cooperative_id.ids),
                    ("partner_id", "in", self.partner_id.ids),
                    ("state", "=", "member"),
                ],
                ["cooperative_id", "partner_id"],
            )
        }
        for line in self:
            decision = line.decision_id
            if (decision.cooperative_id.id, line.partner_id.id) not in members or (
                decision.decision_type == "exclusion"
                and line.partner_id == decision.partner_id
            ):
                raise ValidationError(
                    self.env._(
                        "%(person)s cannot take part in “%(decision)s”: only the "
                        "members of %(cooperative)s do (the person an exclusion is "
                        "about does not).",
                        person=line.partner_id.name,
                        decision=decision.name,
                        cooperative=decision.cooperative_id.name,
                    )
                )

    # === CRUD METHODS === #

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            check_input_values(self, vals)
        decisions = self.env["kpa.decision"].browse(
            {vals.get("decision_id") for vals in vals_list}
        )
        decisions._check_positions_editable()
        for vals in vals_list:
            if vals.get("position"):
                vals.setdefault("date", fields.Datetime.now())
        return super().create(vals_list)

    def write(self, vals):
        check_input_values(self, vals)
        self.decision_id._check_positions_editable()
        if "decision_id" in vals or "partner_id" in vals:
            self.env["kpa.decision"].browse(
                vals.get("decision_id")
            )._check_positions_editable()
        if "position" in vals:
            vals = dict(vals, date=fields.Datetime.now() if vals["position"] else False)
        res = super().write(vals)
        if "position" in vals:
            self._post_positions()
        return res

    @api.ondelete(at_uninstall=False)
    def _unlink_except_closed(self):
        self.decision_id._check_positions_editable()

    # === BUSINESS METHODS === #

    def _post_positions(self):
        """Track each position given in the chatter of its decision."""
        # Outside the call below: Babel does not extract a translated string
        # nested in the arguments of another one.
        no_position = self.env._("no position")
        bodies = defaultdict(list)
        for line in self:
            bodies[line.decision_id.id].append(
                self.env._(
                    "%(person)s: %(position)s.",
                    person=line.partner_id.name,
                    position=(line._selection_label("position") or no_position).lower(),
                )
            )
        self.decision_id.sudo()._message_log_batch(
            {decision_id: " ".join(texts) for decision_id, texts in bodies.items()},
            author_id=self.env.user.partner_id.id,
        )
