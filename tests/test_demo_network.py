"""The demo data is the real network, alive: what a newcomer finds after
`./kpa run`. Unlike the modules' tests, these read the demo records on
purpose (the test database is created with them, as the run database is).
"""

import hashlib
import importlib.util
import json
from datetime import date
from pathlib import Path

from dateutil.relativedelta import relativedelta

from odoo.tests import TransactionCase, tagged
from odoo.tools import date_utils

REF = "kpa_cooperative.%s"
ROOT = Path(__file__).resolve().parent.parent


def kpa_tool():
    """tools/kpa.py (standard library only), for what it writes into databases."""
    spec = importlib.util.spec_from_file_location("kpa_tool", ROOT / "tools" / "kpa.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@tagged("post_install", "-at_install")
class TestDemoNetwork(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.opteos = cls.env.ref(REF % "company_opteos_demo")
        cls.la_cape = cls.env.ref(REF % "cooperative_la_cape_demo")
        cls.moulins = cls.env.ref(REF % "cooperative_moulins_demo")
        cls.illicoop = cls.env.ref(REF % "cooperative_illicoop_demo")
        cls.fives = cls.env.ref(REF % "cooperative_fives_demo")
        cls.open_cooperatives = cls.la_cape | cls.moulins | cls.illicoop

    def test_host_structure_opteos(self):
        self.assertEqual(self.opteos.name, "Opteos")
        self.assertEqual(self.opteos.country_id.code, "FR")
        self.assertEqual(self.opteos.currency_id.name, "EUR")
        self.assertEqual(self.opteos.chart_template, "fr")
        cooperatives = self.open_cooperatives | self.fives
        self.assertEqual(cooperatives.company_id, self.opteos)
        for cooperative in cooperatives:
            self.assertEqual(cooperative.journal_id.company_id, self.opteos)
            self.assertTrue(cooperative.analytic_account_id)
        website = self.env.ref(REF % "website_network_demo")
        self.assertEqual(website.company_id, self.opteos)
        self.assertEqual(website.default_lang_id.code, "fr_FR")
        self.assertEqual(website.pricelist_id.currency_id.name, "EUR")

    def test_localhost_lands_on_the_network_website(self):
        """http://localhost:8069, which `./kpa run` serves, is the network's
        website once `./kpa run` has bound it; any other address (127.0.0.1,
        as in tests) is Odoo's. Unbound, as the demo data leaves it, no
        request is taken from Odoo's default website, not even those Odoo's
        tests make up for "localhost" (MockRequest)."""
        Website = self.env["website"]
        network = self.env.ref(REF % "website_network_demo")
        default = self.env.ref("website.default_website")
        self.assertFalse(network.domain)
        for host in ("localhost", "localhost:8069", "127.0.0.1:8069", ""):
            self.assertEqual(Website._get_current_website_id(host), default.id, host)
        self.env.flush_all()
        self.env.cr.execute(
            kpa_tool().BIND_NETWORK_WEBSITE_SQL, {"domain": "http://localhost:8069"}
        )
        # Written in SQL, as ./kpa run does before Odoo starts: the website
        # chosen for an address is cached by Odoo.
        self.env.invalidate_all()
        self.env.registry.clear_cache()
        self.assertEqual(network.domain, "http://localhost:8069")
        self.assertEqual(Website._get_current_website_id("localhost:8069"), network.id)
        self.assertEqual(Website._get_current_website_id("localhost:8070"), network.id)
        self.assertEqual(Website._get_current_website_id("127.0.0.1:8069"), default.id)
        self.assertEqual(Website._get_current_website_id(""), default.id)
        self.assertEqual(network.get_base_url(), "http://localhost:8069")
        # Bound again on another port; a domain set by hand is kept.
        self.env.cr.execute(
            kpa_tool().BIND_NETWORK_WEBSITE_SQL, {"domain": "http://localhost:8070"}
        )
        self.env.invalidate_all()
        self.assertEqual(network.domain, "http://localhost:8070")
        network.domain = "https://kpa-cite.example.org"
        self.env.flush_all()
        self.env.cr.execute(
            kpa_tool().BIND_NETWORK_WEBSITE_SQL, {"domain": "http://localhost:8069"}
        )
        self.env.invalidate_all()
        self.assertEqual(network.domain, "https://kpa-cite.example.org")

    def test_odoo_demo_websites_keep_their_menu(self):
        """The network's menu entries are the network website's; Odoo's demo
        websites keep the menu Odoo's demo gave them (its tours click on it)."""
        network = self.env.ref(REF % "website_network_demo")
        odoo_websites = self.env["website"].search([("id", "!=", network.id)])
        self.assertTrue(odoo_websites)
        menus = self.env["website.menu"].search(
            [("url", "in", ("/cooperatives", "/accounts"))]
        )
        self.assertEqual(
            set(menus.filtered("website_id").mapped("url")),
            {"/cooperatives", "/accounts"},
        )
        self.assertEqual(menus.website_id, network)
        for website in odoo_websites:
            self.assertIn("/shop", website.menu_id.child_id.mapped("url"), website.name)

    def _on_sale(self, website):
        """The products a visitor finds in the website's e-shop."""
        domain = website.with_context(website_id=website.id).sale_product_domain()
        return self.env["product.template"].search(
            [
                *domain,
                ("is_published", "=", True),
                ("company_id", "in", [False, website.company_id.id]),
            ]
        )

    def test_network_shop_sells_the_cooperatives_services(self):
        network = self.env.ref(REF % "website_network_demo")
        on_sale = self._on_sale(network)
        self.assertTrue(on_sale)
        self.assertEqual(on_sale.kpa_cooperative_id.company_id, self.opteos)
        self.assertFalse(on_sale.filtered(lambda p: not p.kpa_cooperative_id))
        self.assertEqual(
            self.env["payment.provider"]
            .search(
                [
                    ("company_id", "=", self.opteos.id),
                    ("state", "=", "test"),
                    ("is_published", "=", True),
                ]
            )
            .code,
            "demo",
        )

    def test_odoo_demo_left_in_place(self):
        """Odoo's demo-based tests rely on its main company, website, users,
        products, pricelists and payment provider: the network adds to them."""
        main = self.env.ref("base.main_company")
        default = self.env.ref("website.default_website")
        self.assertEqual(default.company_id, main)
        self.assertNotEqual(default.name, "KPA-Cité")
        self.assertEqual(main.currency_id, self.env.ref("base.USD"))
        for login in ("admin", "demo"):
            user = self.env["res.users"].search([("login", "=", login)])
            self.assertEqual(user.company_id, main, login)
        self.assertIn(self.opteos, self.env.ref("base.user_admin").company_ids)
        desk = self.env.ref("product.product_product_4_product_template")
        self.assertTrue(desk.is_published)
        on_odoo_shop = self._on_sale(default)
        self.assertIn(desk, on_odoo_shop)
        self.assertFalse(on_odoo_shop.kpa_cooperative_id)
        odoo_pricelists = self.env["product.pricelist"].search(
            [("company_id", "=", main.id)]
        )
        self.assertTrue(odoo_pricelists)
        self.assertLessEqual(odoo_pricelists.website_id, default)
        self.assertEqual(self.env.ref("payment.payment_provider_demo").company_id, main)

    def test_the_cooperatives_of_the_network(self):
        self.assertRecordValues(
            self.open_cooperatives | self.fives,
            [
                {
                    "slug": "la-cape",
                    "city": "Roubaix",
                    "state": "active",
                    "is_published": True,
                },
                {
                    "slug": "moulins",
                    "city": "Lille",
                    "state": "active",
                    "is_published": True,
                },
                {
                    "slug": "illicoop",
                    "city": "Mons-en-Barœul",
                    "state": "active",
                    "is_published": True,
                },
                {
                    "slug": "fives-en-commun",
                    "city": "Lille",
                    "state": "launching",
                    "is_published": False,
                },
            ],
        )
        for cooperative in self.open_cooperatives:
            self.assertTrue(cooperative.activity_ids, cooperative.name)
            self.assertTrue(cooperative.coordinator_ids, cooperative.name)

    def test_la_cape_members(self):
        memberships = self.la_cape.membership_ids
        members = memberships.filtered(lambda m: m.state == "member")
        self.assertGreaterEqual(len(members), 12, "about fifteen participants")
        self.assertTrue(memberships.filtered(lambda m: m.state == "candidate"))
        self.assertTrue(memberships.filtered(lambda m: m.state == "left"))
        with_skills = members.partner_id.filtered("kpa_skill_ids")
        self.assertGreaterEqual(len(with_skills), len(members) // 2)
        self.assertTrue(
            self.env["kpa.partner.skill"].search_count(
                [("partner_id", "in", members.partner_id.ids), ("can_teach", "=", True)]
            )
        )
        self.assertTrue(members.partner_id.filtered("kpa_public_profile"))

    def test_services_and_orders(self):
        services = self.env["product.template"].search(
            [("kpa_cooperative_id", "in", self.open_cooperatives.ids)]
        )
        for cooperative in self.open_cooperatives:
            offered = services.filtered(
                lambda s, c=cooperative: s.kpa_cooperative_id == c
                and s.sale_ok
                and s.is_published
            )
            self.assertGreaterEqual(len(offered), 2, cooperative.name)
            self.assertTrue(all(offered.mapped("list_price")), cooperative.name)
        split = self.env["sale.order"].search(
            [("kpa_split_origin_id", "!=", False), ("state", "=", "sale")]
        )
        spanning = split.kpa_split_origin_id.filtered(
            lambda o: len((o | o.kpa_split_order_ids).kpa_cooperative_id) >= 2
        )
        self.assertTrue(spanning, "demo orders span two cooperatives")

    def test_books_are_not_empty(self):
        invoices = self.env["account.move"].search(
            [
                ("kpa_cooperative_id", "=", self.la_cape.id),
                ("move_type", "=", "out_invoice"),
                ("state", "=", "posted"),
            ]
        )
        self.assertTrue(invoices)
        self.assertEqual(invoices.journal_id, self.la_cape.journal_id)
        fees = invoices.kpa_host_fee_line_ids
        self.assertTrue(fees, "host fees booked")
        self.assertGreater(self.la_cape.analytic_balance, 0.0)

    def test_published_accounts_verify(self):
        publication = self.env.ref("kpa_open_accounts.publication_la_cape_demo")
        earlier = self.env.ref("kpa_open_accounts.publication_la_cape_earlier_demo")
        self.assertEqual((earlier.state, publication.state), ("published", "published"))
        # The month before last, published by the host accountant from the
        # documents posted in the demo: two invoices, a credit note, a bill.
        self.assertEqual(
            publication.published_uid, self.env.ref(REF % "user_accountant_opteos_demo")
        )
        self.assertEqual(
            publication.date_from,
            date_utils.start_of(date.today() - relativedelta(months=2), "month"),
        )
        self.assertEqual(publication.revenue, 680.0 + 690.0 - 30.0)
        self.assertEqual(publication.expenses, 210.0 + 150.0)
        self.assertEqual(
            set(publication.line_ids.mapped("category")),
            {
                "revenue.sales",
                "expenses.purchases",
                "expenses.external_services",
                "host_fee",
            },
        )
        # The month before it: a workshop and its inks. The balance carries
        # over from one month to the next, and the second follows the first
        # in the chain.
        self.assertEqual(
            earlier.date_from,
            date_utils.start_of(date.today() - relativedelta(months=3), "month"),
        )
        self.assertEqual((earlier.revenue, earlier.expenses), (320.0, 95.0))
        self.assertEqual(publication.opening_balance, earlier.closing_balance)
        self.assertAlmostEqual(
            publication.closing_balance,
            publication.opening_balance + publication.result,
        )
        self.assertEqual(publication.previous_id, earlier)
        document = publication._open_data_document(self.la_cape, earlier | publication)
        first, second = document["publications"]
        for published in (first, second):
            unhashed = {k: v for k, v in published.items() if k != "content_hash"}
            payload = json.dumps(
                unhashed, sort_keys=True, separators=(",", ":"), ensure_ascii=False
            ).encode("utf-8")
            self.assertEqual(
                hashlib.sha256(payload).hexdigest(), published["content_hash"]
            )
        self.assertEqual(second["content_hash"], publication.content_hash)
        self.assertEqual(second["previous_hash"], first["content_hash"])
        self.assertEqual(second["opening_balance"], first["closing_balance"])

    def test_public_customer_orders_through_chorus_pro(self):
        """The Métropole, a public buyer, ordered from two cooperatives with
        its Chorus Pro service code and engagement number: each cooperative's
        order and posted invoice carry them (kpa_l10n_fr_marketplace), as does
        the invoice kpa_l10n_fr's demo makes directly."""
        mel = self.env.ref("kpa_l10n_fr.partner_mel_demo")
        self.assertTrue(mel.siret)
        order = self.env.ref("kpa_l10n_fr_marketplace.sale_order_mel_forum_demo")
        orders = order | order.kpa_split_order_ids
        self.assertEqual(orders.kpa_cooperative_id, self.la_cape | self.moulins)
        self.assertEqual(set(orders.mapped("state")), {"sale"})
        invoices = orders.invoice_ids
        self.assertEqual(invoices.kpa_cooperative_id, self.la_cape | self.moulins)
        self.assertEqual(set(invoices.mapped("state")), {"posted"})
        self.assertEqual(invoices.partner_id, mel)
        for record in [*orders, *invoices]:
            self.assertEqual(
                (record.buyer_reference, record.purchase_order_reference),
                ("DEV-ECO-QUARTIERS", "EJ-2026-004731"),
            )
        direct = self.env["account.move"].search(
            [
                ("partner_id", "=", mel.id),
                ("state", "=", "posted"),
                ("id", "not in", invoices.ids),
            ]
        )
        self.assertEqual(direct.kpa_cooperative_id, self.la_cape)
        self.assertEqual(direct.buyer_reference, "DEV-ECO-QUARTIERS")

    def test_governance_and_reciprocity(self):
        rules = self.env["kpa.rule"].search(
            [("cooperative_id", "=", self.la_cape.id), ("state", "=", "adopted")]
        )
        self.assertLessEqual(
            {"functioning", "welcome", "exclusion"}, set(rules.mapped("category"))
        )
        decisions = self.env["kpa.decision"].search(
            [("cooperative_id", "=", self.la_cape.id)]
        )
        self.assertTrue(decisions.filtered(lambda d: d.state == "open"))
        self.assertTrue(
            decisions.filtered(
                lambda d: d.state == "closed" and d.decision_type == "admission"
            )
        )
        self.assertTrue(
            self.env["kpa.contribution"].search_count(
                [("cooperative_id", "=", self.la_cape.id)]
            )
        )
        loans = self.env["kpa.resource.loan"].search([])
        self.assertTrue(
            loans.filtered(
                lambda loan: loan.borrower_partner_id != loan.cooperative_id.partner_id
            ),
            "tools shared beyond their owner",
        )
