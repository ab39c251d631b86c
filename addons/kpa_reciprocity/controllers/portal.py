from werkzeug.exceptions import NotFound

from odoo import fields, http
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.http import request

from odoo.addons.kpa_cooperative.controllers.portal import KpaMemberPortal


class KpaReciprocityPortal(KpaMemberPortal):
    """The reciprocity ledger in the member portal: what one gives and
    receives, and a form to record a contribution."""

    # === HELPERS === #

    def _kpa_contribution_domain(self):
        partner = request.env.user.partner_id
        return [
            "|",
            ("giver_partner_id", "=", partner.id),
            ("receiver_partner_id", "=", partner.id),
        ]

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
        if "kpa_contribution_count" in counters:
            # Members see the entry even before their first contribution.
            values["kpa_contribution_count"] = (
                request.env["kpa.contribution"].search_count(
                    self._kpa_contribution_domain()
                )
                or len(self._kpa_member_cooperatives())
                if self._kpa_is_member_user()
                else 0
            )
        return values

    # === ROUTES === #

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
        return request.render("kpa_reciprocity.portal_my_contributions", values)

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
                "kpa_reciprocity.portal_my_contribution_new",
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
                "kpa_reciprocity.portal_my_contribution_new",
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
