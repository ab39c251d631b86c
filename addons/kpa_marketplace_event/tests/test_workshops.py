from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged

from .common import KpaWorkshopCommon


@tagged("post_install", "-at_install")
class TestWorkshops(KpaWorkshopCommon):
    def test_workshop_of_a_cooperative_is_organised_by_it(self):
        session = self.session_1
        self.assertEqual(session.kpa_cooperative_id, self.coop_a)
        self.assertEqual(session.organizer_id, self.coop_a.partner_id)
        self.assertEqual(session.user_id, self.coordinator_a)
        # Given explicitly, they are kept.
        other = self.env["event.event"].create(
            {
                "name": "Open day",
                "date_begin": session.date_begin,
                "date_end": session.date_end,
                "kpa_cooperative_id": self.coop_b.id,
                "user_id": self.manager.id,
            }
        )
        self.assertEqual(other.organizer_id, self.coop_b.partner_id)
        self.assertEqual(other.user_id, self.manager)

    def test_tickets_sell_the_cooperative_own_workshop(self):
        with self.assertRefused(ValidationError, "of another cooperative"):
            self.session_1.event_ticket_ids = [
                Command.create(
                    {
                        "name": "Buffet seat",
                        "product_id": self.service_b1.product_variant_id.id,
                    }
                )
            ]
        self.assertEqual(len(self.session_1.event_ticket_ids), 1)

    def test_seats_of_a_mixed_cart_land_on_the_cooperative_order(self):
        cart = self._quotation([(self.service_b1, 1)])
        registrations = self._book(cart, self.session_1, ["Ana", "Ben"])
        self.assertEqual(registrations.sale_order_id, cart)
        self.assertEqual(set(registrations.mapped("state")), {"draft"})
        self._setup_payment_provider()
        self._pay(cart)
        orders = cart | cart.kpa_split_order_ids
        self.assertEqual(set(orders.mapped("state")), {"sale"})
        order_a = orders.filtered(lambda order: order.kpa_cooperative_id == self.coop_a)
        # The registrations follow their seats to the workshop's cooperative
        # order, which confirms them.
        self.assertEqual(registrations.sale_order_id, order_a)
        self.assertEqual(registrations.sale_order_line_id.order_id, order_a)
        self.assertEqual(set(registrations.mapped("state")), {"open"})
        self.assertEqual(set(registrations.mapped("sale_status")), {"sold"})
        self.assertEqual(order_a.attendee_count, 2)
        self.assertEqual(self.session_1.seats_available, 0)
        # The attendees get Odoo's usual confirmation email.
        sent = self.env["event.mail.registration"].search(
            [("registration_id", "in", registrations.ids), ("mail_sent", "=", True)]
        )
        self.assertEqual(sent.registration_id, registrations)

    def test_a_seat_without_registration_gets_one_on_confirmation(self):
        cart = self._quotation([(self.service_b1, 1)])
        ticket = self.session_2.event_ticket_ids
        cart.order_line = [
            Command.create(
                {
                    "product_id": ticket.product_id.id,
                    "event_id": self.session_2.id,
                    "event_ticket_id": ticket.id,
                    "product_uom_qty": 3,
                }
            )
        ]
        cart.action_confirm()
        order_a = (cart | cart.kpa_split_order_ids).filtered(
            lambda order: order.kpa_cooperative_id == self.coop_a
        )
        registrations = self.env["event.registration"].search(
            [("event_id", "=", self.session_2.id)]
        )
        self.assertEqual(len(registrations), 3)
        self.assertEqual(registrations.sale_order_id, order_a)

    def test_sold_out_session_cannot_be_bought(self):
        ticket = self.session_1.event_ticket_ids
        self._book(self._quotation([(self.service_a1, 1)]), self.session_1, ["A", "B"])
        self.env["event.registration"].search(
            [("event_id", "=", self.session_1.id)]
        ).action_confirm()
        self.assertTrue(self.session_1.event_registrations_sold_out)
        self.assertFalse(self.session_1._kpa_has_seats())
        self.assertTrue(self.session_2._kpa_has_seats())
        cart = self._quotation([(self.service_b1, 1)])
        new_qty, warning = cart._verify_updated_quantity(
            cart.order_line.browse(),
            ticket.product_id.id,
            1,
            event_ticket_id=ticket.id,
        )
        self.assertEqual(new_qty, 0)
        self.assertEqual(warning, "Sorry, Sewing class 1 is full.")
        # The next session has 5 seats: no more.
        ticket_2 = self.session_2.event_ticket_ids
        new_qty, warning = cart._verify_updated_quantity(
            cart.order_line.browse(),
            ticket_2.product_id.id,
            7,
            event_ticket_id=ticket_2.id,
        )
        self.assertEqual(new_qty, 5)
        self.assertEqual(warning, "Sorry, only 5 seats are left for Sewing class 2.")

    def test_the_workshop_itself_is_not_put_in_the_cart(self):
        cart = self._quotation([(self.service_b1, 1)])
        new_qty, warning = cart._verify_updated_quantity(
            cart.order_line.browse(), self.workshop.product_variant_id.id, 1
        )
        self.assertEqual(new_qty, 0)
        self.assertEqual(
            warning, "Choose a session of “Sewing class” on its page to book a seat."
        )


@tagged("post_install", "-at_install")
class TestWorkshopAccess(KpaWorkshopCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.session_b = cls.env["event.event"].create(
            {
                "name": "Buffet class",
                "company_id": cls.host.id,
                "date_begin": cls.session_1.date_begin,
                "date_end": cls.session_1.date_end,
                "kpa_cooperative_id": cls.coop_b.id,
            }
        )
        cls.attendee_b = cls.env["event.registration"].create(
            {"event_id": cls.session_b.id, "name": "Private Person"}
        )

    def test_coordinator_runs_the_workshops_of_their_cooperative(self):
        Event = self.env["event.event"].with_user(self.coordinator_a)
        own = Event.create(
            {
                "name": "Repair café",
                "company_id": self.host.id,
                "date_begin": self.session_1.date_begin,
                "date_end": self.session_1.date_end,
                "kpa_cooperative_id": self.coop_a.id,
            }
        )
        own.seats_max = 12
        self.session_1.with_user(self.coordinator_a).event_ticket_ids.price = 32.0
        self.assertEqual(self.session_1.event_ticket_ids.price, 32.0)
        # The programme is public: B's workshop is read, not changed.
        self.assertEqual(
            self.session_b.with_user(self.coordinator_a).name, "Buffet class"
        )
        with self.assertRaises(AccessError):
            self.session_b.with_user(self.coordinator_a).write({"seats_max": 1})
        with self.assertRaises(AccessError):
            own.write({"kpa_cooperative_id": self.coop_b.id})
        self.assertEqual(own.kpa_cooperative_id, self.coop_a)
        with self.assertRaises(AccessError):
            Event.create(
                {
                    "name": "Fake buffet",
                    "company_id": self.host.id,
                    "date_begin": self.session_1.date_begin,
                    "date_end": self.session_1.date_end,
                    "kpa_cooperative_id": self.coop_b.id,
                }
            )

    def test_coordinator_reads_only_their_attendees(self):
        Registration = self.env["event.registration"].with_user(self.coordinator_a)
        self.assertNotIn(self.attendee_b, Registration.search([]))
        with self.assertRaises(AccessError):
            self.attendee_b.with_user(self.coordinator_a).read(["name", "email"])
        self.assertIn(
            self.attendee_b,
            self.env["event.registration"].with_user(self.coordinator_b).search([]),
        )
