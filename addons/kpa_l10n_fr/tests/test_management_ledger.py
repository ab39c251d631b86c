import base64
import csv
import io
from datetime import date

from odoo import Command
from odoo.tests import tagged

from odoo.addons.kpa_l10n_fr.wizards.kpa_management_ledger import (
    FEC_COLUMNS,
    HOST_FEE_JOURNAL_CODE,
)

from .common import KpaL10nFrCommon


def amount(text):
    return float(text.replace(",", "."))


@tagged("post_install", "-at_install")
class TestManagementLedger(KpaL10nFrCommon):
    """A cooperative's management ledger has the FEC's columns, only the
    cooperative's books, and the totals of its accounts statement."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_coop = cls.env["kpa.cooperative"].create(
            {"name": "Coop Beta", "company_id": cls.host.id, "state": "active"}
        )
        cls._coop_invoice(cls.business_customer)  # 270 untaxed, fee 27
        cls._coop_invoice(cls.business_customer, move_type="out_refund", quantity=1.0)
        # An expense of the cooperative, in the purchase journal.
        bill = cls.env["account.move"].create(
            {
                "move_type": "in_invoice",
                "partner_id": cls.business_customer.id,
                "invoice_date": "2026-03-12",
                "invoice_line_ids": [
                    Command.create(
                        {
                            "name": "Garden tools",
                            "quantity": 1.0,
                            "price_unit": 50.0,
                            "tax_ids": [Command.clear()],
                            "analytic_distribution": {
                                str(cls.coop.analytic_account_id.id): 100.0
                            },
                        }
                    )
                ],
            }
        )
        bill.action_post()
        # Another cooperative's sale stays out of the ledger.
        other = cls.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": cls.business_customer.id,
                "kpa_cooperative_id": cls.other_coop.id,
                "invoice_date": "2026-03-11",
                "invoice_line_ids": [
                    Command.create({"product_id": cls.service.id, "price_unit": 500.0})
                ],
            }
        )
        other.action_post()

    def test_ledger_totals_equal_the_statement(self):
        ledger = self.env["kpa.management.ledger"].create(
            {
                "cooperative_id": self.coop.id,
                "date_from": date(2026, 3, 1),
                "date_to": date(2026, 3, 31),
            }
        )
        action = ledger.action_download()
        self.assertIn("management-ledger-", ledger.file_name)
        self.assertNotIn("FEC", ledger.file_name)
        self.assertIn(ledger.file_name, action["url"])
        rows = list(
            csv.reader(
                io.StringIO(base64.b64decode(ledger.file).decode()), delimiter="|"
            )
        )
        header, rows = rows[0], rows[1:]
        self.assertEqual(tuple(header), FEC_COLUMNS)
        self.assertTrue(all(len(row) == 18 for row in rows))
        self.assertNotIn(self.other_coop.journal_id.code, {row[0] for row in rows})

        statement = self.env["kpa.accounts.publication"].create(
            {
                "cooperative_id": self.coop.id,
                "period_type": "month",
                "date_from": date(2026, 3, 1),
            }
        )

        def net(selected):
            return round(sum(amount(row[12]) - amount(row[11]) for row in selected), 2)

        host_fee_rows = [row for row in rows if row[0] == HOST_FEE_JOURNAL_CODE]
        revenue_rows = [row for row in rows if row[4].startswith("7")]
        expense_rows = [row for row in rows if row[4].startswith("6")]
        self.assertEqual(
            len(host_fee_rows) + len(revenue_rows) + len(expense_rows), len(rows)
        )
        self.assertAlmostEqual(statement.revenue, 180.0)
        self.assertAlmostEqual(net(revenue_rows), statement.revenue)
        self.assertAlmostEqual(-net(expense_rows), statement.expenses)
        self.assertAlmostEqual(-net(host_fee_rows), statement.host_fee)
        self.assertAlmostEqual(net(rows), statement.result)
