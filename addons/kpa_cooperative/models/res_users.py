from odoo import models

KPA_SELF_FIELDS = ["kpa_public_profile"]


class ResUsers(models.Model):
    _inherit = "res.users"

    # A member gives or withdraws their consent to a public profile themselves,
    # from their preferences.
    @property
    def SELF_READABLE_FIELDS(self):
        return super().SELF_READABLE_FIELDS + KPA_SELF_FIELDS

    @property
    def SELF_WRITEABLE_FIELDS(self):
        return super().SELF_WRITEABLE_FIELDS + KPA_SELF_FIELDS
