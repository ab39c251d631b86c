import json
from datetime import date
from unittest.mock import patch

import psycopg2

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, freeze_time, tagged
from odoo.tools import mute_logger

from odoo.addons.kpa_open_accounts import open_data

from .common import (
    SCHEMA_PUBLICATION_KEYS,
    SECRET_NAMES,
    KpaAccountsCommon,
    verify_content_hash,
)

MARCH_LINES = {
    "revenue.sales": ("revenue", 1350.0),
    "revenue.other": ("revenue", 80.0),
    "expenses.purchases": ("expenses", 250.0),
    "expenses.operating": ("expenses", 350.0),
    "host_fee": ("host_fee", 135.0),
}


@tagged("post_install", "-at_install")
class TestAccountsStatement(KpaAccountsCommon):
    # === FIGURES === #

    def test_figures_equal_ground_truth(self):
        draft = self._draft()
        self.assertEqual(draft.state, "draft")
        self.assertEqual(
            (draft.revenue, draft.expenses, draft.host_fee, draft.result),
            (1430.0, 600.0, 135.0, 695.0),
        )
        self.assertEqual(self._lines(draft), MARCH_LINES)
        self.assertEqual(
            draft.line_ids.mapped("label"),
            [
                "Sales of services and goods",
                "Other income",
                "Purchases and materials",
                "Other operating expenses",
                "Contribution to the host structure (host fee)",
            ],
        )
        self.assertEqual(
            draft.display_name, f"Coop Alpha · {self._month(date(2025, 3, 1))}"
        )

    def test_period_boundaries(self):
        february = self._draft(period=(date(2025, 2, 1), date(2025, 2, 28)))
        self.assertEqual(
            (february.revenue, february.expenses, february.host_fee),
            (500.0, 90.0, 50.0),
        )
        april = self._draft(period=(date(2025, 4, 1), date(2025, 4, 30)))
        self.assertEqual((april.revenue, april.expenses), (700.0, 0.0))
        quarter = self._draft(period=(date(2025, 1, 1), date(2025, 3, 31)))
        self.assertEqual(quarter.revenue, 1430.0 + 500.0)
        self.assertEqual(quarter.expenses, 600.0 + 90.0)
        self.assertEqual(quarter.period_label, "Q1 2025")
        one_day = self._draft(period=(date(2025, 3, 31), date(2025, 3, 31)))
        self.assertEqual((one_day.revenue, one_day.host_fee), (500.0, 50.0))

    def test_draft_moves_never_count(self):
        draft = self._draft()
        # Reset to draft: the invoice of 1 March leaves the books.
        invoice = self.moves.filtered(
            lambda m: m.invoice_date == date(2025, 3, 1) and m.kpa_cooperative_id
        )
        invoice.button_draft()
        draft.action_compute()
        self.assertEqual(draft.revenue, 1430.0 - 1000.0)
        self.assertEqual(draft.host_fee, 35.0)
        # Even with analytic items still pointing at a draft entry (never made by
        # Odoo), they do not count.
        invoice.action_post()
        line = invoice.invoice_line_ids.analytic_line_ids
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE account_move_line SET parent_state = 'draft' WHERE id = %s",
            [line.move_line_id.id],
        )
        self.env["account.move.line"].invalidate_model(["parent_state"])
        draft.action_compute()
        self.assertEqual(draft.revenue, 1430.0 - 1000.0)

    def test_other_cooperative_and_empty_books(self):
        beta = self._draft(cooperative=self.coop_b)
        self.assertEqual(
            (beta.revenue, beta.host_fee, beta.result), (2000.0, 100.0, 1900.0)
        )
        empty = self._draft(period=(date(2024, 1, 1), date(2024, 1, 31)))
        self.assertFalse(empty.line_ids)
        self.assertEqual((empty.revenue, empty.result), (0.0, 0.0))

    def test_batch_statements_one_query_per_period(self):
        """As many queries for one cooperative as for several."""
        one = self._draft()
        two = one | self._draft(cooperative=self.coop_b)
        counts = []
        for drafts in (two, one, two):  # the first run warms the caches
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            statements = drafts._compute_statements()
            counts.append(self.env.cr.sql_log_count - before)
        self.assertEqual(counts[1], counts[2])
        self.assertEqual(statements[two[0]]["revenue"], 1430.0)
        self.assertEqual(statements[two[1]]["revenue"], 2000.0)

    def test_french_chart_categories(self):
        Statement = self.env["kpa.accounts.statement"]
        self.host.chart_template = "fr"
        expected = {
            "601000": ("expenses", "expenses.purchases"),
            "606300": ("expenses", "expenses.purchases"),
            "613200": ("expenses", "expenses.external_services"),
            "626000": ("expenses", "expenses.external_services"),
            "635100": ("expenses", "expenses.taxes"),
            "641100": ("expenses", "expenses.staff"),
            "651000": ("expenses", "expenses.operating"),
            "661100": ("expenses", "expenses.financial"),
            "671000": ("expenses", "expenses.exceptional"),
            "681100": ("expenses", "expenses.depreciation"),
            "706000": ("revenue", "revenue.sales"),
            "740000": ("revenue", "revenue.grants"),
            "758000": ("revenue", "revenue.other"),
        }
        accounts = self.env["account.account"].create(
            [
                {
                    "code": code,
                    "name": f"FR {code}",
                    "account_type": "expense" if code[0] == "6" else "income",
                }
                for code in expected
            ]
        )
        for account in accounts:
            section, category = expected[account.code]
            self.assertEqual(
                Statement._account_category(account, section, self.host),
                category,
                account.code,
            )
        self.assertEqual(
            Statement._category_label("expenses.external_services", self.host)[0],
            "External services",
        )

    def test_revenue_extension_hook(self):
        """Another module can break revenue down, e.g. by activity."""
        Statement = type(self.env["kpa.accounts.statement"])
        original = Statement._statement_classify

        def classify(statement, group, amount, company):
            if group["category"] == "invoice" and group["product_id"]:
                return ("revenue", "revenue.activity.sewing", "Sewing")
            return original(statement, group, amount, company)

        with (
            patch.object(
                Statement,
                "_statement_groupby",
                lambda self: ["category", "general_account_id", "product_id"],
            ),
            patch.object(Statement, "_statement_classify", classify),
        ):
            draft = self._draft()
        self.assertEqual(
            self._lines(draft)["revenue.activity.sewing"], ("revenue", 1350.0)
        )
        self.assertEqual(draft.revenue, 1430.0)

    # === BALANCE AT THE HOST === #

    def test_balance_at_the_host(self):
        """By hand: February leaves 500 − 90 − 50 = 360, March adds 695,
        April 700 − 70 = 630."""
        february = self._draft(period=(date(2025, 2, 1), date(2025, 2, 28)))
        march = self._draft()
        april = self._draft(period=(date(2025, 4, 1), date(2025, 4, 30)))
        self.assertEqual(
            [
                (p.opening_balance, p.result, p.closing_balance)
                for p in (february, march, april)
            ],
            [(0.0, 360.0, 360.0), (360.0, 695.0, 1055.0), (1055.0, 630.0, 1685.0)],
        )
        # Whatever the period, from all earlier posted books (the draft bills
        # of 8,888 and invoice of 9,999 never count), cooperative by
        # cooperative.
        quarter = self._draft(period=(date(2025, 1, 1), date(2025, 3, 31)))
        self.assertEqual(
            (quarter.opening_balance, quarter.closing_balance), (0.0, 1055.0)
        )
        may = self._draft(period=(date(2025, 5, 1), date(2025, 5, 31)))
        self.assertEqual((may.opening_balance, may.closing_balance), (1685.0, 1685.0))
        beta = self._draft(cooperative=self.coop_b)
        self.assertEqual((beta.opening_balance, beta.closing_balance), (0.0, 1900.0))

    def test_late_posting_before_the_period_makes_the_draft_stale(self):
        march = self._draft()
        self._kpa_move(self.coop_a, "in_invoice", "2025-02-10", (40.0,), "operating")
        with self.assertRefused(UserError, "changed since"):
            march.action_publish()
        self.assertEqual(march.state, "draft")
        march.action_compute()
        self.assertEqual(
            (march.opening_balance, march.result, march.closing_balance),
            (320.0, 695.0, 1015.0),
        )
        march.action_publish()
        self.assertEqual(json.loads(march.content_json)["opening_balance"], "320.00")

    # === THE CHAIN === #

    def test_publications_form_a_chain(self):
        february = self._publish(period=(date(2025, 2, 1), date(2025, 2, 28)))
        march = self._publish()
        self.assertEqual(
            (february.publication_number, march.publication_number), (1, 2)
        )
        self.assertFalse(february.previous_id)
        self.assertIsNone(json.loads(february.content_json)["previous_hash"])
        self.assertEqual(march.previous_id, february)
        self.assertEqual(
            json.loads(march.content_json)["previous_hash"], february.content_hash
        )
        # A correction of February follows March, the last one published; the
        # superseded February keeps its fingerprint at publication, which
        # March carries.
        february_hash = february.content_hash
        correction = self._publish(
            period=(date(2025, 2, 1), date(2025, 2, 28)), supersedes_id=february.id
        )
        self.assertEqual(correction.previous_id, march)
        self.assertEqual(correction.publication_number, 3)
        self.assertNotEqual(february.content_hash, february_hash)
        self.assertEqual(february.published_content_hash, february_hash)
        self.assertEqual(march.previous_hash, february_hash)
        document = self._document()
        self.assertEqual(
            [(p["date_from"], p["state"]) for p in document["publications"]],
            [
                ("2025-02-01", "superseded"),
                ("2025-03-01", "published"),
                ("2025-02-01", "published"),
            ],
        )
        self.assertEqual(open_data.tampered(document), [])
        self.assertEqual(open_data.broken_chain(document), [])
        # Each cooperative has its own chain.
        beta = self._publish(cooperative=self.coop_b)
        self.assertEqual(
            (beta.publication_number, beta.previous_id), (1, self.Publication)
        )

    def test_statements_published_together_chain_in_period_order(self):
        april = self._draft(period=(date(2025, 4, 1), date(2025, 4, 30)))
        february = self._draft(period=(date(2025, 2, 1), date(2025, 2, 28)))
        march = self._draft()
        (april | february | march).action_publish()
        self.assertEqual(
            [(p.publication_number, p.previous_id) for p in (february, march, april)],
            [(1, self.Publication), (2, february), (3, march)],
        )
        document = self._document()
        self.assertEqual(
            [p["date_from"] for p in document["publications"]],
            ["2025-02-01", "2025-03-01", "2025-04-01"],
        )
        self.assertEqual(open_data.broken_chain(document), [])

    # === PUBLICATION === #

    def test_publish_freezes_figures_and_hashes(self):
        publication = self._publish()
        self.assertEqual(publication.state, "published")
        self.assertEqual(publication.published_uid, self.accountant)
        self.assertTrue(publication.published_date)
        self.assertEqual(publication.licence, "CC BY-SA 4.0")
        self.assertEqual(len(publication.content_hash), 64)
        self.assertEqual(publication.content_hash, publication.published_content_hash)
        before = json.loads(publication.content_json)
        # Later postings in the period change the books, not the publication.
        self._kpa_move(self.coop_a, "out_invoice", "2025-03-18", (4000.0,))
        self._kpa_move(self.coop_a, "in_invoice", "2025-03-19", (60.0,), "materials")
        publication.invalidate_recordset()
        self.assertEqual(
            (publication.revenue, publication.expenses, publication.result),
            (1430.0, 600.0, 695.0),
        )
        self.assertEqual(self._lines(publication), MARCH_LINES)
        self.assertEqual(json.loads(publication.content_json), before)
        [data] = self._document()["publications"]
        self.assertTrue(verify_content_hash(data))
        self.assertEqual(data["revenue"], "1430.00")
        # A new draft sees the new postings.
        later = self._draft(period=(date(2025, 3, 1), date(2025, 3, 31)))
        self.assertEqual(later.revenue, 1430.0 + 4000.0)

    def test_open_data_schema(self):
        self.coop_a.licence = "CC BY 4.0"
        self._publish()
        document = self._document()
        self.assertEqual(
            set(document), {"cooperative", "licence", "currency", "publications"}
        )
        self.assertEqual(
            document["cooperative"],
            {"name": "Coop Alpha", "slug": "coop-alpha", "host": "Host Structure Test"},
        )
        self.assertEqual(document["licence"], "CC BY 4.0")
        self.assertEqual(document["currency"], self.host.currency_id.name)
        [data] = document["publications"]
        self.assertEqual(set(data), SCHEMA_PUBLICATION_KEYS)
        self.assertEqual(
            {key: data[key] for key in ("date_from", "date_to", "state", "supersedes")},
            {
                "date_from": "2025-03-01",
                "date_to": "2025-03-31",
                "state": "published",
                "supersedes": None,
            },
        )
        self.assertEqual(
            [data[key] for key in ("revenue", "expenses", "host_fee", "result")],
            ["1430.00", "600.00", "135.00", "695.00"],
        )
        self.assertEqual(
            data["lines"][0],
            {
                "category": "revenue.sales",
                "label": "Sales of services and goods",
                "amount": "1350.00",
            },
        )
        for line in data["lines"]:
            self.assertEqual(set(line), {"category", "label", "amount"})
            self.assertIsInstance(line["amount"], str)
        self.assertTrue(verify_content_hash(data))

    def test_no_name_in_published_data(self):
        publication = self._publish()
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html(
                "kpa_open_accounts.report_accounts_publication", publication.ids
            )[0]
            .decode()
        )
        published = (
            publication.content_json
            + json.dumps(self._document())
            + "".join(publication.line_ids.mapped("label"))
        )
        for name in SECRET_NAMES:
            self.assertNotIn(name, published)
            self.assertNotIn(name, html)

    def test_report_html(self):
        draft = self._draft()
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html(
                "kpa_open_accounts.report_accounts_publication", draft.ids
            )[0]
            .decode()
        )
        self.assertIn("Accounts of", html)
        self.assertIn("Coop Alpha", html)
        self.assertIn(self._month(date(2025, 3, 1)), html)
        self.assertIn("Draft, not published", html)
        self.assertIn("Purchases and materials", html)
        self.assertIn("Result", html)
        draft.action_publish()
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html(
                "kpa_open_accounts.report_accounts_publication", draft.ids
            )[0]
            .decode()
        )
        self.assertNotIn("Draft, not published", html)
        self.assertIn(draft.content_hash, html)
        self.assertIn("Balance at the host structure", html)
        self.assertIn("Opening balance", html)
        self.assertIn("Closing balance", html)
        # The next one names the publication it follows, with its fingerprint.
        april = self._publish(period=(date(2025, 4, 1), date(2025, 4, 30)))
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html(
                "kpa_open_accounts.report_accounts_publication", april.ids
            )[0]
            .decode()
        )
        self.assertIn("Previous publication", html)
        self.assertIn(draft.published_content_hash, html)
        self.assertIn("/cooperatives/coop-alpha/accounts.json", html)
        report = self.env.ref("kpa_open_accounts.action_report_accounts_publication")
        self.assertEqual(report.report_type, "qweb-pdf")
        self.assertEqual(report.binding_model_id.model, "kpa.accounts.publication")

    def test_supersede_flow(self):
        original = self._publish()
        original_hash = original.content_hash
        self._kpa_move(self.coop_a, "out_invoice", "2025-03-18", (100.0,))
        action = original.with_user(self.accountant).action_supersede()
        correction = self.Publication.with_user(self.accountant).browse(
            action["res_id"]
        )
        self.assertEqual(correction.state, "draft")
        self.assertEqual(correction.supersedes_id, original)
        self.assertEqual(correction.revenue, 1530.0)
        # Asking again opens the same draft correction.
        self.assertEqual(
            original.with_user(self.accountant).action_supersede()["res_id"],
            correction.id,
        )
        correction.action_publish()
        self.assertEqual(original.state, "superseded")
        self.assertEqual(original.superseded_by_id, correction)
        self.assertEqual(correction.state, "published")
        self.assertEqual(original.published_content_hash, original_hash)
        self.assertNotEqual(original.content_hash, original_hash)
        self.assertEqual(original.revenue, 1430.0, "figures stay frozen")
        old, new = self._document()["publications"]
        self.assertEqual((old["state"], new["state"]), ("superseded", "published"))
        self.assertEqual(new["supersedes"], old["content_hash"])
        self.assertTrue(verify_content_hash(old))
        self.assertTrue(verify_content_hash(new))
        # The original's hash at publication is the same object, state published.
        self.assertTrue(
            verify_content_hash(
                {**old, "state": "published", "content_hash": original_hash}
            )
        )
        # A superseded statement is not corrected twice.
        with self.assertRaisesRegex(UserError, "Only a published statement"):
            original.with_user(self.accountant).action_supersede()
        stale = self._draft(supersedes_id=original.id)
        with self.assertRefused(UserError, "already superseded"):
            stale.action_publish()
        self.assertEqual(stale.state, "draft")

    def test_overlapping_periods_refused(self):
        march = self._publish()
        quarter = self._draft(period=(date(2025, 1, 1), date(2025, 3, 31)))
        with self.assertRefused(ValidationError, "overlaps the published statement"):
            quarter.action_publish()
        self.assertEqual(quarter.state, "draft")
        self.assertFalse(quarter.content_hash)
        self.assertEqual(march.state, "published")
        # A correction may cover another period, as long as it overlaps nothing
        # else that is published.
        february = self._publish(period=(date(2025, 2, 1), date(2025, 2, 28)))
        quarter.supersedes_id = march
        with self.assertRefused(ValidationError, self._month(date(2025, 2, 1))):
            quarter.action_publish()
        self.assertEqual(march.state, "published")
        quarter.write({"date_from": date(2025, 3, 1), "period_type": "quarter"})
        self.assertEqual(quarter.date_to, date(2025, 3, 31))
        quarter.action_publish()
        self.assertEqual((march.state, february.state), ("superseded", "published"))
        # Other cooperatives are independent.
        self._publish(cooperative=self.coop_b)

    # === IMMUTABILITY === #

    def _assert_frozen(self, publication, records):
        line = publication.line_ids[:1]
        for record in records:
            user_line = line.with_env(record.env)
            for attempt in (
                lambda r=record: r.write({"revenue": 1.0}),
                lambda r=record: r.write({"date_to": date(2025, 3, 30)}),
                lambda r=record: r.write({"state": "draft"}),
                lambda r=record: r.write({"line_ids": [Command.clear()]}),
                lambda r=record: r.unlink(),
                lambda r=record: r.action_compute(),
                lambda r=record: r.action_publish(),
                lambda r=user_line: r.write({"amount": 1.0}),
                lambda r=user_line: r.unlink(),
                lambda r=user_line, p=publication: r.create(
                    {
                        "publication_id": p.id,
                        "section": "revenue",
                        "category": "revenue.other",
                        "label": "Extra",
                        "amount": 1.0,
                    }
                ),
            ):
                with self.assertRaises(UserError):  # AccessError included
                    attempt()
        publication.invalidate_recordset()
        self.assertEqual(len(publication.line_ids), 5)
        self.assertIn(publication.state, ("published", "superseded"))

    def test_published_never_edited_nor_deleted_by_anyone(self):
        publication = self._publish()
        content, digest = publication.content_json, publication.content_hash
        admin = self.env.ref("base.user_admin")
        admin.company_ids = [Command.link(self.host.id)]
        envs = [
            publication.with_user(self.accountant),
            publication.with_user(admin).with_company(self.host),
            publication.sudo(),
            publication.with_user(self.env.ref("base.user_root")),
            publication,  # accounting administrator and network manager
            publication.with_user(self.manager),
            publication.with_user(self.coordinator_a),
            publication.with_user(self.member_user),
        ]
        self._assert_frozen(publication, envs)
        with self.assertRaisesRegex(UserError, "can never be edited or deleted"):
            publication.sudo().write({"revenue": 1.0})
        self.assertEqual(
            (publication.revenue, publication.content_json, publication.content_hash),
            (1430.0, content, digest),
        )
        # Superseded ones too.
        correction = self._draft(supersedes_id=publication.id)
        correction.action_publish()
        self._assert_frozen(publication, [publication.sudo()])
        with self.assertRaisesRegex(UserError, "can never be edited"):
            publication.sudo().write({"state": "published"})

    def test_database_refuses_changes_too(self):
        publication = self._publish()
        self.env.flush_all()
        for query in (
            "UPDATE kpa_accounts_publication SET revenue = 1 WHERE id = %s",
            "UPDATE kpa_accounts_publication SET state = 'draft' WHERE id = %s",
            "UPDATE kpa_accounts_publication SET content_hash = 'x' WHERE id = %s",
            "UPDATE kpa_accounts_publication SET opening_balance = 1 WHERE id = %s",
            "UPDATE kpa_accounts_publication SET closing_balance = 1 WHERE id = %s",
            "UPDATE kpa_accounts_publication SET publication_number = 7 "
            "WHERE id = %s",
            "UPDATE kpa_accounts_publication SET previous_id = id WHERE id = %s",
            "UPDATE kpa_accounts_publication SET schema_version = 1 WHERE id = %s",
            "DELETE FROM kpa_accounts_publication WHERE id = %s",
            "UPDATE kpa_accounts_publication_line SET amount = 1 "
            "WHERE publication_id = %s",
            "DELETE FROM kpa_accounts_publication_line WHERE publication_id = %s",
            "INSERT INTO kpa_accounts_publication_line "
            "(publication_id, section, category, label, amount) "
            "VALUES (%s, 'revenue', 'revenue.other', 'Extra', 1)",
        ):
            with (
                self.subTest(query=query),
                mute_logger("odoo.sql_db"),
                self.assertRaises(psycopg2.errors.RaiseException),
                self.env.cr.savepoint(),
            ):
                self.env.cr.execute(query, [publication.id])
        # The chatter and write stamps are not frozen.
        publication.message_post(body="Presented at the general assembly")
        self.env.cr.execute(
            "UPDATE kpa_accounts_publication SET write_date = now() WHERE id = %s",
            [publication.id],
        )

    def test_rpc_style_create_cannot_publish(self):
        with self.assertRaisesRegex(UserError, "cannot be given"):
            self._draft(state="published")
        with self.assertRaisesRegex(UserError, "cannot be given"):
            self._draft(content_hash="0" * 64)
        # Nor the balances or the place in the chain.
        for vals in (
            {"opening_balance": 1000.0},
            {"publication_number": 1},
            {"schema_version": 1},
        ):
            with (
                self.subTest(vals=vals),
                self.assertRaisesRegex(UserError, "cannot be given"),
            ):
                self._draft(**vals)
        draft = (
            self.Publication.with_user(self.accountant)
            .with_context(default_state="published", default_content_hash="0" * 64)
            .create(
                {
                    "cooperative_id": self.coop_a.id,
                    "period_type": "custom",
                    "date_from": date(2025, 3, 1),
                    "date_to": date(2025, 3, 31),
                }
            )
        )
        self.assertEqual(draft.state, "draft")
        self.assertFalse(draft.content_hash)
        with self.assertRaisesRegex(UserError, "cannot be given"):
            draft.write({"revenue": 99999.0})
        self.assertEqual(draft.revenue, 1430.0)

    # === BAD INPUTS === #

    def test_period_ending_before_it_starts_refused(self):
        count = self.Publication.sudo().search_count([])
        with self.assertRefused(ValidationError, "before it starts"):
            self._draft(period=(date(2025, 3, 31), date(2025, 3, 1)))
        self.assertEqual(self.Publication.sudo().search_count([]), count)
        draft = self._draft()
        with self.assertRefused(ValidationError, "before it starts"):
            draft.write({"date_to": date(2025, 2, 1)})
        self.assertEqual(draft.date_to, date(2025, 3, 31))

    def test_cooperative_of_other_host_refused(self):
        count = self.Publication.sudo().search_count([])
        with self.assertRefused(
            ValidationError,
            "Coop Other Host is hosted by Other Host Test, not by Host Structure Test",
        ):
            self._draft(cooperative=self.coop_other)
        self.assertEqual(self.Publication.sudo().search_count([]), count)

    def test_publishing_twice_refused(self):
        publication = self._publish()
        stamp = publication.published_date
        with self.assertRefused(UserError, "is already published"):
            publication.action_publish()
        self.assertEqual(publication.published_date, stamp)
        self.assertEqual(len(self._document()["publications"]), 1)

    def test_period_not_over_refused(self):
        with freeze_time("2025-03-20"):
            draft = self._draft()
            with self.assertRefused(UserError, "once it is over"):
                draft.action_publish()
        self.assertEqual(draft.state, "draft")

    def test_stale_draft_refused(self):
        draft = self._draft()
        self._kpa_move(self.coop_a, "out_invoice", "2025-03-18", (100.0,))
        with self.assertRefused(UserError, "changed since the statement"):
            draft.action_publish()
        self.assertEqual((draft.state, draft.revenue), ("draft", 1430.0))
        draft.action_compute()
        draft.action_publish()
        self.assertEqual(draft.revenue, 1530.0)

    def test_form_computes_period_end(self):
        with Form(self.Publication.with_user(self.accountant)) as form:
            form.cooperative_id = self.coop_a
            form.period_type = "quarter"
            form.date_from = date(2025, 1, 1)
            self.assertEqual(form.date_to, date(2025, 3, 31))
            form.period_type = "month"
            self.assertEqual(form.date_to, date(2025, 1, 31))
        publication = form.save()
        self.assertEqual(publication.revenue, 0.0)
        self.assertEqual(publication.period_label, self._month(date(2025, 1, 1)))


