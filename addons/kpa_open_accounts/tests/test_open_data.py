"""The open-data format, against fixed vectors written here by hand.

The expected bytes and hashes below were computed once outside the project
(``printf '%s' '<canonical JSON>' | sha256sum``): the tests never compute the
expected hash with the code they check. Both versions of the format have
their vectors: version 1 (the first publications, which keep verifying as
they are) and version 2 (balances, schema_version and previous_hash).
"""

import json
from datetime import date
from pathlib import Path

from odoo.tests import TransactionCase, freeze_time, tagged

from odoo.addons.kpa_open_accounts import open_data

from .common import KpaAccountsCommon, schema_errors

# === VERSION 1 === #

# March 2025 of coop_a in KpaAccountsCommon, published on 2 April 2025 in
# version 1, with the standard (English) labels.
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

# === VERSION 2 === #

# The same March as the module publishes it now: version 2, with the balance
# at the host (February left 500 − 90 − 50 = 360; 360 + 695 = 1055) and no
# previous publication.
MARCH_V2 = {
    "schema_version": 2,
    **{key: value for key, value in MARCH.items() if key != "supersedes"},
    "opening_balance": "360.00",
    "closing_balance": "1055.00",
    "supersedes": None,
    "previous_hash": None,
}
MARCH_V2_CANONICAL = (
    b'{"closing_balance":"1055.00","date_from":"2025-03-01","date_to":"2025-03-31",'
    b'"expenses":"600.00","host_fee":"135.00","lines":[{"amount":"1350.00",'
    b'"category":"revenue.sales","label":"Sales of services and goods"},'
    b'{"amount":"80.00","category":"revenue.other","label":"Other income"},'
    b'{"amount":"250.00","category":"expenses.purchases",'
    b'"label":"Purchases and materials"},{"amount":"350.00",'
    b'"category":"expenses.operating","label":"Other operating expenses"},'
    b'{"amount":"135.00","category":"host_fee",'
    b'"label":"Contribution to the host structure (host fee)"}],'
    b'"opening_balance":"360.00","previous_hash":null,"published_on":"2025-04-02",'
    b'"result":"695.00","revenue":"1430.00","schema_version":2,"state":"published",'
    b'"supersedes":null}'
)
MARCH_V2_HASH = "aeaa6cd48ea0982684205b7a3edba3bee9910b8a504513c754e8b5353799032c"

# A chain: March published in version 1 (MARCH), then April and May in
# version 2, each carrying the fingerprint of the one before.
APRIL_V2 = {
    "schema_version": 2,
    "date_from": "2025-04-01",
    "date_to": "2025-04-30",
    "state": "published",
    "published_on": "2025-05-02",
    "opening_balance": "1055.00",
    "revenue": "700.00",
    "expenses": "0.00",
    "host_fee": "70.00",
    "result": "630.00",
    "closing_balance": "1685.00",
    "lines": [
        {
            "category": "revenue.sales",
            "label": "Sales of services and goods",
            "amount": "700.00",
        },
        {
            "category": "host_fee",
            "label": "Contribution to the host structure (host fee)",
            "amount": "70.00",
        },
    ],
    "supersedes": None,
    "previous_hash": MARCH_HASH,
}
APRIL_V2_HASH = "a62e5aa5f2c01b263fccd749dce2810c8141242a41887d261947427d584ecc45"
# April once superseded: a new content hash, the same fingerprint at
# publication.
APRIL_V2_SUPERSEDED_HASH = (
    "bcb309cdf4b40f11c31f9858316004d227776c2d4afc09e34a725e89978d248c"
)
MAY_V2 = {
    "schema_version": 2,
    "date_from": "2025-05-01",
    "date_to": "2025-05-31",
    "state": "published",
    "published_on": "2025-06-02",
    "opening_balance": "1685.00",
    "revenue": "0.00",
    "expenses": "0.00",
    "host_fee": "0.00",
    "result": "0.00",
    "closing_balance": "1685.00",
    "lines": [],
    "supersedes": None,
    "previous_hash": APRIL_V2_HASH,
}
MAY_V2_HASH = "6513d06df5b4abc7026607ec15b13d59c3ca39faae0fc078d1033bf5797e1de3"


