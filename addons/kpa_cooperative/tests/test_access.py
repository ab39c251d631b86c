from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import KpaCooperativeCommon

ROLES = (
    "public",
    "portal",
    "candidate",
    "member",
    "coordinator_a",
    "coordinator_b",
    "manager",
    "accountant",
)
OPERATIONS = {"r": "read", "w": "write", "u": "unlink", "c": "create"}

# (model, target, {role: operations allowed}); a role left out is refused all.
# Targets on existing records check r/w/u; targets named "create ..." check c.
MATRIX = [
    # --- kpa.cooperative: members read theirs, coordinators manage theirs,
    # host accountants keep their books (which fields each writes:
    # test_server_rules.py and the matrix of test_access_matrix.py) ---
    (
        "kpa.cooperative",
        "coop_a",
        {"member": "r", "coordinator_a": "rw", "manager": "rwu", "accountant": "rw"},
    ),
    (
        "kpa.cooperative",
        "coop_b",
        {"coordinator_b": "rw", "manager": "rwu", "accountant": "rw"},
    ),
    ("kpa.cooperative", "create cooperative", {"manager": "c"}),
    # --- kpa.membership ---
    (
        "kpa.membership",
        "membership_anna",  # the member user's own membership, in coop_a
        {"member": "r", "coordinator_a": "rw", "manager": "rw"},
    ),
    (
        "kpa.membership",
        "membership_bob",  # a fellow member in coop_a
        {"member": "r", "coordinator_a": "rw", "manager": "rw"},
    ),
    (
        "kpa.membership",
        "membership_carl",  # the candidate user's own candidacy, in coop_a
        {"candidate": "r", "member": "r", "coordinator_a": "rw", "manager": "rw"},
    ),
    (
        "kpa.membership",
        "membership_dina",  # coop_b
        {"coordinator_b": "rw", "manager": "rw"},
    ),
    (
        "kpa.membership",
        "create candidacy in coop_a",
        {"coordinator_a": "c", "manager": "c"},
    ),
    (
        "kpa.membership",
        "create candidacy in coop_b",
        {"coordinator_b": "c", "manager": "c"},
    ),
    # --- kpa.activity: read by every internal user, managed by managers ---
    (
        "kpa.activity",
        "activity_sewing",
        {
            "candidate": "r",
            "member": "r",
            "coordinator_a": "r",
            "coordinator_b": "r",
            "manager": "rwu",
            "accountant": "r",
        },
    ),
    ("kpa.activity", "create activity", {"manager": "c"}),
    # --- kpa.skill: coordinators complete the list, managers clean it ---
    (
        "kpa.skill",
        "skill_sewing",
        {
            "candidate": "r",
            "member": "r",
            "coordinator_a": "rw",
            "coordinator_b": "rw",
            "manager": "rwu",
            "accountant": "r",
        },
    ),
    (
        "kpa.skill",
        "create skill",
        {"coordinator_a": "c", "coordinator_b": "c", "manager": "c"},
    ),
    # --- kpa.partner.skill: own skills, the cooperative's people, the network ---
    (
        "kpa.partner.skill",
        "anna_sewing",  # the member user's own skill, one she can teach
        {
            "candidate": "r",
            "member": "rwu",
            "coordinator_a": "rwu",
            "coordinator_b": "r",
            "manager": "rwu",
        },
    ),
    (
        "kpa.partner.skill",
        "bob_cooking",  # a fellow member's skill
        {
            "member": "r",
            "coordinator_a": "rwu",
            "coordinator_b": "r",
            "manager": "rwu",
        },
    ),
    (
        "kpa.partner.skill",
        "carl_cooking",  # the candidate user's own skill
        {
            "candidate": "rwu",
            "member": "r",
            "coordinator_a": "rwu",
            "coordinator_b": "r",
            "manager": "rwu",
        },
    ),
    (
        "kpa.partner.skill",
        "dina_sewing",  # someone of coop_b who can teach: the network's directory
        {
            "candidate": "r",
            "member": "r",
            "coordinator_a": "r",
            "coordinator_b": "rwu",
            "manager": "rwu",
        },
    ),
    (
        "kpa.partner.skill",
        "create own skill",
        {
            "candidate": "c",
            "member": "c",
            "coordinator_a": "c",
            "coordinator_b": "c",
            "manager": "c",
        },
    ),
    (
        "kpa.partner.skill",
        "create skill for bob",
        {"coordinator_a": "c", "manager": "c"},
    ),
    (
        "kpa.partner.skill",
        "create skill for dina",
        {"coordinator_b": "c", "manager": "c"},
    ),
]


class _Rollback(Exception):
    """Undo an operation that succeeded."""


