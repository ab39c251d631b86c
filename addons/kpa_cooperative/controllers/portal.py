from werkzeug.exceptions import NotFound

from odoo import fields, http
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal

MEMBER_GROUP = "kpa_cooperative.group_kpa_member"


class KpaMemberPortal(CustomerPortal):
    """The member portal: memberships, skills, contributions, rules and
    decisions of one's cooperatives. Reads go through the member's own access
    rights (record rules keep each member to their cooperatives); names of
    other people are read with sudo on records just checked."""

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

    def _kpa_decision_domain(self):
        return [
            ("cooperative_id", "in", self._kpa_member_cooperatives().ids),
            ("state", "in", ("open", "closed")),
        ]

    def _kpa_contribution_domain(self):
        partner = request.env.user.partner_id
        return [
            "|",
            ("giver_partner_id", "=", partner.id),
            ("receiver_partner_id", "=", partner.id),
        ]

    def _kpa_get_decision(self, decision_id):
        """The decision, if it belongs to a cooperative the user is a member
        of and is put to the vote; 404 otherwise."""
        decision = request.env["kpa.decision"].search(
            [("id", "=", decision_id), *self._kpa_decision_domain()]
        )
        if not decision:
            raise NotFound()
        return decision

    def _kpa_selection_labels(self, model, field):
        return dict(
            request.env[model]._fields[field]._description_selection(request.env)
        )

    def _kpa_receiver_options(self):
        """Who a member may record a contribution to: each of their
        cooperatives and its other current members, as (value, label, group)."""
        cooperatives = self._kpa_member_cooperatives()
        partner = request.env.user.partner_id
        memberships_sudo = (
            request.env["kpa.membership"]
            .sudo()
            .search(
                [
                    ("cooperative_id", "in", cooperatives.ids),
                    ("state", "=", "member"),
                    ("partner_id", "!=", partner.id),
                ],
                order="cooperative_id, partner_id",
            )
        )
        options = []
        for cooperative in cooperatives:
            cooperative_sudo = cooperative.sudo()
            options.append(
                (
                    f"{cooperative.id}-{cooperative_sudo.partner_id.id}",
                    cooperative_sudo.name,
                    cooperative_sudo.name,
                )
            )
            options += [
                (
                    f"{cooperative.id}-{membership.partner_id.id}",
                    membership.partner_id.name,
                    cooperative_sudo.name,
                )
                for membership in memberships_sudo
                if membership.cooperative_id == cooperative_sudo
            ]
        return options

    def _kpa_contribution_form_values(self, error=None, form=None):
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "kpa_contribution_new",
                "receiver_options": self._kpa_receiver_options(),
                "contribution_types": self._kpa_selection_labels(
                    "kpa.contribution", "contribution_type"
                ),
                "error": error,
                "form": form
                or {
                    "date": fields.Date.to_string(
                        fields.Date.context_today(request.env.user)
                    ),
                    "contribution_type": "work",
                },
            }
        )
        return values

    # === HOME === #

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if not self._kpa_is_member_user():
            for counter in (
                "kpa_membership_count",
                "kpa_decision_count",
                "kpa_contribution_count",
            ):
                if counter in counters:
                    values[counter] = 0
            return values
        if "kpa_membership_count" in counters:
            values["kpa_membership_count"] = len(self._kpa_own_memberships())
        if "kpa_decision_count" in counters:
            values["kpa_decision_count"] = request.env["kpa.decision"].search_count(
                self._kpa_decision_domain()
            )
        if "kpa_contribution_count" in counters:
            # Members see the entry even before their first contribution.
            values["kpa_contribution_count"] = request.env[
                "kpa.contribution"
            ].search_count(self._kpa_contribution_domain()) or len(
                self._kpa_member_cooperatives()
            )
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
            }
        )
        return request.render("kpa_cooperative.portal_my_cooperatives", values)

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
        values.update(
            {
                "page_name": "kpa_cooperative",
                "cooperative": cooperative,
                "rules": request.env["kpa.rule"].search(
                    [("cooperative_id", "=", cooperative.id), ("state", "=", "adopted")]
                ),
                "rule_categories": self._kpa_selection_labels("kpa.rule", "category"),
                "decisions": request.env["kpa.decision"].search(
                    [
                        ("cooperative_id", "=", cooperative.id),
                        ("state", "in", ("open", "closed")),
                    ],
                    limit=20,
                ),
                "positions": self._kpa_selection_labels(
                    "kpa.decision.position", "position"
                ),
            }
        )
        return request.render("kpa_cooperative.portal_my_cooperative", values)

    @http.route("/my/decisions", type="http", auth="user", website=True)
    def portal_my_decisions(self, **kwargs):
        if not self._kpa_is_member_user():
            raise NotFound()
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "kpa_decisions",
                "decisions": request.env["kpa.decision"].search(
                    self._kpa_decision_domain()
                ),
                "positions": self._kpa_selection_labels(
                    "kpa.decision.position", "position"
                ),
                "decision_types": self._kpa_selection_labels(
                    "kpa.decision", "decision_type"
                ),
            }
        )
        return request.render("kpa_cooperative.portal_my_decisions", values)

    @http.route(
        "/my/decisions/<int:decision_id>", type="http", auth="user", website=True
    )
    def portal_my_decision(self, decision_id, saved=None, **kwargs):
        decision = self._kpa_get_decision(decision_id)
        return request.render(
            "kpa_cooperative.portal_my_decision",
            self._kpa_decision_values(decision, saved=bool(saved)),
        )

    def _kpa_decision_values(self, decision, error=None, saved=False, form=None):
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "kpa_decision",
                "decision": decision,
                # Participants' names: positions of a decision just checked.
                "position_lines": decision.sudo().position_ids,
                "positions": self._kpa_selection_labels(
                    "kpa.decision.position", "position"
                ),
                "decision_types": self._kpa_selection_labels(
                    "kpa.decision", "decision_type"
                ),
                "error": error,
                "saved": saved,
                "form": form or {},
            }
        )
        return values

    @http.route(
        "/my/decisions/<int:decision_id>/position",
        type="http",
        auth="user",
        website=True,
        methods=["POST"],
    )
    def portal_my_decision_position(
        self, decision_id, position=None, comment=None, **kw
    ):
        decision = self._kpa_get_decision(decision_id)
        try:
            with request.env.cr.savepoint():
                decision.action_set_position(position, (comment or "").strip())
        except (UserError, ValidationError, AccessError) as error:
            return request.render(
                "kpa_cooperative.portal_my_decision",
                self._kpa_decision_values(
                    decision,
                    error=str(error.args[0]),
                    form={"position": position, "comment": comment},
                ),
            )
        return request.redirect(f"/my/decisions/{decision.id}?saved=1")

    @http.route("/my/contributions", type="http", auth="user", website=True)
    def portal_my_contributions(self, saved=None, **kwargs):
        if not self._kpa_is_member_user():
            raise NotFound()
        partner = request.env.user.partner_id
        contributions = request.env["kpa.contribution"].search(
            self._kpa_contribution_domain()
        )
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "kpa_contributions",
                "contributions": contributions,
                # Other parties' names, on the user's own contributions.
                "contributions_sudo": contributions.sudo(),
                "partner": partner,
                "can_record": bool(self._kpa_member_cooperatives()),
                "saved": bool(saved),
                "contribution_types": self._kpa_selection_labels(
                    "kpa.contribution", "contribution_type"
                ),
                "contribution_states": self._kpa_selection_labels(
                    "kpa.contribution", "state"
                ),
            }
        )
        return request.render("kpa_cooperative.portal_my_contributions", values)

    @http.route(
        "/my/contributions/new",
        type="http",
        auth="user",
        website=True,
        methods=["GET", "POST"],
    )
    def portal_my_contribution_new(self, **post):
        if not self._kpa_member_cooperatives():
            raise NotFound()
        if request.httprequest.method != "POST":
            return request.render(
                "kpa_cooperative.portal_my_contribution_new",
                self._kpa_contribution_form_values(),
            )
        form = {
            key: (post.get(key) or "").strip()
            for key in ("name", "receiver", "contribution_type", "quantity", "date")
        }
        try:
            vals = self._kpa_parse_contribution(form)
            with request.env.cr.savepoint():
                request.env["kpa.contribution"].create(vals)
        except (UserError, ValidationError, AccessError) as error:
            return request.render(
                "kpa_cooperative.portal_my_contribution_new",
                self._kpa_contribution_form_values(error=str(error.args[0]), form=form),
            )
        return request.redirect("/my/contributions?saved=1")

    def _kpa_parse_contribution(self, form):
        env = request.env
        receivers = {value for value, _label, _group in self._kpa_receiver_options()}
        if form["receiver"] not in receivers:
            raise UserError(
                env._(
                    "Choose who received the contribution: your cooperative or one "
                    "of its members."
                )
            )
        cooperative_id, receiver_id = map(int, form["receiver"].split("-"))
        if not form["name"]:
            raise UserError(env._("Describe the contribution in a few words."))
        try:
            quantity = float(form["quantity"].replace(",", "."))
        except ValueError:
            raise UserError(
                env._("Give the number of hours as a number, e.g. 2 or 1.5.")
            ) from None
        try:
            date = fields.Date.to_date(form["date"]) or fields.Date.context_today(
                env.user
            )
        except ValueError:
            raise UserError(env._("Give the date as YYYY-MM-DD.")) from None
        if form["contribution_type"] not in self._kpa_selection_labels(
            "kpa.contribution", "contribution_type"
        ):
            raise UserError(env._("Choose the type of the contribution."))
        return {
            "name": form["name"],
            "cooperative_id": cooperative_id,
            "giver_partner_id": env.user.partner_id.id,
            "receiver_partner_id": receiver_id,
            "contribution_type": form["contribution_type"],
            "quantity": quantity,
            "date": date,
        }

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
