from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    kpa_cooperative_ids = fields.One2many(
        "kpa.cooperative",
        "company_id",
        string="Cooperatives hosted",
        help="The cooperatives of this host structure, whose people share its "
        "pool of resources.",
    )
