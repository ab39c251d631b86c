from contextlib import contextmanager
from datetime import date

from odoo import Command
from odoo.tests import new_test_user

from odoo.addons.account.tests.common import AccountTestInvoicingCommon


class KpaCooperativeCommon(AccountTestInvoicingCommon):
    """A small network built once per class, never from demo data.

    host (env.company, with a chart of accounts):
      coop_a  coordinated by coordinator_a, members: member_anna (user member_user),
              member_bob; candidate: candidate_carl (user candidate_user)
      coop_b  coordinated by coordinator_b, member: member_dina
    Users of the lowest rights: manager, coordinator_a, coordinator_b, accountant,
    member_user, candidate_user, portal_user, and the public user.
    Skills: skill_sewing, skill_cooking, skill_carpentry; held as
      anna_sewing (can teach), bob_cooking (practising), carl_cooking (learning),
      dina_sewing (can teach).
    Set ``with_other_host = True`` to get other_host (a second company with its
    chart) and coop_other in it; every user above may then access both hosts,
    except manager_host_only (a network manager of host only).
    """

    with_other_host = False

    @classmethod
    def get_default_groups(cls):
        # The test environment's own user (from AccountTestInvoicingCommon) is an
        # accounting administrator; make it a network manager too.
        return super().get_default_groups() | cls.env.ref(
            "kpa_cooperative.group_kpa_manager"
        )

    @classmethod
    def _setup_host_website(cls):
        """The default website, as the test host's, in English only (whatever
        the demo data made of it): public pages answer without a language
        redirect and in the source language."""
        english = cls.env["res.lang"]._activate_lang("en_US")
        website = cls.env.ref("website.default_website").sudo()
        website.write(
            {
                "company_id": cls.host.id,
                "language_ids": [Command.set(english.ids)],
                "default_lang_id": english.id,
            }
        )
        # The network's menu entry, as a host's website has it (the demo data
        # leave it on the demo network's website only).
        menu = cls.env.ref("kpa_cooperative.menu_cooperatives").sudo()
        if menu.url not in website.menu_id.child_id.mapped("url"):
            menu.copy({"parent_id": website.menu_id.id, "website_id": website.id})
        return website

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The demo database speaks French only; the tests read Odoo's source
        # language: with English active, dates and months format in English
        # (get_lang prefers it) and messages stay untranslated.
        cls.env["res.lang"]._activate_lang("en_US")
        cls.env.user.lang = "en_US"
        cls.host = cls.company_data["company"]
        cls.host.name = "Host Structure Test"
        # Without a language in the context, dates format in the company's.
        cls.host.partner_id.lang = "en_US"
        cls.activity_sewing = cls.env.ref("kpa_cooperative.activity_sewing")
        cls.activity_catering = cls.env.ref("kpa_cooperative.activity_catering")
        cls.activity_carpentry = cls.env.ref("kpa_cooperative.activity_carpentry")
        if cls.with_other_host:
            cls.other_host_data = cls.setup_other_company(name="Other Host Test")
            cls.other_host = cls.other_host_data["company"]
        companies = cls.host | (cls.other_host if cls.with_other_host else cls.host)

        def user(login, groups, **kwargs):
            return new_test_user(
                cls.env,
                login=login,
                groups=groups,
                company_id=cls.host.id,
                company_ids=[Command.set(companies.ids)],
                email=f"{login}@example.com",
                **{"lang": "en_US", **kwargs},
            )

        cls.manager = user("kpa_manager", "kpa_cooperative.group_kpa_manager")
        cls.coordinator_a = user("kpa_coord_a", "kpa_cooperative.group_kpa_coordinator")
        cls.coordinator_b = user("kpa_coord_b", "kpa_cooperative.group_kpa_coordinator")
        cls.accountant = user("kpa_accountant", "kpa_cooperative.group_kpa_accountant")
        cls.member_user = user(
            "kpa_member", "base.group_user,kpa_cooperative.group_kpa_member"
        )
        cls.candidate_user = user(
            "kpa_candidate", "base.group_user,kpa_cooperative.group_kpa_member"
        )
        cls.portal_user = user("kpa_portal", "base.group_portal")
        cls.public_user = cls.env.ref("base.public_user")
        if cls.with_other_host:
            cls.manager_host_only = new_test_user(
                cls.env,
                login="kpa_manager_host_only",
                groups="kpa_cooperative.group_kpa_manager",
                company_id=cls.host.id,
                company_ids=[Command.set(cls.host.ids)],
            )

        Partner = cls.env["res.partner"]
        cls.member_anna = cls.member_user.partner_id
        cls.member_anna.write({"name": "Anna Test", "kpa_birthdate": date(1990, 5, 17)})
        cls.candidate_carl = cls.candidate_user.partner_id
        cls.candidate_carl.write(
            {"name": "Carl Test", "kpa_birthdate": date(2000, 1, 1)}
        )
        cls.member_bob, cls.member_dina = Partner.create(
            [
                {
                    "name": "Bob Test",
                    "kpa_birthdate": date(1985, 3, 2),
                    "email": "bob.private@example.com",
                    "phone": "+33 6 00 00 00 01",
                    "kpa_public_profile": True,
                },
                {"name": "Dina Test", "kpa_birthdate": date(1978, 11, 30)},
            ]
        )

        Cooperative = cls.env["kpa.cooperative"]
        cls.coop_a, cls.coop_b = Cooperative.create(
            [
                {
                    "name": "Coop Alpha",
                    "company_id": cls.host.id,
                    "state": "active",
                    "host_fee_rate": 10.0,
                    "activity_ids": [Command.set(cls.activity_sewing.ids)],
                    "coordinator_ids": [Command.set(cls.coordinator_a.ids)],
                    "is_published": True,
                },
                {
                    "name": "Coop Beta",
                    "company_id": cls.host.id,
                    "state": "active",
                    "host_fee_rate": 5.0,
                    "activity_ids": [Command.set(cls.activity_catering.ids)],
                    "coordinator_ids": [Command.set(cls.coordinator_b.ids)],
                    "is_published": True,
                },
            ]
        )
        if cls.with_other_host:
            cls.coop_other = Cooperative.create(
                {
                    "name": "Coop Other Host",
                    "company_id": cls.other_host.id,
                    "state": "active",
                }
            )
        Membership = cls.env["kpa.membership"]
        (
            cls.membership_anna,
            cls.membership_bob,
            cls.membership_carl,
            cls.membership_dina,
        ) = Membership.create(
            [
                {
                    "partner_id": cls.member_anna.id,
                    "cooperative_id": cls.coop_a.id,
                    "state": "member",
                    "date_start": date(2024, 1, 15),
                },
                {
                    "partner_id": cls.member_bob.id,
                    "cooperative_id": cls.coop_a.id,
                    "state": "member",
                    "date_start": date(2024, 2, 1),
                },
                {
                    "partner_id": cls.candidate_carl.id,
                    "cooperative_id": cls.coop_a.id,
                    "state": "candidate",
                },
                {
                    "partner_id": cls.member_dina.id,
                    "cooperative_id": cls.coop_b.id,
                    "state": "member",
                    "date_start": date(2024, 3, 1),
                },
            ]
        )

        cls.skill_sewing, cls.skill_cooking, cls.skill_carpentry = cls.env[
            "kpa.skill"
        ].create(
            [
                {"name": "Sewing (test)", "activity_id": cls.activity_sewing.id},
                {"name": "Cooking (test)", "activity_id": cls.activity_catering.id},
                {"name": "Carpentry (test)", "activity_id": cls.activity_carpentry.id},
            ]
        )
        (
            cls.anna_sewing,
            cls.bob_cooking,
            cls.carl_cooking,
            cls.dina_sewing,
        ) = cls.env["kpa.partner.skill"].create(
            [
                {
                    "partner_id": cls.member_anna.id,
                    "skill_id": cls.skill_sewing.id,
                    "level": "teaching",
                },
                {
                    "partner_id": cls.member_bob.id,
                    "skill_id": cls.skill_cooking.id,
                    "level": "practising",
                },
                {
                    "partner_id": cls.candidate_carl.id,
                    "skill_id": cls.skill_cooking.id,
                    "level": "learning",
                },
                {
                    "partner_id": cls.member_dina.id,
                    "skill_id": cls.skill_sewing.id,
                    "level": "teaching",
                },
            ]
        )


