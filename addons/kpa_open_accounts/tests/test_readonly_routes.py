from odoo.tests import tagged

from odoo.addons.kpa_cooperative.tests.readonly_common import ReadonlyRoutesCase

from .common import KpaAccountsCommon


@tagged("post_install", "-at_install", "kpa_http")
class TestReadonlyRoutes(KpaAccountsCommon, ReadonlyRoutesCase):
    """The public accounts and their open data only read: Odoo may serve
    them from a read replica."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.website = cls._setup_host_website()

    def test_accounts_routes_are_readonly_and_write_nothing(self):
        for url in (
            "/cooperatives/<string:slug>/accounts",
            "/cooperatives/<string:slug>/accounts.json",
            "/cooperatives/<string:slug>/accounts.csv",
            "/cooperatives/accounts.json",
        ):
            with self.subTest(url=url):
                self.assertIs(self.routing(url)["readonly"], True)
        self._publish()
        slug = self.coop_a.slug
        for url in (
            f"/cooperatives/{slug}/accounts",
            f"/cooperatives/{slug}/accounts.json",
            f"/cooperatives/{slug}/accounts.csv",
            "/cooperatives/accounts.json",
        ):
            with self.subTest(url=url):
                self.assertServedReadonly(url)
        document = self.assertServedReadonly(f"/cooperatives/{slug}/accounts.json")
        self.assertEqual(len(document.json()["publications"]), 1)
        self.assertServedReadonly("/cooperatives/nowhere/accounts.json", 404)
