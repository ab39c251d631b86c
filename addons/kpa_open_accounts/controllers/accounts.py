import csv
import io
import json
from decimal import Decimal

from werkzeug.exceptions import NotFound

from odoo import http
from odoo.http import request
from odoo.tools.misc import format_date, formatLang, get_lang

from odoo.addons.kpa_cooperative.controllers.cooperative import (
    KpaCooperativePages,
    published_cooperatives_sitemap,
)
from odoo.addons.kpa_cooperative.models.kpa_cooperative import (
    SLUG_MAX_LENGTH,
    SLUG_PATTERN,
)

from .. import open_data
from ..models.kpa_accounts_publication import PUBLICATION_ORDER

AMOUNT_KEYS = ("revenue", "expenses", "host_fee", "result")
# Amounts of version 2 of the open data only (absent from older publications).
BALANCE_KEYS = ("opening_balance", "closing_balance")
PUBLICATION_FIELDS = [
    "cooperative_id",
    "date_from",
    "date_to",
    "state",
    "content_json",
    "content_hash",
    "published_content_hash",
    "published_date",
    "create_date",
    "licence",
    "supersedes_id",
    "superseded_by_id",
    "company_id",
    "publication_number",
    "previous_id",
]
CSV_COLUMNS = (
    "cooperative",
    "date_from",
    "date_to",
    "state",
    "published_on",
    "category",
    "label",
    "amount",
    "content_hash",
    "supersedes",
    "opening_balance",
    "closing_balance",
    "previous_hash",
)


