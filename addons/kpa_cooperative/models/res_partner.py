from odoo import api, fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    kpa_birthdate = fields.Date(
        string="Birthdate",
        groups="kpa_cooperative.group_kpa_coordinator,kpa_cooperative.group_kpa_accountant",
        help="Needed to join a cooperative (16 or older); never published.",
    )
    kpa_membership_ids = fields.One2many(
        "kpa.membership", "partner_id", string="Memberships"
    )
    kpa_skill_ids = fields.One2many("kpa.partner.skill", "partner_id", string="Skills")
    kpa_public_profile = fields.Boolean(
        string="Public profile",
        help="Consent to appear on the public pages of the cooperatives: name, photo "
        "and skills only, never birthdate or contact details.",
    )
    kpa_membership_count = fields.Integer(
        compute="_compute_kpa_membership_count", string="Membership count"
    )

    def _compute_kpa_membership_count(self):
        counts = dict(
            self.env["kpa.membership"]._read_group(
                [("partner_id", "in", self.ids)], ["partner_id"], ["__count"]
            )
        )
        for partner in self:
            partner.kpa_membership_count = counts.get(partner, 0)

    @api.constrains("kpa_birthdate")
    def _check_kpa_birthdate(self):
        self.sudo().kpa_membership_ids._check_member_age()
