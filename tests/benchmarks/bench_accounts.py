"""Benchmark of the open accounts (issue 4): statements at scale, public routes.

1. A statement of a cooperative whose books hold 1,000,000 analytic lines
   (generated with SQL), computed by kpa.accounts.publication, against a
   hand-written SQL GROUP BY over the same rows and the SUM of the rows before
   the period (its opening balance): the floor. Goal: ratio <= 1.5.
2. The public page /cooperatives/<slug>/accounts and its accounts.json with 1
   and with 120 publications, on small books and on the 1,000,000-line books:
   they read frozen data, so the time served stays flat with the size of the
   books.

Works on a dedicated database, a copy of the test database (odoo-bin db
duplicate), dropped at the end. Not a pass/fail test: it prints figures.

    .venv/bin/python tests/benchmarks/bench_accounts.py \\
        --odoo-src /root/.cache/kpa-cite/odoo-18.0 --config .local/odoo.conf
"""

import argparse
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BENCH_DB = "kpa_bench_accounts"
BASE_TEMPLATE = "kpa_base_template"


def say(message):
    print(f"[bench_accounts] {message}", flush=True)


def odoo_bin(args, *extra, check=True, quiet=True):
    cmd = [sys.executable, str(Path(args.odoo_src) / "odoo-bin"), *extra]
    proc = subprocess.run(
        cmd,
        check=False,
        stdout=subprocess.PIPE if quiet else None,
        stderr=subprocess.STDOUT if quiet else None,
        text=True,
    )
    if check and proc.returncode:
        print(proc.stdout or "", file=sys.stderr)
        raise SystemExit(f"'{' '.join(extra[:4])} …' failed: the lines above say why.")
    return proc


def database_exists(name):
    import odoo.service.db  # pylint: disable=import-outside-toplevel

    return odoo.service.db.exp_db_exist(name)


def prepare_database(args):
    """The benchmark database: a copy of the test database, or, without one,
    a copy of the base template with kpa_cooperative installed."""
    conf = ["-c", args.config]
    odoo_bin(args, "db", *conf, "drop", BENCH_DB, check=False)
    if database_exists(args.source_db):
        say(f"copying '{args.source_db}' into '{BENCH_DB}'")
        odoo_bin(args, "db", *conf, "duplicate", args.source_db, BENCH_DB)
        return
    if not database_exists(BASE_TEMPLATE):
        raise SystemExit(
            f"Neither '{args.source_db}' nor '{BASE_TEMPLATE}' exists: run "
            "'./kpa test' once (or pass --source-db), then the benchmark again."
        )
    say(
        f"'{args.source_db}' is missing: installing kpa_cooperative into a copy of "
        f"'{BASE_TEMPLATE}' (a minute or two)"
    )
    odoo_bin(args, "db", *conf, "duplicate", BASE_TEMPLATE, BENCH_DB)
    odoo_bin(
        args,
        *conf,
        "-d",
        BENCH_DB,
        "-i",
        "kpa_cooperative",
        "--stop-after-init",
        "--log-level=warn",
    )


def median_ms(func, repeat):
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        func()
        timings.append((time.perf_counter() - started) * 1000.0)
    return statistics.median(timings)


# === BOOKS === #