class KpaAccountsPages(KpaCooperativePages):
    """Open accounts of the cooperatives: only published (or superseded)
    statements, read from their frozen open data; never a draft."""

    # === HELPERS === #

    def _accounts_domain(self):
        """Cooperatives whose accounts are public: the published ones, and
        the closed ones, which stay listed by the statements they published
        (a publication is a promise; only a closed cooperative's shop goes
        away)."""
        return [
            ("company_id", "=", request.website.company_id.id),
            "|",
            ("is_published", "=", True),
            "&",
            ("state", "=", "closed"),
            (
                "id",
                "in",
                request.env["kpa.accounts.publication"]
                .sudo()
                ._search([("state", "in", open_data.PUBLIC_STATES)])
                .subselect("cooperative_id"),
            ),
        ]

    def _get_accounts_cooperative_sudo(self, slug):
        """The cooperative of this website whose accounts are public under
        that web address, or 404 (an address that cannot be one too)."""
        if len(slug) > SLUG_MAX_LENGTH or not SLUG_PATTERN.match(slug):
            raise NotFound()
        cooperative_sudo = (
            request.env["kpa.cooperative"]
            .sudo()
            .search([("slug", "=", slug), *self._accounts_domain()], limit=1)
        )
        if not cooperative_sudo:
            raise NotFound()
        return cooperative_sudo

    def _publications_sudo(self, cooperatives_sudo):
        """Public statements of these cooperatives, in the order they were
        published (the order of the open data)."""
        return (
            request.env["kpa.accounts.publication"]
            .sudo()
            .search_fetch(
                [
                    ("cooperative_id", "in", cooperatives_sudo.ids),
                    ("state", "in", open_data.PUBLIC_STATES),
                ],
                PUBLICATION_FIELDS,
                order=PUBLICATION_ORDER,
            )
        )

    def _document(self, cooperative_sudo, publications_sudo):
        return request.env["kpa.accounts.publication"]._open_data_document(
            cooperative_sudo, publications_sudo
        )

    def _json_response(self, data, filename):
        body = json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")
        return request.make_response(
            body,
            headers=[
                ("Content-Type", "application/json; charset=utf-8"),
                ("Content-Length", str(len(body))),
                ("Content-Disposition", f'inline; filename="{filename}"'),
                ("Access-Control-Allow-Origin", "*"),
                ("Cache-Control", "public, max-age=300"),
            ],
        )

    def _money_formatter(self, currency):
        """A function amount -> "1 234,50 €" in the visitor's language, fast
        enough for the hundreds of amounts of a page."""
        lang = get_lang(request.env)
        if lang.grouping != "[3,0]":
            return lambda amount: formatLang(
                request.env, float(amount), currency_obj=currency
            )
        digits = currency.decimal_places
        table = str.maketrans({",": lang.thousands_sep or "", ".": lang.decimal_point})

        def money(amount):
            value = float(amount)
            text = f"{abs(value):,.{digits}f}".translate(table)
            if currency.position == "after":
                text = f"{text}\N{NO-BREAK SPACE}{currency.symbol}"
            else:
                text = f"{currency.symbol}\N{NO-BREAK SPACE}{text}"
            return f"-{text}" if value < 0 else text

        return money

    @staticmethod
    def _csv_amount(amount):
        """Amounts in the French way: decimal comma, no thousands separator."""
        return amount.replace(".", ",")

    def _csv_body(self, document):
        """The same lines as accounts.json, for a spreadsheet in French locale:
        ";" separator, decimal comma, UTF-8 with a byte order mark. The
        balances and previous_hash of version 2 come last, empty for older
        publications."""
        output = io.StringIO()
        writer = csv.writer(output, delimiter=";", lineterminator="\r\n")
        writer.writerow(CSV_COLUMNS)
        slug = document["cooperative"]["slug"]
        for publication in document["publications"]:
            for line in publication["lines"]:
                writer.writerow(
                    (
                        slug,
                        publication["date_from"],
                        publication["date_to"],
                        publication["state"],
                        publication["published_on"],
                        line["category"],
                        line["label"],
                        self._csv_amount(line["amount"]),
                        publication["content_hash"],
                        publication["supersedes"] or "",
                        *(
                            self._csv_amount(publication[key])
                            if key in publication
                            else ""
                            for key in BALANCE_KEYS
                        ),
                        publication.get("previous_hash") or "",
                    )
                )
        return ("\ufeff" + output.getvalue()).encode("utf-8")

    def _page_values(self, cooperative_sudo, publications_sudo):
        """``publications_sudo`` in the order they were published; the page
        lists them by period, the latest first."""
        currency = cooperative_sudo.company_id.currency_id
        money = self._money_formatter(currency)
        period_label = request.env["kpa.accounts.period"]._labeler()

        by_hash = {p.content_hash: p for p in publications_sudo}
        entries = []
        for publication in publications_sudo:
            data = publication._open_data_object()
            amounts = [key for key in AMOUNT_KEYS + BALANCE_KEYS if key in data]
            entries.append(
                {
                    "id": publication.id,
                    "period": period_label(publication.date_from, publication.date_to),
                    "data": data,
                    # The open data's ISO dates, as the visitor's language writes them.
                    "dates": {
                        key: format_date(request.env, data[key]) if data[key] else ""
                        for key in ("date_from", "date_to", "published_on")
                    },
                    "amounts": {key: float(data[key]) for key in amounts},
                    "money": {key: money(data[key]) for key in amounts},
                    "lines": [
                        {**line, "money": money(line["amount"])}
                        for line in data["lines"]
                    ],
                    "published_content_hash": publication.published_content_hash,
                    "supersedes": by_hash.get(data["supersedes"]),
                    "superseded_by": publication.superseded_by_id,
                    "previous": publication.previous_id,
                }
            )
        by_period = sorted(
            entries, key=lambda e: (e["data"]["date_from"], e["data"]["date_to"])
        )
        current = [e for e in by_period if e["data"]["state"] == "published"]
        chart = {
            "labels": [entry["period"] for entry in current],
            "currency": cooperative_sudo.company_id.currency_id.name,
            # The tooltip of a point, in the visitor's language and typography.
            "tooltip": request.env._("%(series)s: %(amount)s"),
            "series": [
                {
                    "key": key,
                    "label": label,
                    # None (a gap) for statements published without balances.
                    "values": [e["amounts"].get(key) for e in current],
                }
                for key, label in (
                    ("revenue", request.env._("Revenue")),
                    ("expenses", request.env._("Expenses")),
                    ("host_fee", request.env._("Host fee")),
                    ("result", request.env._("Result")),
                    (
                        "closing_balance",
                        request.env._("Balance at the host (end of period)"),
                    ),
                )
            ],
        }
        return {
            "cooperative": cooperative_sudo,
            "main_object": cooperative_sudo,
            "licence": cooperative_sudo.licence,
            "publications": list(reversed(by_period)),
            "chart_json": json.dumps(chart, ensure_ascii=False),
            "has_chart": bool(current),
            "has_balance": any("closing_balance" in e["amounts"] for e in entries),
            # The last publication vouches for all those before it.
            "last_hash": entries[-1]["data"]["content_hash"] if entries else None,
            # The text alternative of the chart: its figures, and a sentence.
            "chart_rows": current,
            "chart_summary": self._chart_summary(current, money),
            "currency": currency,
            "host": cooperative_sudo.company_id.name,
        }

    def _chart_summary(self, current, money):
        """What the chart shows, in one sentence: its periods and its totals."""
        if not current:
            return ""
        totals = {
            key: money(sum(Decimal(entry["data"][key]) for entry in current))
            for key in AMOUNT_KEYS
        }
        if len(current) == 1:
            return request.env._(
                "One published period, %(period)s: revenue %(revenue)s, expenses "
                "%(expenses)s, host fee %(host_fee)s, result %(result)s.",
                period=current[0]["period"],
                **totals,
            )
        return request.env._(
            "%(count)s published periods, from %(first)s to %(last)s. In all: "
            "revenue %(revenue)s, expenses %(expenses)s, host fee %(host_fee)s, "
            "result %(result)s. Result of the latest period: %(latest)s.",
            count=len(current),
            first=current[0]["period"],
            last=current[-1]["period"],
            latest=current[-1]["money"]["result"],
            **totals,
        )

    # === ROUTES === #

    @http.route(
        "/cooperatives/<string:slug>/accounts",
        type="http",
        auth="public",
        website=True,
        readonly=True,
        sitemap=published_cooperatives_sitemap("/accounts"),
    )
    def accounts(self, slug, **kwargs):
        cooperative_sudo = self._get_accounts_cooperative_sudo(slug)
        publications_sudo = self._publications_sudo(cooperative_sudo)
        return request.render(
            "kpa_open_accounts.accounts_page",
            self._page_values(cooperative_sudo, publications_sudo),
        )

    @http.route(
        "/cooperatives/<string:slug>/accounts.json",
        type="http",
        auth="public",
        website=True,
        readonly=True,
        sitemap=False,
    )
    def accounts_json(self, slug, **kwargs):
        cooperative_sudo = self._get_accounts_cooperative_sudo(slug)
        document = self._document(
            cooperative_sudo, self._publications_sudo(cooperative_sudo)
        )
        return self._json_response(document, f"{cooperative_sudo.slug}-accounts.json")

    @http.route(
        "/cooperatives/<string:slug>/accounts.csv",
        type="http",
        auth="public",
        website=True,
        readonly=True,
        sitemap=False,
    )
    def accounts_csv(self, slug, **kwargs):
        cooperative_sudo = self._get_accounts_cooperative_sudo(slug)
        document = self._document(
            cooperative_sudo, self._publications_sudo(cooperative_sudo)
        )
        body = self._csv_body(document)
        return request.make_response(
            body,
            headers=[
                ("Content-Type", "text/csv; charset=utf-8"),
                ("Content-Length", str(len(body))),
                (
                    "Content-Disposition",
                    f'attachment; filename="{cooperative_sudo.slug}-accounts.csv"',
                ),
                ("Access-Control-Allow-Origin", "*"),
                ("Cache-Control", "public, max-age=300"),
            ],
        )

    @http.route(
        "/cooperatives/accounts.json",
        type="http",
        auth="public",
        website=True,
        readonly=True,
        sitemap=False,
    )
    def network_accounts_json(self, **kwargs):
        """Every cooperative of the network whose accounts are public, each as
        in its own accounts.json."""
        cooperatives_sudo = (
            request.env["kpa.cooperative"].sudo().search(self._accounts_domain())
        )
        publications_sudo = self._publications_sudo(cooperatives_sudo)
        by_cooperative = {cooperative: [] for cooperative in cooperatives_sudo}
        for publication in publications_sudo:
            by_cooperative[publication.cooperative_id].append(publication.id)
        Publication = request.env["kpa.accounts.publication"].sudo()
        document = {
            "cooperatives": [
                self._document(cooperative, Publication.browse(ids))
                for cooperative, ids in by_cooperative.items()
            ]
        }
        return self._json_response(document, "cooperatives-accounts.json")
