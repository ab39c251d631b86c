from unittest import SkipTest

from lxml import html

from odoo.tests import HttpCase, tagged

from .common import KpaMarketplaceCommon


class KpaMarketplaceHttpCommon(KpaMarketplaceCommon, HttpCase):
    """The e-shop of the host structure: the default website belongs to it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.website = cls._setup_host_website()
        cls.pricelist = cls.env["product.pricelist"].create(
            {
                "name": "Host e-shop",
                "company_id": cls.host.id,
                "currency_id": cls.host.currency_id.id,
                "website_id": cls.website.id,
                "selectable": True,
            }
        )
        # The e-shop shows this test's products only, whatever else the
        # database holds.
        ours = cls.service_a1 | cls.service_a2 | cls.service_b1 | cls.host_product
        cls.env["product.template"].search(
            [
                ("is_published", "=", True),
                ("id", "not in", (ours | cls.service_extra).ids),
            ]
        ).is_published = False
        cls.draft_service = cls.env["product.template"].create(
            {
                "name": "Unpublished pattern",
                "kpa_cooperative_id": cls.coop_a.id,
                "is_published": False,
            }
        )
        cls.portal_user.partner_id.write(
            {
                "street": "10 rue du Moulin",
                "city": "Lille",
                "zip": "59000",
                "country_id": cls.env.ref("base.fr").id,
                "phone": "+33 3 20 00 00 00",
            }
        )

    def _page(self, url):
        response = self.url_open(url)
        self.assertEqual(response.status_code, 200, url)
        return html.fromstring(response.content)

    @staticmethod
    def _find(node, *path):
        """Elements matching a chain of "tag.class", "#id" or "tag[attr=value]"
        steps, each a descendant of the previous one (a tiny CSS subset)."""
        xpath = "."
        for step in path:
            tag, _, rest = step.partition(".")
            if tag.startswith("#"):
                xpath += f"//*[@id='{tag[1:]}']"
                continue
            attr = ""
            if "[" in (rest or tag):
                base, _, cond = (rest or tag).partition("[")
                name, _, value = cond.rstrip("]").partition("=")
                attr = f"[@{name}='{value}']"
                if rest:
                    rest = base
                else:
                    tag = base
            xpath += f"//{tag or '*'}"
            for css_class in filter(None, rest.split(".")):
                xpath += (
                    f"[contains(concat(' ', normalize-space(@class), ' '), "
                    f"' {css_class} ')]"
                )
            xpath += attr
        return node.xpath(xpath)

    def _texts(self, node, *path):
        return {element.text_content().strip() for element in self._find(node, *path)}


@tagged("post_install", "-at_install", "kpa_http")
class TestMarketplacePages(KpaMarketplaceHttpCommon):
    def _shop_names(self, url):
        page = self._page(url)
        return self._texts(
            page, "form.oe_product_cart", "h6.o_wsale_products_item_title"
        )

    def test_shop_facets_and_cooperative_filter(self):
        page = self._page("/shop")
        facets = {
            link.get("data-kpa-slug"): link.text_content().split()
            for link in self._find(
                page, "#products_grid_before", "a.o_kpa_facet_cooperative"
            )
        }
        self.assertEqual(
            facets,
            {"coop-alpha": ["Coop", "Alpha", "2"], "coop-beta": ["Coop", "Beta", "1"]},
        )
        activities = {
            link.text_content().split()[-1]
            for link in self._find(
                page, "#products_grid_before", "a.o_kpa_facet_activity"
            )
        }
        self.assertEqual(activities, {"1", "2"})
        names = self._texts(
            page, "form.oe_product_cart", "h6.o_wsale_products_item_title"
        )
        self.assertIn("Buffet for ten", names)
        self.assertNotIn("Unpublished pattern", names)
        links = self._find(page, "div.o_kpa_product_cooperative", "a")
        self.assertIn("/cooperatives/coop-beta", {link.get("href") for link in links})

        page = self._page("/shop?cooperative=coop-alpha")
        self.assertEqual(
            self._texts(page, "form.oe_product_cart", "h6.o_wsale_products_item_title"),
            {"Sewing workshop", "Cushion repair"},
        )
        self.assertTrue(self._find(page, "div.o_kpa_shop_cooperative_header"))
        self.assertEqual(
            self._shop_names(f"/shop?activity={self.activity_catering.id}"),
            {"Buffet for ten"},
        )

    def test_shop_refuses_unknown_or_closed_cooperatives(self):
        self.assertEqual(self.url_open("/shop?cooperative=nowhere").status_code, 404)
        self.assertEqual(self.url_open("/shop?activity=abc").status_code, 404)
        self.coop_b.action_close()
        self.assertEqual(self.url_open("/shop?cooperative=coop-beta").status_code, 404)
        self.assertNotIn("Buffet for ten", self._shop_names("/shop"))

    def test_product_page_shows_the_cooperative(self):
        page = self._page(self.service_b1.website_url)
        mention = self._find(page, "p.o_kpa_product_cooperative")[0]
        self.assertIn("Coop Beta", mention.text_content())
        self.assertEqual(
            self._find(mention, "a")[0].get("href"), "/cooperatives/coop-beta"
        )

    def test_cooperative_page_lists_its_published_services(self):
        page = self._page("/cooperatives/coop-alpha")
        cards = self._find(page, "#o_kpa_services", "div.o_kpa_service_card")
        self.assertEqual(
            [card.get("data-kpa-service") for card in cards],
            ["Cushion repair", "Sewing workshop"],
        )
        form = self._find(cards[1], "form.o_kpa_add_to_cart")[0]
        self.assertEqual(form.get("action"), "/shop/cart/update")
        self.assertEqual(
            self._find(form, "input[name=product_id]")[0].get("value"),
            str(self.service_a1.product_variant_id.id),
        )
        self.assertIn(
            "100", self._find(cards[1], "span.o_kpa_service_price")[0].text_content()
        )

    def test_network_page_counts_services(self):
        page = self._page("/cooperatives")
        counts = {
            card.get("data-kpa-slug"): self._find(card, "span.o_kpa_service_count")[0]
            .text_content()
            .split()
            for card in self._find(page, "div.o_kpa_cooperative_card")
        }
        self.assertEqual(
            counts, {"coop-alpha": ["2", "services"], "coop-beta": ["1", "service"]}
        )

    def test_public_cannot_add_a_service_of_a_closed_cooperative(self):
        page = self._page("/cooperatives/coop-alpha")
        csrf_token = self._find(
            page, "form.o_kpa_add_to_cart", "input[name=csrf_token]"
        )
        self.coop_b.action_close()
        self.service_b1.is_published = True
        response = self.url_open(
            "/shop/cart/update",
            data={
                "product_id": self.service_b1.product_variant_id.id,
                "add_qty": 1,
                "csrf_token": csrf_token[0].get("value"),
            },
        )
        self.assertNotEqual(response.status_code, 200)
        self.assertFalse(
            self.env["sale.order.line"].search(
                [("product_id", "=", self.service_b1.product_variant_id.id)]
            )
        )

    def test_portal_shows_the_orders_together(self):
        order = self._quotation(
            [(self.service_a1, 1), (self.service_b1, 1)],
            partner_id=self.portal_user.partner_id.id,
        )
        order.action_confirm()
        order_b = order.kpa_split_order_ids
        self.authenticate(self.portal_user.login, self.portal_user.login)
        page = self._page("/my/orders")
        self.assertEqual(
            self._texts(page, "td.o_kpa_portal_order_cooperative"),
            {"Coop Alpha", "Coop Beta"},
        )
        page = self._page(f"/my/orders/{order_b.id}")
        linked = self._find(page, "a.o_kpa_portal_linked_order")
        self.assertEqual([node.text_content() for node in linked], [order.name])
        self.assertIn(
            "Coop Beta",
            self._find(page, "tr.o_kpa_portal_cooperative")[0].text_content(),
        )

    def test_portal_invoice_shows_the_legal_mention(self):
        order = self._quotation(
            [(self.service_a1, 1), (self.service_b1, 1)],
            partner_id=self.portal_user.partner_id.id,
        )
        order.action_confirm()
        invoices = (order | order.kpa_split_order_ids)._create_invoices()
        invoices.action_post()
        invoice_b = order.kpa_split_order_ids.invoice_ids
        self.authenticate(self.portal_user.login, self.portal_user.login)
        page = self._page(f"/my/invoices/{invoice_b.id}")
        self.assertEqual(
            self._texts(page, "div.o_kpa_on_behalf"),
            {"Host Structure Test, on behalf of Coop Beta"},
        )
        other = self._quotation([(self.service_a2, 1)])
        other.action_confirm()
        other_invoice = other._create_invoices()
        other_invoice.action_post()
        response = self.url_open(f"/my/invoices/{other_invoice.id}")
        self.assertNotIn(b"o_kpa_on_behalf", response.content)


@tagged("post_install", "-at_install", "kpa_http")
class TestMarketplaceQueryCounts(KpaMarketplaceHttpCommon):
    extra_cooperatives = 3

    def test_query_count_shop(self):
        self.url_open("/shop")
        with self.assertQueryCount(54):  # 51 measured
            self.url_open("/shop")

    def test_query_count_cooperative_page(self):
        self.url_open("/cooperatives/coop-alpha")
        with self.assertQueryCount(44):  # 41 measured
            self.url_open("/cooperatives/coop-alpha")


@tagged("post_install", "-at_install", "kpa_http")
class TestMarketplaceTour(KpaMarketplaceHttpCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if cls.env["ir.module.module"]._get("payment_demo").state != "installed":
            raise SkipTest("the tour pays with the demo provider (payment_demo)")
        demo = cls.env.ref("payment.payment_provider_demo").sudo()
        cls.provider = demo.copy({"company_id": cls.host.id})
        cls.provider.write({"state": "test", "is_published": True})
        demo.write({"state": "disabled"})
        cls.env["ir.config_parameter"].sudo().set_param("sale.automatic_invoice", True)

    def test_buy_services_of_two_cooperatives(self):
        self.start_tour(
            "/cooperatives",
            "kpa_marketplace_two_cooperatives",
            login=self.portal_user.login,
        )
        orders = self.env["sale.order"].search(
            [("partner_id", "=", self.portal_user.partner_id.id)]
        )
        self.assertEqual(orders.kpa_cooperative_id, self.coop_a | self.coop_b)
        self.assertEqual(set(orders.mapped("state")), {"sale"})
        self.assertEqual(len(orders.transaction_ids), 1)
        self.assertEqual(orders.transaction_ids.sale_order_ids, orders)
        self.assertEqual(
            orders.invoice_ids.kpa_cooperative_id, self.coop_a | self.coop_b
        )
