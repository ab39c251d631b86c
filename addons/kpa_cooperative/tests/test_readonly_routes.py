from unittest.mock import patch

from odoo.http import request
from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.kpa_cooperative.controllers.cooperative import KpaCooperativePages

from .common import KpaCooperativeCommon
from .readonly_common import RETRIED_ON_PRIMARY, ReadonlyRoutesCase

PIXEL_PNG = (
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQ"
    "AAAABJRU5ErkJggg=="
)


@tagged("post_install", "-at_install", "kpa_http")
class TestReadonlyRoutes(KpaCooperativeCommon, ReadonlyRoutesCase):
    """The network's public pages only read: Odoo may serve them from a read
    replica."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.website = cls._setup_host_website()
        cls.member_bob.sudo().write(
            {"kpa_public_profile": True, "image_1920": PIXEL_PNG}
        )

    def test_routes_are_declared_readonly(self):
        for url in (
            "/cooperatives",
            "/cooperatives/<string:slug>",
            "/cooperatives/<string:slug>/logo",
            "/cooperatives/<string:slug>/members/<int:partner_id>/photo",
        ):
            with self.subTest(url=url):
                self.assertIs(self.routing(url)["readonly"], True)

    def test_routes_write_nothing(self):
        slug = self.coop_a.slug
        for url in (
            "/cooperatives",
            f"/cooperatives?activity={self.activity_sewing.id}",
            f"/cooperatives/{slug}",
            f"/cooperatives/{slug}/logo",
            f"/cooperatives/{slug}/members/{self.member_bob.id}/photo",
        ):
            with self.subTest(url=url):
                self.assertServedReadonly(url)
        self.assertIn(
            "Bob Test", self.assertServedReadonly(f"/cooperatives/{slug}").text
        )
        # Unknown slugs: the 404 page is rendered on the read-only cursor too.
        self.assertServedReadonly("/cooperatives/nowhere", 404)

    def test_a_write_would_show(self):
        """The check above can fail: a route that writes is served again on
        the primary, and says so."""
        domain = KpaCooperativePages._published_domain

        def writing_domain(controller):
            request.env.cr.execute("UPDATE kpa_cooperative SET color = color")
            return domain(controller)

        with (
            patch.object(KpaCooperativePages, "_published_domain", writing_domain),
            mute_logger("odoo.sql_db"),
            self.assertLogs("odoo.http", "WARNING") as logs,
        ):
            response = self.url_open("/cooperatives")
        self.assertEqual(response.status_code, 200)
        self.assertIn(RETRIED_ON_PRIMARY, logs.output[0])
