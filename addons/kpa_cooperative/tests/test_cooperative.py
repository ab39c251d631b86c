from unittest.mock import patch

from psycopg2 import IntegrityError

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger
from odoo.tools.translate import translate_sql_constraint

from .common import KpaCooperativeCommon


class SqlConstraintMixin:
    def assertSqlConstraint(self, constraint, message, vals):
        """Creating vals breaks the SQL constraint, whose message (what the user
        reads through the interface) is the given one; nothing is written."""
        Cooperative = self.env["kpa.cooperative"]
        count = Cooperative.search_count([])
        with (
            self.assertRaises(IntegrityError) as caught,
            mute_logger("odoo.sql_db"),
            self.env.cr.savepoint(),
        ):
            Cooperative.create(vals)
        self.assertEqual(caught.exception.diag.constraint_name, constraint)
        self.assertEqual(
            translate_sql_constraint(self.env.cr, constraint, "en_US"), message
        )
        self.assertEqual(Cooperative.search_count([]), count)


@tagged("post_install", "-at_install")
class TestCooperativeSlug(SqlConstraintMixin, KpaCooperativeCommon):
    def test_slug_from_name_in_ascii(self):
        coop = self.env["kpa.cooperative"].create({"name": "Moulins-Lille Élan"})
        self.assertEqual(coop.slug, "moulins-lille-elan")
        self.assertEqual(coop.website_url, "/cooperatives/moulins-lille-elan")

    def test_slug_collisions_are_numbered(self):
        Cooperative = self.env["kpa.cooperative"]
        first, second = Cooperative.create(
            [{"name": "Les Moulins Élan"}, {"name": "Les moulins élan"}]
        )
        third = Cooperative.create({"name": "LES MOULINS ÉLAN!"})
        self.assertEqual(
            [first.slug, second.slug, third.slug],
            ["les-moulins-elan", "les-moulins-elan-2", "les-moulins-elan-3"],
        )

    def test_slug_without_letters(self):
        coop = self.env["kpa.cooperative"].create({"name": "!!!"})
        self.assertEqual(coop.slug, "cooperative")

    def test_slug_of_long_name_is_bounded(self):
        coop = self.env["kpa.cooperative"].create({"name": "Coopérative " * 20})
        self.assertLessEqual(len(coop.slug), 64)
        self.assertRegex(coop.slug, r"^[a-z0-9]+(-[a-z0-9]+)*$")

    def test_slug_is_editable_and_kept_on_rename(self):
        self.coop_a.with_user(self.manager).slug = "alpha-roubaix"
        self.coop_a.name = "Coop Alpha Renamed"
        self.assertEqual(self.coop_a.slug, "alpha-roubaix")
        self.assertEqual(self.coop_a.website_url, "/cooperatives/alpha-roubaix")

    def test_slug_invalid_format_refused_on_write(self):
        for bad in ("La Cape", "la_cape", "la--cape", "-la-cape", "la-cape-", "été"):
            with (
                self.subTest(slug=bad),
                self.assertRaises(ValidationError) as caught,
                self.env.cr.savepoint(),
            ):
                self.coop_a.with_user(self.manager).slug = bad
            self.assertEqual(
                caught.exception.args[0],
                f"The web address “{bad}” may only contain lowercase letters, "
                "digits and single hyphens (e.g. la-cape).",
            )
        self.assertEqual(self.coop_a.slug, "coop-alpha")

    def test_slug_invalid_format_refused_on_create(self):
        self.assertSqlConstraint(
            "kpa_cooperative_slug_format",
            "The web address may only contain lowercase letters, digits and single "
            "hyphens (e.g. la-cape).",
            {"name": "Bad", "slug": "Bad Slug"},
        )

    def test_slug_unique(self):
        with self.assertRaises(ValidationError) as caught, self.env.cr.savepoint():
            self.coop_a.with_user(self.manager).slug = "coop-beta"
        self.assertEqual(
            caught.exception.args[0],
            "The web address “coop-beta” is already used by Coop Beta: choose "
            "another one.",
        )
        self.assertEqual(self.coop_a.slug, "coop-alpha")
        self.assertSqlConstraint(
            "kpa_cooperative_slug_unique",
            "This web address is already used by another cooperative: choose "
            "another one.",
            {"name": "Another Beta", "slug": "coop-beta"},
        )


