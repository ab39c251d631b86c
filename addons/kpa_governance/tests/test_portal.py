from datetime import date

from odoo import http
from odoo.tests import HttpCase, tagged

from .common import KpaGovernanceCommon, give_positions


@tagged("post_install", "-at_install", "kpa_http")
class TestGovernancePortal(KpaGovernanceCommon, HttpCase):
    """Votes in the member portal and the public rules page, through HTTP."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.website = cls._setup_host_website()
        Rule = cls.env["kpa.rule"]
        cls.rule_adopted, cls.rule_draft, cls.rule_old = Rule.create(
            [
                {
                    "name": "Welcome Rule Test",
                    "cooperative_id": cls.coop_a.id,
                    "category": "welcome",
                    "body": "<p>Newcomers spend a day at the workshop.</p>",
                },
                {
                    "name": "Draft Rule Test",
                    "cooperative_id": cls.coop_a.id,
                    "category": "resources",
                    "body": "<p>Secret draft text.</p>",
                },
                {
                    "name": "Exclusion Rule Test",
                    "cooperative_id": cls.coop_a.id,
                    "category": "exclusion",
                    "body": "<p>Old exclusion text.</p>",
                },
            ]
        )
        for rule in cls.rule_adopted | cls.rule_old:
            decision = cls.env["kpa.decision"].create(
                {
                    "name": f"Adopt {rule.name}",
                    "cooperative_id": cls.coop_a.id,
                    "decision_type": "rule",
                    "rule_id": rule.id,
                    "date": date(2024, 6, 1),
                }
            )
            decision.action_open()
            give_positions(decision)
            decision.action_close()
            decision.action_apply()
        cls.rule_new = cls.env["kpa.rule"].browse(
            cls.rule_old.action_new_version()["res_id"]
        )
        cls.rule_new.body = "<p>New exclusion text.</p>"
        decision = cls.env["kpa.decision"].browse(
            cls.rule_new.action_propose_adoption()["res_id"]
        )
        decision.action_open()
        give_positions(decision)
        decision.action_close()
        decision.action_apply()
        cls.decision_open = cls.env["kpa.decision"].create(
            {
                "name": "Admission of Tour Candidate",
                "cooperative_id": cls.coop_a.id,
                "decision_type": "admission",
                "membership_id": cls.membership_carl.id,
                "proposal": "<p>Carl joined us for three workshops.</p>",
            }
        )
        cls.decision_open.action_open()
        cls.decision_b = cls.env["kpa.decision"].create(
            {
                "name": "Question of Beta",
                "cooperative_id": cls.coop_b.id,
                "decision_type": "other",
            }
        )
        cls.decision_b.action_open()

    def _get(self, url):
        return self.url_open(url, allow_redirects=False)

    # === PUBLIC RULES PAGE === #

    def test_public_rules_page_shows_adopted_rules_only(self):
        response = self._get(f"/cooperatives/{self.coop_a.slug}/rules")
        self.assertEqual(response.status_code, 200)
        page = response.text
        self.assertIn("Welcome Rule Test", page)
        self.assertIn("Newcomers spend a day at the workshop.", page)
        self.assertIn("New exclusion text.", page)
        self.assertNotIn("Old exclusion text.", page)  # archived version
        self.assertNotIn("Draft Rule Test", page)
        self.assertNotIn("Secret draft text.", page)
        self.assertIn("CC BY-SA 4.0", page)
        # The cooperative's page links to it.
        page = self._get(f"/cooperatives/{self.coop_a.slug}").text
        self.assertIn(f"/cooperatives/{self.coop_a.slug}/rules", page)

    def test_public_rules_page_unpublished_or_unknown(self):
        self.coop_a.is_published = False
        self.assertEqual(
            self._get(f"/cooperatives/{self.coop_a.slug}/rules").status_code, 404
        )
        self.assertEqual(self._get("/cooperatives/nowhere/rules").status_code, 404)
        for slug in ("a%00b", "%FF%FE", "x" * 300):
            with self.subTest(slug=slug[:10]):
                self.assertEqual(
                    self._get(f"/cooperatives/{slug}/rules").status_code, 404
                )

    def test_public_rules_page_of_a_closed_cooperative(self):
        """A publication is a promise: the rules its members adopted stay
        public once the cooperative closes; a closed cooperative that adopted
        none has no rules page."""
        self.coop_a.action_close()
        self.assertFalse(self.coop_a.is_published)
        response = self._get(f"/cooperatives/{self.coop_a.slug}/rules")
        self.assertEqual(response.status_code, 200)
        self.assertIn(self.rule_adopted.name, response.text)
        self.coop_b.action_close()
        self.assertEqual(
            self._get(f"/cooperatives/{self.coop_b.slug}/rules").status_code, 404
        )

    def test_public_rules_page_licence(self):
        self.coop_a.licence = "CC BY 4.0"
        page = self._get(f"/cooperatives/{self.coop_a.slug}/rules").text
        # The page's own content: the site's footer may name the licence of the
        # site's other contents.
        content = page[page.index("<main") : page.index("</main>")]
        self.assertIn("CC BY 4.0", content)
        self.assertNotIn("CC BY-SA 4.0", content)

    # === MEMBER PORTAL === #

    def test_portal_member_pages(self):
        self.authenticate("kpa_portal_member", "kpa_portal_member")
        page = self._get("/my/cooperatives").text
        self.assertIn("Coop Alpha", page)
        self.assertIn(f"/my/cooperatives/{self.coop_a.id}", page)
        response = self._get(f"/my/cooperatives/{self.coop_a.id}")
        self.assertEqual(response.status_code, 200)
        self.assertIn("Welcome Rule Test", response.text)
        self.assertIn("New exclusion text.", response.text)
        self.assertNotIn("Secret draft text.", response.text)
        self.assertIn("Admission of Tour Candidate", response.text)
        page = self._get("/my/decisions").text
        self.assertIn("Admission of Tour Candidate", page)
        self.assertNotIn("Question of Beta", page)
        page = self._get(f"/my/decisions/{self.decision_open.id}").text
        self.assertIn("Carl joined us for three workshops.", page)
        self.assertIn("o_kpa_position_form", page)
        # Another cooperative's pages and decisions: not found.
        self.assertEqual(
            self._get(f"/my/cooperatives/{self.coop_b.id}").status_code, 404
        )
        self.assertEqual(
            self._get(f"/my/decisions/{self.decision_b.id}").status_code, 404
        )
        # The portal home counts the decisions the member may open.
        counters = self.make_jsonrpc_request(
            "/my/counters", {"counters": ["kpa_decision_count"]}
        )
        self.assertEqual(counters, {"kpa_decision_count": 4})

    def test_portal_position(self):
        self.authenticate("kpa_portal_member", "kpa_portal_member")
        url = f"/my/decisions/{self.decision_open.id}/position"
        response = self.url_open(
            url,
            data={
                "position": "disagree",
                "comment": "Too early",
                "csrf_token": http.Request.csrf_token(self),
            },
            allow_redirects=False,
        )
        self.assertEqual(response.status_code, 303)
        line = self.decision_open.position_ids.filtered(
            lambda p: p.partner_id == self.member_paula
        )
        self.assertRecordValues(
            line, [{"position": "disagree", "comment": "Too early"}]
        )
        # An unknown position: the page says what to do, nothing changes.
        response = self.url_open(
            url,
            data={"position": "maybe", "csrf_token": http.Request.csrf_token(self)},
            allow_redirects=False,
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("Choose a position", response.text)
        self.assertEqual(line.position, "disagree")
        # After the vote closes: refused, nothing written.
        self.decision_open.action_close()
        response = self.url_open(
            url,
            data={"position": "agree", "csrf_token": http.Request.csrf_token(self)},
            allow_redirects=False,
        )
        self.assertIn("is closed: positions no longer change", response.text)
        self.assertEqual(line.position, "disagree")
        # On another cooperative's decision: not found.
        response = self.url_open(
            f"/my/decisions/{self.decision_b.id}/position",
            data={"position": "agree", "csrf_token": http.Request.csrf_token(self)},
            allow_redirects=False,
        )
        self.assertEqual(response.status_code, 404)
        self.assertFalse(any(self.decision_b.position_ids.mapped("position")))

    def test_portal_candidate_sees_only_own_application(self):
        self.authenticate("kpa_candidate", "kpa_candidate")
        page = self._get("/my/cooperatives").text
        self.assertIn("Coop Alpha", page)
        self.assertIn("waiting for the decision of the members", page)
        self.assertNotIn(f"/my/cooperatives/{self.coop_a.id}", page)
        for url in (
            f"/my/cooperatives/{self.coop_a.id}",
            f"/my/decisions/{self.decision_open.id}",
        ):
            self.assertEqual(self._get(url).status_code, 404, url)
        page = self._get("/my/decisions").text
        self.assertNotIn("Admission of Tour Candidate", page)
        response = self.url_open(
            f"/my/decisions/{self.decision_open.id}/position",
            data={"position": "agree", "csrf_token": http.Request.csrf_token(self)},
            allow_redirects=False,
        )
        self.assertEqual(response.status_code, 404)
        self.assertFalse(any(self.decision_open.position_ids.mapped("position")))

    def test_portal_customer_without_membership(self):
        self.authenticate("kpa_portal", "kpa_portal")
        page = self._get("/my/cooperatives").text
        self.assertIn("not a member or a candidate", page)
        for url in ("/my/decisions", f"/my/decisions/{self.decision_open.id}"):
            self.assertEqual(self._get(url).status_code, 404, url)

    def test_tour_member_gives_position(self):
        self.start_tour(
            "/my", "kpa_portal_decision_position", login="kpa_portal_member"
        )
        line = self.decision_open.position_ids.filtered(
            lambda p: p.partner_id == self.member_paula
        )
        self.assertRecordValues(
            line, [{"position": "agree", "comment": "Welcome aboard!"}]
        )
        self.assertIn(
            "Paula Test: agree.",
            " ".join(self.decision_open.message_ids.mapped("body")),
        )
