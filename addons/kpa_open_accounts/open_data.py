"""The open-data format of the published accounts: canonical JSON and the
content hash.

Plain Python, without Odoo: what a verifier outside Odoo needs, and what the
add-on uses to freeze a publication. The format is documented in
``static/schema/accounts.schema.json`` (JSON Schema) and in the module's
readme (*Open data*).

A publication object is the statement of one period of one cooperative, as
``accounts.json`` lists it::

    {"date_from", "date_to", "state", "published_on", "revenue", "expenses",
     "host_fee", "result", "lines": [{"category", "label", "amount"}],
     "content_hash", "supersedes"}

Its ``content_hash`` is the SHA-256 (lowercase hex) of the object without its
``content_hash`` key, serialised by :func:`canonical_json`.
"""

import hashlib
import json

# Keys of a publication object, in the order of the schema (and of
# accounts.json).
PUBLICATION_KEYS = (
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


def ordered(publication):
    """The publication object with its keys in the order of the schema."""
    return {key: publication[key] for key in PUBLICATION_KEYS if key in publication}


def tampered(document):
    """The publications of an accounts.json document whose content_hash does
    not match their content: [(index, published content_hash, actual hash)]."""
    return [
        (index, publication.get("content_hash"), content_hash(publication))
        for index, publication in enumerate(document.get("publications", []))
        if publication.get("content_hash") != content_hash(publication)
    ]
