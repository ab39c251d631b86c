"""PostgreSQL triggers that keep published statements frozen.

Why in the database and not only in the ORM: a published statement is a
promise to the public. Its figures and lines are hashed and downloaded by
people who will check them later; changing them afterwards, by whatever path
(a raw SQL query, a low-level write that skips ``write()``, a recomputation, a
server action, a module's migration), would break that promise silently. The
ORM refuses such edits with a clear message (``kpa.accounts.publication.write``
and ``unlink``); these triggers refuse them whatever asks, administrators and
the superuser included.

What may still change once a statement is published: its move to
*superseded* (state, frozen open data, its new content hash and the
correction that supersedes it), and the fields of the chatter, which are not
columns of the statement.
"""

from odoo.tools import SQL

# Columns the database keeps frozen once a statement is published.
FROZEN_COLUMNS = (
    "cooperative_id",
    "company_id",
    "period_type",
    "date_from",
    "date_to",
    "supersedes_id",
    "revenue",
    "expenses",
    "host_fee",
    "result",
    "opening_balance",
    "closing_balance",
    "schema_version",
    "publication_number",
    "previous_id",
    "computed_date",
    "published_date",
    "published_uid",
    "published_on",
    "licence",
    "published_content_hash",
    "create_uid",
    "create_date",
)
LINE_FROZEN_COLUMNS = (
    "publication_id",
    "sequence",
    "section",
    "category",
    "label",
    "amount",
)

PUBLICATION_TRIGGER = """
CREATE OR REPLACE FUNCTION kpa_accounts_publication_frozen() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.state <> 'draft' THEN
            RAISE EXCEPTION USING MESSAGE = 'kpa.accounts.publication ' || OLD.id
                || ': a published statement cannot be deleted';
        END IF;
        RETURN OLD;
    END IF;
    IF OLD.state = 'draft' THEN
        RETURN NEW;
    END IF;
    IF (%(old_frozen)s) IS DISTINCT FROM (%(new_frozen)s)
        OR NOT (
            (NEW.state = OLD.state
             AND NEW.content_hash IS NOT DISTINCT FROM OLD.content_hash
             AND NEW.content_json IS NOT DISTINCT FROM OLD.content_json
             AND NEW.superseded_by_id IS NOT DISTINCT FROM OLD.superseded_by_id)
            OR (OLD.state = 'published' AND NEW.state = 'superseded'
                AND NEW.superseded_by_id IS NOT NULL)
        )
    THEN
        RAISE EXCEPTION USING MESSAGE = 'kpa.accounts.publication ' || OLD.id
            || ': a published statement cannot be edited';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS kpa_accounts_publication_frozen ON kpa_accounts_publication;
CREATE TRIGGER kpa_accounts_publication_frozen
    BEFORE UPDATE OR DELETE ON kpa_accounts_publication
    FOR EACH ROW EXECUTE FUNCTION kpa_accounts_publication_frozen();
"""

LINE_TRIGGER = """
CREATE OR REPLACE FUNCTION kpa_accounts_publication_line_frozen() RETURNS trigger
AS $$
DECLARE
    parent_state varchar;
BEGIN
    IF TG_OP = 'UPDATE'
        AND (%(line_old)s) IS NOT DISTINCT FROM (%(line_new)s) THEN
        RETURN NEW;
    END IF;
    SELECT state INTO parent_state FROM kpa_accounts_publication
     WHERE id = CASE WHEN TG_OP = 'INSERT' THEN NEW.publication_id
                     ELSE OLD.publication_id END;
    IF parent_state IS NOT NULL AND parent_state <> 'draft' THEN
        RAISE EXCEPTION 'kpa.accounts.publication.line: the lines of a published '
            'statement cannot change';
    END IF;
    IF TG_OP = 'UPDATE' AND NEW.publication_id <> OLD.publication_id THEN
        SELECT state INTO parent_state FROM kpa_accounts_publication
         WHERE id = NEW.publication_id;
        IF parent_state IS NOT NULL AND parent_state <> 'draft' THEN
            RAISE EXCEPTION 'kpa.accounts.publication.line: the lines of a '
                'published statement cannot change';
        END IF;
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS kpa_accounts_publication_line_frozen
    ON kpa_accounts_publication_line;
CREATE TRIGGER kpa_accounts_publication_line_frozen
    BEFORE INSERT OR UPDATE OR DELETE ON kpa_accounts_publication_line
    FOR EACH ROW EXECUTE FUNCTION kpa_accounts_publication_line_frozen();
"""


def _columns(row, columns):
    return SQL(", ").join(SQL.identifier(row, column) for column in columns)


def install_publication_trigger(cr):
    """Freeze the columns of published statements (table
    kpa_accounts_publication must exist)."""
    cr.execute(
        SQL(
            PUBLICATION_TRIGGER,
            old_frozen=_columns("old", FROZEN_COLUMNS),
            new_frozen=_columns("new", FROZEN_COLUMNS),
        )
    )


def install_line_trigger(cr):
    """Freeze the lines of published statements (table
    kpa_accounts_publication_line must exist)."""
    cr.execute(
        SQL(
            LINE_TRIGGER,
            line_old=_columns("old", LINE_FROZEN_COLUMNS),
            line_new=_columns("new", LINE_FROZEN_COLUMNS),
        )
    )
