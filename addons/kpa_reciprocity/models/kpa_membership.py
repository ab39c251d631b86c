from odoo import fields, models


class KpaMembership(models.Model):
    """A member's reciprocity balance, beside their membership."""

    _inherit = "kpa.membership"

    kpa_hours_given = fields.Float(related="partner_id.kpa_hours_given")
    kpa_hours_received = fields.Float(related="partner_id.kpa_hours_received")
    kpa_reciprocity_balance = fields.Float(related="partner_id.kpa_reciprocity_balance")
