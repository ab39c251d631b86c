from odoo import fields, models


class ProductTemplate(models.Model):
    _inherit = "product.template"

    def _kpa_workshop_sessions(self, website):
        """The sessions of this workshop to come on `website`, for its
        visitor (published ones only), in date order."""
        self.ensure_one()
        return self.env["event.event"].search(
            [
                ("event_ticket_ids.product_id.product_tmpl_id", "=", self.id),
                ("website_published", "=", True),
                ("date_end", ">", fields.Datetime.now()),
                ("website_id", "in", [False, website.id]),
            ],
            order="date_begin, id",
        )
