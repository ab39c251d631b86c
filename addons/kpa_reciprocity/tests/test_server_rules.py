"""Records of the reciprocity ledger never enter a cooperative their writer
cannot act in, their states change through their buttons only, and people
who leave lose the pool (issue 9). Each refusal is checked as the role's
user, with the real write, and leaves the database as it was."""

from datetime import date

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from odoo.addons.kpa_cooperative.tests.common import KpaPortalMemberCommon


@tagged("post_install", "-at_install")
class TestReciprocityServerRules(KpaPortalMemberCommon):
    with_other_host = True

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.drill = cls.env["kpa.resource"].create(
            {"name": "Drill Test", "cooperative_id": cls.coop_a.id}
        )
        cls.loan = cls.env["kpa.resource.loan"].create(
            {
                "resource_id": cls.drill.id,
                "borrower_partner_id": cls.coop_b.partner_id.id,
                "date_start": date(2025, 3, 3),
                "date_end": date(2025, 3, 4),
            }
        )

    def test_records_never_move_out_of_reach(self):
        """Moulins' coordinator creates in Moulins, then writes La Cape."""
        Resource = self.env["kpa.resource"].with_user(self.coordinator_a)
        Training = self.env["kpa.training"].with_user(self.coordinator_a)
        Contribution = self.env["kpa.contribution"].with_user(self.coordinator_a)
        records = [
            Resource.create({"name": "Saw Test", "cooperative_id": self.coop_a.id}),
            Training.create(
                {
                    "name": "Sewing Test",
                    "cooperative_id": self.coop_a.id,
                    "skill_id": self.skill_sewing.id,
                    "teacher_partner_id": self.member_anna.id,
                }
            ),
            Contribution.create(
                {
                    "name": "Hours Test",
                    "cooperative_id": self.coop_a.id,
                    "giver_partner_id": self.member_anna.id,
                    # Anna gives to B: the entry fits A and B alike.
                    "receiver_partner_id": self.coop_b.partner_id.id,
                    "quantity": 2.0,
                }
            ),
        ]
        for record in records:
            with (
                self.subTest(model=record._name),
                self.assertRaises(AccessError),
            ):
                record.write({"cooperative_id": self.coop_b.id})
            self.assertEqual(record.sudo().cooperative_id, self.coop_a)
        # A loan goes with its resource: not with one of B's.
        saw_b = self.env["kpa.resource"].create(
            {"name": "Saw of B Test", "cooperative_id": self.coop_b.id}
        )
        with self.assertRaises(AccessError):
            self.loan.with_user(self.coordinator_a).write({"resource_id": saw_b.id})
        self.assertEqual(self.loan.resource_id, self.drill)

    def test_states_only_through_buttons(self):
        loan = self.loan.with_user(self.coordinator_a)
        for vals in (
            {"state": "returned"},
            {"cooperative_id": self.coop_b.id},
            {"contribution_id": False},
        ):
            with self.subTest(vals=vals), self.assertRefused(UserError, "not written"):
                loan.write(vals)
        self.assertRecordValues(
            self.loan,
            [{"state": "confirmed", "cooperative_id": self.coop_a.id}],
        )
        self.assertTrue(self.loan.contribution_id)
        self.assertEqual(self.drill.cooperative_id, self.coop_a)
        loan.action_return()
        self.assertEqual(self.loan.state, "returned")
        contribution = self.loan.contribution_id.with_user(self.coordinator_a)
        with self.assertRefused(UserError, "not written"):
            contribution.write({"loan_id": False})
        self.assertEqual(self.loan.contribution_id.loan_id, self.loan)

    def test_leavers_lose_the_pool(self):
        """A former member no longer reads the pool's resources and loans,
        nor records contributions; current members do."""
        user = self.portal_member_user
        Resource = self.env["kpa.resource"].with_user(user)
        self.assertIn(self.drill, Resource.search([]))
        self.assertIn(
            self.loan, self.env["kpa.resource.loan"].with_user(user).search([])
        )
        self.membership_paula._close("left", date(2025, 4, 1), "Moved away.")
        with self.assertRaises(AccessError):
            self.drill.with_user(user).read(["name"])
        with self.assertRaises(AccessError):
            self.loan.with_user(user).read(["hours"])
        count = self.env["kpa.contribution"].search_count([])
        with self.assertRaises(AccessError):
            self.env["kpa.contribution"].with_user(user).create(
                {
                    "name": "After leaving Test",
                    "cooperative_id": self.coop_a.id,
                    "giver_partner_id": self.member_paula.id,
                    "receiver_partner_id": self.coop_a.partner_id.id,
                    "quantity": 1.0,
                }
            )
        self.assertEqual(self.env["kpa.contribution"].search_count([]), count)

    def test_pool_of_another_host_is_not_read(self):
        other_coop = self.coop_other
        tool = self.env["kpa.resource"].create(
            {"name": "Tool of the other host Test", "cooperative_id": other_coop.id}
        )
        for user in (
            self.portal_member_user,
            self.coordinator_a,
            self.manager_host_only,
        ):
            with self.subTest(user=user.login):
                self.assertNotIn(
                    tool, self.env["kpa.resource"].with_user(user).search([])
                )
                with self.assertRaises(AccessError):
                    tool.with_user(user).read(["name"])
        self.assertNotEqual(other_coop.company_id, self.coop_a.company_id)
