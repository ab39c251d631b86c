from collections import defaultdict

from odoo import fields, models


class ResPartner(models.Model):
    """A person's reciprocity balance: validated hours given and received."""

    _inherit = "res.partner"

    kpa_hours_given = fields.Float(
        compute="_compute_kpa_reciprocity", string="Hours given", digits=(16, 2)
    )
    kpa_hours_received = fields.Float(
        compute="_compute_kpa_reciprocity", string="Hours received", digits=(16, 2)
    )
    kpa_reciprocity_balance = fields.Float(
        compute="_compute_kpa_reciprocity",
        string="Reciprocity balance",
        digits=(16, 2),
        help="Validated hours given minus validated hours received.",
    )

    def _compute_kpa_reciprocity(self):
        balances = self._kpa_reciprocity_balances()
        for partner in self:
            given, received = balances[partner.id]
            partner.kpa_hours_given = given
            partner.kpa_hours_received = received
            partner.kpa_reciprocity_balance = given - received

    def _kpa_reciprocity_balances(self, date_from=None, date_to=None):
        """{partner id: (hours given, hours received)}, validated contributions
        only, in two grouped queries."""
        Contribution = self.env["kpa.contribution"].sudo()
        domain = [("state", "=", "validated")]
        if date_from:
            domain.append(("date", ">=", date_from))
        if date_to:
            domain.append(("date", "<=", date_to))
        given, received = defaultdict(float), defaultdict(float)
        for side, totals in (
            ("giver_partner_id", given),
            ("receiver_partner_id", received),
        ):
            for partner, hours in Contribution._read_group(
                [*domain, (side, "in", self.ids)], [side], ["quantity:sum"]
            ):
                totals[partner.id] = hours
        return {
            partner.id: (given[partner.id], received[partner.id]) for partner in self
        }
