"""The demo website is the network's: no Odoo placeholder on any public page.

The network's website of the demo, on every route a visitor may open.
"""

import re

from odoo.tests import tagged

from .common import KpaDemoWebsiteCase

# Texts of Odoo's examples that must not show on the network's site (English
# sources and their French translations).
PLACEHOLDERS = re.compile(
    r"555-555|\+1 555|yourcompany|YourLogo|Your ?Company|disruptive|disruptifs"
    r"|passionate people|équipe de passionnés|lorem ipsum|Fake Buena Vista"
    r"|My Company|Mon entreprise|Company name|Useful Links|Liens utiles"
    r"|Connect with us|Connectez-vous avec nous|This is the homepage"
    r"|This is the contact us page|Voici la page|our company or services"
    r"|notre entreprise ou nos services",
    re.IGNORECASE,
)
# Public pages that no sitemap lists.
OTHER_PAGES = (
    "/",
    "/contactus",
    "/contactus-thank-you",
    "/launch",
    "/launch/thanks",
    "/accounts",
    "/web/login",
    "/shop/cart",
)


@tagged("post_install", "-at_install", "kpa_http")
class TestDemoSite(KpaDemoWebsiteCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.website = cls.network_website

    def setUp(self):
        super().setUp()
        # The network's language, whatever a former visit chose.
        self.opener.cookies["frontend_lang"] = "fr_FR"

    def public_urls(self):
        """Every page of the demo website's sitemap, and the others."""
        website = self.website.with_user(self.website.user_id).with_context(
            website_id=self.website.id
        )
        urls = {page["loc"] for page in website._enumerate_pages()}
        self.assertIn("/cooperatives/la-cape", urls)
        self.assertIn("/cooperatives/la-cape/rules", urls)
        self.assertIn("/cooperatives/la-cape/accounts", urls)
        others = set(OTHER_PAGES)
        if self.env["ir.module.module"]._get("website_sale").state != "installed":
            others.discard("/shop/cart")  # no e-shop without Odoo's
        return sorted(urls | others)

    def test_no_placeholder_on_any_public_page(self):
        urls = self.public_urls()
        for url in urls:
            with self.subTest(url=url):
                response = self.url_open(url)
                self.assertEqual(response.status_code, 200)
                found = sorted(
                    {m.group(0) for m in PLACEHOLDERS.finditer(response.text)}
                )
                self.assertFalse(found, f"Odoo's placeholders on {url}: {found}")
        # The shop and its services are among them, when the shop is installed.
        if (
            "product.template" in self.env
            and "website_url" in self.env["product.template"]._fields
        ):
            self.assertIn("/shop", urls)
            self.assertTrue(any(re.fullmatch(r"/shop/[\w-]+-\d+", u) for u in urls))

    def test_identity(self):
        html = self.url_open("/").text
        # The menu, in French.
        for label, url in (
            ("Coopératives", "/cooperatives"),
            ("Comptes ouverts", "/accounts"),
        ):
            self.assertRegex(html, rf'href="{url}"[^>]*>\s*<span>{label}</span>')
        # The host's contact details and the free licence of the contents.
        host = self.website.company_id
        self.assertIn(host.email, html)
        self.assertIn(host.phone, html)
        self.assertIn(
            "Sauf mention contraire, les contenus de ce site sont sous licence libre",
            html,
        )
        self.assertIn(
            'href="https://creativecommons.org/licenses/by-sa/4.0/deed.fr"', html
        )
        # The logo of KPA-Cité, not Odoo's "YourLogo".
        logo = self.url_open(f"/web/image/website/{self.website.id}/logo")
        self.assertEqual(logo.status_code, 200)
        self.assertIn(b"KPA-Cit", logo.content)
        self.assertNotIn(b"YourLogo", logo.content)

    def test_demo_launch_request(self):
        lead = self.env.ref("kpa_website.crm_lead_launch_wazemmes_demo")
        self.assertTrue(lead.kpa_launch_request)
        self.assertEqual(lead.team_id, self.env.ref("kpa_website.crm_team_launch"))
        self.assertEqual(
            lead.team_id.user_id, self.env.ref("kpa_cooperative.user_manager_demo")
        )
