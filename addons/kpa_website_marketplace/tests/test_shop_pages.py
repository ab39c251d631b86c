"""The e-shop of the demo network in Chromium: the shop, a service, the cart,
the address form and the checkout pass axe-core's WCAG 2.1 A and AA rules,
and none scrolls sideways or hides a button, at 1280 px and at 375 px wide.

These tests read the demo network on purpose (the shop a newcomer opens
after `./kpa run`); they are skipped on a database without it.
"""

from odoo.tests import tagged

from odoo.addons.kpa_website.tests.common import KpaDemoWebsiteCase


@tagged("post_install", "-at_install", "kpa_http")
class TestShopPagesDesktop(KpaDemoWebsiteCase):
    browser_size = "1280x900"

    def test_shop_pages(self):
        self.start_tour(
            "/shop",
            "kpa_website_shop_pages",
            cookies={"frontend_lang": "fr_FR"},
            timeout=300,
        )


@tagged("post_install", "-at_install", "kpa_http")
class TestShopPagesPhone(TestShopPagesDesktop):
    browser_size = "375x812"
    touch_enabled = True
    # The same tests, at another width (Odoo's runner collects only the tests
    # a class defines, unless told so).
    allow_inherited_tests_method = True