@tagged("post_install", "-at_install")
class TestAccountsAccess(KpaAccountsCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Publication = cls.env["kpa.accounts.publication"].with_user(cls.accountant)
        cls.published_a = Publication.create(
            {"cooperative_id": cls.coop_a.id, "date_from": date(2025, 2, 1)}
        )
        cls.published_a.action_publish()
        cls.draft_a = Publication.create(
            {"cooperative_id": cls.coop_a.id, "date_from": date(2025, 3, 1)}
        )
        cls.draft_b = Publication.create(
            {"cooperative_id": cls.coop_b.id, "date_from": date(2025, 3, 1)}
        )
        cls.published_b = Publication.create(
            {"cooperative_id": cls.coop_b.id, "date_from": date(2025, 2, 1)}
        )
        cls.published_b.action_publish()
        cls.all = cls.published_a | cls.draft_a | cls.draft_b | cls.published_b

    def _visible(self, user):
        Publication = self.env["kpa.accounts.publication"].with_user(user)
        return Publication.search([("id", "in", self.all.ids)])

    def test_accountant_prepares_and_publishes(self):
        self.assertEqual(self._visible(self.accountant), self.all)
        self.draft_a.with_user(self.accountant).action_compute()
        self.draft_a.with_user(self.accountant).write({"period_type": "month"})
        self.draft_b.with_user(self.accountant).unlink()
        self.assertFalse(self.draft_b.exists())

    def test_coordinator_sees_drafts_of_own_cooperatives_only(self):
        self.assertEqual(
            self._visible(self.coordinator_a),
            self.published_a | self.draft_a | self.published_b,
        )
        self.assertEqual(
            self._visible(self.coordinator_b),
            self.published_a | self.draft_b | self.published_b,
        )
        draft = self.draft_a.with_user(self.coordinator_a)
        self.assertEqual(draft.revenue, 1430.0)
        self.assertEqual(len(draft.line_ids), 5)
        with self.assertRaises(AccessError):
            self.draft_b.with_user(self.coordinator_a).read(["revenue"])
        for attempt in (
            lambda: draft.action_publish(),
            lambda: draft.action_compute(),
            lambda: draft.write({"date_from": date(2025, 1, 1)}),
            lambda: draft.unlink(),
            lambda: self.env["kpa.accounts.publication"]
            .with_user(self.coordinator_a)
            .create({"cooperative_id": self.coop_a.id}),
        ):
            with self.assertRaises(AccessError):
                attempt()
        self.assertEqual(self.draft_a.state, "draft")

    def test_member_reads_drafts_of_own_cooperative(self):
        self.assertEqual(
            self._visible(self.member_user),
            self.published_a | self.draft_a | self.published_b,
        )
        draft = self.draft_a.with_user(self.member_user)
        self.assertEqual(draft.line_ids.mapped("category")[0], "revenue.sales")
        with self.assertRaises(AccessError):
            draft.action_publish()
        with self.assertRaises(AccessError):
            draft.write({"date_from": date(2025, 1, 1)})
        with self.assertRaises(AccessError):
            self.draft_b.with_user(self.member_user).read(["revenue"])

    def test_candidate_sees_published_only(self):
        self.assertEqual(
            self._visible(self.candidate_user), self.published_a | self.published_b
        )

    def test_manager_reads_all_publishes_nothing(self):
        self.assertEqual(self._visible(self.manager), self.all)
        with self.assertRaises(AccessError):
            self.draft_a.with_user(self.manager).action_publish()

    def test_portal_and_public_have_no_access(self):
        for user in (self.portal_user, self.public_user):
            with self.assertRaises(AccessError):
                self.env["kpa.accounts.publication"].with_user(user).search([])
            with self.assertRaises(AccessError):
                self.published_a.with_user(user).read(["revenue"])

    def test_other_host_sees_nothing(self):
        other_accountant = self.env["res.users"].create(
            {
                "name": "Other accountant",
                "login": "kpa_other_accountant",
                "company_id": self.other_host.id,
                "company_ids": [Command.set(self.other_host.ids)],
                "groups_id": [
                    Command.set(
                        self.env.ref("kpa_cooperative.group_kpa_accountant").ids
                    )
                ],
            }
        )
        self.assertFalse(self._visible(other_accountant))


@tagged("post_install", "-at_install")
class TestAccountsCron(KpaAccountsCommon):
    def _cron(self, day):
        """Drafts the scheduled action prepares on that day for coop_a and coop_b
        (whatever it prepares for other cooperatives of the database)."""
        with freeze_time(day):
            drafts = self.Publication._cron_prepare_statements()
        return drafts.filtered(
            lambda p: p.cooperative_id in (self.coop_a | self.coop_b)
        )

    def test_period_end_prepares_drafts_and_activities(self):
        self.coop_b.accounts_period = "quarter"
        drafts = self._cron("2025-04-02")
        self.assertEqual(drafts.cooperative_id, self.coop_a | self.coop_b)
        draft_a = drafts.filtered(lambda p: p.cooperative_id == self.coop_a)
        draft_b = drafts - draft_a
        self.assertEqual((draft_a.date_from, draft_a.date_to), self.march)
        self.assertEqual(draft_a.period_type, "month")
        self.assertEqual(
            (draft_b.date_from, draft_b.date_to), (date(2025, 1, 1), date(2025, 3, 31))
        )
        self.assertEqual(draft_a.revenue, 1430.0)
        self.assertEqual(set(drafts.mapped("state")), {"draft"})
        activity = draft_a.activity_ids.filtered(lambda a: a.user_id == self.accountant)
        self.assertEqual(
            activity.summary,
            "Review and publish the accounts of Coop Alpha for "
            f"{self._month(date(2025, 3, 1))}",
        )
        self.assertFalse(
            draft_a.activity_ids.user_id.filtered(lambda u: u.share),
            "only internal accountants",
        )
        # Once a day: nothing twice.
        self.assertFalse(self._cron("2025-04-03"))
        # Publishing closes the review activities.
        draft_a.with_user(self.accountant).action_publish()
        self.assertFalse(draft_a.activity_ids)

    def test_no_quarter_draft_mid_quarter_nor_over_published(self):
        self.coop_a.accounts_period = "quarter"
        self.coop_b.accounts_period = "year"
        self.assertFalse(self._cron("2025-03-02"))
        self.coop_a.accounts_period = "month"
        self.coop_b.accounts_period = "quarter"
        self._publish(period=(date(2025, 3, 1), date(2025, 3, 31)))
        self._publish(
            cooperative=self.coop_b, period=(date(2025, 2, 1), date(2025, 2, 28))
        )
        self.assertFalse(self._cron("2025-04-02"))

    def test_year_end_and_closed_cooperative(self):
        self.coop_a.accounts_period = "year"
        self.coop_b.action_close()
        drafts = self._cron("2026-01-05")
        self.assertEqual(drafts.cooperative_id, self.coop_a)
        self.assertEqual(
            (drafts.date_from, drafts.date_to), (date(2025, 1, 1), date(2025, 12, 31))
        )
        self.assertEqual(drafts.period_label, "2025")
        # A cooperative closed in March still gets its statement of March.
        self.assertIn(self.coop_b, self._cron("2025-04-02").cooperative_id)
