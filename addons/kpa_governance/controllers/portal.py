from werkzeug.exceptions import NotFound

from odoo import http
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.http import request

from odoo.addons.kpa_cooperative.controllers.portal import KpaMemberPortal


class KpaGovernancePortal(KpaMemberPortal):
    """Collective decisions in the member portal: the questions put to the
    members of one's cooperatives, and one's position on those open to the
    vote; the rules in force on the page of each cooperative."""

    # === HELPERS === #

    def _kpa_decision_domain(self):
        return [
            ("cooperative_id", "in", self._kpa_member_cooperatives().ids),
            ("state", "in", ("open", "closed")),
        ]

    def _kpa_get_decision(self, decision_id):
        """The decision, if it belongs to a cooperative the user is a member
        of and is put to the vote; 404 otherwise (people who are members of
        no cooperative may not even search decisions)."""
        if not self._kpa_is_member_user() or not 0 < decision_id < 2**31:
            raise NotFound()
        decision = request.env["kpa.decision"].search(
            [("id", "=", decision_id), *self._kpa_decision_domain()]
        )
        if not decision:
            raise NotFound()
        return decision

    # === HOME === #

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "kpa_decision_count" in counters:
            values["kpa_decision_count"] = (
                request.env["kpa.decision"].search_count(self._kpa_decision_domain())
                if self._kpa_is_member_user()
                else 0
            )
        return values

    # === ROUTES === #

    def _kpa_cooperative_page_values(self, cooperative):
        values = super()._kpa_cooperative_page_values(cooperative)
        values.update(
            {
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
        return values

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
        return request.render("kpa_governance.portal_my_decisions", values)

    @http.route(
        "/my/decisions/<int:decision_id>", type="http", auth="user", website=True
    )
    def portal_my_decision(self, decision_id, saved=None, **kwargs):
        decision = self._kpa_get_decision(decision_id)
        return request.render(
            "kpa_governance.portal_my_decision",
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
                "kpa_governance.portal_my_decision",
                self._kpa_decision_values(
                    decision,
                    error=str(error.args[0]),
                    form={"position": position, "comment": comment},
                ),
            )
        return request.redirect(f"/my/decisions/{decision.id}?saved=1")
