from werkzeug.exceptions import NotFound

from odoo import http
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal

MEMBER_GROUP = "kpa_cooperative.group_kpa_member"


class KpaMemberPortal(CustomerPortal):
    """The member portal: one's memberships and skills, and a page for each
    cooperative one is a member of (the other KPA-Cité modules add their own
    pages). Reads go through the member's own access rights (record rules keep
    each member to their cooperatives); names of other people are read with
    sudo on records just checked."""

    # === HELPERS === #

    def _kpa_is_member_user(self):
        return request.env.user.has_group(MEMBER_GROUP)

    def _kpa_own_memberships(self, states=None):
        if not self._kpa_is_member_user():
            return request.env["kpa.membership"]
        domain = [("partner_id", "=", request.env.user.partner_id.id)]
        if states:
            domain.append(("state", "in", states))
        return request.env["kpa.membership"].search(domain)

    def _kpa_member_cooperatives(self):
        """The cooperatives the current user is a member of."""
        return self._kpa_own_memberships(["member"]).cooperative_id

    def _kpa_selection_labels(self, model, field):
        return request.env[model]._selection_labels(field)

    # === HOME === #

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "kpa_membership_count" in counters:
            values["kpa_membership_count"] = len(self._kpa_own_memberships())
        return values

    # === ROUTES === #

    @http.route("/my/cooperatives", type="http", auth="user", website=True)
    def portal_my_cooperatives(self, **kwargs):
        memberships = self._kpa_own_memberships()
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "kpa_cooperatives",
                "is_member": bool(self._kpa_member_cooperatives()),
                # Candidates may not read their cooperative: its name is read
                # with sudo on their own membership only.
                "memberships": [
                    (membership, membership.sudo().cooperative_id)
                    for membership in memberships
                ],
                "membership_states": self._kpa_selection_labels(
                    "kpa.membership", "state"
                ),
                "skills": request.env.user.partner_id.kpa_skill_ids
                if self._kpa_is_member_user()
                else request.env["kpa.partner.skill"],
                "skill_levels": self._kpa_selection_labels(
                    "kpa.partner.skill", "level"
                ),
                "public_profile": request.env.user.partner_id.kpa_public_profile,
            }
        )
        return request.render("kpa_cooperative.portal_my_cooperatives", values)

    @http.route(
        "/my/cooperatives/consent",
        type="http",
        auth="user",
        website=True,
        methods=["POST"],
    )
    def portal_my_consent(self, public_profile=None, **kwargs):
        """The person gives or withdraws their consent to a public profile
        (recorded with its date and author on their contact)."""
        if not self._kpa_own_memberships():
            raise NotFound()
        request.env.user.sudo().write({"kpa_public_profile": public_profile == "1"})
        return request.redirect("/my/cooperatives")

    @http.route(
        "/my/cooperatives/<int:cooperative_id>", type="http", auth="user", website=True
    )
    def portal_my_cooperative(self, cooperative_id, **kwargs):
        cooperative = self._kpa_member_cooperatives().filtered(
            lambda c: c.id == cooperative_id
        )
        if not cooperative:
            raise NotFound()
        values = self._prepare_portal_layout_values()
        values.update(self._kpa_cooperative_page_values(cooperative))
        return request.render("kpa_cooperative.portal_my_cooperative", values)

    def _kpa_cooperative_page_values(self, cooperative):
        """Values of a member's page of one of their cooperatives; other
        modules add theirs (rules and decisions, for instance)."""
        return {"page_name": "kpa_cooperative", "cooperative": cooperative}

    @http.route("/my/skills", type="http", auth="user", website=True)
    def portal_my_skills(self, **kwargs):
        if not self._kpa_member_cooperatives():
            raise NotFound()
        teachers = request.env["kpa.partner.skill"].search([("level", "=", "teaching")])
        # Who can teach what across the network: current members only, with
        # their cooperatives (names read with sudo).
        memberships_sudo = (
            request.env["kpa.membership"]
            .sudo()
            .search(
                [
                    ("partner_id", "in", teachers.sudo().partner_id.ids),
                    ("state", "=", "member"),
                    ("company_id", "in", request.env.user.company_ids.ids),
                ]
            )
        )
        cooperatives_by_partner = {}
        for membership in memberships_sudo:
            cooperatives_by_partner.setdefault(membership.partner_id.id, []).append(
                membership.cooperative_id.name
            )
        directory = {}
        for line in teachers.sudo():
            if line.partner_id.id in cooperatives_by_partner:
                directory.setdefault(line.skill_id.name, []).append(
                    (
                        line.partner_id.name,
                        ", ".join(cooperatives_by_partner[line.partner_id.id]),
                    )
                )
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "kpa_skills",
                "skills": request.env.user.partner_id.kpa_skill_ids,
                "skill_levels": self._kpa_selection_labels(
                    "kpa.partner.skill", "level"
                ),
                "directory": sorted(directory.items()),
            }
        )
        return request.render("kpa_cooperative.portal_my_skills", values)
