"""The open-data format, against fixed vectors written here by hand.

The expected bytes and hashes below were computed once outside the project
(``printf '%s' '<canonical JSON>' | sha256sum``): the tests never compute the
expected hash with the code they check.
"""

import json
from pathlib import Path

from odoo.tests import TransactionCase, freeze_time, tagged

from odoo.addons.kpa_open_accounts import open_data

from .common import KpaAccountsCommon, schema_errors

# March 2025 of coop_a in KpaAccountsCommon, published on 2 April 2025, with
# the standard (English) labels.
MARCH = {
    "date_from": "2025-03-01",
    "date_to": "2025-03-31",
    "state": "published",
    "published_on": "2025-04-02",
    "revenue": "1430.00",
    "expenses": "600.00",
    "host_fee": "135.00",
    "result": "695.00",
    "lines": [
        {
            "category": "revenue.sales",
            "label": "Sales of services and goods",
            "amount": "1350.00",
        },
        {"category": "revenue.other", "label": "Other income", "amount": "80.00"},
        {
            "category": "expenses.purchases",
            "label": "Purchases and materials",
            "amount": "250.00",
        },
        {
            "category": "expenses.operating",
            "label": "Other operating expenses",
            "amount": "350.00",
        },
        {
            "category": "host_fee",
            "label": "Contribution to the host structure (host fee)",
            "amount": "135.00",
        },
    ],
    "supersedes": None,
}
MARCH_CANONICAL = (
    b'{"date_from":"2025-03-01","date_to":"2025-03-31","expenses":"600.00",'
    b'"host_fee":"135.00","lines":[{"amount":"1350.00","category":"revenue.sales",'
    b'"label":"Sales of services and goods"},{"amount":"80.00",'
    b'"category":"revenue.other","label":"Other income"},{"amount":"250.00",'
    b'"category":"expenses.purchases","label":"Purchases and materials"},'
    b'{"amount":"350.00","category":"expenses.operating",'
    b'"label":"Other operating expenses"},{"amount":"135.00","category":"host_fee",'
    b'"label":"Contribution to the host structure (host fee)"}],'
    b'"published_on":"2025-04-02","result":"695.00","revenue":"1430.00",'
    b'"state":"published","supersedes":null}'
)
MARCH_HASH = "3f660970dc320bc7351e33acafdd7884da740c6c41bf9f897eb87d36bdacc756"

# The same statement in French, superseded: characters as such (UTF-8, not
# \u-escaped) and a non-null supersedes.
MARCH_FR = {
    **MARCH,
    "state": "superseded",
    "lines": [
        {**line, "label": label}
        for line, label in zip(
            MARCH["lines"],
            (
                "Ventes de prestations et de marchandises",
                "Autres recettes",
                "Achats et fournitures",
                "Autres charges de gestion courante",
                "Contribution à la structure d'accueil (frais de portage)",
            ),
            strict=True,
        )
    ],
    "supersedes": "5f2a0c3e9f4b8d7a6c1e0b9a8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c",
}
MARCH_FR_HASH = "7dc88a90875a5223cd29c3b9bfa360124859e910063107415d114aac2482ce29"


@tagged("post_install", "-at_install")
class TestOpenDataFormat(TransactionCase):
    """The plain-Python format module: canonical bytes and content hash."""

    def test_canonical_json_golden_vector(self):
        self.assertEqual(open_data.canonical_json(MARCH), MARCH_CANONICAL)
        self.assertEqual(open_data.content_hash(MARCH), MARCH_HASH)
        # The content_hash key is left out of what is hashed.
        self.assertEqual(
            open_data.content_hash({**MARCH, "content_hash": "anything"}), MARCH_HASH
        )

    def test_utf8_characters_as_such(self):
        canonical = open_data.canonical_json(MARCH_FR)
        self.assertIn(b"structure d'accueil", canonical)
        self.assertIn("Contribution à".encode(), canonical)
        self.assertNotIn(b"\\u00e0", canonical)
        self.assertEqual(open_data.content_hash(MARCH_FR), MARCH_FR_HASH)

    def test_tampered_publications_are_found(self):
        document = {
            "publications": [
                {**MARCH, "content_hash": MARCH_HASH},
                {**MARCH_FR, "content_hash": MARCH_FR_HASH},
            ]
        }
        self.assertEqual(open_data.tampered(document), [])
        document["publications"][1]["result"] = "795.00"
        [(index, published, actual)] = open_data.tampered(document)
        self.assertEqual((index, published), (1, MARCH_FR_HASH))
        self.assertNotEqual(actual, MARCH_FR_HASH)

    def test_the_format_module_does_not_import_odoo(self):
        source = Path(open_data.__file__).read_text()
        self.assertNotRegex(source, r"(?m)^\s*(from|import)\s+odoo")


@tagged("post_install", "-at_install")
class TestOpenDataOfPublications(KpaAccountsCommon):
    """What the module publishes: the golden publication, and documents valid
    against the JSON Schema shipped with the module."""

    def test_published_statement_is_the_golden_vector(self):
        with freeze_time("2025-04-02 10:00:00"):
            publication = self._publish()
        self.assertEqual(json.loads(publication.content_json), MARCH)
        self.assertEqual(publication.content_hash, MARCH_HASH)
        [published] = self._document()["publications"]
        self.assertEqual(published, {**MARCH, "content_hash": MARCH_HASH})
        self.assertEqual(list(published), list(open_data.PUBLICATION_KEYS))

    def test_documents_follow_the_schema(self):
        with freeze_time("2025-04-02 10:00:00"):
            corrected = self._publish()
        with freeze_time("2025-04-20 10:00:00"):
            correction = self.Publication.browse(
                corrected.with_user(self.accountant).action_supersede()["res_id"]
            )
            correction.with_user(self.accountant).action_publish()
        document = self._document()
        self.assertEqual(
            [(p["state"], p["published_on"]) for p in document["publications"]],
            [("superseded", "2025-04-02"), ("published", "2025-04-20")],
        )
        self.assertEqual(
            document["publications"][1]["supersedes"],
            document["publications"][0]["content_hash"],
        )
        self.assertEqual(schema_errors(document), [])
        self.assertEqual(open_data.tampered(document), [])
        # The schema refuses what the format forbids: a float amount, a missing
        # key, a draft, an unknown key.
        first = document["publications"][0]
        for broken in (
            {**first, "revenue": 1430.0},
            {k: v for k, v in first.items() if k != "lines"},
            {**first, "state": "draft"},
            {**first, "customer": "Secret Customer SARL"},
        ):
            with self.subTest(broken=broken):
                self.assertTrue(schema_errors({**document, "publications": [broken]}))
