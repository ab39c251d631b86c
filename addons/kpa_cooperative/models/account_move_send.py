from odoo import api, models

from .account_move import move_flow


class AccountMoveSend(models.AbstractModel):
    _inherit = "account.move.send"

    @api.model
    @move_flow
    def _generate_and_send_invoices(self, moves, **kwargs):
        """Sending a posted invoice writes on it (its documents, whether it
        was sent): a flow of the invoice, not a direct write."""
        return super()._generate_and_send_invoices(moves, **kwargs)