class KpaPortalMemberCommon(KpaCooperativeCommon):
    """The network of KpaCooperativeCommon, with a member who uses the portal.

    coop_a also has portal_member_user (a portal user, Paula, member of coop_a
    since 2024-04-01). _create_members adds members to a cooperative;
    assertRefused checks the error a user reads.
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
        # Members of a cooperative that has members already come from its
        # admission decisions (issue 9): the history is set up with sudo.
        cls.membership_paula = (
            cls.env["kpa.membership"]
            .sudo()
            .create(
                {
                    "partner_id": cls.member_paula.id,
                    "cooperative_id": cls.coop_a.id,
                    "state": "member",
                    "date_start": date(2024, 4, 1),
                }
            )
        )

    @classmethod
    def _create_members(cls, cooperative, count, prefix="Member"):
        partners = cls.env["res.partner"].create(
            [
                {"name": f"{prefix} {index} Test", "kpa_birthdate": date(1990, 1, 1)}
                for index in range(count)
            ]
        )
        cls.env["kpa.membership"].sudo().create(
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

    @contextmanager
    def assertRefused(self, exception, regex):
        """The error a user reads, and nothing written: Odoo's assertRaises
        rolls the savepoint back, then the message is checked."""
        with self.assertRaises(exception) as catcher:
            yield catcher
        self.assertRegex(str(catcher.exception.args[0]), regex)
