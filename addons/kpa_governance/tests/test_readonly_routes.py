from datetime import date

from odoo.tests import tagged

from odoo.addons.kpa_cooperative.tests.readonly_common import ReadonlyRoutesCase

from .common import KpaGovernanceCommon, give_positions


@tagged("post_install", "-at_install", "kpa_http")
class TestReadonlyRoutes(KpaGovernanceCommon, ReadonlyRoutesCase):
    """The public rules page only reads: Odoo may serve it from a read
    replica."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.website = cls._setup_host_website()
        rule = cls.env["kpa.rule"].create(
            {
                "name": "Welcome Rule Test",
                "cooperative_id": cls.coop_a.id,
                "category": "welcome",
                "body": "<p>Newcomers spend a day at the workshop.</p>",
            }
        )
        decision = cls.env["kpa.decision"].create(
            {
                "name": "Adopt the welcome rule",
                "cooperative_id": cls.coop_a.id,
                "decision_type": "rule",
                "rule_id": rule.id,
                "date": date(2024, 6, 1),
            }
        )
        decision.action_open()
        give_positions(decision)
        decision.action_close()
        decision.action_apply()

    def test_rules_page_is_readonly_and_writes_nothing(self):
        self.assertIs(
            self.routing("/cooperatives/<string:slug>/rules")["readonly"], True
        )
        response = self.assertServedReadonly(f"/cooperatives/{self.coop_a.slug}/rules")
        self.assertIn("Newcomers spend a day at the workshop.", response.text)
        self.assertServedReadonly("/cooperatives/nowhere/rules", 404)