def build_books(env, lines):
    """Two published cooperatives of the website's host: "Bench Small" with a
    few posted documents, "Bench Books" with posted documents and ``lines``
    analytic lines generated with SQL over ten years (2015-2024)."""
    from odoo import Command  # pylint: disable=import-outside-toplevel
    from odoo.tools import SQL  # pylint: disable=import-outside-toplevel

    website = env["website"].get_current_website()
    company = website.company_id
    env = env(context=dict(env.context, allowed_company_ids=company.ids))
    small, books = env["kpa.cooperative"].create(
        [
            {
                "name": name,
                "slug": slug,
                "company_id": company.id,
                "state": "active",
                "host_fee_rate": 8.0,
                "is_published": True,
            }
            for name, slug in (
                ("Bench Small", "bench-small"),
                ("Bench Books", "bench-books"),
            )
        ]
    )
    customer, supplier = env["res.partner"].create(
        [{"name": "Bench customer"}, {"name": "Bench supplier"}]
    )

    def documents(cooperative, count, move_type, partner, year):
        return [
            {
                "move_type": move_type,
                "partner_id": partner.id,
                "invoice_date": date(year, 1 + index % 12, 1 + index % 27),
                "kpa_cooperative_id": cooperative.id,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "name": f"Line {line}",
                            "price_unit": 100.0 + line,
                            "tax_ids": [],
                        }
                    )
                    for line in range(4)
                ],
            }
            for index in range(count)
        ]

    moves = env["account.move"].create(
        documents(small, 6, "out_invoice", customer, 2015)
        + documents(small, 2, "in_invoice", supplier, 2015)
        + documents(books, 25, "out_invoice", customer, 2020)
        + documents(books, 10, "in_invoice", supplier, 2020)
    )
    moves.action_post()
    env.flush_all()
    column = env.ref("kpa_cooperative.analytic_plan_cooperatives")._column_name()
    books_moves = moves.filtered(lambda m: m.kpa_cooperative_id == books)
    invoice_lines = books_moves.filtered(
        lambda m: m.move_type == "out_invoice"
    ).invoice_line_ids
    bill_lines = books_moves.filtered(
        lambda m: m.move_type == "in_invoice"
    ).invoice_line_ids
    invoices = books_moves.filtered(lambda m: m.move_type == "out_invoice")
    account = books.analytic_account_id
    env.cr.execute(
        SQL(
            """
            INSERT INTO account_analytic_line (
                name, date, amount, company_id, currency_id, category,
                general_account_id, move_line_id, kpa_host_fee_move_id, %(column)s,
                create_uid, write_uid, create_date, write_date
            )
            SELECT 'bench', DATE '2015-01-01' + (mod(g, 3652)),
                   CASE WHEN mod(g, 20) < 12 THEN 10 + mod(g, 90)
                        WHEN mod(g, 20) < 19 THEN -(5 + mod(g, 40))
                        ELSE -(1 + mod(g, 7)) END,
                   %(company)s, %(currency)s,
                   CASE WHEN mod(g, 20) < 12 THEN 'invoice'
                        WHEN mod(g, 20) < 19 THEN 'vendor_bill'
                        ELSE 'kpa_host_fee' END,
                   CASE WHEN mod(g, 20) < 12 THEN (%(inv_acc)s)[1 + mod(g, %(n_inv)s)]
                        WHEN mod(g, 20) < 19 THEN (%(bill_acc)s)[1 + mod(g, %(n_bill)s)]
                        END,
                   CASE WHEN mod(g, 20) < 12 THEN (%(inv_ml)s)[1 + mod(g, %(n_inv)s)]
                        WHEN mod(g, 20) < 19 THEN (%(bill_ml)s)[1 + mod(g, %(n_bill)s)]
                        END,
                   CASE WHEN mod(g, 20) > 18 THEN (%(fees)s)[1 + mod(g, %(n_fee)s)]
                        END,
                   %(account)s, 1, 1, now(), now()
              FROM generate_series(1, %(lines)s) AS g
            """,
            column=SQL.identifier(column),
            company=company.id,
            currency=company.currency_id.id,
            inv_acc=[line.account_id.id for line in invoice_lines],
            bill_acc=[line.account_id.id for line in bill_lines],
            inv_ml=invoice_lines.ids,
            bill_ml=bill_lines.ids,
            fees=invoices.ids,
            n_inv=len(invoice_lines),
            n_bill=len(bill_lines),
            n_fee=len(invoices),
            account=account.id,
            lines=lines,
        )
    )
    env.cr.execute("ANALYZE account_analytic_line")
    return small, books, column


# === STATEMENT === #


def floor_queries(column, account_id, date_from, date_to):
    """Hand-written SQL over the same rows: with the same posted guard (the
    floor of the same statement), and without it (the bare GROUP BY). Each is
    a pair: the period's GROUP BY, and the SUM of everything before it (the
    opening balance, which the statement computes too)."""
    from odoo.tools import SQL  # pylint: disable=import-outside-toplevel

    params = {
        "column": SQL.identifier(column),
        "account": account_id,
        "date_from": date_from,
        "date_to": date_to,
    }
    guarded = SQL(
        """
        SELECT aal.%(column)s, aal.category, aal.general_account_id, SUM(aal.amount)
          FROM account_analytic_line aal
         WHERE aal.%(column)s = %(account)s
           AND aal.date BETWEEN %(date_from)s AND %(date_to)s
           AND NOT EXISTS (SELECT 1 FROM account_move_line aml
                            WHERE aml.id = aal.move_line_id
                              AND aml.parent_state != 'posted')
           AND NOT EXISTS (SELECT 1 FROM account_move fee
                            WHERE fee.id = aal.kpa_host_fee_move_id
                              AND fee.state != 'posted')
      GROUP BY 1, 2, 3
        """,
        **params,
    )
    guarded_opening = SQL(
        """
        SELECT SUM(aal.amount)
          FROM account_analytic_line aal
         WHERE aal.%(column)s = %(account)s
           AND aal.date < %(date_from)s
           AND NOT EXISTS (SELECT 1 FROM account_move_line aml
                            WHERE aml.id = aal.move_line_id
                              AND aml.parent_state != 'posted')
           AND NOT EXISTS (SELECT 1 FROM account_move fee
                            WHERE fee.id = aal.kpa_host_fee_move_id
                              AND fee.state != 'posted')
        """,
        **params,
    )
    bare_opening = SQL(
        """
        SELECT SUM(aal.amount)
          FROM account_analytic_line aal
         WHERE aal.%(column)s = %(account)s
           AND aal.date < %(date_from)s
        """,
        **params,
    )
    bare = SQL(
        """
        SELECT aal.%(column)s, aal.category, aal.general_account_id, SUM(aal.amount)
          FROM account_analytic_line aal
         WHERE aal.%(column)s = %(account)s
           AND aal.date BETWEEN %(date_from)s AND %(date_to)s
      GROUP BY 1, 2, 3
        """,
        **params,
    )
    return (guarded, guarded_opening), (bare, bare_opening)


