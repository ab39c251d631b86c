from odoo import fields, models


class AccountJournal(models.Model):
    _inherit = "account.journal"

    kpa_cooperative_id = fields.Many2one(
        "kpa.cooperative",
        string="Cooperative",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The cooperative whose invoices this sales journal numbers.",
    )
