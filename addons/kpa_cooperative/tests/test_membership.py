from datetime import date

from odoo import fields
from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, new_test_user, tagged

from .common import KpaCooperativeCommon


@tagged("post_install", "-at_install")
class TestMembership(KpaCooperativeCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.teen, cls.leapling, cls.nobody_knows = cls.env["res.partner"].create(
            [
                {"name": "Teen Test", "kpa_birthdate": date(2008, 5, 10)},
                {"name": "Leap Test", "kpa_birthdate": date(2008, 2, 29)},
                {"name": "Unknown Age Test"},
            ]
        )
        # The rules of a membership's data (ages, dates, states), whatever the
        # flow that brings them (admission decisions, founders): with sudo.
        cls.Membership = cls.env["kpa.membership"].sudo()

    def join(self, partner, date_start, cooperative=None, state="member"):
        return self.Membership.create(
            {
                "partner_id": partner.id,
                "cooperative_id": (cooperative or self.coop_a).id,
                "state": state,
                "date_start": date_start,
            }
        )

    def assertRefused(self, exception, message, action):
        """The action raises `exception` with exactly `message` and writes
        nothing."""
        count = self.env["kpa.membership"].search_count([])
        with self.assertRaises(exception) as caught, self.env.cr.savepoint():
            action()
        self.assertEqual(caught.exception.args[0], message)
        self.assertEqual(self.env["kpa.membership"].search_count([]), count)

    # === AGE === #

    def test_age_16_boundary(self):
        self.assertRefused(
            ValidationError,
            "Teen Test is 15 on 05/09/2024: members of a cooperative must be 16 or "
            "older on the day they join.",
            lambda: self.join(self.teen, date(2024, 5, 9)),
        )
        membership = self.join(self.teen, date(2024, 5, 10))
        self.assertEqual(membership.state, "member")

    def test_age_of_someone_born_on_29_february(self):
        self.assertRefused(
            ValidationError,
            "Leap Test is 15 on 02/28/2024: members of a cooperative must be 16 or "
            "older on the day they join.",
            lambda: self.join(self.leapling, date(2024, 2, 28)),
        )
        self.assertTrue(self.join(self.leapling, date(2024, 2, 29)))

    def test_age_checked_on_admission(self):
        candidacy = self.join(self.teen, False, state="candidate")
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            candidacy.action_admit(date(2024, 1, 1))
        self.assertEqual(candidacy.state, "candidate")
        candidacy.action_admit(date(2024, 6, 1))
        self.assertRecordValues(
            candidacy, [{"state": "member", "date_start": date(2024, 6, 1)}]
        )

    def test_birthdate_required_to_be_a_member(self):
        self.assertRefused(
            ValidationError,
            "Unknown Age Test has no birthdate: enter it on their contact before "
            "they join Coop Alpha (members are 16 or older).",
            lambda: self.join(self.nobody_knows, date(2024, 1, 1)),
        )
        # A candidate may apply before the birthdate is known...
        candidacy = self.join(self.nobody_knows, False, state="candidate")
        # ...and withdraw without it.
        candidacy._close("left", date(2024, 2, 1), "Changed their mind.")
        self.assertRecordValues(
            candidacy, [{"state": "left", "date_start": False, "is_open": False}]
        )

    def test_birthdate_corrected_afterwards(self):
        membership = self.join(self.teen, date(2024, 6, 1))
        with self.assertRaises(ValidationError) as caught, self.env.cr.savepoint():
            self.teen.with_user(self.coordinator_a).kpa_birthdate = date(2010, 1, 1)
        self.assertIn("Teen Test is 14 on 06/01/2024", caught.exception.args[0])
        self.assertEqual(self.teen.kpa_birthdate, date(2008, 5, 10))
        self.assertEqual(membership.state, "member")

    def test_member_needs_a_start_date(self):
        self.assertRefused(
            ValidationError,
            "Teen Test needs a start date to be a member of Coop Alpha.",
            lambda: self.join(self.teen, False),
        )

    # === ONE OPEN MEMBERSHIP === #

    def test_one_open_membership_per_person_and_cooperative(self):
        message = (
            "Anna Test already has an open membership (candidate or member) in "
            "Coop Alpha: there can be only one."
        )
        self.assertRefused(
            ValidationError,
            message,
            lambda: self.join(self.member_anna, False, state="candidate"),
        )
        self.assertRefused(
            ValidationError,
            "Teen Test already has an open membership (candidate or member) in "
            "Coop Alpha: there can be only one.",
            lambda: self.Membership.create(
                [
                    {"partner_id": self.teen.id, "cooperative_id": self.coop_a.id},
                    {"partner_id": self.teen.id, "cooperative_id": self.coop_a.id},
                ]
            ),
        )

    def test_several_cooperatives_and_a_return_after_leaving(self):
        other = self.Membership.create(
            {
                "partner_id": self.member_anna.id,
                "cooperative_id": self.coop_b.id,
                "state": "member",
                "date_start": date(2024, 3, 1),
            }
        )
        self.assertEqual(
            self.member_anna.kpa_membership_ids, self.membership_anna | other
        )
        self.membership_anna._close("left", date(2024, 9, 1), "Moved away.")
        back = self.join(self.member_anna, False, state="candidate")
        self.assertEqual(
            self.member_anna.kpa_membership_ids.filtered("is_open"), other | back
        )

    # === END OF MEMBERSHIP === #

    def test_dates_in_order(self):
        with self.assertRaises(ValidationError) as caught, self.env.cr.savepoint():
            self.membership_bob._close("left", date(2024, 1, 31), "Too early.")
        self.assertEqual(
            caught.exception.args[0],
            "The membership of Bob Test cannot end (01/31/2024) before it starts "
            "(02/01/2024).",
        )
        self.assertEqual(self.membership_bob.state, "member")
        # The day it starts is fine.
        self.membership_bob._close("left", date(2024, 2, 1), "Changed their mind.")
        self.assertEqual(self.membership_bob.state, "left")

    def test_ended_membership_needs_an_end_date(self):
        with self.assertRaises(ValidationError) as caught, self.env.cr.savepoint():
            self.membership_bob.sudo().state = "left"
        self.assertEqual(
            caught.exception.args[0],
            "The membership of Bob Test ended: give its end date.",
        )

    def test_admit_and_end_only_from_the_right_state(self):
        with self.assertRaises(UserError) as caught:
            (self.membership_anna | self.membership_carl).action_admit()
        self.assertEqual(
            caught.exception.args[0],
            "Only candidates can be admitted; Anna Test are not candidates.",
        )
        self.assertEqual(self.membership_carl.state, "candidate")
        self.membership_bob._close("left", date(2024, 6, 1), "Moved away.")
        with self.assertRaises(UserError) as caught:
            self.membership_bob._close("left", date(2024, 7, 1), "Again.")
        self.assertEqual(
            caught.exception.args[0], "The membership of Bob Test has already ended."
        )
        with self.assertRaises(UserError):
            self.membership_anna._close("member", date(2024, 7, 1), "No.")

    def test_admit_today_by_default(self):
        self.membership_carl.sudo().action_admit()
        self.assertRecordValues(
            self.membership_carl,
            [
                {
                    "state": "member",
                    "date_start": fields.Date.context_today(self.membership_carl),
                    "is_open": True,
                }
            ],
        )

    # === WIZARD === #

    def test_end_wizard_departure(self):
        action = self.membership_bob.with_user(self.coordinator_a).action_end()
        self.assertEqual(action["res_model"], "kpa.membership.end")
        wizard_form = Form(
            self.env["kpa.membership.end"]
            .with_user(self.coordinator_a)
            .with_context(**action["context"])
        )
        wizard_form.date_end = date(2024, 12, 31)
        wizard_form.reason = "Found a job in Lyon."
        wizard_form.save().action_confirm()
        self.assertRecordValues(
            self.membership_bob,
            [
                {
                    "state": "left",
                    "date_end": date(2024, 12, 31),
                    "end_reason": "Found a job in Lyon.",
                }
            ],
        )

    def test_end_wizard_from_the_list(self):
        wizard = (
            self.env["kpa.membership.end"]
            .with_user(self.coordinator_a)
            .with_context(
                active_model="kpa.membership",
                active_ids=(self.membership_anna | self.membership_bob).ids,
            )
            .create({"end_type": "excluded", "date_end": date(2024, 10, 1)})
        )
        self.assertEqual(
            wizard.membership_ids, self.membership_anna | self.membership_bob
        )
        with self.assertRaises(UserError), self.env.cr.savepoint():
            wizard.action_confirm()
        self.assertEqual(
            (self.membership_anna | self.membership_bob).mapped("state"),
            ["member", "member"],
        )

    def test_display_name(self):
        self.assertEqual(self.membership_anna.display_name, "Anna Test · Coop Alpha")
        # The candidate reads their own candidacy, named after the cooperative.
        self.assertEqual(
            self.membership_carl.with_user(self.candidate_user).display_name,
            "Carl Test · Coop Alpha",
        )

    def test_applicants_with_an_account_get_the_member_role(self):
        portal_user = new_test_user(
            self.env,
            login="kpa_portal_applicant",
            groups="base.group_portal",
            company_id=self.host.id,
        )
        member_group = self.env.ref("kpa_cooperative.group_kpa_member")
        self.assertNotIn(member_group, portal_user.groups_id)
        candidacy = self.env["kpa.membership"].create(
            {"partner_id": portal_user.partner_id.id, "cooperative_id": self.coop_b.id}
        )
        self.assertIn(member_group, portal_user.groups_id)
        self.assertTrue(portal_user.share, "still a portal user")
        # The role shows them their own application, not the cooperative yet.
        self.assertEqual(
            self.env["kpa.membership"].with_user(portal_user).search([]), candidacy
        )
        self.assertFalse(self.env["kpa.cooperative"].with_user(portal_user).search([]))
