import json
from collections import defaultdict

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL, date_utils, float_is_zero, float_repr
from odoo.tools.misc import format_date, format_datetime

from .. import freeze, open_data

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
# The order statements were published in (the order of the open data and of
# the chain): those published before the chain (open data version 1) have no
# number and come first.
PUBLICATION_ORDER = "publication_number asc nulls first, published_date, id"


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
    opening_balance = fields.Monetary(
        string="Opening balance",
        readonly=True,
        copy=False,
        help="What the host structure held for the cooperative at the start of "
        "the period: the result of all its posted books before it.",
    )
    closing_balance = fields.Monetary(
        string="Closing balance",
        readonly=True,
        copy=False,
        help="What the host structure holds for the cooperative at the end of the "
        "period: the opening balance plus the period's result.",
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
    schema_version = fields.Integer(
        string="Open-data version",
        readonly=True,
        copy=False,
        help="Version of the open-data format the statement was published in: 2 "
        "carries the balances and the fingerprint of the previous publication; "
        "statements published before it keep version 1 (empty here).",
    )
    publication_number = fields.Integer(
        string="Publication no.",
        readonly=True,
        copy=False,
        help="Rank of the statement among its cooperative's publications, in the "
        "order they were published: the order of the open data and of the chain "
        "of fingerprints.",
    )
    previous_id = fields.Many2one(
        "kpa.accounts.publication",
        string="Previous publication",
        readonly=True,
        copy=False,
        ondelete="restrict",
        help="The statement of the cooperative published just before this one: "
        "its fingerprint at publication is part of this one's open data "
        "(previous_hash), so that no publication can be removed or moved unseen.",
    )
    previous_hash = fields.Char(
        related="previous_id.published_content_hash",
        string="Fingerprint of the previous publication",
    )
    website_url = fields.Char(compute="_compute_website_url")

    _sql_constraints = [
        (
            "publication_number_unique",
            "UNIQUE(cooperative_id, publication_number)",
            "Two publications of a cooperative cannot have the same number.",
        ),
    ]

    # === COMPUTE METHODS === #

    @api.depends("date_from", "period_type", "company_id")
    def _compute_date_to(self):
        Period = self.env["kpa.accounts.period"]
        for publication in self.filtered("date_from"):
            publication.date_to = Period._end(
                publication.period_type,
                publication.date_from,
                publication.company_id or self.env.company,
                publication.date_to,
            )

    @api.depends("date_from", "date_to")
    @api.depends_context("lang")
    def _compute_period_label(self):
        label = self.env["kpa.accounts.period"]._labeler()
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
            self._check_input_values(vals)
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
            self._check_input_values(vals)
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
        """The database keeps published statements frozen too (see freeze.py)."""
        freeze.install_publication_trigger(self.env.cr)

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
        # The chain: each statement follows the last one its cooperative
        # published (several of a cooperative published at once follow each
        # other in the order of their periods).
        last, count = self._last_publications()
        for publication in self.sorted(lambda p: (p.date_from, p.date_to, p.id)):
            if publication.supersedes_id:
                publication.supersedes_id._mark_superseded(publication)
            cooperative = publication.cooperative_id.sudo()
            previous = last.get(cooperative, self.browse())
            count[cooperative] += 1
            vals = {
                "state": "published",
                "published_date": now,
                "published_on": today,
                "published_uid": self.env.uid,
                "licence": cooperative.licence or False,
                "schema_version": open_data.SCHEMA_VERSION,
                "publication_number": count[cooperative],
                "previous_id": previous.id,
            }
            payload = publication._publication_object(
                state="published",
                published_on=today,
                supersedes=publication.supersedes_id.content_hash or None,
                previous_hash=previous.published_content_hash or None,
            )
            digest = open_data.content_hash(payload)
            vals.update(
                content_json=open_data.canonical_json(payload).decode(),
                content_hash=digest,
                published_content_hash=digest,
            )
            publication._write_unchecked(vals)
            last[cooperative] = publication
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
        """{publication: statement} from the posted books (the statement
        engine, kpa.accounts.statement, one grouped query per distinct period)."""
        statements = self.env["kpa.accounts.statement"]._compute(
            [(p.cooperative_id, p.date_from, p.date_to) for p in self]
        )
        return {
            p: statements[p.cooperative_id.id, p.date_from, p.date_to] for p in self
        }

    def _store_statements(self):
        """Write freshly computed figures and lines on draft statements."""
        drafts = self.filtered(lambda p: p.state == "draft")
        if not drafts:
            return
        statements = drafts._compute_statements()
        # The lines come from the books: no user writes them, they are
        # replaced here (sudo) on the drafts the user may compute.
        drafts.sudo().line_ids.unlink()
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
                    "opening_balance": statement["opening_balance"],
                    "closing_balance": statement["closing_balance"],
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
        self.env["kpa.accounts.publication.line"].sudo().create(line_vals)

    def _stored_statement(self):
        self.ensure_one()
        return {
            "revenue": self.revenue,
            "expenses": self.expenses,
            "host_fee": self.host_fee,
            "result": self.result,
            "opening_balance": self.opening_balance,
            "closing_balance": self.closing_balance,
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
            if not self.env["kpa.accounts.statement"]._same_statement(
                fresh, stored, publication.currency_id
            ):
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

    def _last_publications(self):
        """({cooperative: its last published or superseded statement},
        {cooperative: how many it has}) for the cooperatives of self, in one
        query. Statements published before the chain (open data version 1)
        have no number: they come first, in the order they were published."""
        last = {}
        count = defaultdict(int)
        for publication in self.sudo().search_fetch(
            [
                ("cooperative_id", "in", self.cooperative_id.ids),
                ("state", "in", open_data.PUBLIC_STATES),
            ],
            ["cooperative_id", "published_content_hash"],
            order=PUBLICATION_ORDER,
        ):
            cooperative = publication.cooperative_id
            last[cooperative] = publication.with_env(self.env)
            count[cooperative] += 1
        return last, count

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
    def _check_input_values(self, vals):
        """Refuse, with a clear message and before anything is written, the
        values a user gives that no field of a statement may hold: ids that
        name no record, unknown choices, impossible dates."""
        for name in EDITABLE_FIELDS.intersection(vals):
            field = self._fields[name]
            value = vals[name]
            if value in (False, None):
                continue
            valid = True
            if field.type == "many2one":
                valid = (
                    isinstance(value, int)
                    and not isinstance(value, bool)
                    and 0 < value < 2**31
                    and bool(self.env[field.comodel_name].sudo().browse(value).exists())
                )
            elif field.type == "selection":
                valid = value in dict(field._description_selection(self.env))
            elif field.type == "date":
                try:
                    valid = bool(fields.Date.to_date(value))
                except (TypeError, ValueError):
                    valid = False
            if not valid:
                raise UserError(
                    self.env._(
                        "“%(value)s” is not a valid value for the field "
                        "%(field)s of a statement.",
                        value=str(value)[:40],
                        field=field._description_string(self.env),
                    )
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
        digest = open_data.content_hash(payload)
        self._write_unchecked(
            {
                "state": "superseded",
                "superseded_by_id": by.id,
                "content_json": open_data.canonical_json(payload).decode(),
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

    def _publication_object(self, state, published_on, supersedes, previous_hash):
        """The publication object of the open data (the current version,
        open_data.SCHEMA_VERSION), without content_hash."""
        self.ensure_one()
        statement = self._stored_statement()
        return {
            "schema_version": open_data.SCHEMA_VERSION,
            "date_from": self.date_from.isoformat(),
            "date_to": self.date_to.isoformat(),
            "state": state,
            "published_on": published_on.isoformat(),
            "opening_balance": self._format_amount(statement["opening_balance"]),
            "revenue": self._format_amount(statement["revenue"]),
            "expenses": self._format_amount(statement["expenses"]),
            "host_fee": self._format_amount(statement["host_fee"]),
            "result": self._format_amount(statement["result"]),
            "closing_balance": self._format_amount(statement["closing_balance"]),
            "lines": [
                {
                    "category": line["category"],
                    "label": line["label"],
                    "amount": self._format_amount(line["amount"]),
                }
                for line in statement["lines"]
            ],
            "supersedes": supersedes,
            "previous_hash": previous_hash,
        }

    def _open_data_object(self):
        """The frozen publication object, content_hash included, keys in the
        order of the schema. Each keeps the version it was published in."""
        self.ensure_one()
        payload = json.loads(self.content_json)
        payload["content_hash"] = self.content_hash
        return open_data.ordered(payload)

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
            # In the order they were published: the order of the chain.
            "publications": [
                publication._open_data_object()
                for publication in publications.filtered(
                    lambda p: p.state in open_data.PUBLIC_STATES
                ).sorted(lambda p: (p.publication_number, p.published_date, p.id))
            ],
        }
