from odoo import http
from odoo.http import request

from odoo.addons.kpa_cooperative.controllers.cooperative import KpaCooperativePages


class KpaCooperativeMarketplacePages(KpaCooperativePages):
    """The services of the cooperatives on their public pages."""

    def _published_services(self, cooperatives_sudo):
        """Domain of the services on sale on this website for these
        cooperatives, searched with the visitor's own rights."""
        return [
            *request.website.sale_product_domain(),
            ("kpa_cooperative_id", "in", cooperatives_sudo.ids),
        ]

    def _cooperative_page_values(self, cooperative_sudo):
        values = super()._cooperative_page_values(cooperative_sudo)
        services = request.env["product.template"].search(
            self._published_services(cooperative_sudo),
            order="website_sequence, name, id",
        )
        values.update(
            {
                "services": services,
                "service_prices": services._get_sales_prices(request.website)
                if services
                else {},
            }
        )
        return values

    @http.route()
    def cooperatives(self, activity=None, **kwargs):
        response = super().cooperatives(activity=activity, **kwargs)
        cooperatives_sudo = response.qcontext.get("cooperatives")
        if cooperatives_sudo:
            response.qcontext["service_counts"] = dict(
                (cooperative.id, count)
                for cooperative, count in request.env["product.template"]._read_group(
                    self._published_services(cooperatives_sudo),
                    ["kpa_cooperative_id"],
                    ["__count"],
                )
            )
        return response
