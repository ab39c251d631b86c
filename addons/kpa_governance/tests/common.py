from odoo.addons.kpa_cooperative.tests.common import KpaPortalMemberCommon


def give_positions(decision, position="agree"):
    """Every participant of the open ``decision`` gives ``position``, through
    the vote's flow (nobody writes positions as data)."""
    for line in decision.sudo().position_ids:
        decision._set_position(line.partner_id, position)


class KpaGovernanceCommon(KpaPortalMemberCommon):
    """The network of KpaPortalMemberCommon, with the adopted-rule-free
    defaults (quorum 50 %, majority 50 %). Helpers open decisions and record
    positions.
    """

    def _decision(self, cooperative=None, decision_type="other", **vals):
        return self.env["kpa.decision"].create(
            {
                "name": vals.pop("name", "Question Test"),
                "cooperative_id": (cooperative or self.coop_a).id,
                "decision_type": decision_type,
                "proposal": "<p>Proposal Test</p>",
                **vals,
            }
        )

    def _open(self, decision):
        decision.action_open()
        return decision

    def _vote(self, decision, positions):
        """positions: {partner: 'agree' | 'abstain' | 'disagree' | 'block'}"""
        for partner, position in positions.items():
            decision._set_position(partner, position)
        return decision

    def _adopt(self, decision, date_decision=None):
        """Everyone agrees, the vote closes, the decision is applied."""
        if decision.state == "draft":
            if date_decision:
                decision.date = date_decision
            decision.action_open()
        give_positions(decision)
        decision.action_close()
        decision.action_apply()
        return decision
