import math
import re

from werkzeug.exceptions import NotFound

from odoo import http, models
from odoo.http import request
from odoo.osv import expression

from odoo.addons.website_sale.controllers.main import WebsiteSale

# The e-shop's sort orders: a field and a direction.
SHOP_ORDER = re.compile(r"^([a-z_]+) (asc|desc)$")
# Prices beyond this are no filter a visitor means.
MAX_PRICE = 1e12


class KpaWebsiteSale(WebsiteSale):
    """The e-shop's facets: /shop?cooperative=<slug>&activity=<id>."""

    # === HELPERS === #

    def _kpa_shop_filters(self, cooperative=None, activity=None):
        """Check the facets of the request: the cooperative must be a
        published one of this website's host, the activity an existing one.

        :return: dict with the ids (or None) of the chosen cooperative and
            activity
        :raise NotFound: for an unknown or unpublished cooperative or activity
        """
        filters = {"cooperative_id": None, "activity_id": None}
        if cooperative:
            cooperative_sudo = (
                request.env["kpa.cooperative"]
                .sudo()
                .search(
                    [
                        ("slug", "=", str(cooperative)),
                        ("is_published", "=", True),
                        ("state", "!=", "closed"),
                        ("company_id", "=", request.website.company_id.id),
                    ],
                    limit=1,
                )
            )
            if not cooperative_sudo:
                raise NotFound()
            filters["cooperative_id"] = cooperative_sudo.id
        if activity:
            if not str(activity).isdigit():
                raise NotFound()
            filters["activity_id"] = int(activity)
        return filters

    def _kpa_shop_arguments(self, category, search, min_price, max_price, post):
        """The arguments of /shop as website_sale can take them: an unknown
        category is a 404; a price that is no number, a sort order that is
        no sortable field, odd bytes in the search are dropped (website_sale
        would answer them with a server error)."""
        if category and not isinstance(category, models.BaseModel):
            category = str(category)
            if not category.isdigit() or int(category) >= 2**31:
                raise NotFound()
        elif category is not None and not isinstance(category, str):
            if not category.exists():
                raise NotFound()
        prices = []
        for price in (min_price, max_price):
            try:
                price = float(price)
            except (TypeError, ValueError):
                price = 0.0
            prices.append(
                price if math.isfinite(price) and 0 <= price <= MAX_PRICE else 0.0
            )
        search = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", "", str(search or ""))
        order = post.get("order")
        if order is not None:
            match = SHOP_ORDER.match(str(order))
            fields = request.env["product.template"]._fields
            if not (
                match
                and match[1] in fields
                and fields[match[1]].store
                and fields[match[1]].column_type
            ):
                post.pop("order")
        return category, search, *prices

    def _kpa_current_filters(self):
        return request.env.context.get("kpa_shop_filters") or {}

    # === WEBSITE_SALE HOOKS === #

    @http.route()
    def shop(
        self,
        page=0,
        category=None,
        search="",
        min_price=0.0,
        max_price=0.0,
        ppg=False,
        **post,
    ):
        category, search, min_price, max_price = self._kpa_shop_arguments(
            category, search, min_price, max_price, post
        )
        filters = self._kpa_shop_filters(post.get("cooperative"), post.get("activity"))
        request.update_context(kpa_shop_filters=filters)
        return super().shop(
            page=page,
            category=category,
            search=search,
            min_price=min_price,
            max_price=max_price,
            ppg=ppg,
            **post,
        )

    def _get_search_options(self, *args, **kwargs):
        options = super()._get_search_options(*args, **kwargs)
        filters = self._kpa_current_filters()
        options["kpa_cooperative_id"] = filters.get("cooperative_id")
        options["kpa_activity_id"] = filters.get("activity_id")
        return options

    def _get_shop_domain(
        self, search, category, attrib_values, search_in_description=True
    ):
        domain = super()._get_shop_domain(
            search, category, attrib_values, search_in_description
        )
        filters = self._kpa_current_filters()
        facet_domain = request.env["product.template"]._kpa_shop_filter_domain(
            filters.get("cooperative_id"), filters.get("activity_id")
        )
        return expression.AND([domain, facet_domain]) if facet_domain else domain

    def _shop_get_query_url_kwargs(
        self, category, search, min_price, max_price, **post
    ):
        kwargs = super()._shop_get_query_url_kwargs(
            category, search, min_price, max_price, **post
        )
        kwargs["cooperative"] = post.get("cooperative")
        kwargs["activity"] = post.get("activity")
        return kwargs

    def _get_additional_extra_shop_values(self, values, **post):
        res = super()._get_additional_extra_shop_values(values, **post)
        res.update(self._kpa_shop_facets(values))
        return res

    def _get_shop_payment_errors(self, order):
        """No payment of a cart that could not be split between its
        cooperatives."""
        errors = super()._get_shop_payment_errors(order)
        errors += [
            (
                request.env._("Your cart cannot be split between the cooperatives."),
                error,
            )
            for error in order._kpa_split_errors()
        ]
        return errors

    def _kpa_shop_facets(self, values):
        """The cooperatives and activities of the products on sale, each with
        its number of products given the other facet's choice: one grouped
        query (by cooperative and activity), added up here."""
        filters = self._kpa_current_filters()
        cooperative_id = filters.get("cooperative_id")
        activity_id = filters.get("activity_id")
        # The shop's domain without this module's facets (super() skips them).
        domain = super()._get_shop_domain(
            values.get("original_search") or values.get("search"),
            values.get("category"),
            values.get("attrib_values"),
        )
        groups = request.env["product.template"]._read_group(
            expression.AND([domain, [("kpa_cooperative_id", "!=", False)]]),
            ["kpa_cooperative_id", "kpa_activity_id"],
            ["__count"],
        )
        cooperative_counts, activity_counts = {}, {}
        for cooperative, activity, count in groups:
            if not activity_id or activity.id == activity_id:
                cooperative_counts[cooperative] = (
                    cooperative_counts.get(cooperative, 0) + count
                )
            if activity and (not cooperative_id or cooperative.id == cooperative_id):
                activity_counts[activity] = activity_counts.get(activity, 0) + count
        # The products just found are on sale on this website: their
        # cooperatives (published, of this host) and activities may be shown.
        Cooperative = request.env["kpa.cooperative"].sudo()
        Activity = request.env["kpa.activity"].sudo()
        cooperatives = Cooperative.browse(c.id for c in cooperative_counts)
        activities = Activity.browse(a.id for a in activity_counts)
        # Only what the facets and the product cards show: not the other
        # columns (descriptions, in every language) of every cooperative and
        # activity, on every /shop page.
        cooperatives.fetch(["name", "slug", "is_published"])
        activities.fetch(["name", "sequence"])
        cooperatives_sudo = [
            (cooperative, cooperative_counts[cooperative])
            for cooperative in cooperatives
        ]
        activities_sudo = [
            (activity, activity_counts[activity]) for activity in activities
        ]
        shop_url = request.env["ir.http"]._url_for("/shop")
        return {
            # "/en" on a page in another language than the website's default
            "kpa_url_prefix": shop_url[: -len("/shop")],
            "kpa_cooperative_facets": sorted(
                cooperatives_sudo, key=lambda item: item[0].name.lower()
            ),
            "kpa_activity_facets": sorted(
                activities_sudo, key=lambda item: (item[0].sequence, item[0].name)
            ),
            "kpa_current_cooperative_id": cooperative_id,
            "kpa_current_activity_id": activity_id,
        }
