import hashlib
import json
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import jsonschema

from odoo import Command, fields
from odoo.tools.misc import file_path, format_date

from odoo.addons.kpa_cooperative.tests.common import KpaCooperativeCommon
from odoo.addons.kpa_open_accounts import open_data

# Keys of a publication object in accounts.json (DESIGN.md §3), as the
# module publishes it now (version 2 of the open data: DESIGN.md's keys, the
# balance at the host, schema_version and previous_hash).
SCHEMA_PUBLICATION_KEYS = {
    "schema_version",
    "date_from",
    "date_to",
    "state",
    "published_on",
    "opening_balance",
    "revenue",
    "expenses",
    "host_fee",
    "result",
    "closing_balance",
    "lines",
    "content_hash",
    "supersedes",
    "previous_hash",
}
# Names that must never appear in anything published.
SECRET_NAMES = (
    "Secret Customer SARL",
    "Hidden Supplier SAS",
    "Anna Test",
    "Bob Test",
    "Dina Test",
    "Carl Test",
    "Mrs Neighbour",
)


def verify_content_hash(publication):
    """The verifier anyone can write from DESIGN.md alone: SHA-256 (hex) of
    the publication object without its content_hash key, serialised as JSON
    with sorted keys, (",", ":") separators and UTF-8."""
    unhashed = dict(publication)
    expected = unhashed.pop("content_hash")
    data = json.dumps(
        unhashed, sort_keys=True, separators=(",", ":"), ensure_ascii=False
    ).encode("utf-8")
    return hashlib.sha256(data).hexdigest() == expected


