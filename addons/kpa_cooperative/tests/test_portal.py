import re

from odoo.tests import HttpCase, tagged

from .common import KpaPortalMemberCommon


@tagged("post_install", "-at_install", "kpa_http")
class TestMemberPortal(KpaPortalMemberCommon, HttpCase):
    """The member portal of the network: memberships, the page of one's
    cooperative, skills; through HTTP."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.website = cls._setup_host_website()
        cls.coop_a.write(
            {
                "short_description": "Buffets and workshops of Alpha.",
                "email": "alpha@example.com",
            }
        )

    def _get(self, url):
        return self.url_open(url, allow_redirects=False)

    def _csrf_token(self):
        page = self._get("/my/cooperatives").text
        return re.search(r'csrf_token:\s*"([^"]+)"', page).group(1)

    def test_portal_member_pages(self):
        self.authenticate("kpa_portal_member", "kpa_portal_member")
        page = self._get("/my/cooperatives").text
        self.assertIn("Coop Alpha", page)
        self.assertIn(f"/my/cooperatives/{self.coop_a.id}", page)
        response = self._get(f"/my/cooperatives/{self.coop_a.id}")
        self.assertEqual(response.status_code, 200)
        self.assertIn("Buffets and workshops of Alpha.", response.text)
        self.assertIn("alpha@example.com", response.text)
        # Another cooperative's page: not found.
        self.assertEqual(
            self._get(f"/my/cooperatives/{self.coop_b.id}").status_code, 404
        )
        self.assertEqual(self._get("/my/cooperatives/999999999").status_code, 404)
        # The portal home counts the memberships.
        counters = self.make_jsonrpc_request(
            "/my/counters", {"counters": ["kpa_membership_count"]}
        )
        self.assertEqual(counters, {"kpa_membership_count": 1})

    def test_portal_candidate_sees_only_own_application(self):
        self.authenticate("kpa_candidate", "kpa_candidate")
        page = self._get("/my/cooperatives").text
        self.assertIn("Coop Alpha", page)
        self.assertIn("waiting for the decision of the members", page)
        self.assertNotIn(f"/my/cooperatives/{self.coop_a.id}", page)
        for url in (f"/my/cooperatives/{self.coop_a.id}", "/my/skills"):
            self.assertEqual(self._get(url).status_code, 404, url)

    def test_portal_customer_without_membership(self):
        self.authenticate("kpa_portal", "kpa_portal")
        page = self._get("/my/cooperatives").text
        self.assertIn("not a member or a candidate", page)
        for url in (f"/my/cooperatives/{self.coop_a.id}", "/my/skills"):
            self.assertEqual(self._get(url).status_code, 404, url)
        counters = self.make_jsonrpc_request(
            "/my/counters", {"counters": ["kpa_membership_count"]}
        )
        self.assertEqual(counters, {"kpa_membership_count": 0})

    def test_portal_skills_directory(self):
        sewing = self.env["kpa.skill"].create({"name": "Sewing Directory Test"})
        self.env["kpa.partner.skill"].create(
            [
                {
                    "partner_id": self.member_dina.id,
                    "skill_id": sewing.id,
                    "level": "teaching",
                },
                {
                    "partner_id": self.member_paula.id,
                    "skill_id": sewing.id,
                    "level": "learning",
                },
            ]
        )
        self.authenticate("kpa_portal_member", "kpa_portal_member")
        page = self._get("/my/skills").text
        # Who can teach what across the network, with their cooperative.
        self.assertIn("Sewing Directory Test", page)
        self.assertIn("Dina Test", page)
        self.assertIn("Coop Beta", page)

    def test_portal_consent_is_the_persons(self):
        """The person gives and withdraws their consent to a public profile
        in the portal; date and author are kept."""
        self.authenticate("kpa_portal_member", "kpa_portal_member")
        page = self._get("/my/cooperatives").text
        self.assertIn('action="/my/cooperatives/consent"', page)
        for given in (True, False):
            data = {"csrf_token": self._csrf_token()}
            if given:
                data["public_profile"] = "1"
            response = self.url_open(
                "/my/cooperatives/consent", data=data, allow_redirects=False
            )
            self.assertEqual(response.status_code, 303)
            self.env.invalidate_all()
            self.assertRecordValues(
                self.member_paula,
                [
                    {
                        "kpa_public_profile": given,
                        "kpa_public_profile_user_id": self.portal_member_user.id,
                    }
                ],
            )
        # Someone without membership has no consent to give here.
        self.authenticate("kpa_portal", "kpa_portal")
        response = self.url_open(
            "/my/cooperatives/consent",
            data={"csrf_token": self._csrf_token(), "public_profile": "1"},
            allow_redirects=False,
        )
        self.assertEqual(response.status_code, 404)
        self.assertFalse(self.portal_user.partner_id.kpa_public_profile)
