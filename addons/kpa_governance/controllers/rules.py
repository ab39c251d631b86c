from odoo import http
from odoo.http import request

from odoo.addons.kpa_cooperative.controllers.cooperative import (
    KpaCooperativePages,
    published_cooperatives_sitemap,
)


class KpaCooperativeRulesPages(KpaCooperativePages):
    """The rules in force of a published cooperative, under its free licence."""

    @http.route(
        "/cooperatives/<string:slug>/rules",
        type="http",
        auth="public",
        website=True,
        readonly=True,
        sitemap=published_cooperatives_sitemap(
            "/rules", [("rule_ids.state", "=", "adopted")]
        ),
    )
    def cooperative_rules(self, slug, **kwargs):
        cooperative_sudo = self._get_cooperative_sudo(slug)
        rules_sudo = (
            request.env["kpa.rule"]
            .sudo()
            .search(
                [
                    ("cooperative_id", "=", cooperative_sudo.id),
                    ("state", "=", "adopted"),
                ]
            )
        )
        categories = request.env["kpa.rule"]._selection_labels("category")
        return request.render(
            "kpa_governance.cooperative_rules_page",
            {
                "cooperative": cooperative_sudo,
                "main_object": cooperative_sudo,
                "rule_groups": [
                    (label, rules_sudo.filtered(lambda r, key=key: r.category == key))
                    for key, label in categories.items()
                    if key in rules_sudo.mapped("category")
                ],
            },
        )
