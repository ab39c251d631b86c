from odoo import models

# Context key: the invoices being created from orders get their salespersons as
# followers afterwards, each salesperson's invoices at once.
SALESPERSONS_AT_ONCE = "kpa_salespersons_at_once"


class AccountMove(models.Model):
    _inherit = "account.move"

    def _message_auto_subscribe_followers(self, updated_values, default_subtype_ids):
        """While orders are invoiced, the salesperson of an invoice is not made
        a follower invoice by invoice (mail.thread.create does it one invoice
        at a time, three queries each): see _kpa_subscribe_salespersons."""
        followers = super()._message_auto_subscribe_followers(
            updated_values, default_subtype_ids
        )
        user_id = updated_values.get("user_id")
        if not user_id or not self.env.context.get(SALESPERSONS_AT_ONCE):
            return followers
        partner = self.env["res.users"].sudo().browse(user_id).partner_id
        return [follower for follower in followers if follower[0] != partner.id]

    def _kpa_subscribe_salespersons(self):
        """Make the salesperson of each invoice follow it, as Odoo does when it
        creates an invoice (the same subtypes), with one insertion for all the
        invoices of a salesperson."""
        subtypes = self.env["mail.message.subtype"]._get_auto_subscription_subtypes(
            self._name
        )[1]
        for user, moves in self.grouped("invoice_user_id").items():
            if not user.sudo().active:
                continue
            partner = user.sudo().partner_id
            self.env["mail.followers"]._insert_followers(
                self._name,
                moves.ids,
                partner.ids,
                subtypes={partner.id: subtypes},
                check_existing=True,
                existing_policy="update",
            )
