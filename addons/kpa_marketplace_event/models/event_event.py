from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import ValidationError


class EventEvent(models.Model):
    _inherit = "event.event"

    kpa_cooperative_id = fields.Many2one(
        "kpa.cooperative",
        string="Cooperative",
        compute="_compute_kpa_cooperative_id",
        store=True,
        readonly=False,
        index="btree_not_null",
        check_company=True,
        tracking=True,
        help="The cooperative that runs this workshop: it organises it, its "
        "coordinators are responsible for it, and its seats are sold on its "
        "orders.",
    )

    @api.depends("event_ticket_ids.product_id")
    def _compute_kpa_cooperative_id(self):
        for event in self:
            cooperatives = event.event_ticket_ids.product_id.kpa_cooperative_id
            # The cooperative of the tickets' workshop; otherwise the one chosen.
            event.kpa_cooperative_id = (
                cooperatives if len(cooperatives) == 1 else event.kpa_cooperative_id
            )

    @api.constrains("kpa_cooperative_id", "event_ticket_ids")
    def _check_kpa_ticket_products(self):
        for event in self:
            foreign = event.event_ticket_ids.product_id.filtered(
                lambda product, event=event: product.kpa_cooperative_id
                and product.kpa_cooperative_id != event.kpa_cooperative_id
            )
            if foreign:
                raise ValidationError(
                    self.env._(
                        "The tickets of “%(event)s” sell %(products)s of another "
                        "cooperative than the event's (%(cooperative)s): sell the "
                        "event's own workshop.",
                        event=event.name,
                        products=", ".join(foreign.mapped("display_name")),
                        cooperative=event.kpa_cooperative_id.name or self.env._("none"),
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        events = super().create(vals_list)
        for event, vals in zip(events, vals_list, strict=True):
            event._kpa_set_organisers(
                organizer="organizer_id" not in vals, responsible="user_id" not in vals
            )
        return events

    def write(self, vals):
        res = super().write(vals)
        if "kpa_cooperative_id" in vals and not self.env.su:
            # The record rules checked the events before; a coordinator may
            # not hand their workshop over to another cooperative either.
            self.check_access("write")
        if "kpa_cooperative_id" in vals:
            self._kpa_set_organisers(
                organizer="organizer_id" not in vals, responsible="user_id" not in vals
            )
        return res

    def _kpa_set_organisers(self, organizer=True, responsible=True):
        """A cooperative's workshop is organised by the cooperative, and one of
        its coordinators is responsible for it."""
        updates = defaultdict(lambda: self.browse())
        for event in self.filtered("kpa_cooperative_id"):
            # The cooperative's contact and coordinators, whoever sets it.
            cooperative = event.kpa_cooperative_id.sudo()
            vals = {}
            if organizer and cooperative.partner_id:
                vals["organizer_id"] = cooperative.partner_id.id
            if responsible and cooperative.coordinator_ids:
                if event.user_id not in cooperative.coordinator_ids:
                    vals["user_id"] = cooperative.coordinator_ids[:1].id
            if vals:
                updates[tuple(sorted(vals.items()))] |= event
        for vals, events in updates.items():
            events.write(dict(vals))

    def _kpa_has_seats(self):
        """Whether a seat of this session can still be bought online."""
        self.ensure_one()
        return (
            self.event_registrations_open
            and not self.event_registrations_sold_out
            and bool(self.event_ticket_ids.filtered("sale_available"))
        )
