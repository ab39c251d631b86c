from datetime import date

from odoo import http
from odoo.tests import HttpCase, tagged

from odoo.addons.kpa_cooperative.tests.common import KpaPortalMemberCommon


@tagged("post_install", "-at_install", "kpa_http")
class TestReciprocityPortal(KpaPortalMemberCommon, HttpCase):
    """The reciprocity ledger in the member portal, through HTTP."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.website = cls._setup_host_website()

    def _get(self, url):
        return self.url_open(url, allow_redirects=False)

    def test_portal_home_counts_contributions(self):
        self.authenticate("kpa_portal_member", "kpa_portal_member")
        # Members see the entry even before their first contribution.
        counters = self.make_jsonrpc_request(
            "/my/counters", {"counters": ["kpa_contribution_count"]}
        )
        self.assertEqual(counters, {"kpa_contribution_count": 1})

    def test_portal_candidate_and_customer_record_nothing(self):
        self.authenticate("kpa_candidate", "kpa_candidate")
        self.assertEqual(self._get("/my/contributions/new").status_code, 404)
        self.authenticate("kpa_portal", "kpa_portal")
        for url in ("/my/contributions", "/my/contributions/new"):
            self.assertEqual(self._get(url).status_code, 404, url)

    def test_portal_contribution(self):
        self.authenticate("kpa_portal_member", "kpa_portal_member")
        form = self._get("/my/contributions/new").text
        self.assertIn("Bob Test", form)  # a fellow member may receive it
        self.assertNotIn("Dina Test", form)  # not of another cooperative
        Contribution = self.env["kpa.contribution"]
        count = Contribution.search_count([])
        data = {
            "name": "Cleaned the workshop",
            "receiver": f"{self.coop_a.id}-{self.coop_a.partner_id.id}",
            "contribution_type": "work",
            "quantity": "-2",
            "date": "2025-03-01",
        }
        response = self.url_open(
            "/my/contributions/new",
            data={**data, "csrf_token": http.Request.csrf_token(self)},
            allow_redirects=False,
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("positive number of hours", response.text)
        self.assertEqual(Contribution.search_count([]), count)
        # Recording it for a member of another cooperative is refused too.
        response = self.url_open(
            "/my/contributions/new",
            data={
                **data,
                "quantity": "2",
                "receiver": f"{self.coop_b.id}-{self.member_dina.id}",
                "csrf_token": http.Request.csrf_token(self),
            },
            allow_redirects=False,
        )
        self.assertIn("Choose who received the contribution", response.text)
        self.assertEqual(Contribution.search_count([]), count)
        response = self.url_open(
            "/my/contributions/new",
            data={
                **data,
                "quantity": "2,5",
                "csrf_token": http.Request.csrf_token(self),
            },
            allow_redirects=False,
        )
        self.assertEqual(response.status_code, 303)
        contribution = Contribution.search([("name", "=", "Cleaned the workshop")])
        self.assertRecordValues(
            contribution,
            [
                {
                    "giver_partner_id": self.member_paula.id,
                    "receiver_partner_id": self.coop_a.partner_id.id,
                    "quantity": 2.5,
                    "date": date(2025, 3, 1),
                    "state": "draft",
                }
            ],
        )
        page = self._get("/my/contributions").text
        self.assertIn("Cleaned the workshop", page)
        contribution.with_user(self.coordinator_a).action_validate()
        page = self._get("/my/contributions").text
        self.assertRegex(page, r'o_kpa_hours_given"[^>]*>\s*2[.,]50\s*<')
