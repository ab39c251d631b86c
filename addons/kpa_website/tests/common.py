from odoo.tests import HttpCase
from odoo.tests.common import HOST
from odoo.tools import config


class KpaDemoWebsiteCase(HttpCase):
    """HTTP tests of the demo network's website, as a newcomer finds it after
    `./kpa run`: they read the demo records on purpose, and are skipped on a
    database without them.

    The network's website answers on the address `./kpa run` binds it to
    (http://localhost:8069), Odoo's default website on any other address:
    during these tests, it answers on the address of the tests' server.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.network_website = cls.env.ref(
            "kpa_cooperative.website_network_demo", raise_if_not_found=False
        )
        if not cls.network_website:
            cls.skipTest(cls, "the demo network is not installed")
        cls.network_website.domain = f"http://{HOST}:{config['http_port']}"