@tagged("post_install", "-at_install")
class TestCooperativeRules(SqlConstraintMixin, KpaCooperativeCommon):
    def test_host_fee_rate_bounds(self):
        low, high = self.env["kpa.cooperative"].create(
            [
                {"name": "Rate Zero", "host_fee_rate": 0},
                {"name": "Rate Hundred", "host_fee_rate": 100},
            ]
        )
        self.assertEqual((low.host_fee_rate, high.host_fee_rate), (0, 100))
        message = "The host fee rate must be between 0 and 100 %."
        for rate in (-1, 101, 100.01):
            with self.subTest(rate=rate):
                self.assertSqlConstraint(
                    "kpa_cooperative_host_fee_rate_range",
                    message,
                    {"name": "Bad Rate", "host_fee_rate": rate},
                )
        for rate in (-1, 101):
            with (
                self.subTest(rate=rate),
                self.assertRaises(ValidationError) as caught,
                self.env.cr.savepoint(),
            ):
                self.coop_a.with_user(self.manager).host_fee_rate = rate
            self.assertEqual(
                caught.exception.args[0],
                "The host fee rate of Coop Alpha must be between 0 and 100 %.",
            )
        self.assertEqual(self.coop_a.host_fee_rate, 10.0)

    def test_host_fee_rate_and_status_are_the_hosts(self):
        coop_a = self.coop_a.with_user(self.coordinator_a)
        for action in (
            lambda: coop_a.write({"host_fee_rate": 0}),
            coop_a.action_close,
        ):
            with self.assertRaises(AccessError) as caught, self.env.cr.savepoint():
                action()
            self.assertRegex(
                caught.exception.args[0],
                r"^You may not change “(Host fee \(%\)|State)” of Coop Alpha: ",
            )
        self.assertRecordValues(
            self.coop_a, [{"host_fee_rate": 10.0, "state": "active"}]
        )

    def test_lifecycle(self):
        coop = (
            self.env["kpa.cooperative"]
            .with_user(self.manager)
            .create({"name": "New Coop", "is_published": True})
        )
        self.assertEqual(coop.state, "launching")
        coop.action_activate()
        self.assertEqual(coop.state, "active")
        coop.action_close()
        self.assertRecordValues(coop, [{"state": "closed", "is_published": False}])
        coop.action_reopen()
        self.assertEqual(coop.state, "active")

    def test_refused_transitions(self):
        closed = self.env["kpa.cooperative"].create({"name": "Closed Coop"})
        closed.action_close()
        cases = [
            (self.coop_a.action_activate, "Coop Alpha is active: it cannot become "),
            (self.coop_a.action_reopen, "Coop Alpha is active: it cannot become "),
            (closed.action_activate, "Closed Coop is closed: it cannot become "),
            (closed.action_close, "Closed Coop is closed: it cannot become "),
        ]
        for action, message in cases:
            with self.subTest(message=message), self.assertRaises(UserError) as caught:
                action()
            self.assertTrue(caught.exception.args[0].startswith(message))
        self.assertEqual((self.coop_a | closed).mapped("state"), ["active", "closed"])

    def test_state_buttons_for_managers_only(self):
        def buttons(user):
            arch = (
                self.env["kpa.cooperative"]
                .with_user(user)
                .get_views([(False, "form")])["views"]["form"]["arch"]
            )
            return {
                name
                for name in ("action_activate", "action_close", "action_reopen")
                if f'name="{name}"' in arch
            }

        self.assertEqual(
            buttons(self.manager), {"action_activate", "action_close", "action_reopen"}
        )
        self.assertEqual(buttons(self.coordinator_a), set())

    def test_closed_cooperative_keeps_history_and_welcomes_nobody(self):
        self.coop_a.action_close()
        self.assertEqual(self.coop_a.member_count, 2)
        self.assertEqual(self.membership_anna.state, "member")
        Membership = self.env["kpa.membership"].with_user(self.coordinator_a)
        newcomer = self.env["res.partner"].create({"name": "Newcomer Test"})
        message = "Coop Alpha is closed: it welcomes no new candidate or member."
        with self.assertRaises(ValidationError) as caught, self.env.cr.savepoint():
            Membership.create(
                {"partner_id": newcomer.id, "cooperative_id": self.coop_a.id}
            )
        self.assertEqual(caught.exception.args[0], message)
        with self.assertRaises(ValidationError) as caught, self.env.cr.savepoint():
            # An admission (by a decision of the members) is refused too.
            self.membership_carl.sudo().action_admit()
        self.assertEqual(caught.exception.args[0], message)
        self.assertEqual(self.membership_carl.state, "candidate")
        # Members may still leave a closed cooperative.
        self.membership_bob.with_user(self.coordinator_a)._close(
            "left", self.membership_bob.date_start, "The cooperative closed."
        )
        self.assertEqual(self.membership_bob.state, "left")

    def test_unlink(self):
        coop = self.env["kpa.cooperative"].create({"name": "Short Lived"})
        journal, account = coop.journal_id, coop.analytic_account_id
        coop.unlink()
        self.assertFalse(journal.exists())
        self.assertFalse(account.exists())
        with self.assertRaises(UserError) as caught:
            self.coop_a.unlink()
        self.assertEqual(
            caught.exception.args[0],
            "A cooperative that has had members keeps its history: close it instead "
            "of deleting it.",
        )
        self.assertTrue(self.coop_a.exists())

    def test_counts(self):
        self.assertRecordValues(
            self.coop_a,
            [{"member_count": 2, "candidate_count": 1, "skill_count": 2}],
        )
        self.assertRecordValues(
            self.coop_b,
            [{"member_count": 1, "candidate_count": 0, "skill_count": 1}],
        )


