from odoo import models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    def _verify_updated_quantity(
        self, order_line, product_id, new_qty, event_ticket_id=False, **kwargs
    ):
        """A seat of a workshop is booked for one of its sessions, from the
        session's page: the workshop itself is not put in the cart."""
        product = self.env["product.product"].browse(product_id)
        if (
            product.service_tracking == "event"
            and not event_ticket_id
            and not order_line.event_ticket_id
        ):
            return 0, self.env._(
                "Choose a session of “%(workshop)s” on its page to book a seat.",
                workshop=product.name,
            )
        new_qty, warning = super()._verify_updated_quantity(
            order_line, product_id, new_qty, event_ticket_id=event_ticket_id, **kwargs
        )
        ticket = self.env["event.event.ticket"].browse(
            event_ticket_id or order_line.event_ticket_id.id
        )
        session = ticket.event_id
        existing = order_line.product_uom_qty if order_line else 0
        if session.seats_limited and new_qty > existing:
            # Odoo counts the seats of each ticket here, and the seats of the
            # session only at payment: a full session takes no more seats (the
            # seats of a cart are not taken before it is paid).
            allowed = max(session.seats_available, 0)
            if new_qty > allowed:
                new_qty = max(allowed, min(existing, new_qty))
                warning = (
                    self.env._(
                        "Sorry, %(event)s is full.",
                        event=session.name,
                    )
                    if not session.seats_available
                    else self.env._(
                        "Sorry, only %(seats)s seats are left for %(event)s.",
                        seats=session.seats_available,
                        event=session.name,
                    )
                )
        return new_qty, warning

    def _kpa_after_split(self, split_orders):
        """The registrations of the seats go with their lines to the orders of
        their cooperatives, which confirm them."""
        res = super()._kpa_after_split(split_orders)
        # The attendees of the cart, whoever confirms it (a coordinator may not
        # read the registrations of another cooperative's workshop).
        registrations = (self | split_orders).sudo().order_line.registration_ids
        moved = registrations.filtered(
            lambda registration: registration.sale_order_id
            != registration.sale_order_line_id.order_id
        )
        for order, order_registrations in moved.grouped(
            lambda registration: registration.sale_order_line_id.order_id
        ).items():
            order_registrations.write({"sale_order_id": order.id})
        return res
