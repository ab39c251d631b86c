"""The bounded fuzz pass of issue 9 on the routes of kpa_website (the
network's accounts page, the launch request form and its thanks page); the
engine is kpa_cooperative's (tests/fuzz.py)."""

from odoo.tests import tagged

from odoo.addons.kpa_cooperative.tests.access_matrix import AccessMatrixCase


@tagged("post_install", "-at_install", "kpa_http")
class TestFuzzWebsite(AccessMatrixCase):
    matrix_module = "kpa_website"

    def test_fuzz_bad_inputs(self):
        self._run_fuzz()
