from odoo import api, fields, models

from .. import freeze


class KpaAccountsPublicationLine(models.Model):
    _name = "kpa.accounts.publication.line"
    _description = "Line of an accounts publication"
    _order = "publication_id, sequence, id"

    publication_id = fields.Many2one(
        "kpa.accounts.publication",
        string="Statement",
        required=True,
        index=True,
        ondelete="cascade",
    )
    company_id = fields.Many2one(
        related="publication_id.company_id", store=True, index=True
    )
    currency_id = fields.Many2one(related="publication_id.currency_id")
    state = fields.Selection(related="publication_id.state")
    sequence = fields.Integer(default=10)
    section = fields.Selection(
        [
            ("revenue", "Revenue"),
            ("expenses", "Expenses"),
            ("host_fee", "Host fee"),
        ],
        required=True,
    )
    category = fields.Char(
        required=True,
        help="Stable code of the category in the open data, e.g. revenue.sales.",
    )
    label = fields.Char(required=True)
    amount = fields.Monetary()

    # === CRUD METHODS === #

    @api.model_create_multi
    def create(self, vals_list):
        parents = self.env["kpa.accounts.publication"].browse(
            {vals.get("publication_id") for vals in vals_list}
        )
        parents._check_lines_editable()
        return super().create(vals_list)

    def write(self, vals):
        self.publication_id._check_lines_editable()
        if "publication_id" in vals:
            self.env["kpa.accounts.publication"].browse(
                vals["publication_id"]
            )._check_lines_editable()
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_published(self):
        self.publication_id._check_lines_editable()

    def init(self):
        """The database refuses any change to the lines of a published
        statement too (see freeze.py)."""
        freeze.install_line_trigger(self.env.cr)
