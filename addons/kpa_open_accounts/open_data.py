"""The open-data format of the published accounts: canonical JSON, the
content hash and the chain of publications.

Plain Python, without Odoo: what a verifier outside Odoo needs, and what the
add-on uses to freeze a publication. The format is documented in
``static/schema/accounts.schema.json`` (JSON Schema) and in the module's
readme (*Open data*).

A publication object is the statement of one period of one cooperative, as
``accounts.json`` lists it. Two versions exist; a publication keeps for ever
the version it was published in (its hash covers its keys).

Version 1 (no ``schema_version`` key)::

    {"date_from", "date_to", "state", "published_on", "revenue", "expenses",
     "host_fee", "result", "lines": [{"category", "label", "amount"}],
     "content_hash", "supersedes"}

Version 2 adds the cooperative's balance at the host and the chain::

    {"schema_version": 2, ..., "opening_balance", "revenue", "expenses",
     "host_fee", "result", "closing_balance", "lines", "content_hash",
     "supersedes", "previous_hash"}

Its ``content_hash`` is the SHA-256 (lowercase hex) of the object without its
``content_hash`` key, serialised by :func:`canonical_json`. In version 2,
``previous_hash`` is the :func:`published_hash` of the publication of the
cooperative published just before it (``null`` for its first publication):
``accounts.json`` lists publications in the order they were published, so
that each one vouches for all those before it (:func:`broken_chain`).
"""

import hashlib
import json

# The version of the publications published from now on.
SCHEMA_VERSION = 2
# Keys of a publication object, in the order of the schema (and of
# accounts.json), by version.
PUBLICATION_KEYS_V1 = (
    "date_from",
    "date_to",
    "state",
    "published_on",
    "revenue",
    "expenses",
    "host_fee",
    "result",
    "lines",
    "content_hash",
    "supersedes",
)
PUBLICATION_KEYS_V2 = (
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
)
PUBLICATION_KEYS = {1: PUBLICATION_KEYS_V1, 2: PUBLICATION_KEYS_V2}
# States a published object may have: a correction marks the corrected one
# "superseded" (which changes its hash, the state being part of it).
PUBLIC_STATES = ("published", "superseded")


def canonical_json(value):
    """The bytes the content hash is computed on: JSON with sorted keys, the
    separators "," and ":", characters as such (not escaped), UTF-8."""
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False
    ).encode("utf-8")


def content_hash(publication):
    """SHA-256 (hex) of a publication object without its content_hash key."""
    unhashed = {
        key: value for key, value in publication.items() if key != "content_hash"
    }
    return hashlib.sha256(canonical_json(unhashed)).hexdigest()


def published_hash(publication):
    """The content hash the publication had when it was published: the same
    with "published" as its state (a superseded statement changed only its
    state). It is what ``previous_hash`` refers to."""
    return content_hash({**publication, "state": "published"})


def schema_version(publication):
    """The version of a publication object (1 when it does not say)."""
    return publication.get("schema_version", 1)


def ordered(publication):
    """The publication object with its keys in the order of its version."""
    keys = PUBLICATION_KEYS.get(schema_version(publication), PUBLICATION_KEYS_V2)
    return {key: publication[key] for key in keys if key in publication}


def tampered(document):
    """The publications of an accounts.json document whose content_hash does
    not match their content: [(index, published content_hash, actual hash)]."""
    return [
        (index, publication.get("content_hash"), content_hash(publication))
        for index, publication in enumerate(document.get("publications", []))
        if publication.get("content_hash") != content_hash(publication)
    ]


def broken_chain(document):
    """The publications of an accounts.json document that do not follow the
    one listed before them: [(index, previous_hash, expected)], where
    ``expected`` is the published hash of the publication before (None for
    the first one).

    From its first version-2 publication on, each publication carries the
    published hash of the one listed just before it: a publication removed,
    inserted or moved shows here, as does a version-1 publication listed after
    a version-2 one (``previous_hash`` is then None). Publications listed
    before the first version-2 one are not chained. Removing the last ones
    leaves a valid chain: compare the last fingerprint with one you noted
    (the page shows it, and every later publication vouches for it).
    """
    broken = []
    chained = False
    expected = None
    for index, publication in enumerate(document.get("publications", [])):
        chained = chained or "previous_hash" in publication
        if chained and publication.get("previous_hash") != expected:
            broken.append((index, publication.get("previous_hash"), expected))
        expected = published_hash(publication)
    return broken
