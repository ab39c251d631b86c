import re

from odoo.tests import HttpCase, tagged

from odoo.addons.kpa_open_accounts.tests.common import KpaAccountsCommon

CARD_SLUG = re.compile(
    r'class="card[^"]*o_kpa_cooperative_card"[^>]*data-kpa-slug="([^"]+)"'
)
STATEMENT_SLUG = re.compile(
    r'class="card[^"]*o_kpa_statement_card"[^>]*data-kpa-slug="([^"]+)"'
)


@tagged("post_install", "-at_install", "kpa_http")
class TestNetworkPages(KpaAccountsCommon, HttpCase):
    """The home page and the open accounts of the network, over HTTP, on the
    host's website: published records of this host only, read live."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.website = cls._setup_host_website()
        cls.host.write({"phone": "+33 3 20 11 22 33", "email": "hello@host.example"})
        cls.coop_hidden = cls.env["kpa.cooperative"].create(
            {"name": "Coop Hidden", "company_id": cls.host.id}
        )
        cls.coop_other.is_published = True

    def get(self, url):
        response = self.url_open(url)
        self.assertEqual(response.status_code, 200, url)
        return response.text

    def test_home_page_presents_the_network(self):
        html = self.get("/")
        for text in (
            "What a KPA-Cité makes possible",
            "Put your know-how to work",
            "Work that makes sense",
            "Take the step",
            "Our values",
            "For everyone aged 16 and over. There is no upper age limit.",
            "Want to start a KPA-Cité?",
            "Any questions?",
        ):
            self.assertIn(text, html)
        self.assertIn('href="/launch"', html)
        self.assertIn('href="/contactus"', html)

    def test_home_page_cards_are_the_published_cooperatives_of_its_host(self):
        self.assertEqual(
            set(CARD_SLUG.findall(self.get("/"))), {"coop-alpha", "coop-beta"}
        )
        self.coop_b.is_published = False
        self.assertEqual(set(CARD_SLUG.findall(self.get("/"))), {"coop-alpha"})

    def test_latest_published_accounts(self):
        html = self.get("/")
        self.assertIn("No accounts are published yet.", html)
        self.assertFalse(STATEMENT_SLUG.findall(html))
        march = self._publish()
        self._draft(self.coop_b)
        self._publish(self.coop_other, company_id=self.other_host.id)
        for url in ("/", "/accounts"):
            with self.subTest(url=url):
                html = self.get(url)
                self.assertEqual(STATEMENT_SLUG.findall(html), ["coop-alpha"])
                self.assertIn("1,430.00", html)  # revenue of March (accounts_common)
                self.assertIn("695.00", html)  # its result
                self.assertIn('href="/cooperatives/coop-alpha/accounts"', html)
        # A correction supersedes the statement: the page shows the correction.
        self.env["account.analytic.line"].create(
            {
                "name": "Late income",
                "amount": 20.0,
                "date": "2025-03-20",
                "company_id": self.host.id,
                self.column: self.coop_a.analytic_account_id.id,
            }
        )
        action = march.with_user(self.accountant).action_supersede()
        correction = self.Publication.with_user(self.accountant).browse(
            action["res_id"]
        )
        correction.action_publish()
        html = self.get("/accounts")
        self.assertIn("1,450.00", html)
        self.assertNotIn("1,430.00", html)
        # Coop Beta has published nothing: it is named as such.
        self.assertIn("No accounts published yet", html)
        self.assertIn('href="/cooperatives/coop-beta"', html)
        self.assertNotIn("Coop Other Host", html)
        self.assertNotIn("Coop Hidden", html)

    def test_identity_of_the_site(self):
        html = self.get("/")
        self.assertIn("creativecommons.org/licenses/by-sa/4.0", html)
        self.assertIn("CC BY-SA 4.0", html)
        self.assertIn('href="tel:+33320112233"', html)
        self.assertIn("hello@host.example", html)
        self.assertIn('href="/accounts"', html)
        self.assertIn("o_kpa_licence", html)
        self.assertNotIn("Company name", html)

    def queries(self, url):
        """Queries of a second visit of `url` (caches warm)."""
        self.url_open(url)
        self.env.flush_all()
        before = self.cr.sql_log_count
        self.url_open(url)
        return self.cr.sql_log_count - before

    def test_home_page_queries_do_not_grow_with_the_cooperatives(self):
        self._publish()
        self._publish(self.coop_b)
        few = self.queries("/")
        extra = self.env["kpa.cooperative"].create(
            [
                {
                    "name": f"Coop Extra {index}",
                    "company_id": self.host.id,
                    "is_published": True,
                    "activity_ids": self.activity_sewing.ids,
                }
                for index in range(3)
            ]
        )
        self._publish(extra[0])
        self.assertEqual(self.queries("/"), few, "no query per cooperative")
