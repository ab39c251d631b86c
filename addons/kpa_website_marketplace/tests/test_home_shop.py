import re

from odoo.tests import tagged

from odoo.addons.kpa_marketplace.tests.test_http import KpaMarketplaceHttpCommon

SERVICE_LINK = re.compile(
    r'<div class="card h-100 o_kpa_home_service">.*?<a [^>]*href="([^"]+)"', re.S
)


@tagged("post_install", "-at_install", "kpa_http")
class TestHomeShop(KpaMarketplaceHttpCommon):
    """The shop on the home page: services of the published cooperatives of
    the website's host, on sale, read live."""

    def home_services(self):
        response = self.url_open("/")
        self.assertEqual(response.status_code, 200)
        return SERVICE_LINK.findall(response.text)

    def test_services_of_the_published_cooperatives(self):
        links = self.home_services()
        self.assertEqual(
            sorted(links),
            sorted(
                (self.service_a1 | self.service_a2 | self.service_b1).mapped(
                    "website_url"
                )
            ),
        )
        html = self.url_open("/").text
        self.assertIn('href="/shop"', html)
        self.assertIn("Visit the shop", html)
        # Neither the host's own products, nor an unpublished service, nor the
        # services of an unpublished cooperative.
        self.service_a2.is_published = False
        self.coop_b.is_published = False
        self.assertEqual(self.home_services(), [self.service_a1.website_url])
