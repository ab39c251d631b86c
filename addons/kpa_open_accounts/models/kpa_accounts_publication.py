import hashlib
import json
from collections import defaultdict
from datetime import timedelta

import babel.dates
from dateutil.relativedelta import relativedelta

from odoo import Command, api, fields, models, tools
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL, date_utils, float_is_zero, float_repr
from odoo.tools.misc import (
    babel_locale_parse,
    format_date,
    format_datetime,
    get_lang,
)

# Keys of a publication object in the open data (DESIGN.md §3), in schema order.
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
SECTIONS = ("revenue", "expenses", "host_fee")
# Where a category without a standard label goes in its section.
SECTION_SEQUENCES = {"revenue": 50, "expenses": 195, "host_fee": 300}
# Fields a user may give a draft; everything else is computed from the books
# or set by Publish.
EDITABLE_FIELDS = {
    "cooperative_id",
    "company_id",
    "period_type",
    "date_from",
    "date_to",
    "supersedes_id",
}
# Fields whose change makes a draft's figures out of date.
STATEMENT_INPUTS = {"cooperative_id", "period_type", "date_from", "date_to"}
# Columns the database itself keeps frozen once a statement is published; the
# move to superseded may change only state, content_json, content_hash and
# superseded_by_id.
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


def canonical_json(value):
    """The serialisation the content hash is computed on (DESIGN.md §3):
    sorted keys, "," and ":" separators, characters as such, UTF-8."""
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False
    ).encode("utf-8")


def content_hash(publication_object):
    """SHA-256 (hex) of a publication object without its content_hash key."""
    unhashed = {k: v for k, v in publication_object.items() if k != "content_hash"}
    return hashlib.sha256(canonical_json(unhashed)).hexdigest()


