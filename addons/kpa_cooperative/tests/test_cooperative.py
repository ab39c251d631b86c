from odoo.tests import tagged

from .common import KpaCooperativeCommon


@tagged("post_install", "-at_install")
class TestCooperativeBooks(KpaCooperativeCommon):
    def test_books_created_with_cooperative(self):
        coop = self.env["kpa.cooperative"].create({"name": "Les Moulins Test"})
        self.assertEqual(coop.slug, "les-moulins-test")
        self.assertEqual(
            coop.analytic_account_id.plan_id,
            self.env.ref("kpa_cooperative.analytic_plan_cooperatives"),
        )
        self.assertEqual(coop.analytic_account_id.company_id, coop.company_id)
        self.assertEqual(coop.journal_id.type, "sale")
        self.assertEqual(coop.journal_id.company_id, coop.company_id)
        self.assertEqual(coop.journal_id.code, "LESMO")
        self.assertTrue(coop.partner_id.is_company)
