"""The public face of the demo network, as a visitor and a member see it in
Chromium: every page passes axe-core's WCAG 2.1 A and AA rules, and none
scrolls sideways or hides a button, at 1280 px and at 375 px wide.

These tests read the demo network on purpose (the pages a newcomer opens
after `./kpa run`); they are skipped on a database without it.
"""

from odoo.tests import tagged

from .common import KpaDemoWebsiteCase

DEMO_MEMBER = "membre-la-cape"


@tagged("post_install", "-at_install", "kpa_http")
class TestPublicFaceDesktop(KpaDemoWebsiteCase):
    browser_size = "1280x900"

    def test_visitor_pages(self):
        self.start_tour(
            "/",
            "kpa_website_visitor_pages",
            cookies={"frontend_lang": "fr_FR"},
            timeout=300,
        )

    def test_member_pages(self):
        self.start_tour(
            "/my", "kpa_website_member_pages", login=DEMO_MEMBER, timeout=300
        )


@tagged("post_install", "-at_install", "kpa_http")
class TestPublicFacePhone(TestPublicFaceDesktop):
    browser_size = "375x812"
    touch_enabled = True
    # The same tests, at another width (Odoo's runner collects only the tests
    # a class defines, unless told so).
    allow_inherited_tests_method = True
