import re

from dateutil.relativedelta import relativedelta

from odoo import Command, fields
from odoo.tests import HttpCase, new_test_user, tagged

from .common import KpaCooperativeCommon

PIXEL_PNG = (
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQ"
    "AAAABJRU5ErkJggg=="
)
SLUG_ATTRIBUTE = re.compile(
    r'class="card[^"]*o_kpa_cooperative_card"[^>]*' r'data-kpa-slug="([a-z0-9-]+)"'
)


@tagged("post_install", "-at_install", "kpa_http")
class TestPublicPages(KpaCooperativeCommon, HttpCase):
    """The public pages of the network, over HTTP, on the host's website."""

    with_other_host = True

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.website = cls._setup_host_website()
        cls.coop_hidden = cls.env["kpa.cooperative"].create(
            {"name": "Coop Hidden", "company_id": cls.host.id}
        )
        cls.coop_other.is_published = True
        # Consent: Bob (member of coop_a, with a photo), Carl (only a candidate),
        # Dina (member of coop_b), the outsider (member of nothing); not Anna.
        cls.outsider = cls.env["res.partner"].create(
            {"name": "Outsider Test", "kpa_public_profile": True}
        )
        # Their consent, given by themselves.
        (cls.candidate_carl | cls.member_dina).sudo().kpa_public_profile = True
        cls.member_bob.image_1920 = PIXEL_PNG
        cls.env["kpa.membership"].create(
            {
                "partner_id": cls.member_bob.id,
                "cooperative_id": cls.coop_hidden.id,
                "state": "member",
                "date_start": "2024-05-01",
            }
        )
        cls.personal_data = [
            "bob.private@example.com",
            "+33 6 00 00 00 01",
            "33600000001",
            "kpa_member@example.com",
            "kpa_candidate@example.com",
            "1985-03-02",
            "02/03/1985",
            "03/02/1985",
            "1990-05-17",
            "17/05/1990",
            "05/17/1990",
        ]

    def get(self, url, status=200):
        response = self.url_open(url, allow_redirects=False)
        self.assertEqual(
            response.status_code, status, f"{url} {response.headers.get('Location')}"
        )
        return response

    def listed_slugs(self, url):
        return set(SLUG_ATTRIBUTE.findall(self.get(url).text))

    def photo_url(self, cooperative, partner):
        return f"/cooperatives/{cooperative.slug}/members/{partner.id}/photo"

    def test_home_page_renders(self):
        self.get("/")

    def test_network_lists_published_cooperatives_of_the_website(self):
        self.assertEqual(
            self.listed_slugs("/cooperatives"), {"coop-alpha", "coop-beta"}
        )
        html = self.get("/cooperatives").text
        self.assertIn('id="oe_structure_kpa_cooperatives_top"', html)
        self.assertIn('href="/cooperatives?activity=', html)

    def test_activity_filter(self):
        sewing = f"/cooperatives?activity={self.activity_sewing.id}"
        self.assertEqual(self.listed_slugs(sewing), {"coop-alpha"})
        carpentry = self.get(f"/cooperatives?activity={self.activity_carpentry.id}")
        self.assertFalse(SLUG_ATTRIBUTE.findall(carpentry.text))
        self.assertIn(
            "No cooperative offers Carpentry and furniture yet.", carpentry.text
        )
        for garbage in ("abc", "-1", "99999999999999999999", "1 OR 1=1"):
            with self.subTest(activity=garbage):
                self.assertEqual(
                    self.listed_slugs(f"/cooperatives?activity={garbage}"),
                    {"coop-alpha", "coop-beta"},
                )

    def test_cooperative_page(self):
        html = self.get("/cooperatives/coop-alpha").text
        self.assertIn("Coop Alpha", html)
        self.assertIn(self.activity_sewing.name, html)
        self.assertIn('id="oe_structure_kpa_cooperative_bottom"', html)
        # Consenting current members: name, skills and photo.
        self.assertIn("Bob Test", html)
        self.assertIn("Cooking (test)", html)
        self.assertIn(self.photo_url(self.coop_a, self.member_bob), html)
        # Nobody else: no consent, only a candidate, another cooperative.
        for name in ("Anna Test", "Carl Test", "Dina Test", "Outsider Test"):
            self.assertNotIn(name, html)

    def test_no_personal_data_in_any_page(self):
        for url in (
            "/cooperatives",
            "/cooperatives/coop-alpha",
            "/cooperatives/coop-beta",
        ):
            html = self.get(url).text
            for value in self.personal_data:
                with self.subTest(url=url, value=value):
                    self.assertNotIn(value, html)

    def test_not_found(self):
        for url in (
            "/cooperatives/unknown",
            "/cooperatives/coop-hidden",  # not published
            "/cooperatives/coop-other-host",  # published by another host
            "/cooperatives/Coop-Alpha",
            "/cooperatives/coop-hidden/logo",
            "/cooperatives/coop-other-host/logo",
            self.photo_url(self.coop_hidden, self.member_bob),
        ):
            with self.subTest(url=url):
                self.get(url, 404)

    def test_member_photos(self):
        response = self.get(self.photo_url(self.coop_a, self.member_bob))
        self.assertTrue(response.headers["Content-Type"].startswith("image/"))
        self.get(self.photo_url(self.coop_b, self.member_dina))
        for cooperative, partner in (
            (self.coop_a, self.member_anna),  # no consent
            (self.coop_a, self.candidate_carl),  # candidate
            (self.coop_a, self.member_dina),  # member of another cooperative
            (self.coop_a, self.outsider),  # member of nothing
            (self.coop_a, self.env["res.partner"].browse(987654321)),
        ):
            with self.subTest(partner=partner.id):
                self.get(self.photo_url(cooperative, partner), 404)
        self.membership_bob._close("left", "2025-01-31", "Moved away.")
        self.get(self.photo_url(self.coop_a, self.member_bob), 404)

    def test_no_minor_in_public_consent_or_not(self):
        """Issue 9: no one under 18 on a public page or file, consent or not."""
        today = fields.Date.today()
        teen = self.env["res.partner"].create(
            {
                "name": "Minor Test",
                "kpa_birthdate": today - relativedelta(years=17),
                "kpa_public_profile": True,
                "image_1920": PIXEL_PNG,
            }
        )
        # A member from 16 (admitted by a decision of the members).
        self.env["kpa.membership"].sudo().create(
            {
                "partner_id": teen.id,
                "cooperative_id": self.coop_a.id,
                "state": "member",
                "date_start": today,
            }
        )
        self.assertNotIn("Minor Test", self.get("/cooperatives/coop-alpha").text)
        self.get(self.photo_url(self.coop_a, teen), 404)
        # Of age on their 18th birthday: then they appear.
        teen.sudo().kpa_birthdate = today - relativedelta(years=18)
        self.assertIn("Minor Test", self.get("/cooperatives/coop-alpha").text)
        self.get(self.photo_url(self.coop_a, teen))

    def test_logo(self):
        response = self.get("/cooperatives/coop-alpha/logo")
        self.assertTrue(response.headers["Content-Type"].startswith("image/"))

    def test_same_answers_for_every_visitor(self):
        """The public routes are the same for a customer and for a member
        logged in: published pages only, consenting members only."""
        routes = {
            "/cooperatives": 200,
            "/cooperatives/coop-alpha": 200,
            "/cooperatives/coop-alpha/logo": 200,
            self.photo_url(self.coop_a, self.member_bob): 200,
            self.photo_url(self.coop_a, self.member_anna): 404,
            "/cooperatives/coop-hidden": 404,
            "/cooperatives/coop-other-host": 404,
        }
        for login in ("kpa_portal", "kpa_member", "kpa_coord_a"):
            self.authenticate(login, login)
            for url, status in routes.items():
                with self.subTest(login=login, url=url):
                    self.get(url, status)
            html = self.get("/cooperatives/coop-alpha").text
            # (The user menu names the logged-in user: look at the members only.)
            self.assertNotIn(self.photo_url(self.coop_a, self.member_anna), html)
            self.assertNotIn("Carl Test", html)
            self.assertNotIn("bob.private@example.com", html)

    def test_presentation_editable_with_the_website_builder(self):
        new_test_user(
            self.env,
            login="kpa_designer",
            groups="base.group_user,website.group_website_designer",
            company_id=self.host.id,
            company_ids=[Command.set(self.host.ids)],
        )
        self.coop_a.website_description = "<p>Our workshops are open.</p>"
        self.authenticate("kpa_designer", "kpa_designer")
        html = self.get("/cooperatives/coop-alpha").text
        self.assertIn('data-oe-model="kpa.cooperative"', html)
        self.assertIn('data-oe-field="website_description"', html)
        self.assertIn("Our workshops are open.", html)

    def test_sitemap(self):
        sitemap = self.get("/sitemap.xml").text
        self.assertIn("/cooperatives/coop-alpha", sitemap)
        self.assertNotIn("/cooperatives/coop-hidden", sitemap)
        self.assertNotIn("/cooperatives/coop-other-host", sitemap)
