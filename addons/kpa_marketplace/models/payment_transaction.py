from odoo import models


class PaymentTransaction(models.Model):
    _inherit = "payment.transaction"

    def _check_amount_and_confirm_order(self):
        """The orders split off a paid cart are confirmed with it."""
        confirmed_orders = super()._check_amount_and_confirm_order()
        return confirmed_orders | confirmed_orders.kpa_split_order_ids.filtered(
            lambda order: order.state == "sale"
        )
