from odoo import http
from odoo.http import request


class KpaNetworkAccounts(http.Controller):
    """“Comptes ouverts”: the latest published accounts of every published
    cooperative of the website's host structure, in one page."""

    @http.route(
        "/accounts",
        type="http",
        auth="public",
        website=True,
        sitemap=True,
        readonly=True,
    )
    def network_accounts(self, **kwargs):
        website = request.website
        statements = website._kpa_latest_statements()
        published = {statement["cooperative"] for statement in statements}
        cooperatives_sudo = website._kpa_published_cooperatives()
        return request.render(
            "kpa_website.network_accounts_page",
            {
                "statements": statements,
                "without_accounts": cooperatives_sudo.filtered(
                    lambda cooperative: cooperative not in published
                ),
            },
        )
