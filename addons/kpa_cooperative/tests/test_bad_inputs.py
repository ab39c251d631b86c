from datetime import date

from psycopg2 import IntegrityError

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger
from odoo.tools.translate import translate_sql_constraint

from .common import KpaCooperativeCommon


@tagged("post_install", "-at_install")
class TestBadInputs(KpaCooperativeCommon):
    """What a user may get wrong, done with the lowest rights that allow trying:
    each attempt gets a clear message and writes nothing."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.teen, cls.ageless = cls.env["res.partner"].create(
            [
                {"name": "Teen Test", "kpa_birthdate": date(2009, 6, 15)},
                {"name": "Ageless Test"},
            ]
        )
        elsewhere = cls.env["res.company"].create({"name": "Elsewhere Test"})
        cls.stranger = new_test_user(
            cls.env,
            login="kpa_stranger",
            groups="kpa_cooperative.group_kpa_coordinator",
            company_id=elsewhere.id,
            company_ids=[Command.set(elsewhere.ids)],
        )
        cls.teen_candidacy = cls.env["kpa.membership"].create(
            {"partner_id": cls.teen.id, "cooperative_id": cls.coop_a.id}
        )

    def snapshot(self):
        """What a bad input must leave untouched."""
        self.env.invalidate_all()
        memberships = self.env["kpa.membership"].search([])
        return {
            "memberships": memberships.read(
                ["state", "date_start", "date_end", "end_reason"]
            ),
            "cooperatives": self.env["kpa.cooperative"]
            .search([])
            .read(["name", "slug", "state", "host_fee_rate", "coordinator_ids"]),
            "skills": self.env["kpa.skill"].search_count([]),
            "partner_skills": self.env["kpa.partner.skill"]
            .search([])
            .read(["partner_id", "skill_id", "level"]),
        }

    def assertRefused(self, action, exception, message):
        before = self.snapshot()
        with self.assertRaises(exception) as caught, self.env.cr.savepoint():
            action()
        if isinstance(caught.exception, IntegrityError):
            constraint = caught.exception.diag.constraint_name
            text = translate_sql_constraint(self.env.cr, constraint, "en_US")
        else:
            text = caught.exception.args[0]
        self.assertIn(message, text)
        self.assertEqual(self.snapshot(), before, "a refused input wrote something")

    def end_wizard(self, memberships, **values):
        return (
            self.env["kpa.membership.end"]
            .with_user(self.coordinator_a)
            .create({"membership_ids": [(6, 0, memberships.ids)], **values})
        )

    # === MEMBERSHIPS (coordinator of the cooperative) === #

    def test_memberships(self):
        Membership = self.env["kpa.membership"].with_user(self.coordinator_a)
        cases = [
            (
                "second candidacy",
                lambda: Membership.create(
                    {
                        "partner_id": self.candidate_carl.id,
                        "cooperative_id": self.coop_a.id,
                    }
                ),
                ValidationError,
                "Carl Test already has an open membership (candidate or member) in "
                "Coop Alpha: there can be only one.",
            ),
            (
                "admission under 16",
                lambda: self.teen_candidacy.sudo().action_admit(date(2025, 6, 14)),
                ValidationError,
                "Teen Test is 15 on 06/14/2025: members of a cooperative must be 16 "
                "or older on the day they join.",
            ),
            (
                "member without birthdate",
                lambda: self.env["kpa.membership"]
                .create(
                    {"partner_id": self.ageless.id, "cooperative_id": self.coop_a.id}
                )
                .sudo()
                ._kpa_admit(date(2024, 1, 1)),
                ValidationError,
                "Ageless Test has no birthdate: enter it on their contact",
            ),
            (
                "a member created directly",
                lambda: Membership.create(
                    {
                        "partner_id": self.ageless.id,
                        "cooperative_id": self.coop_a.id,
                        "state": "member",
                        "date_start": date(2024, 1, 1),
                    }
                ),
                AccessError,
                "A candidate becomes a member by an admission decision of the "
                "members; only a network manager admits the founders",
            ),
            (
                "end before start",
                lambda: self.end_wizard(
                    self.membership_bob,
                    end_type="left",
                    date_end=date(2023, 12, 31),
                    reason="Moved.",
                ).action_confirm(),
                ValidationError,
                "The membership of Bob Test cannot end (12/31/2023) before it starts "
                "(02/01/2024).",
            ),
            (
                "admit a member",
                lambda: self.membership_bob.with_user(
                    self.coordinator_a
                ).action_admit(),
                UserError,
                "Only candidates can be admitted; Bob Test are not candidates.",
            ),
            (
                "membership in a cooperative one does not coordinate",
                lambda: Membership.create(
                    {"partner_id": self.teen.id, "cooperative_id": self.coop_b.id}
                ),
                AccessError,
                "",
            ),
        ]
        for label, action, exception, message in cases:
            with self.subTest(label):
                self.assertRefused(action, exception, message)

    def test_end_twice(self):
        self.end_wizard(
            self.membership_bob, end_type="left", date_end=date(2024, 9, 1)
        ).action_confirm()
        self.assertRefused(
            lambda: self.end_wizard(
                self.membership_bob, end_type="left", date_end=date(2024, 10, 1)
            ).action_confirm(),
            UserError,
            "The membership of Bob Test has already ended.",
        )

    # === COOPERATIVES (its coordinator, or a network manager) === #

    def test_cooperatives(self):
        coop_a_coordinated = self.coop_a.with_user(self.coordinator_a)
        cases = [
            (
                "web address with spaces",
                lambda: self.coop_a.with_user(self.manager).write(
                    {"slug": "Coop Alpha"}
                ),
                ValidationError,
                "may only contain lowercase letters, digits and single hyphens",
            ),
            (
                "web address of another cooperative",
                lambda: self.coop_a.with_user(self.manager).write(
                    {"slug": "coop-beta"}
                ),
                ValidationError,
                "The web address “coop-beta” is already used by Coop Beta",
            ),
            (
                "coordinator changes the host fee",
                lambda: coop_a_coordinated.write({"host_fee_rate": 0}),
                AccessError,
                "You may not change “Host fee (%)” of Coop Alpha: its presentation is "
                "set by its coordinators, its books by the host structure",
            ),
            (
                "coordinator writes another cooperative",
                lambda: self.coop_b.with_user(self.coordinator_a).write(
                    {"short_description": "Not mine."}
                ),
                AccessError,
                "",
            ),
            (
                "host fee above 100 %",
                lambda: self.coop_a.with_user(self.manager).write(
                    {"host_fee_rate": 120}
                ),
                ValidationError,
                "The host fee rate of Coop Alpha must be between 0 and 100 %.",
            ),
            (
                "new cooperative with a negative host fee",
                lambda: self.env["kpa.cooperative"]
                .with_user(self.manager)
                .create({"name": "Negative", "host_fee_rate": -5}),
                IntegrityError,
                "The host fee rate must be between 0 and 100 %.",
            ),
            (
                "activate an active cooperative",
                self.coop_a.with_user(self.manager).action_activate,
                UserError,
                "Coop Alpha is active: it cannot become active.",
            ),
            (
                "portal user as coordinator",
                lambda: self.coop_a.with_user(self.manager).write(
                    {"coordinator_ids": [(4, self.portal_user.id)]}
                ),
                ValidationError,
                f"{self.portal_user.name} cannot coordinate Coop Alpha: coordinators "
                "are internal users, not portal or public ones.",
            ),
            (
                "coordinator who cannot access the host",
                lambda: self.coop_a.with_user(self.manager).write(
                    {"coordinator_ids": [(4, self.stranger.id)]}
                ),
                ValidationError,
                f"{self.stranger.name} cannot coordinate Coop Alpha: they have no "
                "access to its host structure Host Structure Test.",
            ),
        ]
        for label, action, exception, message in cases:
            with self.subTest(label), mute_logger("odoo.sql_db"):
                self.assertRefused(action, exception, message)

    # === SKILLS (a member, for their own) === #

    def test_skills(self):
        PartnerSkill = self.env["kpa.partner.skill"].with_user(self.member_user)
        cases = [
            (
                "the same skill twice",
                lambda: PartnerSkill.create(
                    {
                        "partner_id": self.member_anna.id,
                        "skill_id": self.skill_sewing.id,
                        "level": "learning",
                    }
                ),
                IntegrityError,
                "This person already holds this skill: change its level instead.",
            ),
            (
                "a level that does not exist",
                lambda: self.anna_sewing.with_user(self.member_user).write(
                    {"level": "expert"}
                ),
                ValidationError,
                "Invalid value for “Level”: this value is not one of the choices.",
            ),
            (
                "someone else's skill",
                lambda: self.bob_cooking.with_user(self.member_user).write(
                    {"level": "teaching"}
                ),
                AccessError,
                "",
            ),
            (
                "a skill that already exists",
                lambda: self.env["kpa.skill"]
                .with_user(self.coordinator_a)
                .create({"name": "Sewing (test)"}),
                IntegrityError,
                "This skill already exists.",
            ),
        ]
        for label, action, exception, message in cases:
            with self.subTest(label), mute_logger("odoo.sql_db"):
                self.assertRefused(action, exception, message)
