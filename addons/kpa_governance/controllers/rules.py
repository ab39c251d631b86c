import re

from werkzeug.exceptions import NotFound

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
        cooperative_sudo = self._get_rules_cooperative_sudo(slug)
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

    def _get_rules_cooperative_sudo(self, slug):
        """The cooperative of this website whose rules are public, or 404:
        a published one, or a closed one (closing it takes its pages and shop
        away; the rules its members adopted stay public, as a publication is
        a promise). A slug that is no slug is unknown, whatever its bytes."""
        if not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,127}", slug or ""):
            raise NotFound()
        cooperative_sudo = (
            request.env["kpa.cooperative"]
            .sudo()
            .search(
                [
                    ("slug", "=", slug),
                    ("company_id", "=", request.website.company_id.id),
                    "|",
                    ("is_published", "=", True),
                    "&",
                    ("state", "=", "closed"),
                    ("rule_ids.state", "in", ("adopted", "archived")),
                ],
                limit=1,
            )
        )
        if not cooperative_sudo:
            raise NotFound()
        return cooperative_sudo