@tagged("post_install", "-at_install")
class TestCooperativeBooks(KpaCooperativeCommon):
    def test_books_created_with_cooperative(self):
        coop = self.env["kpa.cooperative"].create({"name": "Les Moulins Test"})
        self.assertEqual(coop.slug, "les-moulins-test")
        self.assertEqual(
            coop.analytic_account_id.plan_id,
            self.env.ref("kpa_cooperative.analytic_plan_cooperatives"),
        )
        self.assertEqual(coop.analytic_account_id.company_id, coop.company_id)
        self.assertEqual(coop.analytic_account_id.code, "les-moulins-test")
        self.assertEqual(coop.journal_id.type, "sale")
        self.assertEqual(coop.journal_id.company_id, coop.company_id)
        self.assertEqual(coop.journal_id.code, "LESMO")
        self.assertEqual(
            coop.journal_id.default_account_id,
            self.company_data["default_journal_sale"].default_account_id,
        )
        self.assertTrue(coop.journal_id.refund_sequence)
        self.assertTrue(coop.partner_id.is_company)
        self.assertEqual(coop.partner_id.company_id, self.host)

    def test_each_cooperative_has_its_own_books(self):
        self.assertNotEqual(self.coop_a.journal_id, self.coop_b.journal_id)
        self.assertNotEqual(
            self.coop_a.analytic_account_id, self.coop_b.analytic_account_id
        )

    def test_journal_code_derivation(self):
        Cooperative = self.env["kpa.cooperative"]
        self.assertEqual(Cooperative._journal_code("la-cape", set()), "LACAP")
        self.assertEqual(Cooperative._journal_code("la-cape", {"LACAP"}), "LCLAC")
        self.assertEqual(
            Cooperative._journal_code("la-cape", {"LACAP", "LCLAC"}), "LACA2"
        )
        self.assertEqual(Cooperative._journal_code("moulins", {"MOULI"}), "MOUL2")
        self.assertEqual(Cooperative._journal_code("ab", set()), "AB")
        self.assertEqual(Cooperative._journal_code("ab", {"AB", "AB2", "AB3"}), "AB4")

    def test_journal_codes_unique_in_company(self):
        sale_code = self.company_data["default_journal_sale"].code
        coops = self.env["kpa.cooperative"].create(
            [
                {"name": sale_code},
                {"name": "La Capeline"},
                {"name": "La Capeline Nord"},
                {"name": "La Capeline Sud"},
            ]
        )
        codes = coops.journal_id.mapped("code")
        self.assertEqual(len(set(codes)), 4)
        self.assertNotEqual(codes[0], sale_code)
        self.assertEqual(codes[1:], ["LACAP", "LCNLA", "LCSLA"])
        company_codes = self.env["account.journal"].search(
            [("company_id", "=", self.host.id)]
        )
        self.assertEqual(len(company_codes), len(set(company_codes.mapped("code"))))

    def test_rename_follows_in_books_and_contact(self):
        self.coop_a.name = "Coop Alpha Nouvelle"
        self.assertEqual(self.coop_a.analytic_account_id.name, "Coop Alpha Nouvelle")
        self.assertEqual(self.coop_a.journal_id.name, "Sales Coop Alpha Nouvelle")
        self.assertEqual(self.coop_a.partner_id.name, "Coop Alpha Nouvelle")

    def test_contact_with_address_and_logo(self):
        logo = (
            "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQ"
            "GAhKmMIQAAAABJRU5ErkJggg=="
        )
        coop = self.env["kpa.cooperative"].create(
            {
                "name": "Coop With Address",
                "street": "14 place Faidherbe",
                "zip": "59100",
                "city": "Roubaix",
                "image_1920": logo,
            }
        )
        self.assertRecordValues(
            coop.partner_id,
            [{"street": "14 place Faidherbe", "zip": "59100", "city": "Roubaix"}],
        )
        self.assertTrue(coop.partner_id.image_128)
        self.assertEqual(coop.city, "Roubaix")


