from odoo import fields, models


class KpaCooperative(models.Model):
    """How often a cooperative publishes its accounts, and its publications."""

    _inherit = "kpa.cooperative"

    accounts_period = fields.Selection(
        [("month", "Monthly"), ("quarter", "Quarterly"), ("year", "Yearly")],
        string="Accounts published",
        default="month",
        required=True,
        help="At the end of each such period, a draft statement of the accounts is "
        "prepared for the host accountants to review and publish.",
    )
    accounts_publication_count = fields.Integer(
        compute="_compute_accounts_publication_count", string="Accounts"
    )

    # === COMPUTE METHODS === #

    def _compute_accounts_publication_count(self):
        counts = dict(
            self.env["kpa.accounts.publication"]._read_group(
                [("cooperative_id", "in", self.ids)], ["cooperative_id"], ["__count"]
            )
        )
        for coop in self:
            coop.accounts_publication_count = counts.get(coop, 0)

    # === ACTION METHODS === #

    def action_view_accounts_publications(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "kpa_open_accounts.kpa_accounts_publication_action"
        )
        action["domain"] = [("cooperative_id", "=", self.id)]
        action["context"] = {
            "default_cooperative_id": self.id,
            "default_company_id": self.company_id.id,
        }
        return action

    def _kpa_books_fields(self):
        """When its accounts are published: the host's, which keeps its books."""
        return super()._kpa_books_fields() | {"accounts_period"}