def chain_document():
    """accounts.json of the chain above, in the order of publication."""
    return {
        "publications": [
            {**MARCH, "content_hash": MARCH_HASH},
            {**APRIL_V2, "content_hash": APRIL_V2_HASH},
            {**MAY_V2, "content_hash": MAY_V2_HASH},
        ]
    }


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

    def test_version_2_golden_vector(self):
        self.assertEqual(open_data.canonical_json(MARCH_V2), MARCH_V2_CANONICAL)
        self.assertEqual(open_data.content_hash(MARCH_V2), MARCH_V2_HASH)
        self.assertEqual(open_data.schema_version(MARCH_V2), 2)
        self.assertEqual(open_data.schema_version(MARCH), 1)
        self.assertEqual(open_data.content_hash(APRIL_V2), APRIL_V2_HASH)
        self.assertEqual(open_data.content_hash(MAY_V2), MAY_V2_HASH)
        # Each version keeps its keys in its own order.
        self.assertEqual(
            list(open_data.ordered({**MARCH, "content_hash": MARCH_HASH})),
            list(open_data.PUBLICATION_KEYS_V1),
        )
        self.assertEqual(
            list(open_data.ordered({**MAY_V2, "content_hash": MAY_V2_HASH})),
            list(open_data.PUBLICATION_KEYS_V2),
        )

    def test_published_hash_ignores_the_superseded_state(self):
        superseded = {
            **APRIL_V2,
            "state": "superseded",
            "content_hash": APRIL_V2_SUPERSEDED_HASH,
        }
        self.assertEqual(open_data.content_hash(superseded), APRIL_V2_SUPERSEDED_HASH)
        self.assertEqual(open_data.published_hash(superseded), APRIL_V2_HASH)
        self.assertEqual(
            open_data.published_hash(MARCH_FR),
            open_data.content_hash({**MARCH_FR, "state": "published"}),
        )
        # The chain still holds once April is superseded.
        document = chain_document()
        document["publications"][1] = superseded
        self.assertEqual(open_data.tampered(document), [])
        self.assertEqual(open_data.broken_chain(document), [])

    def test_chain_finds_removed_and_moved_publications(self):
        self.assertEqual(open_data.tampered(chain_document()), [])
        self.assertEqual(open_data.broken_chain(chain_document()), [])
        march, april, may = chain_document()["publications"]
        for publications, broken in (
            # April removed: May does not follow March.
            ([march, may], [(1, APRIL_V2_HASH, MARCH_HASH)]),
            # March removed: April follows a publication that is not there.
            ([april, may], [(0, MARCH_HASH, None)]),
            # April and May swapped.
            (
                [march, may, april],
                [(1, APRIL_V2_HASH, MARCH_HASH), (2, MARCH_HASH, MAY_V2_HASH)],
            ),
            # A version-1 publication listed after the chain started.
            ([march, april, may, march], [(3, None, MAY_V2_HASH)]),
            # May listed twice.
            ([march, april, may, may], [(3, APRIL_V2_HASH, MAY_V2_HASH)]),
        ):
            with self.subTest(publications=[p["date_from"] for p in publications]):
                document = {"publications": publications}
                self.assertEqual(open_data.tampered(document), [])
                self.assertEqual(open_data.broken_chain(document), broken)
        # Publications before the first of version 2 are not chained, and
        # the last ones can be removed unseen: their fingerprint, noted
        # earlier, is what shows it.
        self.assertEqual(open_data.broken_chain({"publications": [march]}), [])
        self.assertEqual(open_data.broken_chain({"publications": [march, april]}), [])

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
        self.assertEqual(json.loads(publication.content_json), MARCH_V2)
        self.assertEqual(publication.content_hash, MARCH_V2_HASH)
        [published] = self._document()["publications"]
        self.assertEqual(published, {**MARCH_V2, "content_hash": MARCH_V2_HASH})
        self.assertEqual(list(published), list(open_data.PUBLICATION_KEYS_V2))
        self.assertEqual(publication.schema_version, 2)
        self.assertEqual(publication.publication_number, 1)
        self.assertFalse(publication.previous_id)

    def test_version_1_publications_keep_verifying(self):
        """A statement published in version 1, before the balances, is served
        as it was frozen; the next publication chains to it, and superseding
        it changes its state only."""
        with freeze_time("2025-04-02 10:00:00"):
            march = self._publish_version_1()
        self.assertEqual(march.content_hash, MARCH_HASH)
        with freeze_time("2025-05-02 10:00:00"):
            april = self._publish(period=(date(2025, 4, 1), date(2025, 4, 30)))
        self.assertEqual(april.previous_id, march)
        self.assertEqual(april.publication_number, 2)
        document = self._document()
        self.assertEqual(
            document["publications"],
            [
                {**MARCH, "content_hash": MARCH_HASH},
                {**APRIL_V2, "content_hash": APRIL_V2_HASH},
            ],
        )
        self.assertEqual(schema_errors(document), [])
        self.assertEqual(open_data.broken_chain(document), [])
        # March corrected: the correction is version 2 and follows April; the
        # superseded March stays version 1, and the chain still holds.
        with freeze_time("2025-05-20 10:00:00"):
            correction = self._publish(supersedes_id=march.id)
        self.assertEqual(correction.previous_id, april)
        document = self._document()
        first, second, third = document["publications"]
        self.assertEqual(
            first,
            {**MARCH, "state": "superseded", "content_hash": first["content_hash"]},
        )
        self.assertEqual(open_data.published_hash(first), MARCH_HASH)
        self.assertEqual(second["content_hash"], APRIL_V2_HASH)
        self.assertEqual(
            (third["schema_version"], third["supersedes"], third["previous_hash"]),
            (2, first["content_hash"], APRIL_V2_HASH),
        )
        self.assertEqual(schema_errors(document), [])
        self.assertEqual(open_data.tampered(document), [])
        self.assertEqual(open_data.broken_chain(document), [])

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
        version_1 = {key: first[key] for key in open_data.PUBLICATION_KEYS_V1}
        self.assertEqual(schema_errors({**document, "publications": [version_1]}), [])
        for broken in (
            {**first, "revenue": 1430.0},
            {k: v for k, v in first.items() if k != "lines"},
            {**first, "state": "draft"},
            {**first, "customer": "Secret Customer SARL"},
            # Version 2 without its chain, with a float balance, or another
            # version number; version 1 with a key of version 2.
            {k: v for k, v in first.items() if k != "previous_hash"},
            {**first, "closing_balance": 1055.0},
            {**first, "schema_version": 3},
            {**version_1, "closing_balance": first["closing_balance"]},
        ):
            with self.subTest(broken=broken):
                self.assertTrue(schema_errors({**document, "publications": [broken]}))