def bench_statement(env, books, column, date_from, date_to, repeat):
    from odoo.tools import SQL  # pylint: disable=import-outside-toplevel

    publication = env["kpa.accounts.publication"].create(
        {
            "cooperative_id": books.id,
            "company_id": books.company_id.id,
            "period_type": "custom",
            "date_from": date_from,
            "date_to": date_to,
        }
    )
    env.cr.execute(
        SQL(
            "SELECT count(*) FROM account_analytic_line WHERE %s = %s "
            "AND date BETWEEN %s AND %s",
            SQL.identifier(column),
            books.analytic_account_id.id,
            date_from,
            date_to,
        )
    )
    rows = env.cr.fetchone()[0]
    guarded, bare = floor_queries(
        column, books.analytic_account_id.id, date_from, date_to
    )

    def orm():
        env.invalidate_all()
        publication._compute_statements()

    def run(queries):
        for query in queries:
            env.cr.execute(query)
            env.cr.fetchall()

    orm()
    run(guarded)
    run(bare)
    # Interleaved, so that the load of the machine weighs on the three alike.
    timings = {"orm": [], "floor": [], "bare": []}
    for _ in range(repeat):
        for key, func in (
            ("orm", orm),
            ("floor", lambda: run(guarded)),
            ("bare", lambda: run(bare)),
        ):
            started = time.perf_counter()
            func()
            timings[key].append((time.perf_counter() - started) * 1000.0)
    times = {key: statistics.median(values) for key, values in timings.items()}
    statement = publication._compute_statements()[publication]
    env.cr.execute(guarded[0])
    floor_total = sum(row[3] for row in env.cr.fetchall())
    orm_total = statement["revenue"] - statement["expenses"] - statement["host_fee"]
    assert abs(float(floor_total) - orm_total) < 0.01, (floor_total, orm_total)
    env.cr.execute(guarded[1])
    floor_opening = float(env.cr.fetchone()[0] or 0.0)
    assert abs(floor_opening - statement["opening_balance"]) < 0.01, (
        floor_opening,
        statement["opening_balance"],
    )
    publication.unlink()
    return rows, times


# === PUBLIC ROUTES === #


