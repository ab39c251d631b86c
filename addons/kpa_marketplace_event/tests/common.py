from datetime import timedelta

from odoo import Command, fields

from odoo.addons.kpa_marketplace.tests.common import KpaMarketplaceCommon


class KpaWorkshopCommon(KpaMarketplaceCommon):
    """The marketplace's network, with a workshop of coop_a sold by the seat.

    workshop (coop_a, 30.00 a seat): session_1 in a week (2 seats),
    session_2 in three weeks (5 seats), both published.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.workshop = cls.env["product.template"].create(
            {
                "name": "Sewing class",
                "type": "service",
                "service_tracking": "event",
                "list_price": 30.0,
                "sale_ok": True,
                "is_published": True,
                "invoice_policy": "order",
                "kpa_cooperative_id": cls.coop_a.id,
                "taxes_id": [Command.set(cls.tax_sale.ids)],
            }
        )
        now = fields.Datetime.now()
        cls.session_1, cls.session_2 = cls.env["event.event"].create(
            [
                {
                    "name": f"Sewing class {number}",
                    "company_id": cls.host.id,
                    "date_begin": now + timedelta(days=days),
                    "date_end": now + timedelta(days=days, hours=3),
                    "seats_limited": True,
                    "seats_max": seats,
                    "is_published": True,
                    "event_ticket_ids": [
                        Command.create(
                            {
                                "name": "Seat",
                                "product_id": cls.workshop.product_variant_id.id,
                                "price": 30.0,
                            }
                        )
                    ],
                }
                for number, days, seats in ((1, 7, 2), (2, 21, 5))
            ]
        )

    @classmethod
    def _book(cls, order, session, attendees):
        """Book seats of `session` in the cart, as the event's registration form
        does: a line of its ticket and one draft registration per attendee."""
        ticket = session.event_ticket_ids
        order.order_line = [
            Command.create(
                {
                    "product_id": ticket.product_id.id,
                    "event_id": session.id,
                    "event_ticket_id": ticket.id,
                    "product_uom_qty": len(attendees),
                }
            )
        ]
        line = order.order_line.filtered(lambda line: line.event_ticket_id == ticket)
        return cls.env["event.registration"].create(
            [
                {
                    "event_id": session.id,
                    "event_ticket_id": ticket.id,
                    "sale_order_line_id": line.id,
                    "name": name,
                    "email": f"{name.lower()}@example.com",
                }
                for name in attendees
            ]
        )