@tagged("post_install", "-at_install")
class TestAccessMatrix(KpaCooperativeCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.newcomer = cls.env["res.partner"].create({"name": "Newcomer Test"})
        cls.users = {
            "public": cls.public_user,
            "portal": cls.portal_user,
            "candidate": cls.candidate_user,
            "member": cls.member_user,
            "coordinator_a": cls.coordinator_a,
            "coordinator_b": cls.coordinator_b,
            "manager": cls.manager,
            "accountant": cls.accountant,
        }

    def _create_values(self, target, user):
        return {
            "create cooperative": {"name": "Matrix Coop", "company_id": self.host.id},
            "create candidacy in coop_a": {
                "partner_id": self.newcomer.id,
                "cooperative_id": self.coop_a.id,
            },
            "create candidacy in coop_b": {
                "partner_id": self.newcomer.id,
                "cooperative_id": self.coop_b.id,
            },
            "create activity": {"name": "Matrix activity"},
            "create skill": {"name": "Matrix skill"},
            "create own skill": {
                "partner_id": user.partner_id.id,
                "skill_id": self.skill_carpentry.id,
            },
            "create skill for bob": {
                "partner_id": self.member_bob.id,
                "skill_id": self.skill_carpentry.id,
            },
            "create skill for dina": {
                "partner_id": self.member_dina.id,
                "skill_id": self.skill_carpentry.id,
            },
        }[target]

    def _is_allowed(self, user, model, target, operation):
        if operation == "create":
            try:
                with self.env.cr.savepoint():
                    self.env[model].with_user(user).create(
                        self._create_values(target, user)
                    )
                    raise _Rollback
            except _Rollback:
                return True
            except AccessError:
                return False
        record = getattr(self, target).with_user(user)
        try:
            record.check_access(operation)
            if operation == "read":
                record.read(["display_name"])
        except AccessError:
            return False
        return True

    def test_access_matrix(self):
        wrong = []
        checked = 0
        for model, target, allowed in MATRIX:
            unknown = set(allowed) - set(ROLES)
            self.assertFalse(unknown, f"unknown roles in the matrix: {unknown}")
            letters = "c" if target.startswith("create ") else "rwu"
            for role in ROLES:
                for letter in letters:
                    operation = OPERATIONS[letter]
                    expected = letter in allowed.get(role, "")
                    actual = self._is_allowed(
                        self.users[role], model, target, operation
                    )
                    checked += 1
                    if actual != expected:
                        wrong.append(
                            f"{role:<14} {operation:<7} {model} {target}: expected "
                            f"{'allowed' if expected else 'refused'}, got "
                            f"{'allowed' if actual else 'refused'}"
                        )
        self.assertFalse(
            wrong,
            f"{len(wrong)} of {checked} cells of the access matrix are wrong:\n"
            + "\n".join(wrong),
        )

    def test_members_see_their_cooperative_candidates_do_not(self):
        Cooperative = self.env["kpa.cooperative"]
        self.assertEqual(
            Cooperative.with_user(self.member_user).search([]), self.coop_a
        )
        self.assertFalse(Cooperative.with_user(self.candidate_user).search([]))
        self.assertFalse(Cooperative.with_user(self.portal_user).has_access("read"))
        # Once admitted (by a decision of the members), the candidate sees it.
        self.membership_carl.sudo().action_admit()
        self.assertEqual(
            Cooperative.with_user(self.candidate_user).search([]), self.coop_a
        )

    def test_birthdate_is_for_the_person_coordinators_and_managers(self):
        for user, readable in (
            (self.member_user, False),
            (self.candidate_user, False),
            (self.coordinator_a, True),
            (self.manager, True),
            (self.accountant, False),
        ):
            partner = self.member_bob.with_user(user)
            with self.subTest(user=user.login):
                value = partner.read(["kpa_birthdate"])[0]["kpa_birthdate"]
                self.assertEqual(
                    str(value) if readable else value,
                    "1985-03-02" if readable else False,
                )
        # Nor can a member set their own.
        with self.assertRaises(AccessError), self.env.cr.savepoint():
            self.member_anna.with_user(self.member_user).kpa_birthdate = "2015-01-01"
        self.assertEqual(str(self.member_anna.kpa_birthdate), "1990-05-17")

    def test_skill_directory_of_members_and_of_the_network(self):
        PartnerSkill = self.env["kpa.partner.skill"]
        everyone = self.anna_sewing | self.bob_cooking | self.carl_cooking
        everyone |= self.dina_sewing
        domain = [("id", "in", everyone.ids)]
        self.assertEqual(
            PartnerSkill.with_user(self.member_user).search(domain),
            self.anna_sewing | self.bob_cooking | self.carl_cooking | self.dina_sewing,
        )
        # Across the network, who can teach what: current members' "can teach"
        # skills only (Anna's and Dina's sewing), candidates included.
        self.assertEqual(
            PartnerSkill.with_user(self.member_user).search(
                domain + [("skill_id.name", "=", self.dina_sewing.skill_id.name)]
            ),
            self.anna_sewing | self.dina_sewing,
        )
        self.assertEqual(
            PartnerSkill.with_user(self.candidate_user).search(domain),
            self.carl_cooking | self.anna_sewing | self.dina_sewing,
        )
        self.assertEqual(
            PartnerSkill.with_user(self.coordinator_b).search(domain), everyone
        )

    def test_members_give_their_own_consent(self):
        """From their preferences: the public profile, and nothing else of
        someone else."""
        me = self.member_user.with_user(self.member_user)
        preferences = self.env.ref("base.view_users_form_simple_modif")
        arch = me.get_views([(preferences.id, "form")])
        self.assertIn('name="kpa_public_profile"', arch["views"]["form"]["arch"])
        me.write({"kpa_public_profile": True})
        self.assertTrue(self.member_anna.kpa_public_profile)
        me.write({"kpa_public_profile": False})
        self.assertFalse(self.member_anna.kpa_public_profile)
        with self.assertRaises(AccessError), self.env.cr.savepoint():
            self.candidate_user.with_user(self.member_user).write(
                {"kpa_public_profile": True}
            )
        self.assertFalse(self.candidate_carl.kpa_public_profile)
