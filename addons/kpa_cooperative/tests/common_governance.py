from contextlib import contextmanager
from datetime import date

from odoo import Command
from odoo.tests import new_test_user

from .common import KpaCooperativeCommon


class KpaGovernanceCommon(KpaCooperativeCommon):
    """The network of KpaCooperativeCommon, plus what governance needs.

    coop_a also has portal_member_user (a portal user, Paula, member of coop_a
    since 2024-04-01) and the adopted-rule-free defaults: quorum 50 %, majority
    50 %. Helpers open decisions and record positions.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.portal_member_user = new_test_user(
            cls.env,
            login="kpa_portal_member",
            groups="base.group_portal,kpa_cooperative.group_kpa_member",
            company_id=cls.host.id,
            company_ids=[Command.set(cls.host.ids)],
            email="kpa_portal_member@example.com",
        )
        cls.member_paula = cls.portal_member_user.partner_id
        cls.member_paula.write(
            {"name": "Paula Test", "kpa_birthdate": date(1999, 9, 9)}
        )
        cls.membership_paula = cls.env["kpa.membership"].create(
            {
                "partner_id": cls.member_paula.id,
                "cooperative_id": cls.coop_a.id,
                "state": "member",
                "date_start": date(2024, 4, 1),
            }
        )

    @classmethod
    def _create_members(cls, cooperative, count, prefix="Member"):
        partners = cls.env["res.partner"].create(
            [
                {"name": f"{prefix} {index} Test", "kpa_birthdate": date(1990, 1, 1)}
                for index in range(count)
            ]
        )
        cls.env["kpa.membership"].create(
            [
                {
                    "partner_id": partner.id,
                    "cooperative_id": cooperative.id,
                    "state": "member",
                    "date_start": date(2024, 1, 1),
                }
                for partner in partners
            ]
        )
        return partners

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
        decision.position_ids.write({"position": "agree"})
        decision.action_close()
        decision.action_apply()
        return decision

    @contextmanager
    def assertRefused(self, exception, regex):
        """The error a user reads, and nothing written: Odoo's assertRaises
        rolls the savepoint back, then the message is checked."""
        with self.assertRaises(exception) as catcher:
            yield catcher
        self.assertRegex(str(catcher.exception.args[0]), regex)
