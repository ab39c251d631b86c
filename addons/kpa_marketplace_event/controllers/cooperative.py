from odoo import fields
from odoo.http import request

from odoo.addons.kpa_marketplace.controllers.cooperative import (
    KpaCooperativeMarketplacePages,
)


class KpaCooperativeWorkshopPages(KpaCooperativeMarketplacePages):
    """The workshops of a cooperative on its public page."""

    def _cooperative_page_values(self, cooperative_sudo):
        values = super()._cooperative_page_values(cooperative_sudo)
        # With the visitor's rights: published sessions only.
        values["workshop_sessions"] = request.env["event.event"].search(
            [
                ("kpa_cooperative_id", "=", cooperative_sudo.id),
                ("website_published", "=", True),
                ("date_end", ">", fields.Datetime.now()),
                ("website_id", "in", [False, request.website.id]),
            ],
            order="date_begin, id",
        )
        return values
