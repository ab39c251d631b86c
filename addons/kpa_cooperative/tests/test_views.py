from lxml import etree

from odoo.tests import Form, tagged
from odoo.tools.safe_eval import safe_eval

from .common import KpaCooperativeCommon

VIEW_TAGS = ("list", "kanban", "form")


@tagged("post_install", "-at_install")
class TestBackendViews(KpaCooperativeCommon):
    """The backend as each role opens it: every menu of the KPA-Cité app,
    every view of its action, read with the fields the view asks for."""

    def _spec(self, node, model):
        """The web client's specification for the fields of a view node."""
        spec = {}
        for child in node:
            if not isinstance(child.tag, str):  # comments
                continue
            if child.tag != "field":
                spec.update(self._spec(child, model))
                continue
            field = self.env[model]._fields[child.get("name")]
            subviews = [sub for sub in child if sub.tag in VIEW_TAGS]
            if subviews:
                spec[field.name] = {
                    "fields": self._spec(subviews[0], field.comodel_name)
                }
            elif field.relational:
                spec[field.name] = {"fields": {"display_name": {}}}
            else:
                spec[field.name] = {}
        return spec

    def _open_views(self, user, action):
        """Load each view of the action as the user, and read what it shows."""
        context = safe_eval(action.context or "{}", {"uid": user.id})
        Model = self.env[action.res_model].with_user(user).with_context(**context)
        domain = safe_eval(action.domain or "[]", {"uid": user.id})
        view_types = [v for v in action.view_mode.split(",") if v in VIEW_TAGS]
        views = Model.get_views([(False, v) for v in view_types] + [(False, "search")])
        records = Model.search(domain, limit=80)
        for view_type in view_types:
            arch = etree.fromstring(views["views"][view_type]["arch"])
            spec = self._spec(arch, action.res_model)
            if view_type == "form":
                if records:
                    Model.browse(records[0].id).web_read(spec)
                elif Model.has_access("create"):
                    Model.onchange({}, [], spec)
                continue
            Model.web_search_read(domain, spec, limit=80)
            if group_by := arch.get("default_group_by"):
                Model.web_read_group(domain, [], [group_by])
        return records

    def _menu_actions(self, user):
        root = self.env.ref("kpa_cooperative.menu_kpa_root")
        menus = (
            self.env["ir.ui.menu"]
            .with_user(user)
            .search([("id", "child_of", root.id), ("action", "!=", False)])
        )
        return {
            menu.sudo().action.xml_id or menu.name: menu.sudo().action for menu in menus
        }

    def test_every_menu_opens_for_every_role(self):
        expected_actions = {
            "member": {
                "kpa_cooperative.kpa_cooperative_action",
                "kpa_cooperative.kpa_membership_action_members",
                "kpa_cooperative.kpa_partner_skill_action",
            },
            "candidate": {
                "kpa_cooperative.kpa_cooperative_action",
                "kpa_cooperative.kpa_membership_action_members",
                "kpa_cooperative.kpa_partner_skill_action",
            },
            "coordinator": {
                "kpa_cooperative.kpa_cooperative_action",
                "kpa_cooperative.kpa_membership_action_members",
                "kpa_cooperative.kpa_membership_action_candidates",
                "kpa_cooperative.kpa_partner_skill_action",
                "kpa_cooperative.kpa_skill_action",
                "kpa_cooperative.kpa_activity_action",
            },
            "accountant": {"kpa_cooperative.kpa_cooperative_action"},
        }
        expected_actions["manager"] = expected_actions["coordinator"]
        users = {
            "member": self.member_user,
            "candidate": self.candidate_user,
            "coordinator": self.coordinator_a,
            "manager": self.manager,
            "accountant": self.accountant,
        }
        for role, user in users.items():
            with self.subTest(role=role):
                actions = self._menu_actions(user)
                # Other modules may add their own menus to the app.
                self.assertLessEqual(expected_actions[role], set(actions))
                for action in actions.values():
                    if action.type == "ir.actions.act_window":
                        self._open_views(user, action)

    def test_what_each_role_finds_in_the_app(self):
        cooperatives = self.env.ref("kpa_cooperative.kpa_cooperative_action")
        members = self.env.ref("kpa_cooperative.kpa_membership_action_members")
        self.assertEqual(self._open_views(self.member_user, cooperatives), self.coop_a)
        self.assertFalse(self._open_views(self.candidate_user, cooperatives))
        self.assertEqual(
            self._open_views(self.accountant, cooperatives), self.coop_a | self.coop_b
        )
        self.assertEqual(
            self._open_views(self.coordinator_b, cooperatives), self.coop_b
        )
        self.assertEqual(
            self._open_views(self.member_user, members),
            self.membership_anna | self.membership_bob | self.membership_carl,
        )
        self.assertEqual(
            self._open_views(self.candidate_user, members), self.membership_carl
        )

    def test_forms_of_the_cooperative_for_each_role(self):
        for user in (
            self.member_user,
            self.coordinator_a,
            self.manager,
            self.accountant,
        ):
            with self.subTest(user=user.login):
                Cooperative = self.env["kpa.cooperative"].with_user(user)
                arch = Cooperative.get_views([(False, "form")])["views"]["form"]["arch"]
                spec = self._spec(etree.fromstring(arch), "kpa.cooperative")
                values = Cooperative.browse(self.coop_a.id).web_read(spec)[0]
                self.assertEqual(values["name"], "Coop Alpha")
                # Books and the host fee are the managers' and accountants'.
                books_visible = user in (self.manager, self.accountant)
                self.assertEqual("journal_id" in values, books_visible)
                self.assertEqual("host_fee_rate" in values, books_visible)
                self.assertEqual("membership_ids" in values, user != self.accountant)

    def test_partner_form_for_each_role(self):
        for user, kpa_page in (
            (self.member_user, False),
            (self.coordinator_a, True),
            (self.accountant, False),
        ):
            with self.subTest(user=user.login):
                Partner = self.env["res.partner"].with_user(user)
                arch = Partner.get_views([(False, "form")])["views"]["form"]["arch"]
                spec = self._spec(etree.fromstring(arch), "res.partner")
                values = Partner.browse(self.member_bob.id).web_read(spec)[0]
                self.assertEqual("kpa_birthdate" in values, kpa_page)
                self.assertEqual("kpa_skill_ids" in values, kpa_page)

    def test_new_cooperative_in_the_form(self):
        form = Form(self.env["kpa.cooperative"].with_user(self.manager))
        form.name = "Moulins-Lille Élan"
        self.assertEqual(form.slug, "moulins-lille-elan")
        form.slug = "moulins-elan"
        form.host_fee_rate = 7.5
        coop = form.save()
        self.assertRecordValues(
            coop,
            [{"slug": "moulins-elan", "host_fee_rate": 7.5, "state": "launching"}],
        )
        self.assertEqual(coop.sudo().journal_id.code, "MOULI")
        # Renaming keeps the web address already given.
        with Form(coop.with_user(self.manager)) as form:
            form.name = "Moulins Élan"
            self.assertEqual(form.slug, "moulins-elan")

    def test_coordinator_edits_the_presentation(self):
        with Form(self.coop_a.with_user(self.coordinator_a)) as form:
            form.short_description = "Sewing workshops in the neighbourhood."
            form.website_description = "<p>Our workshops are open on Tuesdays.</p>"
        self.assertEqual(
            self.coop_a.short_description, "Sewing workshops in the neighbourhood."
        )
        self.assertIn("Tuesdays", self.coop_a.website_description)

    def test_new_candidate_in_the_form(self):
        newcomer = (
            self.env["res.partner"]
            .with_user(self.coordinator_a)
            .create({"name": "Eva Test", "kpa_birthdate": "2001-04-04"})
        )
        action = self.coop_a.with_user(self.coordinator_a).action_view_candidates()
        form = Form(
            self.env["kpa.membership"]
            .with_user(self.coordinator_a)
            .with_context(**action["context"])
        )
        form.partner_id = newcomer
        membership = form.save()
        self.assertRecordValues(
            membership, [{"cooperative_id": self.coop_a.id, "state": "candidate"}]
        )
        # Admitted by a decision of the members (kpa_governance).
        membership.sudo()._kpa_admit(date="2024-09-01")
        self.assertEqual(self.coop_a.member_count, 3)

    def test_smart_buttons(self):
        coop = self.coop_a.with_user(self.coordinator_a)
        Membership = self.env["kpa.membership"].with_user(self.coordinator_a)
        for action, expected in (
            (coop.action_view_members(), self.membership_anna | self.membership_bob),
            (coop.action_view_candidates(), self.membership_carl),
        ):
            self.assertEqual(Membership.search(action["domain"]), expected)
        skills = coop.action_view_skills()
        self.assertEqual(
            self.env["kpa.partner.skill"]
            .with_user(self.coordinator_a)
            .search(skills["domain"]),
            self.anna_sewing | self.bob_cooking,
        )

    def test_who_can_teach_sewing(self):
        """The network's skill directory answers it, for a coordinator."""
        PartnerSkill = self.env["kpa.partner.skill"].with_user(self.coordinator_a)
        teachers = PartnerSkill.search(
            [("skill_id", "=", self.skill_sewing.id), ("can_teach", "=", True)]
        )
        self.assertEqual(teachers.partner_id, self.member_anna | self.member_dina)
        # The same through the skill's button and the "Can teach" filter.
        action = self.skill_sewing.with_user(self.coordinator_a).action_view_teachers()
        self.assertEqual(action["context"]["search_default_can_teach"], 1)
        search_arch = etree.fromstring(
            PartnerSkill.get_views([(False, "search")])["views"]["search"]["arch"]
        )
        can_teach = safe_eval(
            search_arch.xpath("//filter[@name='can_teach']")[0].get("domain")
        )
        self.assertEqual(
            PartnerSkill.search(action["domain"] + can_teach).partner_id,
            self.member_anna | self.member_dina,
        )
        self.assertEqual(
            (self.skill_sewing.holder_count, self.skill_sewing.teacher_count), (2, 2)
        )
