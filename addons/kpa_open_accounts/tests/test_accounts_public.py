import csv
import html
import io
import json
import re
from contextlib import redirect_stdout
from datetime import date, timedelta
from unittest.mock import patch

from dateutil.relativedelta import relativedelta

from odoo.tests import HttpCase, tagged

from odoo.addons.kpa_open_accounts import open_data

from .common import (
    SCHEMA_PUBLICATION_KEYS,
    SECRET_NAMES,
    KpaAccountsCommon,
    schema_errors,
    verify_content_hash,
)


@tagged("post_install", "-at_install", "kpa_http")
class TestAccountsPublic(KpaAccountsCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.website = cls._setup_host_website()

    def _call(self, model, method, *args, **kwargs):
        """A JSON-RPC call as the web client makes it: (result, error message)."""
        response = self.url_open(
            f"/web/dataset/call_kw/{model}/{method}",
            data=json.dumps(
                {
                    "id": 0,
                    "jsonrpc": "2.0",
                    "method": "call",
                    "params": {
                        "model": model,
                        "method": method,
                        "args": list(args),
                        "kwargs": kwargs,
                    },
                }
            ),
            headers={"Content-Type": "application/json"},
        ).json()
        error = response.get("error")
        return response.get("result"), error and error["data"]["message"]

    def _get(self, url, status=200):
        response = self.url_open(url)
        self.assertEqual(response.status_code, status, url)
        return response

    def test_done_when_accountant_publishes_last_month_visitor_verifies(self):
        """The issue's scenario: an accountant publishes last month's accounts;
        an anonymous visitor sees the chart, downloads the JSON and recomputes
        the hash."""
        start = date.today().replace(day=1) - relativedelta(months=1)
        end = start + relativedelta(months=1) - timedelta(days=1)
        for move_type, day, amounts, account in (
            ("out_invoice", 4, (800.0,), None),
            ("out_invoice", 19, (300.0, 150.0), None),
            ("out_refund", 14, (50.0,), None),
            ("in_invoice", 9, (300.0,), "operating"),
        ):
            self._kpa_move(
                self.coop_a,
                move_type,
                (start + timedelta(days=day)).isoformat(),
                amounts,
                account,
            )
        # The accountant, through the same RPC as the web client.
        self.authenticate("kpa_accountant", "kpa_accountant")
        publication_id, error = self._call(
            "kpa.accounts.publication",
            "create",
            {
                "cooperative_id": self.coop_a.id,
                "period_type": "month",
                "date_from": str(start),
            },
        )
        self.assertFalse(error)
        __, error = self._call(
            "kpa.accounts.publication", "action_publish", [publication_id]
        )
        self.assertFalse(error)
        for method, args in (
            ("write", ([publication_id], {"revenue": 1.0})),
            ("unlink", ([publication_id],)),
        ):
            __, error = self._call("kpa.accounts.publication", method, *args)
            self.assertIn("can never be edited or deleted", error)
        publication = self.Publication.browse(publication_id)
        self.assertEqual(publication.state, "published")
        self.assertEqual(publication.date_to, end)

        # An anonymous visitor.
        self.logout()
        self.start_tour(
            f"/cooperatives/{self.coop_a.slug}/accounts", "kpa_accounts_public_page"
        )
        document = self._get(f"/cooperatives/{self.coop_a.slug}/accounts.json").json()
        [data] = document["publications"]
        self.assertTrue(verify_content_hash(data), "the hash recomputes from the JSON")
        self.assertEqual(data["content_hash"], publication.content_hash)
        self.assertEqual(
            [data[key] for key in ("date_from", "date_to", "state")],
            [start.isoformat(), end.isoformat(), "published"],
        )
        # The posted invoices and fees: sales 800 + 450 − 50, fee 10 %, bill 300.
        self.assertEqual(
            [data[key] for key in ("revenue", "expenses", "host_fee", "result")],
            ["1200.00", "300.00", "120.00", "780.00"],
        )

    def test_chart_has_a_text_alternative(self):
        """The figures of the chart are also in a table, and a sentence says
        what the chart shows: nothing is told by the drawing alone."""
        self._publish(period=(date(2025, 2, 1), date(2025, 2, 28)))
        self._publish()
        page = self._get(f"/cooperatives/{self.coop_a.slug}/accounts").text
        summary = re.search(
            r'<p id="o_kpa_chart_summary"[^>]*>([^<]*)</p>', page
        ).group(1)
        february, march = self._month(date(2025, 2, 1)), self._month(date(2025, 3, 1))
        self.assertIn(f"2 published periods, from {february} to {march}.", summary)
        # Revenue 500 + 1,430, expenses 90 + 600, host fee 50 + 135, result
        # 360 + 695; the result of March.
        for amount in ("1,930.00", "690.00", "185.00", "1,055.00", "695.00"):
            self.assertIn(amount, summary)
        self.assertIn('aria-describedby="o_kpa_chart_summary"', page)
        table = page[page.index("o_kpa_chart_table") : page.index("</table>")]
        rows = re.findall(
            r"<tr>\s*<th scope=\"row\"[^>]*>([^<]*)</th>(.*?)</tr>", table, re.S
        )
        self.assertEqual([row[0] for row in rows], [february, march])
        # Revenue, expenses, host fee, result, and the balance at the host at
        # the end of February (nothing before it: the result).
        self.assertIn("Balance at the host (end of period)</th>", table)
        self.assertEqual(
            re.findall(r"([\d,]+\.\d\d)", rows[0][1]),
            ["500.00", "90.00", "50.00", "360.00", "360.00"],
        )

    def test_page_json_csv_of_published_statements(self):
        original = self._publish()
        self._kpa_move(self.coop_a, "out_invoice", "2025-03-18", (100.0,))
        correction = self._draft(supersedes_id=original.id)
        correction.action_publish()
        february = self._publish(period=(date(2025, 2, 1), date(2025, 2, 28)))
        draft = self._draft(period=(date(2025, 4, 1), date(2025, 4, 30)))
        self.assertEqual(draft.revenue, 700.0)

        page = self._get(f"/cooperatives/{self.coop_a.slug}/accounts").text
        self.assertIn("o_kpa_accounts_chart", page)
        self.assertIn("o_kpa_superseded", page)
        for publication in (original, correction, february):
            self.assertIn(publication.content_hash, page)
        self.assertIn(original.published_content_hash, page)
        self.assertIn("How to verify a publication", page)
        self.assertNotIn("April 2025", page, "drafts never appear")

        document = self._get(f"/cooperatives/{self.coop_a.slug}/accounts.json").json()
        self.assertEqual(schema_errors(document), [])
        self.assertEqual(document["licence"], "CC BY-SA 4.0")
        # In the order they were published: March, its correction, February.
        states = [(p["date_from"], p["state"]) for p in document["publications"]]
        self.assertEqual(
            states,
            [
                ("2025-03-01", "superseded"),
                ("2025-03-01", "published"),
                ("2025-02-01", "published"),
            ],
        )
        for data in document["publications"]:
            self.assertEqual(set(data), SCHEMA_PUBLICATION_KEYS)
            self.assertTrue(verify_content_hash(data))
        self.assertEqual(
            document["publications"][1]["supersedes"],
            document["publications"][0]["content_hash"],
        )
        self.assertEqual(open_data.broken_chain(document), [])

        response = self._get(f"/cooperatives/{self.coop_a.slug}/accounts.csv")
        self.assertTrue(response.headers["Content-Type"].startswith("text/csv"))
        self.assertTrue(response.content.startswith(b"\xef\xbb\xbf"), "UTF-8 BOM")
        rows = list(
            csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";")
        )
        self.assertEqual(
            rows[0],
            [
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
            ],
        )
        json_lines = [
            (p["date_from"], p["state"], line["category"], line["amount"])
            for p in document["publications"]
            for line in p["lines"]
        ]
        csv_lines = [
            (row[1], row[3], row[5], row[7].replace(",", ".")) for row in rows[1:]
        ]
        self.assertEqual(csv_lines, json_lines, "the CSV carries the same lines")
        self.assertIn(["coop-alpha", "2025-03-01"], [row[:2] for row in rows[1:]])
        self.assertIn("1450,00", [row[7] for row in rows[1:]], "decimal comma")
        # The balances and the chain of each publication, on each of its rows.
        self.assertEqual(
            {(row[1], row[3], row[10], row[11], row[12]) for row in rows[1:]},
            {
                (
                    p["date_from"],
                    p["state"],
                    p["opening_balance"].replace(".", ","),
                    p["closing_balance"].replace(".", ","),
                    p["previous_hash"] or "",
                )
                for p in document["publications"]
            },
        )
        self.assertNotIn("2025-04-01", response.text)

        everything = page + response.text + str(document)
        for name in SECRET_NAMES:
            self.assertNotIn(name, everything)

    def test_page_shows_the_balance_and_the_chain(self):
        february = self._publish(period=(date(2025, 2, 1), date(2025, 2, 28)))
        march = self._publish()
        page = self._get(f"/cooperatives/{self.coop_a.slug}/accounts").text
        # The balance column, latest period first, closing then opening
        # balance (digits only, whatever the language's separators): March
        # 1,055.00 from 360.00, February 360.00 from 0.00.
        cells = re.findall(r'o_kpa_closing_balance">(.*?)</td>', page, re.S)
        self.assertEqual(
            [re.sub(r"\D", "", cell) for cell in cells], ["10550036000", "36000000"]
        )
        self.assertIn(march.previous_hash, page)
        self.assertEqual(march.previous_hash, february.content_hash)
        self.assertIn(f'href="#publication-{february.id}"', page)
        chart = json.loads(
            html.unescape(re.search(r'data-chart="([^"]*)"', page).group(1))
        )
        [balance] = [s for s in chart["series"] if s["key"] == "closing_balance"]
        self.assertEqual(balance["values"], [360.0, 1055.0])
        # The last publication's fingerprint, which vouches for the others.
        self.assertRegex(page, rf"o_kpa_last_hash[^>]*>{march.content_hash}<")

    def test_page_recipe_finds_removed_and_moved_publications(self):
        """The verification recipe of the page, run as a visitor would on a
        downloaded accounts.json: intact, then with a publication deleted,
        moved or edited."""
        for period in (
            (date(2025, 2, 1), date(2025, 2, 28)),
            self.march,
            (date(2025, 4, 1), date(2025, 4, 30)),
        ):
            self._publish(period=period)
        url = f"/cooperatives/{self.coop_a.slug}/accounts.json"
        page = self._get(f"/cooperatives/{self.coop_a.slug}/accounts").text
        recipe = html.unescape(
            re.search(r'<code class="o_kpa_recipe">(.*?)</code>', page, re.S).group(1)
        )
        downloaded = self._get(url).json()
        february, march, april = downloaded["publications"]

        def run_recipe(publications):
            """What the recipe prints, with ``publications`` as the file it
            downloads: [(date_from, fingerprint right, follows the one
            before)]."""
            body = json.dumps({**downloaded, "publications": publications})
            output = io.StringIO()
            with (
                patch(
                    "urllib.request.urlopen", return_value=io.BytesIO(body.encode())
                ) as urlopen,
                redirect_stdout(output),
            ):
                exec(recipe, {})  # the page's own code, as a visitor runs it
            [(called, *__)] = [call.args for call in urlopen.call_args_list]
            self.assertTrue(called.endswith(url), called)
            return [tuple(line.split()) for line in output.getvalue().splitlines()]

        edited = {**march, "result": "795.00"}
        for publications, printed in (
            (
                [february, march, april],
                [
                    ("2025-02-01", "True", "True"),
                    ("2025-03-01", "True", "True"),
                    ("2025-04-01", "True", "True"),
                ],
            ),
            # March deleted: April no longer follows the publication before it.
            (
                [february, april],
                [("2025-02-01", "True", "True"), ("2025-04-01", "True", "False")],
            ),
            # March moved to the end.
            (
                [february, april, march],
                [
                    ("2025-02-01", "True", "True"),
                    ("2025-04-01", "True", "False"),
                    ("2025-03-01", "True", "False"),
                ],
            ),
            # March edited: its fingerprint is wrong, and April does not
            # follow what is there any more.
            (
                [february, edited, april],
                [
                    ("2025-02-01", "True", "True"),
                    ("2025-03-01", "False", "True"),
                    ("2025-04-01", "True", "False"),
                ],
            ),
        ):
            with self.subTest(periods=[p["date_from"] for p in publications]):
                self.assertEqual(run_recipe(publications), printed)
                # The reference implementation agrees.
                document = {"publications": publications}
                self.assertEqual(
                    [index for index, *__ in open_data.broken_chain(document)],
                    [i for i, line in enumerate(printed) if line[2] == "False"],
                )

    def test_network_accounts_json(self):
        self._publish()
        self._publish(cooperative=self.coop_b)
        self._draft(period=(date(2025, 2, 1), date(2025, 2, 28)))
        document = self._get("/cooperatives/accounts.json").json()
        self.assertEqual(schema_errors(document, "network"), [])
        by_slug = {
            entry["cooperative"]["slug"]: entry for entry in document["cooperatives"]
        }
        self.assertIn("coop-alpha", by_slug)
        self.assertIn("coop-beta", by_slug)
        self.assertNotIn("coop-other-host", by_slug, "another host's website")
        alpha = by_slug["coop-alpha"]
        self.assertEqual(
            set(alpha), {"cooperative", "licence", "currency", "publications"}
        )
        self.assertEqual(
            [p["date_from"] for p in alpha["publications"]], ["2025-03-01"]
        )
        for entry in document["cooperatives"]:
            for data in entry["publications"]:
                self.assertTrue(verify_content_hash(data))
        self.assertEqual(by_slug["coop-beta"]["publications"][0]["revenue"], "2000.00")

    def test_unpublished_unknown_and_foreign_cooperatives_answer_404(self):
        self._publish()
        self.coop_other.is_published = True  # published, but by another host
        self.coop_a.is_published = False
        for slug in ("coop-alpha", "no-such-cooperative", self.coop_other.slug):
            for suffix in ("accounts", "accounts.json", "accounts.csv"):
                self._get(f"/cooperatives/{slug}/{suffix}", status=404)
        document = self._get("/cooperatives/accounts.json").json()
        self.assertNotIn(
            "coop-alpha",
            [entry["cooperative"]["slug"] for entry in document["cooperatives"]],
        )

    def test_page_without_publication_and_link_from_cooperative(self):
        self._draft()
        page = self._get(f"/cooperatives/{self.coop_a.slug}/accounts").text
        self.assertIn("o_kpa_no_accounts", page)
        self.assertNotIn("o_kpa_accounts_chart", page)
        document = self._get(f"/cooperatives/{self.coop_a.slug}/accounts.json").json()
        self.assertEqual(document["publications"], [])
        cooperative_page = self._get(f"/cooperatives/{self.coop_a.slug}").text
        self.assertIn(f"/cooperatives/{self.coop_a.slug}/accounts", cooperative_page)