class KpaAccountsPublication(models.Model):
    _name = "kpa.accounts.publication"
    _description = "Accounts publication of a cooperative"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date_from desc, id desc"
    _check_company_auto = True

    cooperative_id = fields.Many2one(
        "kpa.cooperative",
        string="Cooperative",
        required=True,
        index=True,
        tracking=True,
        ondelete="restrict",
        check_company=True,
        domain="[('company_id', '=', company_id)]",
    )
    company_id = fields.Many2one(
        "res.company",
        string="Host structure",
        required=True,
        index=True,
        ondelete="restrict",
        default=lambda self: self.env.company,
        help="The host structure whose books the statement comes from.",
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    period_type = fields.Selection(
        [
            ("month", "Month"),
            ("quarter", "Quarter"),
            ("year", "Fiscal year"),
            ("custom", "Custom"),
        ],
        string="Period",
        required=True,
        default="month",
    )
    date_from = fields.Date(
        string="From",
        required=True,
        tracking=True,
        default=lambda self: date_utils.start_of(
            fields.Date.context_today(self) - relativedelta(months=1), "month"
        ),
    )
    date_to = fields.Date(
        string="To",
        required=True,
        tracking=True,
        compute="_compute_date_to",
        store=True,
        readonly=False,
        precompute=True,
    )
    period_label = fields.Char(string="Period label", compute="_compute_period_label")
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("published", "Published"),
            ("superseded", "Superseded"),
        ],
        required=True,
        default="draft",
        index=True,
        tracking=True,
        copy=False,
        readonly=True,
    )
    revenue = fields.Monetary(readonly=True, copy=False)
    expenses = fields.Monetary(readonly=True, copy=False)
    host_fee = fields.Monetary(
        readonly=True,
        copy=False,
        help="Contribution to the host structure (frais de portage).",
    )
    result = fields.Monetary(
        readonly=True, copy=False, help="Revenue minus expenses minus host fee."
    )
    line_ids = fields.One2many(
        "kpa.accounts.publication.line",
        "publication_id",
        string="Lines",
        readonly=True,
        copy=False,
    )
    computed_date = fields.Datetime(
        string="Computed on",
        readonly=True,
        copy=False,
        help="When the figures were last computed from the books.",
    )
    supersedes_id = fields.Many2one(
        "kpa.accounts.publication",
        string="Corrects",
        index="btree_not_null",
        ondelete="restrict",
        copy=False,
        check_company=True,
        domain="[('cooperative_id', '=', cooperative_id), ('state', '=', 'published')]",
        help="The published statement this one corrects: publishing this one marks "
        "it superseded; both stay public.",
    )
    superseded_by_id = fields.Many2one(
        "kpa.accounts.publication",
        string="Superseded by",
        readonly=True,
        copy=False,
        ondelete="restrict",
    )
    published_date = fields.Datetime(string="Published on", readonly=True, copy=False)
    published_on = fields.Date(string="Publication date", readonly=True, copy=False)
    published_uid = fields.Many2one(
        "res.users",
        string="Published by",
        readonly=True,
        copy=False,
        ondelete="restrict",
    )
    licence = fields.Char(
        readonly=True,
        copy=False,
        help="Licence of the published figures, from the cooperative at publication.",
    )
    content_json = fields.Text(
        string="Open data",
        readonly=True,
        copy=False,
        help="The publication object of the open data, serialised as its content "
        "hash is computed.",
    )
    content_hash = fields.Char(
        string="Fingerprint (SHA-256)",
        readonly=True,
        copy=False,
        help="SHA-256 of the publication object of accounts.json without its "
        "content_hash key, serialised with sorted keys, separators ',' and ':' and "
        "UTF-8.",
    )
    published_content_hash = fields.Char(
        string="Fingerprint at publication",
        readonly=True,
        copy=False,
        help="The fingerprint the statement had when it was published. A superseded "
        "statement gets a new one, since its state is part of what is hashed.",
    )
    website_url = fields.Char(compute="_compute_website_url")

    # === COMPUTE METHODS === #

    @api.depends("date_from", "period_type", "company_id")
    def _compute_date_to(self):
        for publication in self:
            start = publication.date_from
            if not start:
                continue
            if publication.period_type == "month":
                publication.date_to = date_utils.end_of(start, "month")
            elif publication.period_type == "quarter":
                publication.date_to = date_utils.end_of(start, "quarter")
            elif publication.period_type == "year":
                company = publication.company_id or self.env.company
                publication.date_to = company.compute_fiscalyear_dates(start)["date_to"]
            elif not publication.date_to:
                publication.date_to = date_utils.end_of(start, "month")

    @api.depends("date_from", "date_to")
    @api.depends_context("lang")
    def _compute_period_label(self):
        label = self._period_labeler()
        for publication in self:
            publication.period_label = label(publication.date_from, publication.date_to)

    @api.depends("cooperative_id", "period_label")
    def _compute_display_name(self):
        for publication in self:
            publication.display_name = self.env._(
                "%(cooperative)s · %(period)s",
                cooperative=publication.cooperative_id.name or "",
                period=publication.period_label or "",
            )

    def _compute_website_url(self):
        for publication in self:
            publication.website_url = (
                f"/cooperatives/{publication.cooperative_id.slug}/accounts"
                f"#publication-{publication.id}"
                if publication.state != "draft"
                else False
            )

    # === CONSTRAINT METHODS === #

    @api.constrains("date_from", "date_to")
    def _check_period(self):
        for publication in self:
            if publication.date_to < publication.date_from:
                raise ValidationError(
                    self.env._(
                        "The period of the statement of %(cooperative)s ends on "
                        "%(date_to)s, before it starts on %(date_from)s: give an end "
                        "date on or after the start date.",
                        cooperative=publication.cooperative_id.name,
                        date_to=format_date(self.env, publication.date_to),
                        date_from=format_date(self.env, publication.date_from),
                    )
                )

    @api.constrains("cooperative_id", "company_id")
    def _check_cooperative_company(self):
        for publication in self:
            cooperative = publication.cooperative_id.sudo()
            if cooperative.company_id != publication.company_id:
                raise ValidationError(
                    self.env._(
                        "%(cooperative)s is hosted by %(host)s, not by %(company)s: "
                        "its accounts come from the books of %(host)s; switch to "
                        "that host structure to prepare them.",
                        cooperative=cooperative.name,
                        host=cooperative.company_id.name,
                        company=publication.company_id.name,
                    )
                )

    @api.constrains("supersedes_id", "cooperative_id")
    def _check_supersedes(self):
        for publication in self.filtered("supersedes_id"):
            corrected = publication.supersedes_id
            if corrected == publication or corrected.cooperative_id != (
                publication.cooperative_id
            ):
                raise ValidationError(
                    self.env._(
                        "A statement of %(cooperative)s can only correct another "
                        "published statement of %(cooperative)s.",
                        cooperative=publication.cooperative_id.name,
                    )
                )

    @api.constrains("state", "date_from", "date_to", "cooperative_id")
    def _check_no_overlap(self):
        published = self.filtered(lambda p: p.state == "published")
        if not published:
            return
        overlaps = published._overlapping_published()
        if overlaps:
            publication, other = overlaps[0]
            raise ValidationError(self._overlap_message(publication, other))

    # === CRUD METHODS === #

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_editable_fields(vals)
        # Defaults from the context never set what the books or Publish set.
        allowed = EDITABLE_FIELDS | self._free_fields()
        context = {
            key: value
            for key, value in self.env.context.items()
            if not key.startswith("default_") or key[8:] in allowed
        }
        publications = super(
            KpaAccountsPublication, self.with_env(self.env(context=context))
        ).create(vals_list)
        publications._store_statements()
        return publications.with_env(self.env)

    def write(self, vals):
        changed = set(vals) - self._free_fields()
        if changed:
            frozen = self.filtered(lambda p: p.state != "draft")
            if frozen:
                raise UserError(self._frozen_message(frozen[0]))
            self._check_editable_fields(vals)
        res = super().write(vals)
        if changed & STATEMENT_INPUTS:
            self._store_statements()
        return res

    @api.ondelete(at_uninstall=False)
    def _unlink_except_published(self):
        frozen = self.filtered(lambda p: p.state != "draft")
        if frozen:
            raise UserError(self._frozen_message(frozen[0]))

    def init(self):
        """The database keeps published statements frozen too, whatever path
        (SQL, low-level write, recomputation) tries to change them."""
        old_frozen = SQL(", ").join(
            SQL.identifier("old", column) for column in FROZEN_COLUMNS
        )
        new_frozen = SQL(", ").join(
            SQL.identifier("new", column) for column in FROZEN_COLUMNS
        )
        self.env.cr.execute(
            SQL(
                """
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

                """,
                old_frozen=old_frozen,
                new_frozen=new_frozen,
            )
        )

    # === ACTION METHODS === #

    def action_compute(self):
        """Compute the draft statements again from the posted books."""
        self.check_access("write")
        self._check_drafts()
        self._store_statements()
        return True

    def action_publish(self):
        """Freeze the figures, hash them and make them public."""
        self.check_access("write")
        self._check_drafts()
        self._lock_cooperatives()
        today = fields.Date.context_today(self)
        for publication in self:
            if publication.date_to >= today:
                raise UserError(
                    self.env._(
                        "The period of %(publication)s ends on %(date_to)s: publish "
                        "its accounts once it is over.",
                        publication=publication.display_name,
                        date_to=format_date(self.env, publication.date_to),
                    )
                )
        self._check_up_to_date()
        corrected = self.supersedes_id
        for publication in self.filtered("supersedes_id"):
            if publication.supersedes_id.state != "published":
                raise UserError(
                    self.env._(
                        "%(corrected)s is already superseded by %(by)s: correct "
                        "%(by)s instead.",
                        corrected=publication.supersedes_id.display_name,
                        by=publication.supersedes_id.superseded_by_id.display_name,
                    )
                )
        if len(corrected) != len(self.filtered("supersedes_id")):
            raise UserError(
                self.env._("Two corrections of the same statement cannot be published.")
            )
        overlaps = self._overlapping_published(ignore=corrected)
        if overlaps:
            raise ValidationError(self._overlap_message(*overlaps[0]))
        now = fields.Datetime.now()
        for publication in self:
            if publication.supersedes_id:
                publication.supersedes_id._mark_superseded(publication)
            cooperative = publication.cooperative_id.sudo()
            vals = {
                "state": "published",
                "published_date": now,
                "published_on": today,
                "published_uid": self.env.uid,
                "licence": cooperative.licence or False,
            }
            payload = publication._publication_object(
                state="published",
                published_on=today,
                supersedes=publication.supersedes_id.content_hash or None,
            )
            digest = content_hash(payload)
            vals.update(
                content_json=canonical_json(payload).decode(),
                content_hash=digest,
                published_content_hash=digest,
            )
            publication._write_unchecked(vals)
        self.flush_recordset()
        for publication in self:
            publication.message_post(
                body=self.env._(
                    "Published. Fingerprint (SHA-256): %(hash)s",
                    hash=publication.content_hash,
                )
            )
        self.activity_ids.action_feedback(
            feedback=self.env._("The statement is published.")
        )
        return True

    def action_supersede(self):
        """Prepare a correction: a new draft that will supersede this statement."""
        self.ensure_one()
        self.check_access("write")
        if self.state != "published":
            raise UserError(
                self.env._(
                    "Only a published statement can be corrected; %(publication)s "
                    "is %(state)s.",
                    publication=self.display_name,
                    state=dict(self._fields["state"]._description_selection(self.env))[
                        self.state
                    ].lower(),
                )
            )
        correction = self.search(
            [("supersedes_id", "=", self.id), ("state", "=", "draft")], limit=1
        ) or self.create(
            {
                "cooperative_id": self.cooperative_id.id,
                "company_id": self.company_id.id,
                "period_type": self.period_type,
                "date_from": self.date_from,
                "date_to": self.date_to,
                "supersedes_id": self.id,
            }
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": correction.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }

    def action_view_website(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_url",
            "url": f"/cooperatives/{self.cooperative_id.slug}/accounts",
            "target": "new",
        }

    # === BUSINESS METHODS: STATEMENT === #

    def _compute_statements(self):
        """{publication: statement} from the posted books, one grouped query
        per distinct period (whatever the number of cooperatives).

        A statement is a dict with ``revenue``, ``expenses``, ``host_fee``,
        ``result`` (rounded floats) and ``lines``, a list of dicts with
        ``section``, ``category``, ``label`` and ``amount``, in display order.
        """
        column = self._cooperatives_column()
        Line = self.env["account.analytic.line"].sudo()
        groupby = [column, *self._statement_groupby()]
        periods = defaultdict(lambda: self.browse())
        for publication in self:
            periods[publication.date_from, publication.date_to] |= publication
        statements = {}
        for (date_from, date_to), publications in periods.items():
            accounts = publications.cooperative_id.sudo().analytic_account_id
            groups = defaultdict(list)
            for account, *keys, amount in Line._read_group(
                self._statement_domain(column, accounts, date_from, date_to),
                groupby,
                ["amount:sum"],
            ):
                groups[account].append(
                    (dict(zip(groupby[1:], keys, strict=True)), amount)
                )
            for publication in publications:
                account = publication.cooperative_id.sudo().analytic_account_id
                statements[publication] = publication._build_statement(
                    groups.get(account, [])
                )
        return statements

    @api.model
    def _statement_domain(self, column, accounts, date_from, date_to):
        """The cooperative's posted books over the period. Analytic items exist
        for posted entries only; the state is checked all the same, against the
        few entries that are not posted (a small set, whatever the books' size)."""
        return [
            (column, "in", accounts.ids),
            ("date", ">=", date_from),
            ("date", "<=", date_to),
            ("move_line_id", "not any", [("parent_state", "!=", "posted")]),
            ("kpa_host_fee_move_id", "not any", [("state", "!=", "posted")]),
        ]

    @api.model
    def _statement_groupby(self):
        """What the books are grouped by (after the cooperative's account).

        Extension hook: add a field (e.g. ``product_id``) to break revenue down
        further, and read it in :meth:`_statement_classify`.
        """
        return ["category", "general_account_id"]

    def _statement_classify(self, group, amount):
        """(section, category, label) of one group of the books.

        ``group`` maps each field of :meth:`_statement_groupby` to its value;
        ``amount`` is its analytic balance. ``section`` is revenue, expenses or
        host_fee; ``category`` a stable code of the open data; ``label`` None
        for the standard label of the category. Extension hook, e.g. to show
        revenue by activity: return ``("revenue", "revenue.activity.<key>",
        <activity name in self._publication_lang()>)``. Labels are published:
        they never name a person or a company.
        """
        category = group["category"]
        account = group["general_account_id"]
        if category == "kpa_host_fee":
            return ("host_fee", "host_fee", None)
        if category == "invoice":
            section = "revenue"
        elif category == "vendor_bill":
            section = "expenses"
        elif account and account.internal_group == "income":
            section = "revenue"
        elif account and account.internal_group == "expense":
            section = "expenses"
        else:
            section = "revenue" if amount > 0 else "expenses"
        return (section, self._account_category(account, section), None)

    def _account_category(self, account, section):
        """The category of a general account, in words a member understands:
        by the first digits of the code for the French chart of accounts, by
        the account type for the others."""
        chart = self.company_id.chart_template or ""
        code = account.code or ""
        if chart.startswith("fr") and code[:1] in ("6", "7"):
            by_prefix = FRENCH_CATEGORIES.get(code[:2])
            if by_prefix and by_prefix.startswith(section):
                return by_prefix
        elif account:
            by_type = TYPE_CATEGORIES.get(account.account_type)
            if by_type and by_type.startswith(section):
                return by_type
        return f"{section}.other"

    def _category_label(self, code):
        """(label, sequence) of a category code, in the host's language."""
        labels = self.with_context(lang=self._publication_lang())._category_labels()
        return labels.get(code, (code, 500))

    def _category_labels(self):
        _ = self.env._
        return {
            "revenue.sales": (_("Sales of services and goods"), 10),
            "revenue.grants": (_("Operating grants"), 20),
            "revenue.other": (_("Other income"), 90),
            "expenses.purchases": (_("Purchases and materials"), 110),
            "expenses.external_services": (_("External services"), 120),
            "expenses.taxes": (_("Taxes and duties"), 130),
            "expenses.staff": (_("Staff costs"), 140),
            "expenses.operating": (_("Other operating expenses"), 150),
            "expenses.financial": (_("Financial expenses"), 160),
            "expenses.exceptional": (_("Exceptional expenses"), 170),
            "expenses.depreciation": (_("Depreciation and provisions"), 180),
            "expenses.other": (_("Other expenses"), 190),
            "host_fee": (_("Contribution to the host structure (host fee)"), 300),
        }

    def _build_statement(self, groups):
        """Turn grouped balances into a statement (see _compute_statements)."""
        self.ensure_one()
        labels = self.with_context(lang=self._publication_lang())._category_labels()
        currency = self.company_id.currency_id
        lines = {}
        for group, amount in groups:
            section, category, label = self._statement_classify(group, amount)
            standard_label, sequence = labels.get(
                category, (category, SECTION_SEQUENCES[section])
            )
            line = lines.setdefault(
                category,
                {
                    "section": section,
                    "category": category,
                    "label": label or standard_label,
                    "sequence": sequence,
                    "amount": 0.0,
                },
            )
            line["amount"] += amount if section == "revenue" else -amount
        kept = []
        totals = dict.fromkeys(SECTIONS, 0.0)
        for line in sorted(
            lines.values(), key=lambda line: (line["sequence"], line["category"])
        ):
            line["amount"] = currency.round(line["amount"]) + 0.0
            if currency.is_zero(line["amount"]):
                continue
            totals[line["section"]] += line["amount"]
            kept.append(line)
        totals = {key: currency.round(value) + 0.0 for key, value in totals.items()}
        result = currency.round(
            totals["revenue"] - totals["expenses"] - totals["host_fee"]
        )
        return {**totals, "result": result + 0.0, "lines": kept}

    def _publication_lang(self):
        """Published labels are frozen in the host structure's language."""
        partner = self.company_id.partner_id.sudo()
        partner.fetch(["lang"])
        return partner.lang or self.env.lang or "en_US"

    @api.model
    @tools.ormcache()
    def _cooperatives_column(self):
        """Column of the cooperatives' analytic plan on analytic items."""
        return self.env.ref("kpa_cooperative.analytic_plan_cooperatives")._column_name()

    def _store_statements(self):
        """Write freshly computed figures and lines on draft statements."""
        drafts = self.filtered(lambda p: p.state == "draft")
        if not drafts:
            return
        statements = drafts._compute_statements()
        drafts.line_ids.unlink()
        now = fields.Datetime.now()
        line_vals = []
        for publication in drafts:
            statement = statements[publication]
            publication._write_unchecked(
                {
                    "revenue": statement["revenue"],
                    "expenses": statement["expenses"],
                    "host_fee": statement["host_fee"],
                    "result": statement["result"],
                    "computed_date": now,
                }
            )
            line_vals += [
                {
                    "publication_id": publication.id,
                    "sequence": line["sequence"],
                    "section": line["section"],
                    "category": line["category"],
                    "label": line["label"],
                    "amount": line["amount"],
                }
                for line in statement["lines"]
            ]
        self.env["kpa.accounts.publication.line"].create(line_vals)

    def _stored_statement(self):
        self.ensure_one()
        return {
            "revenue": self.revenue,
            "expenses": self.expenses,
            "host_fee": self.host_fee,
            "result": self.result,
            "lines": [
                {
                    "section": line.section,
                    "category": line.category,
                    "label": line.label,
                    "amount": line.amount,
                }
                for line in self.line_ids.sorted(lambda line: (line.sequence, line.id))
            ],
        }

    def _check_up_to_date(self):
        """Publish exactly what was reviewed: refuse when the books changed."""
        statements = self._compute_statements()
        for publication in self:
            fresh, stored = statements[publication], publication._stored_statement()
            if not self._same_statement(fresh, stored, publication.currency_id):
                raise UserError(
                    self.env._(
                        "The books of %(cooperative)s changed since the statement "
                        "%(publication)s was computed on %(date)s: compute it again, "
                        "check it, then publish it.",
                        cooperative=publication.cooperative_id.name,
                        publication=publication.display_name,
                        date=format_datetime(self.env, publication.computed_date),
                    )
                )

    @api.model
    def _same_statement(self, fresh, stored, currency):
        def key(statement):
            return (
                [currency.round(statement[name]) for name in (*SECTIONS, "result")],
                [
                    (
                        line["section"],
                        line["category"],
                        line["label"],
                        currency.round(line["amount"]),
                    )
                    for line in statement["lines"]
                ],
            )

        return key(fresh) == key(stored)

    # === BUSINESS METHODS: PUBLICATION === #

    def _write_unchecked(self, vals):
        """Write without the freeze guard of write(): for computing drafts,
        publishing and superseding only (private, so never reachable by RPC)."""
        return super().write(vals)

    def _check_drafts(self):
        for publication in self:
            if publication.state != "draft":
                raise UserError(
                    self.env._(
                        "%(publication)s is already %(state)s (on %(date)s): a "
                        "published statement is never changed; to correct it, use "
                        "Correct on it.",
                        publication=publication.display_name,
                        state=dict(
                            self._fields["state"]._description_selection(self.env)
                        )[publication.state].lower(),
                        date=format_date(self.env, publication.published_on),
                    )
                )

    def _lock_cooperatives(self):
        """Serialise publications of a cooperative, so that two accountants
        never publish overlapping statements at the same time."""
        self.env.cr.execute(
            SQL(
                "SELECT id FROM kpa_cooperative WHERE id IN %s FOR NO KEY UPDATE",
                tuple(self.cooperative_id.ids),
            )
        )

    def _overlapping_published(self, ignore=None):
        """[(publication, other published statement of its cooperative whose
        period overlaps)] for the statements in self, ``ignore`` left aside."""
        if not self:
            return []
        others = self.sudo().search_fetch(
            [
                ("cooperative_id", "in", self.cooperative_id.ids),
                ("state", "=", "published"),
                ("id", "not in", self.ids + (ignore.ids if ignore else [])),
                ("date_from", "<=", max(self.mapped("date_to"))),
                ("date_to", ">=", min(self.mapped("date_from"))),
            ],
            ["cooperative_id", "date_from", "date_to"],
        )
        candidates = others | self
        overlaps = []
        for publication in self:
            for other in candidates:
                if (
                    other != publication
                    and other.cooperative_id == publication.cooperative_id
                    and other.date_from <= publication.date_to
                    and other.date_to >= publication.date_from
                    and (not ignore or other not in ignore)
                ):
                    overlaps.append((publication, other))
        return overlaps

    def _overlap_message(self, publication, other):
        return self.env._(
            "The period of %(publication)s overlaps the published statement "
            "%(other)s (%(other_from)s – %(other_to)s): two published statements of "
            "a cooperative never overlap. To correct %(other)s, use Correct on it.",
            publication=publication.display_name,
            other=other.sudo().display_name,
            other_from=format_date(self.env, other.date_from),
            other_to=format_date(self.env, other.date_to),
        )

    def _frozen_message(self, publication):
        return self.env._(
            "The statement %(publication)s is %(state)s: it can never be edited or "
            "deleted. To correct it, publish a new statement that supersedes it "
            "(button Correct).",
            publication=publication.display_name,
            state=dict(self._fields["state"]._description_selection(self.env))[
                publication.state
            ].lower(),
        )

    @api.model
    def _free_fields(self):
        """Fields of the chatter and activities: they change freely."""
        return set(self.env["mail.thread"]._fields) | set(
            self.env["mail.activity.mixin"]._fields
        )

    @api.model
    def _check_editable_fields(self, vals):
        computed = set(vals) - EDITABLE_FIELDS - self._free_fields()
        if computed:
            labels = ", ".join(
                sorted(self._fields[name].string for name in computed if name in self)
            )
            raise UserError(
                self.env._(
                    "These fields of a statement come from the books or from "
                    "Publish, they cannot be given: %(fields)s.",
                    fields=labels or ", ".join(sorted(computed)),
                )
            )

    def _check_lines_editable(self):
        frozen = self.sudo().filtered(lambda p: p.state != "draft")
        if frozen:
            raise UserError(self._frozen_message(frozen[0]))

    def _mark_superseded(self, by):
        self.ensure_one()
        payload = json.loads(self.content_json)
        payload["state"] = "superseded"
        digest = content_hash(payload)
        self._write_unchecked(
            {
                "state": "superseded",
                "superseded_by_id": by.id,
                "content_json": canonical_json(payload).decode(),
                "content_hash": digest,
            }
        )
        self.message_post(
            body=self.env._(
                "Superseded by %(by)s. New fingerprint (SHA-256): %(hash)s",
                by=by.display_name,
                hash=digest,
            )
        )

    def _format_amount(self, amount):
        """An amount of the open data: a string with the currency's decimals."""
        currency = self.company_id.currency_id
        amount = currency.round(amount)
        if float_is_zero(amount, precision_digits=currency.decimal_places):
            amount = 0.0
        return float_repr(amount, currency.decimal_places)

    def _publication_object(self, state, published_on, supersedes):
        """The publication object of the open data, without content_hash."""
        self.ensure_one()
        statement = self._stored_statement()
        return {
            "date_from": self.date_from.isoformat(),
            "date_to": self.date_to.isoformat(),
            "state": state,
            "published_on": published_on.isoformat(),
            "revenue": self._format_amount(statement["revenue"]),
            "expenses": self._format_amount(statement["expenses"]),
            "host_fee": self._format_amount(statement["host_fee"]),
            "result": self._format_amount(statement["result"]),
            "lines": [
                {
                    "category": line["category"],
                    "label": line["label"],
                    "amount": self._format_amount(line["amount"]),
                }
                for line in statement["lines"]
            ],
            "supersedes": supersedes,
        }

    def _open_data_object(self):
        """The frozen publication object, content_hash included, keys in the
        order of the schema."""
        self.ensure_one()
        payload = json.loads(self.content_json)
        payload["content_hash"] = self.content_hash
        return {key: payload[key] for key in PUBLICATION_KEYS if key in payload}

    @api.model
    def _open_data_document(self, cooperative, publications):
        """accounts.json of one cooperative (DESIGN.md §3), from frozen data."""
        cooperative = cooperative.sudo()
        return {
            "cooperative": {
                "name": cooperative.name,
                "slug": cooperative.slug,
                "host": cooperative.company_id.name,
            },
            "licence": cooperative.licence or "",
            "currency": cooperative.company_id.currency_id.name,
            "publications": [
                publication._open_data_object()
                for publication in publications.sorted(
                    lambda p: (p.date_from, p.date_to, p.published_date, p.id)
                )
                if publication.state in ("published", "superseded")
            ],
        }

    @api.model
    def _period_label(self, date_from, date_to):
        return self._period_labeler()(date_from, date_to)

    @api.model
    def _period_labeler(self):
        """A function (date_from, date_to) -> the period's label in the
        context's language ("March 2025", "Q1 2025", "2025" or a range), that
        labels many periods quickly (a public page lists a hundred)."""
        locale = babel_locale_parse(get_lang(self.env).code)
        months = babel.dates.get_month_names("wide", "stand-alone", locale)

        def label(date_from, date_to):
            if not date_from or not date_to:
                return ""
            if date_from.day == 1:
                if date_to == date_utils.end_of(date_from, "month"):
                    month = months[date_from.month]
                    return f"{month[:1].upper()}{month[1:]} {date_from.year}"
                if date_from == date_utils.start_of(
                    date_from, "quarter"
                ) and date_to == date_utils.end_of(date_from, "quarter"):
                    return self.env._(
                        "Q%(quarter)s %(year)s",
                        quarter=date_utils.get_quarter_number(date_from),
                        year=date_from.year,
                    )
                if date_from.month == 1 and date_to == date_utils.end_of(
                    date_from, "year"
                ):
                    return str(date_from.year)
            return self.env._(
                "%(date_from)s – %(date_to)s",
                date_from=format_date(self.env, date_from),
                date_to=format_date(self.env, date_to),
            )

        return label

    # === BUSINESS METHODS: SCHEDULED ACTION === #

    @api.model
    def _cron_prepare_statements(self, today=None):
        """At each period end, prepare the draft statements of the period that
        just ended and give the host accountants an activity to review them."""
        today = today or fields.Date.context_today(self)
        Cooperative = self.env["kpa.cooperative"].sudo()
        wanted = {}
        for cooperative in Cooperative.search([]):
            period = self._ended_period(cooperative, today)
            if period:
                wanted[cooperative] = period
        if not wanted:
            return self.browse()
        # A closed cooperative still publishes the period it closed in.
        closed_by_period = defaultdict(lambda: Cooperative)
        for cooperative, period in wanted.items():
            if cooperative.state == "closed":
                closed_by_period[period] |= cooperative
        for (_type, date_from, date_to), closed in closed_by_period.items():
            moving = self._accounts_with_movements(
                closed.analytic_account_id, date_from, date_to
            )
            for cooperative in closed:
                if cooperative.analytic_account_id not in moving:
                    del wanted[cooperative]
        if not wanted:
            return self.browse()
        existing = self.sudo().search_fetch(
            [
                ("cooperative_id", "in", [coop.id for coop in wanted]),
                ("state", "!=", "superseded"),
                ("date_from", "<=", max(p[2] for p in wanted.values())),
                ("date_to", ">=", min(p[1] for p in wanted.values())),
            ],
            ["cooperative_id", "state", "date_from", "date_to"],
        )
        vals_list = []
        for cooperative, (period_type, date_from, date_to) in wanted.items():
            done = existing.filtered(
                lambda p, c=cooperative, f=date_from, t=date_to: p.cooperative_id == c
                and (
                    (p.state == "draft" and (p.date_from, p.date_to) == (f, t))
                    or (p.state == "published" and p.date_from <= t and p.date_to >= f)
                )
            )
            if not done:
                vals_list.append(
                    {
                        "cooperative_id": cooperative.id,
                        "company_id": cooperative.company_id.id,
                        "period_type": period_type,
                        "date_from": date_from,
                        "date_to": date_to,
                    }
                )
        drafts = self.sudo().create(vals_list)
        drafts._schedule_review_activities(today)
        return drafts

    @api.model
    def _accounts_with_movements(self, accounts, date_from, date_to):
        column = self._cooperatives_column()
        groups = (
            self.env["account.analytic.line"]
            .sudo()
            ._read_group(
                [
                    (column, "in", accounts.ids),
                    ("date", ">=", date_from),
                    ("date", "<=", date_to),
                ],
                [column],
            )
        )
        return accounts.browse().union(*(account for (account,) in groups))

    @api.model
    def _ended_period(self, cooperative, today):
        """(period type, start, end) of the cooperative's period that ended
        most recently, when today falls in the month after it; else None."""
        last_month_end = date_utils.start_of(today, "month") - timedelta(days=1)
        kind = cooperative.accounts_period or "month"
        if kind == "month":
            return (
                "month",
                date_utils.start_of(last_month_end, "month"),
                last_month_end,
            )
        if kind == "quarter":
            if last_month_end != date_utils.end_of(last_month_end, "quarter"):
                return None
            return (
                "quarter",
                date_utils.start_of(last_month_end, "quarter"),
                last_month_end,
            )
        fiscal_year = cooperative.company_id.compute_fiscalyear_dates(last_month_end)
        if fiscal_year["date_to"] != last_month_end:
            return None
        return ("year", fiscal_year["date_from"], fiscal_year["date_to"])

    def _schedule_review_activities(self, today):
        if not self:
            return
        accountants = self.env.ref("kpa_cooperative.group_kpa_accountant").users
        activity_type = self.env.ref("mail.mail_activity_data_todo")
        model_id = self.env["ir.model"]._get_id(self._name)
        vals_list = []
        for publication in self:
            users = accountants.filtered(
                lambda user, company=publication.company_id: not user.share
                and company in user.company_ids
            )
            for user in users:
                vals_list.append(
                    {
                        "res_model_id": model_id,
                        "res_id": publication.id,
                        "activity_type_id": activity_type.id,
                        "user_id": user.id,
                        "date_deadline": today + timedelta(days=14),
                        "summary": self.env._(
                            "Review and publish the accounts of %(cooperative)s for "
                            "%(period)s",
                            cooperative=publication.cooperative_id.name,
                            period=publication.period_label,
                        ),
                    }
                )
        self.env["mail.activity"].sudo().create(vals_list)

    # === DEMO === #

    @api.model
    def _demo_publish_accounts(self, months_ago=2):
        """Demo: the accountant of La Cape's host publishes its accounts of a past
        month, from what is posted. Does nothing when the demo network is absent."""
        cooperative = self.env.ref(
            "kpa_cooperative.cooperative_la_cape_demo", raise_if_not_found=False
        )
        if not cooperative:
            return self.browse()
        accountant = self.env.ref(
            "kpa_cooperative.user_accountant_opteos_demo", raise_if_not_found=False
        ) or self.env.ref("base.user_admin")
        return self._demo_publish_month(cooperative, accountant, months_ago)

    @api.model
    def _demo_publish_month(self, cooperative, accountant, months_ago):
        start = date_utils.start_of(
            fields.Date.context_today(self) - relativedelta(months=months_ago), "month"
        )
        end = date_utils.end_of(start, "month")
        if self.sudo().search_count(
            [
                ("cooperative_id", "=", cooperative.id),
                ("state", "=", "published"),
                ("date_from", "<=", end),
                ("date_to", ">=", start),
            ]
        ):
            return self.browse()
        self._demo_post_documents(cooperative, start)
        publication = (
            self.with_user(accountant)
            .with_company(cooperative.company_id)
            .create(
                {
                    "cooperative_id": cooperative.id,
                    "company_id": cooperative.company_id.id,
                    "period_type": "month",
                    "date_from": start,
                }
            )
        )
        if not publication.line_ids:
            publication.unlink()
            return self.browse()
        publication.action_publish()
        return publication

    @api.model
    def _demo_post_documents(self, cooperative, start):
        """Demo: when nothing of the cooperative is posted in the month starting
        on ``start``, post two invoices, a credit note and a vendor bill."""
        cooperative = cooperative.sudo()
        company = cooperative.company_id
        end = date_utils.end_of(start, "month")
        if self._accounts_with_movements(cooperative.analytic_account_id, start, end):
            return self.env["account.move"]
        Move = self.env["account.move"].sudo().with_company(company)
        purchase_journal = (
            self.env["account.journal"]
            .sudo()
            .search(
                [("company_id", "=", company.id), ("type", "=", "purchase")], limit=1
            )
        )
        if not cooperative.journal_id.default_account_id or not purchase_journal:
            return Move
        customer = self.env.ref("base.res_partner_2", raise_if_not_found=False)
        supplier = self.env.ref("base.res_partner_12", raise_if_not_found=False)
        customer = customer or company.partner_id
        supplier = supplier or company.partner_id
        rent_account = (
            self.env["account.account"]
            .sudo()
            .search(
                [
                    *self.env["account.account"]._check_company_domain(company),
                    ("code", "=like", "6132%"),
                ],
                limit=1,
            )
        )

        def line(name, price, account=None):
            vals = {"name": name, "quantity": 1, "price_unit": price, "tax_ids": []}
            if account:
                vals["account_id"] = account.id
            return Command.create(vals)

        moves = Move.create(
            [
                {
                    "move_type": "out_invoice",
                    "partner_id": customer.id,
                    "invoice_date": start + timedelta(days=4),
                    "kpa_cooperative_id": cooperative.id,
                    "invoice_line_ids": [
                        line(self.env._("Catering buffet for 40 people"), 680.0)
                    ],
                },
                {
                    "move_type": "out_invoice",
                    "partner_id": customer.id,
                    "invoice_date": start + timedelta(days=11),
                    "kpa_cooperative_id": cooperative.id,
                    "invoice_line_ids": [
                        line(self.env._("Screen-printed tote bags (x30)"), 450.0),
                        line(self.env._("Workshop: sewing for beginners"), 240.0),
                    ],
                },
                {
                    "move_type": "out_refund",
                    "partner_id": customer.id,
                    "invoice_date": start + timedelta(days=18),
                    "kpa_cooperative_id": cooperative.id,
                    "invoice_line_ids": [
                        line(self.env._("Tote bags returned (x2)"), 30.0)
                    ],
                },
                {
                    "move_type": "in_invoice",
                    "partner_id": supplier.id,
                    "invoice_date": start + timedelta(days=9),
                    "kpa_cooperative_id": cooperative.id,
                    "invoice_line_ids": [
                        line(self.env._("Fabric, ink and cotton bags"), 210.0),
                        line(
                            self.env._("Workshop room, one month"),
                            150.0,
                            rent_account,
                        ),
                    ],
                },
            ]
        )
        moves.action_post()
        return moves


LINE_TRIGGER_FUNCTION = """
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
"""

# Expense and revenue categories of the French chart of accounts (PCG), by the
# first two digits of the account code.
FRENCH_CATEGORIES = {
    "60": "expenses.purchases",
    "61": "expenses.external_services",
    "62": "expenses.external_services",
    "63": "expenses.taxes",
    "64": "expenses.staff",
    "65": "expenses.operating",
    "66": "expenses.financial",
    "67": "expenses.exceptional",
    "68": "expenses.depreciation",
    "69": "expenses.taxes",
    "70": "revenue.sales",
    "74": "revenue.grants",
}
# The same by account type, for the other charts of accounts.
TYPE_CATEGORIES = {
    "income": "revenue.sales",
    "income_other": "revenue.other",
    "expense_direct_cost": "expenses.purchases",
    "expense": "expenses.operating",
    "expense_depreciation": "expenses.depreciation",
}


class KpaAccountsPublicationLine(models.Model):
    _name = "kpa.accounts.publication.line"
    _description = "Line of an accounts publication"
    _order = "publication_id, sequence, id"

    publication_id = fields.Many2one(
        "kpa.accounts.publication",
        string="Statement",
        required=True,
        index=True,
        ondelete="cascade",
    )
    company_id = fields.Many2one(
        related="publication_id.company_id", store=True, index=True
    )
    currency_id = fields.Many2one(related="publication_id.currency_id")
    state = fields.Selection(related="publication_id.state")
    sequence = fields.Integer(default=10)
    section = fields.Selection(
        [
            ("revenue", "Revenue"),
            ("expenses", "Expenses"),
            ("host_fee", "Host fee"),
        ],
        required=True,
    )
    category = fields.Char(
        required=True,
        help="Stable code of the category in the open data, e.g. revenue.sales.",
    )
    label = fields.Char(required=True)
    amount = fields.Monetary()

    @api.model_create_multi
    def create(self, vals_list):
        parents = self.env["kpa.accounts.publication"].browse(
            {vals.get("publication_id") for vals in vals_list}
        )
        parents._check_lines_editable()
        return super().create(vals_list)

    def write(self, vals):
        self.publication_id._check_lines_editable()
        if "publication_id" in vals:
            self.env["kpa.accounts.publication"].browse(
                vals["publication_id"]
            )._check_lines_editable()
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_published(self):
        self.publication_id._check_lines_editable()

    def init(self):
        """The database refuses any change to the lines of a published statement."""
        line_old = SQL(", ").join(
            SQL.identifier("old", column) for column in LINE_FROZEN_COLUMNS
        )
        line_new = SQL(", ").join(
            SQL.identifier("new", column) for column in LINE_FROZEN_COLUMNS
        )
        self.env.cr.execute(
            SQL(
                """%s
DROP TRIGGER IF EXISTS kpa_accounts_publication_line_frozen
    ON kpa_accounts_publication_line;
CREATE TRIGGER kpa_accounts_publication_line_frozen
    BEFORE INSERT OR UPDATE OR DELETE ON kpa_accounts_publication_line
    FOR EACH ROW EXECUTE FUNCTION kpa_accounts_publication_line_frozen();
                """,
                SQL(LINE_TRIGGER_FUNCTION, line_old=line_old, line_new=line_new),
            )
        )
