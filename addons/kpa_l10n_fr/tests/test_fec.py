import base64
import csv
import io
from datetime import date

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from odoo.addons.kpa_l10n_fr.wizards.kpa_management_ledger import FEC_COLUMNS

from .common import HOST_SIREN, KpaL10nFrCommon


def read_fec(content):
    rows = list(csv.reader(io.StringIO(content.decode()), delimiter="|"))
    return rows[0], rows[1:]


def amount(text):
    return float(text.strip().replace(",", ".") or 0)


@tagged("post_install", "-at_install")
class TestFec(KpaL10nFrCommon):
    """The host accountant downloads the host company's legal FEC, which
    locks the fiscal year, or a test export, which does not."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._coop_invoice(cls.business_customer)
        cls._coop_invoice(cls.person, quantity=2.0)
        cls._coop_invoice(cls.business_customer, move_type="out_refund", quantity=1.0)
        cls.host_accountant = new_test_user(
            cls.env,
            login="kpa_fec_accountant",
            groups="base.group_user,kpa_cooperative.group_kpa_accountant",
            company_id=cls.host.id,
            company_ids=[Command.set(cls.host.ids)],
        )
        cls.bookkeeper = new_test_user(
            cls.env,
            login="kpa_fec_bookkeeper",
            groups="base.group_user,account.group_account_user",
            company_id=cls.host.id,
            company_ids=[Command.set(cls.host.ids)],
        )

    def _download(self, user, test_file):
        wizard = (
            self.env["l10n_fr.fec.export.wizard"]
            .with_user(user)
            .with_company(self.host)
            .create(
                {
                    "date_from": date(2026, 1, 1),
                    "date_to": date(2026, 12, 31),
                    "test_file": test_file,
                }
            )
        )
        action = wizard.create_fec_report_action()
        self.assertEqual(action["type"], "ir.actions.act_url")
        self.assertIn(wizard.kpa_file_name, action["url"])
        return wizard.kpa_file_name, base64.b64decode(wizard.kpa_file)

    def test_legal_fec_columns_balance_name_and_lock(self):
        self.assertFalse(self.host.fiscalyear_lock_date)
        name, content = self._download(self.host_accountant, test_file=False)
        self.assertEqual(name, f"{HOST_SIREN}FEC20261231.txt")
        header, rows = read_fec(content)
        self.assertEqual(tuple(header), FEC_COLUMNS)
        self.assertTrue(rows)
        self.assertTrue(all(len(row) == 18 for row in rows))
        debit = sum(amount(row[11]) for row in rows)
        credit = sum(amount(row[12]) for row in rows)
        self.assertAlmostEqual(debit, credit, places=2)
        # 3 × 90 + 2 × 90 − 90, with 20 % VAT.
        self.assertAlmostEqual(
            sum(
                amount(row[12]) - amount(row[11])
                for row in rows
                if row[4].startswith("7")
            ),
            360.0,
            places=2,
        )
        self.assertEqual(self.host.fiscalyear_lock_date, date(2026, 12, 31))

    def test_test_export_locks_nothing(self):
        name, content = self._download(self.bookkeeper, test_file=True)
        self.assertEqual(name, f"{HOST_SIREN}FEC20261231.txt")
        header, _rows = read_fec(content)
        self.assertEqual(tuple(header), FEC_COLUMNS)
        self.assertFalse(self.host.fiscalyear_lock_date)

    def test_legal_fec_refused_to_a_bookkeeper(self):
        with self.assertRaises(AccessError) as caught:
            self._download(self.bookkeeper, test_file=False)
        self.assertIn(
            "Only a host accountant or an accounting administrator",
            str(caught.exception),
        )
        self.assertFalse(self.host.fiscalyear_lock_date)
