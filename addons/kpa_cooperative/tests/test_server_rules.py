"""Issue 9: the rules of the network, enforced by the server whatever the
screens show. Each refusal is checked to change nothing."""

from datetime import date
from unittest.mock import patch

from dateutil.relativedelta import relativedelta

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import KpaCooperativeCommon

COORDINATOR = "kpa_cooperative.group_kpa_coordinator"
MEMBER = "kpa_cooperative.group_kpa_member"


@tagged("post_install", "-at_install")
class TestServerRules(KpaCooperativeCommon):
    with_other_host = True

    def assertUnchanged(self, records, fnames, action, exception=AccessError):
        """``action`` is refused with ``exception`` and leaves ``fnames`` of
        ``records`` as they were (read back from the database)."""
        self.env.invalidate_all()
        before = records.sudo().read(fnames)
        with self.assertRaises(exception) as caught, self.env.cr.savepoint():
            action()
        self.env.invalidate_all()
        self.assertEqual(records.sudo().read(fnames), before)
        return caught.exception

    # === 1. The books belong to the host === #

    def test_coordinators_set_the_presentation_only(self):
        coop = self.coop_a.with_user(self.coordinator_a)
        coop.write({"short_description": "Our workshop.", "email": "a@example.com"})
        self.assertEqual(self.coop_a.short_description, "Our workshop.")
        self.assertEqual(self.coop_a.partner_id.email, "a@example.com")
        for vals in (
            {"journal_id": self.coop_b.journal_id.id},
            {"journal_id": self.company_data["default_journal_bank"].id},
            {"analytic_account_id": self.coop_b.analytic_account_id.id},
            {"partner_id": self.coop_b.partner_id.id},
            {"host_fee_rate": 0.0},
            {"state": "closed"},
            {"name": "Renamed"},
            {"coordinator_ids": [Command.link(self.coordinator_b.id)]},
        ):
            with self.subTest(vals=vals):
                fname = next(iter(vals))
                error = self.assertUnchanged(
                    self.coop_a, [fname], lambda v=vals: coop.write(v)
                )
                self.assertIn("Coop Alpha", str(error))

    def test_host_staff_set_the_books(self):
        self.coop_a.with_user(self.accountant).write({"host_fee_rate": 12.0})
        self.assertEqual(self.coop_a.host_fee_rate, 12.0)
        self.coop_a.with_user(self.accountant).action_close()
        self.assertEqual(self.coop_a.state, "closed")
        self.assertUnchanged(
            self.coop_a,
            ["short_description", "name"],
            lambda: self.coop_a.with_user(self.accountant).write(
                {"short_description": "Not theirs."}
            ),
        )
        self.assertUnchanged(
            self.coop_a,
            ["state"],
            lambda: self.coop_b.with_user(self.coordinator_b).action_close(),
        )

    def test_books_are_the_cooperatives_own(self):
        """Even the host's staff cannot make a cooperative's revenue go to
        another's accounts: no journal or analytic account of another
        cooperative, no journal that is not a sales journal."""
        bank = self.env["account.journal"].create(
            {
                "name": "Bank Test",
                "code": "BKTST",
                "type": "bank",
                "company_id": self.coop_a.company_id.id,
            }
        )
        for user in (self.manager, self.accountant):
            for vals in (
                {"journal_id": self.coop_b.journal_id.id},
                {"analytic_account_id": self.coop_b.analytic_account_id.id},
                {"journal_id": bank.id},
            ):
                with self.subTest(user=user.login, vals=vals):
                    self.assertUnchanged(
                        self.coop_a,
                        ["journal_id", "analytic_account_id"],
                        lambda u=user, v=vals: self.coop_a.with_user(u).write(v),
                        ValidationError,
                    )

    def test_nobody_blanks_the_name(self):
        for name in ("", "   ", False):
            with self.subTest(name=name):
                error = self.assertUnchanged(
                    self.coop_a,
                    ["name"],
                    lambda n=name: self.coop_a.with_user(self.manager).write(
                        {"name": n}
                    ),
                    ValidationError,
                )
                self.assertEqual(
                    error.args[0],
                    "A cooperative needs a name: it cannot be left blank.",
                )

    def test_coordinator_role_follows_coordination(self):
        person = self.member_user
        self.assertFalse(person.has_group(COORDINATOR))
        self.coop_a.with_user(self.manager).coordinator_ids = [Command.link(person.id)]
        self.assertTrue(person.has_group(COORDINATOR))
        self.coop_b.with_user(self.manager).coordinator_ids = [Command.link(person.id)]
        self.coop_a.with_user(self.manager).coordinator_ids = [
            Command.unlink(person.id)
        ]
        self.assertTrue(person.has_group(COORDINATOR), "still coordinates B")
        self.coop_b.with_user(self.manager).coordinator_ids = [
            Command.unlink(person.id)
        ]
        self.assertFalse(person.has_group(COORDINATOR))
        # Anna is still a member of A: she keeps the member role.
        self.assertTrue(person.has_group(MEMBER))
        # A network manager keeps the role their own includes.
        self.coop_a.coordinator_ids = [Command.link(self.manager.id)]
        self.coop_a.coordinator_ids = [Command.unlink(self.manager.id)]
        self.assertTrue(self.manager.has_group(COORDINATOR))

    def test_coordinators_have_no_contact_manager_rights(self):
        self.assertFalse(self.coordinator_a.has_group("base.group_partner_manager"))
        stranger = self.env["res.partner"].create({"name": "Stranger Test"})
        self.assertUnchanged(
            stranger,
            ["name"],
            lambda: stranger.with_user(self.coordinator_a).write({"name": "Renamed"}),
        )
        # The people of their cooperative: contact details, not the rest.
        self.member_bob.with_user(self.coordinator_a).write({"phone": "+33 6 99"})
        self.assertEqual(self.member_bob.phone, "+33 6 99")
        self.assertUnchanged(
            self.member_bob,
            ["comment"],
            lambda: self.member_bob.with_user(self.coordinator_a).write(
                {"comment": "<p>Note</p>"}
            ),
        )
        self.assertUnchanged(
            self.member_dina,
            ["phone"],
            lambda: self.member_dina.with_user(self.coordinator_a).write(
                {"phone": "+33 6 98"}
            ),
        )

    # === 2. A record never enters a cooperative its writer cannot act in === #

    def test_cooperative_entry_checked_where_the_record_is(self):
        membership = self.membership_bob.with_user(self.coordinator_b)
        with self.assertRaises(AccessError):
            membership._check_cooperative_entry("write")
        self.membership_bob.with_user(self.coordinator_a)._check_cooperative_entry(
            "write"
        )
        self.membership_dina.with_user(self.manager)._check_cooperative_entry("write")
        elsewhere = self.env["kpa.membership"].create(
            {"partner_id": self.member_bob.id, "cooperative_id": self.coop_other.id}
        )
        with self.assertRaises(AccessError):
            elsewhere.with_user(self.manager_host_only)._check_cooperative_entry(
                "write"
            )

    def test_memberships_never_change_cooperative(self):
        self.assertUnchanged(
            self.membership_carl,
            ["cooperative_id"],
            lambda: self.membership_carl.with_user(self.manager).write(
                {"cooperative_id": self.coop_b.id}
            ),
        )

    # === 3. Memberships change only through their flows === #

    def test_state_and_dates_are_not_written_directly(self):
        for vals in (
            {"state": "member", "date_start": "2025-01-01"},
            {"state": "excluded", "date_end": "2025-01-01", "end_reason": "No."},
            {"partner_id": self.member_dina.id},
            {"date_start": "2020-01-01"},
        ):
            for user in (self.coordinator_a, self.manager):
                with self.subTest(vals=vals, user=user.login):
                    self.assertUnchanged(
                        self.membership_carl | self.membership_bob,
                        list(vals),
                        lambda v=vals, u=user: (
                            self.membership_carl | self.membership_bob
                        )
                        .with_user(u)
                        .write(v),
                    )
        self.membership_carl.with_user(self.coordinator_a).date_apply = "2025-01-02"
        self.assertEqual(self.membership_carl.date_apply, date(2025, 1, 2))

    def test_admission_needs_a_decision_but_for_founders(self):
        for user in (self.coordinator_a, self.manager):
            with self.subTest(user=user.login):
                self.assertUnchanged(
                    self.membership_carl,
                    ["state", "date_start"],
                    lambda u=user: self.membership_carl.with_user(u).action_admit(),
                )
        # Nor created as a member of a cooperative that has members.
        Membership = self.env["kpa.membership"].with_user(self.manager)
        with self.assertRaises(AccessError), self.env.cr.savepoint():
            Membership.create(
                {
                    "partner_id": self.member_dina.id,
                    "cooperative_id": self.coop_a.id,
                    "state": "member",
                    "date_start": "2025-01-01",
                }
            )
        # The path of an applied admission decision (kpa_governance gives it,
        # and its values: here, a record stands for the decision).
        decision = self.env["kpa.activity"].create({"name": "Stands for a decision"})
        Membership = type(self.env["kpa.membership"])
        with patch.object(Membership, "_kpa_admission_values", lambda self, d: {}):
            self.membership_carl.with_user(self.coordinator_a)._kpa_admit(
                date=date(2025, 2, 1), decision=decision
            )
        self.assertRecordValues(
            self.membership_carl, [{"state": "member", "date_start": date(2025, 2, 1)}]
        )
        # Founders: a network manager admits them into a cooperative with no
        # member yet, not a coordinator.
        founders = self.env["kpa.membership"].create(
            [
                {"partner_id": partner.id, "cooperative_id": self.coop_other.id}
                for partner in (self.member_bob, self.member_dina)
            ]
        )
        self.coop_other.coordinator_ids = [Command.link(self.coordinator_a.id)]
        self.assertUnchanged(
            founders,
            ["state"],
            lambda: founders.with_user(self.coordinator_a).action_admit(),
        )
        founders.with_user(self.manager).with_context(
            allowed_company_ids=(self.host | self.other_host).ids
        ).action_admit()
        self.assertEqual(set(founders.mapped("state")), {"member"})

    def test_leaving_and_exclusion(self):
        # An exclusion comes from an applied decision only.
        wizard = (
            self.env["kpa.membership.end"]
            .with_user(self.coordinator_a)
            .create(
                {
                    "membership_ids": [Command.set(self.membership_bob.ids)],
                    "end_type": "excluded",
                    "reason": "No decision.",
                }
            )
        )
        self.assertUnchanged(
            self.membership_bob, ["state"], wizard.action_confirm, UserError
        )
        # A member leaves by their own wish, and only their own membership.
        self.assertUnchanged(
            self.membership_bob,
            ["state"],
            lambda: self.membership_bob.with_user(self.member_user).action_leave(),
        )
        self.membership_anna.with_user(self.member_user).action_leave()
        self.assertRecordValues(
            self.membership_anna,
            [
                {
                    "state": "left",
                    "date_end": fields.Date.context_today(self.membership_anna),
                }
            ],
        )

    # === 4. Consent and personal data === #

    def test_consent_belongs_to_the_person(self):
        bob = self.member_bob.with_user(self.coordinator_a)
        bob.kpa_public_profile = False
        self.assertRecordValues(
            self.member_bob,
            [
                {
                    "kpa_public_profile": False,
                    "kpa_public_profile_user_id": self.coordinator_a.id,
                }
            ],
        )
        self.assertTrue(self.member_bob.kpa_public_profile_date)
        for user in (self.coordinator_b, self.manager, self.accountant):
            with self.subTest(user=user.login):
                self.assertUnchanged(
                    self.member_bob,
                    ["kpa_public_profile"],
                    lambda u=user: self.member_bob.with_user(u).write(
                        {"kpa_public_profile": True}
                    ),
                )
        # Nobody writes the trace.
        self.assertUnchanged(
            self.member_bob,
            ["kpa_public_profile_user_id"],
            lambda: bob.write({"kpa_public_profile_user_id": self.manager.id}),
        )
        # The person, from their preferences.
        self.member_user.with_user(self.member_user).write({"kpa_public_profile": True})
        self.assertRecordValues(
            self.member_anna,
            [
                {
                    "kpa_public_profile": True,
                    "kpa_public_profile_user_id": self.member_user.id,
                }
            ],
        )

    def test_birthdate_readers(self):
        for user, readable in (
            (self.member_user, False),
            (self.coordinator_b, False),
            (self.accountant, False),
            (self.coordinator_a, True),
            (self.manager, True),
        ):
            with self.subTest(user=user.login):
                bob = self.member_bob.with_user(user)
                value = bob.read(["kpa_birthdate"])[0]["kpa_birthdate"]
                self.assertEqual(value, date(1985, 3, 2) if readable else False)
                found = bob.search(
                    [("id", "=", bob.id), ("kpa_birthdate", "=", date(1985, 3, 2))]
                )
                self.assertEqual(bool(found), readable)
                with self.assertRaises(AccessError):
                    bob.read(["kpa_birthdate_value"])
        # The person reads their own.
        anna = self.member_anna.with_user(self.member_user)
        self.assertEqual(anna.kpa_birthdate, date(1990, 5, 17))

    def test_fellow_members_get_no_contact_details(self):
        bob = self.membership_bob.with_user(self.member_user)
        self.assertEqual(bob.read(["email", "phone"])[0]["email"], False)
        self.assertFalse(bob.phone)
        coordinated = self.membership_bob.with_user(self.coordinator_a)
        self.assertEqual(coordinated.email, "bob.private@example.com")

    # === 6. Hosts are isolated === #

    def test_hosts_are_isolated(self):
        other_member = self.env["res.partner"].create(
            {"name": "Olga Test", "kpa_birthdate": date(1980, 1, 1)}
        )
        self.env["kpa.membership"].create(
            {"partner_id": other_member.id, "cooperative_id": self.coop_other.id}
        )
        for model, record in (
            ("kpa.cooperative", self.coop_other),
            ("res.partner", other_member),
            ("account.journal", self.coop_other.journal_id),
        ):
            with self.subTest(model=model):
                self.assertFalse(
                    self.env[model]
                    .with_user(self.manager_host_only)
                    .search([("id", "=", record.id)])
                )
                self.assertTrue(
                    self.env[model]
                    .with_user(self.manager)
                    .with_context(allowed_company_ids=(self.host | self.other_host).ids)
                    .search([("id", "=", record.id)])
                )

    # === 7. Leavers lose the member role === #

    def test_leavers_lose_the_member_role(self):
        self.assertTrue(self.member_user.has_group(MEMBER))
        self.membership_anna._close("left", date(2025, 1, 1), "Moved away.")
        self.assertFalse(self.member_user.has_group(MEMBER))
        # A new candidacy gives it back.
        self.env["kpa.membership"].create(
            {"partner_id": self.member_anna.id, "cooperative_id": self.coop_b.id}
        )
        self.assertTrue(self.member_user.has_group(MEMBER))

    # === 5. No minor in public === #

    def test_minors_never_public(self):
        teen = self.env["res.partner"].create(
            {
                "name": "Teen Test",
                "kpa_birthdate": fields.Date.today() - relativedelta(years=17),
                "kpa_public_profile": True,
            }
        )
        membership = (
            self.env["kpa.membership"]
            .sudo()
            .create(
                {
                    "partner_id": teen.id,
                    "cooperative_id": self.coop_a.id,
                    "state": "member",
                    "date_start": fields.Date.today(),
                }
            )
        )
        public = self.env["kpa.membership"].search(
            [("id", "in", (membership | self.membership_bob).ids)]
            + self.env["kpa.membership"]._kpa_public_person_domain()
        )
        self.assertEqual(public, self.membership_bob)
        self.assertFalse(teen._kpa_is_adult())