def schema_errors(document, definition="document"):
    """What the JSON Schema shipped with the module refuses in ``document``
    (an accounts.json document, or the network's with ``definition="network"``),
    as sorted messages: empty when the document is valid."""
    path = file_path("kpa_open_accounts/static/schema/accounts.schema.json")
    schema = json.loads(Path(path).read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(
        {**schema, "$ref": f"#/$defs/{definition}"},
        format_checker=jsonschema.FormatChecker(),
    )
    return sorted(
        f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
        for error in validator.iter_errors(document)
    )


class KpaAccountsCommon(KpaCooperativeCommon):
    """Books of coop_a (host fee 10 %) around March 2025, with what a statement
    of March must leave out: February and April, drafts, the other cooperative.

    Ground truth for March 2025, by hand:
      invoices 1,000 (1 March) + 500 (31 March, two lines) − credit note 150
        = sales 1,350; other income (manual analytic item) 80 → revenue 1,430
      bills 400 (operating) + 250 (materials) − vendor refund 50 → expenses 600
      host fee 10 % × 1,350 = 135
      result 1,430 − 600 − 135 = 695
    """

    with_other_host = True

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.host.partner_id.lang = "en_US"
        cls.plan = cls.env.ref("kpa_cooperative.analytic_plan_cooperatives")
        cls.column = cls.plan._column_name()
        cls.Publication = cls.env["kpa.accounts.publication"]
        cls.customer, cls.supplier = cls.env["res.partner"].create(
            [{"name": "Secret Customer SARL"}, {"name": "Hidden Supplier SAS"}]
        )
        cls.account_operating = cls.company_data["default_account_expense"]
        cls.account_materials = cls.env["account.account"].create(
            {
                "code": "500100",
                "name": "Materials (test)",
                "account_type": "expense_direct_cost",
            }
        )
        cls.march = (date(2025, 3, 1), date(2025, 3, 31))
        moves = cls.env["account.move"]
        for cooperative, move_type, day, amounts, account, post in (
            (cls.coop_a, "out_invoice", "2025-02-28", (500.0,), None, True),
            (cls.coop_a, "out_invoice", "2025-03-01", (1000.0,), None, True),
            (cls.coop_a, "out_invoice", "2025-03-31", (300.0, 200.0), None, True),
            (cls.coop_a, "out_invoice", "2025-04-01", (700.0,), None, True),
            (cls.coop_a, "out_refund", "2025-03-15", (150.0,), None, True),
            (cls.coop_a, "out_invoice", "2025-03-10", (9999.0,), None, False),
            (cls.coop_a, "in_invoice", "2025-03-05", (400.0,), "operating", True),
            (cls.coop_a, "in_invoice", "2025-03-20", (250.0,), "materials", True),
            (cls.coop_a, "in_invoice", "2025-02-27", (90.0,), "operating", True),
            (cls.coop_a, "in_refund", "2025-03-25", (50.0,), "operating", True),
            (cls.coop_a, "in_invoice", "2025-03-10", (8888.0,), "operating", False),
            (cls.coop_b, "out_invoice", "2025-03-10", (2000.0,), None, True),
        ):
            moves |= cls._kpa_move(cooperative, move_type, day, amounts, account, post)
        cls.moves = moves
        cls.env["account.analytic.line"].create(
            {
                "name": "Donation from Mrs Neighbour",
                "amount": 80.0,
                "date": "2025-03-12",
                "company_id": cls.host.id,
                cls.column: cls.coop_a.analytic_account_id.id,
            }
        )

    @classmethod
    def _kpa_move(cls, cooperative, move_type, day, amounts, account=None, post=True):
        sale = move_type.startswith("out")
        account = {
            "operating": cls.account_operating,
            "materials": cls.account_materials,
        }.get(account)
        move = cls.env["account.move"].create(
            {
                "move_type": move_type,
                "partner_id": (cls.customer if sale else cls.supplier).id,
                "invoice_date": fields.Date.from_string(day),
                "kpa_cooperative_id": cooperative.id,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "name": f"Service {index}",
                            "product_id": cls.product_a.id,
                            "price_unit": amount,
                            "tax_ids": [
                                Command.set(
                                    (cls.tax_sale_a if sale else cls.tax_purchase_a).ids
                                )
                            ],
                            **({"account_id": account.id} if account else {}),
                        }
                    )
                    for index, amount in enumerate(amounts)
                ],
            }
        )
        if post:
            move.action_post()
        return move

    @contextmanager
    def assertRefused(self, exception, regex):
        """The error a user gets; the request's transaction is rolled back, so
        the test checks afterwards that nothing was written."""
        with self.assertRaisesRegex(exception, regex), self.env.cr.savepoint():
            yield
        self.env.invalidate_all()

    def _month(self, day):
        """A month's label as the database's language writes it."""
        label = format_date(self.env, day, date_format="LLLL y")
        return label[:1].upper() + label[1:]

    def _draft(self, cooperative=None, period=None, user=None, **vals):
        date_from, date_to = period or self.march
        return self.Publication.with_user(user or self.accountant).create(
            {
                "cooperative_id": (cooperative or self.coop_a).id,
                "period_type": "custom",
                "date_from": date_from,
                "date_to": date_to,
                **vals,
            }
        )

    def _publish(self, cooperative=None, period=None, **vals):
        publication = self._draft(cooperative, period, **vals)
        publication.action_publish()
        return publication

    def _publish_version_1(self, cooperative=None, period=None):
        """A statement published as the module did before version 2 of the
        open data: the same figures, frozen without balances, schema version,
        number nor previous publication."""
        publication = self._draft(cooperative, period)
        today = fields.Date.context_today(publication)
        payload = {
            key: value
            for key, value in publication._publication_object(
                state="published",
                published_on=today,
                supersedes=None,
                previous_hash=None,
            ).items()
            if key in open_data.PUBLICATION_KEYS_V1
        }
        digest = open_data.content_hash(payload)
        publication._write_unchecked(
            {
                "state": "published",
                "published_date": fields.Datetime.now(),
                "published_on": today,
                "published_uid": self.accountant.id,
                "licence": publication.cooperative_id.licence,
                "content_json": open_data.canonical_json(payload).decode(),
                "content_hash": digest,
                "published_content_hash": digest,
            }
        )
        return publication

    @staticmethod
    def _lines(publication):
        return {
            line.category: (line.section, line.amount) for line in publication.line_ids
        }

    def _document(self, cooperative=None):
        cooperative = cooperative or self.coop_a
        publications = self.Publication.sudo().search(
            [("cooperative_id", "=", cooperative.id)]
        )
        return self.Publication._open_data_document(cooperative, publications)
