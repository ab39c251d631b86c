import re

from werkzeug.exceptions import NotFound

from odoo import http
from odoo.http import request

from ..models.kpa_cooperative import SLUG_PATTERN


def published_cooperatives_sitemap(suffix="", domain=()):
    """A sitemap function listing /cooperatives/<slug><suffix> for the
    published cooperatives of the current website's host (and ``domain``)."""

    def sitemap(env, rule, qs):
        website = env["website"].get_current_website()
        cooperatives = (
            env["kpa.cooperative"]
            .sudo()
            .search(
                [
                    ("is_published", "=", True),
                    ("company_id", "=", website.company_id.id),
                    *domain,
                ]
            )
        )
        for cooperative in cooperatives:
            loc = cooperative._public_url(suffix)
            if not qs or qs.lower() in loc:
                yield {"loc": loc}

    return sitemap


class KpaCooperativePages(http.Controller):
    """Public pages of the network. Visitors have no access rights on the
    cooperative models: each route looks records up with an explicit
    published domain, then reads them with sudo."""

    # === HELPERS === #

    def _published_domain(self):
        return [
            ("is_published", "=", True),
            ("company_id", "=", request.website.company_id.id),
        ]

    def _get_cooperative_sudo(self, slug):
        """The published cooperative of this website with that slug, or 404."""
        if not SLUG_PATTERN.fullmatch(slug or ""):
            raise NotFound()
        cooperative_sudo = (
            request.env["kpa.cooperative"]
            .sudo()
            .search([("slug", "=", slug), *self._published_domain()], limit=1)
        )
        if not cooperative_sudo:
            raise NotFound()
        return cooperative_sudo

    def _public_memberships_sudo(self, cooperative_sudo):
        """Current members who consented to a public profile and are of age:
        no minor appears on a public page or file, consent or not."""
        Membership = request.env["kpa.membership"].sudo()
        return Membership.search(
            [
                ("cooperative_id", "=", cooperative_sudo.id),
                ("state", "=", "member"),
                *Membership._kpa_public_person_domain(),
            ],
            order="date_start, id",
        )

    def _cooperative_page_values(self, cooperative_sudo):
        memberships_sudo = self._public_memberships_sudo(cooperative_sudo)
        return {
            "cooperative": cooperative_sudo,
            "main_object": cooperative_sudo,
            "public_members": [
                {
                    "id": membership.partner_id.id,
                    "name": membership.partner_id.name,
                    "since": membership.date_start,
                    "skills": [
                        {"name": skill.skill_id.name, "level": skill.level}
                        for skill in membership.partner_id.kpa_skill_ids
                    ],
                }
                for membership in memberships_sudo
            ],
            "skill_levels": request.env["kpa.partner.skill"]._selection_labels("level"),
        }

    # === ROUTES === #

    @http.route(
        "/cooperatives",
        type="http",
        auth="public",
        website=True,
        readonly=True,
        sitemap=True,
    )
    def cooperatives(self, activity=None, **kwargs):
        Cooperative = request.env["kpa.cooperative"].sudo()
        cooperatives_sudo = Cooperative.search(self._published_domain())
        activities_sudo = cooperatives_sudo.activity_ids.sorted()
        current_activity_sudo = request.env["kpa.activity"].sudo()
        if activity and re.fullmatch(r"[0-9]{1,9}", activity):
            # Any activity of the network: one no cooperative offers yet says so.
            current_activity_sudo = current_activity_sudo.search(
                [("id", "=", int(activity))], limit=1
            )
        if current_activity_sudo:
            cooperatives_sudo = cooperatives_sudo.filtered(
                lambda coop: current_activity_sudo in coop.activity_ids
            )
        return request.render(
            "kpa_cooperative.cooperatives_page",
            {
                "cooperatives": cooperatives_sudo,
                "activities": activities_sudo,
                "current_activity": current_activity_sudo,
            },
        )

    @http.route(
        "/cooperatives/<string:slug>",
        type="http",
        auth="public",
        website=True,
        readonly=True,
        sitemap=published_cooperatives_sitemap(),
    )
    def cooperative(self, slug, **kwargs):
        cooperative_sudo = self._get_cooperative_sudo(slug)
        return request.render(
            "kpa_cooperative.cooperative_page",
            self._cooperative_page_values(cooperative_sudo),
        )

    @http.route(
        "/cooperatives/<string:slug>/logo",
        type="http",
        auth="public",
        website=True,
        readonly=True,
        sitemap=False,
    )
    def cooperative_logo(self, slug, **kwargs):
        cooperative_sudo = self._get_cooperative_sudo(slug)
        stream = request.env["ir.binary"]._get_image_stream_from(
            cooperative_sudo.partner_id,
            "image_256",
            placeholder="base/static/img/company_image.png",
        )
        return stream.get_response(max_age=3600)

    @http.route(
        "/cooperatives/<string:slug>/members/<int:partner_id>/photo",
        type="http",
        auth="public",
        website=True,
        readonly=True,
        sitemap=False,
    )
    def member_photo(self, slug, partner_id, **kwargs):
        """The photo of a consenting current member, and nothing else."""
        cooperative_sudo = self._get_cooperative_sudo(slug)
        membership_sudo = self._public_memberships_sudo(cooperative_sudo).filtered(
            lambda m: m.partner_id.id == partner_id
        )
        if not membership_sudo:
            raise NotFound()
        stream = request.env["ir.binary"]._get_image_stream_from(
            membership_sudo.partner_id, "avatar_256"
        )
        return stream.get_response(max_age=3600)