def publish_months(env, cooperative, months):
    """Publish monthly statements for the given (year, month) pairs."""
    from odoo.tools import date_utils  # pylint: disable=import-outside-toplevel

    accountant = env.ref("base.user_admin")
    Publication = (
        env["kpa.accounts.publication"]
        .with_user(accountant)
        .with_context(allowed_company_ids=cooperative.company_id.ids)
    )
    drafts = Publication.create(
        [
            {
                "cooperative_id": cooperative.id,
                "company_id": cooperative.company_id.id,
                "period_type": "month",
                "date_from": date(year, month, 1),
                "date_to": date_utils.end_of(date(year, month, 1), "month"),
            }
            for year, month in months
        ]
    )
    drafts.action_publish()
    return drafts


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """odoo-bin serving the benchmark database, started and stopped here."""

    def __init__(self, args):
        self.port = free_port()
        self.proc = subprocess.Popen(  # noqa: S603
            [
                sys.executable,
                str(Path(args.odoo_src) / "odoo-bin"),
                "-c",
                args.config,
                "-d",
                BENCH_DB,
                f"--db-filter=^{BENCH_DB}$",
                f"--http-port={self.port}",
                "--max-cron-threads=0",
                "--workers=0",
                "--log-level=warn",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                self.get("/web/health")
                return
            except OSError:
                time.sleep(0.5)
        self.stop()
        raise SystemExit("The Odoo server of the benchmark did not start in 2 minutes.")

    def get(self, path):
        url = f"http://127.0.0.1:{self.port}{path}"
        with urllib.request.urlopen(url, timeout=60) as response:  # noqa: S310
            body = response.read()
            if response.status != 200:
                raise OSError(f"{path}: HTTP {response.status}")
            return body

    def time_ms(self, path, repeat):
        for _ in range(3):
            self.get(path)
        return median_ms(lambda: self.get(path), repeat)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()


def bench_routes(args, slugs, repeat):
    server = Server(args)
    try:
        return {
            slug: {
                suffix: server.time_ms(f"/cooperatives/{slug}/{suffix}", repeat)
                for suffix in ("accounts", "accounts.json")
            }
            for slug in slugs
        }
    finally:
        server.stop()


# === MAIN === #


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--odoo-src", required=True)
    parser.add_argument("--config", required=True)
    parser.add_argument(
        "--source-db",
        default=os.environ.get("KPA_TEST_DB", "kpa_test"),
        help="database copied for the benchmark (default: $KPA_TEST_DB or kpa_test)",
    )
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--http-repeat", type=int, default=20)
    parser.add_argument("--keep-db", action="store_true")
    args, _unknown = parser.parse_known_args(argv)
    args.config = str(Path(args.config).resolve())
    sys.path.insert(0, str(Path(args.odoo_src).resolve()))
    import odoo  # pylint: disable=import-outside-toplevel
    from odoo import SUPERUSER_ID, api  # pylint: disable=import-outside-toplevel

    odoo.tools.config.parse_config(["-c", args.config, "--log-level=warn"])
    prepare_database(args)
    try:
        registry = odoo.modules.registry.Registry(BENCH_DB)
        results = {}
        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            say(f"generating {args.lines:,} analytic lines with SQL")
            started = time.perf_counter()
            small, books, column = build_books(env, args.lines)
            cr.commit()
            say(f"books ready in {time.perf_counter() - started:.0f} s")
            for label, date_from, date_to in (
                ("ten years", date(2015, 1, 1), date(2024, 12, 31)),
                ("one year", date(2020, 1, 1), date(2020, 12, 31)),
                ("one month", date(2020, 6, 1), date(2020, 6, 30)),
            ):
                results[label] = bench_statement(
                    env, books, column, date_from, date_to, args.repeat
                )
            publish_months(env, small, [(2015, 1)])
            publish_months(env, books, [(2015, 1)])
            cr.commit()
        routes = {
            "1": bench_routes(args, ["bench-small", "bench-books"], args.http_repeat)
        }
        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            books = env["kpa.cooperative"].search([("slug", "=", "bench-books")])
            say("publishing 119 more monthly statements of the big books")
            started = time.perf_counter()
            publish_months(
                env,
                books,
                [(2015 + i // 12, 1 + i % 12) for i in range(1, 120)],
            )
            cr.commit()
            publish_seconds = time.perf_counter() - started
        routes["120"] = bench_routes(args, ["bench-books"], args.http_repeat)
    finally:
        if not args.keep_db:
            odoo.modules.registry.Registry.delete(BENCH_DB)
            odoo.sql_db.close_all()
            odoo_bin(args, "db", "-c", args.config, "drop", BENCH_DB, check=False)

    print()
    print(f"Statement of a cooperative whose books hold {args.lines:,} analytic lines")
    print(f"(median of {args.repeat} runs; floor = hand-written SQL GROUP BY with the")
    print(" same posted-entries guard, and the SUM before the period for the opening")
    print(" balance; bare = the same two queries without the guard)")
    print(
        f"  {'period':<10} {'rows':>10} {'statement':>10} {'floor':>9} "
        f"{'ratio':>6} {'bare':>9} {'ratio':>6}"
    )
    for label, (rows, times) in results.items():
        print(
            f"  {label:<10} {rows:>10,} {times['orm']:>8.1f}ms "
            f"{times['floor']:>7.1f}ms "
            f"{times['orm'] / times['floor']:>6.2f} {times['bare']:>7.1f}ms "
            f"{times['orm'] / times['bare']:>6.2f}"
        )
    print()
    print(f"Public routes (median of {args.http_repeat} requests, frozen data)")
    print(f"  {'books':<28} {'publications':>12} {'page':>9} {'json':>9}")
    for count, slug_times in routes.items():
        for slug, times in slug_times.items():
            books_label = (
                "small (8 documents)"
                if slug == "bench-small"
                else f"{args.lines:,} analytic lines"
            )
            print(
                f"  {books_label:<28} {count:>12} {times['accounts']:>7.1f}ms "
                f"{times['accounts.json']:>7.1f}ms"
            )
    print(f"  (publishing the 119 statements took {publish_seconds:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