@tagged("post_install", "-at_install")
class TestCooperativeMultiCompany(KpaCooperativeCommon):
    with_other_host = True

    def test_books_in_the_host_of_the_cooperative(self):
        coop = self.coop_other
        self.assertEqual(coop.journal_id.company_id, self.other_host)
        self.assertEqual(coop.analytic_account_id.company_id, self.other_host)
        self.assertEqual(coop.partner_id.company_id, self.other_host)
        self.assertEqual(
            coop.journal_id.default_account_id,
            self.other_host_data["default_journal_sale"].default_account_id,
        )

    def test_journal_code_unique_per_company_only(self):
        Cooperative = self.env["kpa.cooperative"]
        here, there = Cooperative.create(
            [
                {"name": "Twin Town", "company_id": self.host.id},
                {"name": "Twin Towns", "company_id": self.other_host.id},
            ]
        )
        self.assertEqual(here.journal_id.code, "TWINT")
        self.assertEqual(there.journal_id.code, "TWINT")
        self.assertEqual(there.journal_id.company_id, self.other_host)

    def test_coordinator_needs_access_to_the_host(self):
        stranger = new_test_user(
            self.env,
            login="kpa_coord_stranger",
            groups="kpa_cooperative.group_kpa_coordinator",
            company_id=self.host.id,
            company_ids=[Command.set(self.host.ids)],
        )
        with self.assertRaises(ValidationError) as caught, self.env.cr.savepoint():
            self.coop_other.coordinator_ids = [Command.link(stranger.id)]
        self.assertEqual(
            caught.exception.args[0],
            f"{stranger.name} cannot coordinate Coop Other Host: they have no access "
            "to its host structure Other Host Test.",
        )
        self.assertFalse(self.coop_other.coordinator_ids)

    def test_host_cannot_change(self):
        with self.assertRaises(ValidationError) as caught, self.env.cr.savepoint():
            self.coop_a.company_id = self.other_host
        self.assertEqual(
            caught.exception.args[0],
            "The host structure of Coop Alpha cannot change: its books (journal and "
            "analytic account) belong to Host Structure Test.",
        )
        self.assertEqual(self.coop_a.company_id, self.host)

    def test_manager_of_one_host_only(self):
        Cooperative = self.env["kpa.cooperative"].with_user(self.manager_host_only)
        self.assertEqual(
            Cooperative.search([("id", "in", (self.coop_a | self.coop_other).ids)]),
            self.coop_a.with_user(self.manager_host_only),
        )
        with self.assertRaises(AccessError):
            self.coop_other.with_user(self.manager_host_only).check_access("read")
        with self.assertRaises(AccessError), self.env.cr.savepoint():
            Cooperative.create({"name": "Elsewhere", "company_id": self.other_host.id})
        self.assertFalse(
            self.env["kpa.cooperative"].search([("name", "=", "Elsewhere")])
        )
        self.env["kpa.membership"].create(
            {
                "partner_id": self.member_dina.id,
                "cooperative_id": self.coop_other.id,
                "state": "member",
                "date_start": "2024-06-01",
            }
        )
        memberships = self.env["kpa.membership"].with_user(self.manager_host_only)
        self.assertEqual(
            memberships.search([("partner_id", "=", self.member_dina.id)]),
            self.membership_dina,
        )

    def test_manager_of_both_hosts_within_the_selected_companies(self):
        Cooperative = self.env["kpa.cooperative"].with_user(self.manager)
        both = self.coop_a | self.coop_other
        self.assertEqual(
            Cooperative.search([("id", "in", both.ids)]).ids, both.sorted().ids
        )
        only_host = Cooperative.with_context(allowed_company_ids=self.host.ids)
        self.assertEqual(
            only_host.search([("id", "in", both.ids)]).ids, self.coop_a.ids
        )
        coop = Cooperative.with_context(allowed_company_ids=self.other_host.ids).create(
            {"name": "Made There", "company_id": self.other_host.id}
        )
        self.assertEqual(coop.journal_id.company_id, self.other_host)


@tagged("post_install", "-at_install")
class TestDemoChart(KpaCooperativeCommon):
    def test_generic_chart_without_the_french_localisation(self):
        company = self.env["res.company"].create(
            {"name": "Host Without Chart", "country_id": self.env.ref("base.fr").id}
        )
        Module = type(self.env["ir.module.module"])
        with patch.object(Module, "search_count", return_value=0):
            company._kpa_demo_load_chart()
        self.assertEqual(company.chart_template, "generic_coa")
        self.assertTrue(
            self.env["account.journal"].search_count(
                [("company_id", "=", company.id), ("type", "=", "sale")]
            )
        )
        # A company that has a chart keeps it.
        company._kpa_demo_load_chart()
        self.assertEqual(company.chart_template, "generic_coa")
