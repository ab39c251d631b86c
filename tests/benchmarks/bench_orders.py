"""Confirm and invoice: a 10-cooperative cart against 10 plain single orders.

In the KPA database, one quotation holds one service of each of 10
cooperatives; confirming it makes 10 orders, which are invoiced (10
invoices, each in its cooperative's journal) and posted (host fee booked).
In the plain database, 10 quotations of one line each (the same products and
prices) are confirmed, invoiced and posted the same way, in one batch.
Each round runs in a transaction rolled back afterwards; caches are cleared
before each measure.

Then the query count of the KPA flow for 1 to 20 cooperatives, with 1 and 3
lines per cooperative: it must grow with the cooperatives only.

Then, in databases with Odoo's events and stock sold online (and, on the
KPA side, the bridges kpa_marketplace_event and kpa_marketplace_stock), a
cart mixing a workshop seat of one cooperative, a storable good of another
(delivered from its own warehouse) and a service of a third, against the same
three lines sold as three plain Odoo orders.

Goals: time ratio ≤ 1.15 for the 10-cooperative cart, ≤ 1.2 for the mixed
cart; queries linear in the cooperatives, not in lines.
"""

import contextlib
import time

COOPERATIVES = 10
RATIO_GOAL = 1.15
MIXED_RATIO_GOAL = 1.2


def _products(env, n_coops, lines_per_coop, with_cooperatives):
    """`lines_per_coop` products of each of the first `n_coops` cooperatives
    (the same names in the plain database)."""
    names = [
        f"Service {index:02d}-{number:02d}"
        for index in range(n_coops)
        for number in range(lines_per_coop)
    ]
    products = env["product.product"].search([("name", "in", names)])
    by_name = {product.name: product for product in products}
    return [by_name[name] for name in names]


def _quotations(env, products, lines_per_order):
    """Quotations of the products, `lines_per_order` products each."""
    partner = env["res.partner"].search([("name", "=", "Bench Customer")], limit=1)
    groups = [
        products[start : start + lines_per_order]
        for start in range(0, len(products), lines_per_order)
    ]
    return env["sale.order"].create(
        [
            {
                "partner_id": partner.id,
                "order_line": [
                    (0, 0, {"product_id": product.id, "product_uom_qty": 2})
                    for product in group
                ],
            }
            for group in groups
        ]
    )


def _mixed_quotations(env, split):
    """A seat of "Workshop 00" (cooperative 0), two "Good 01" (cooperative 1)
    and a "Service 02-00" (cooperative 2): one cart, or three quotations of one
    line each when `split` (plain Odoo)."""
    partner = env["res.partner"].search([("name", "=", "Bench Customer")], limit=1)
    Product = env["product.product"]
    ticket = env["event.event.ticket"].search(
        [("product_id.name", "=", "Workshop 00")], limit=1
    )
    lines = [
        {
            "product_id": ticket.product_id.id,
            "event_id": ticket.event_id.id,
            "event_ticket_id": ticket.id,
            "product_uom_qty": 1,
        },
        {
            "product_id": Product.search([("name", "=", "Good 01")], limit=1).id,
            "product_uom_qty": 2,
        },
        {
            "product_id": Product.search([("name", "=", "Service 02-00")], limit=1).id,
            "product_uom_qty": 1,
        },
    ]
    groups = [[line] for line in lines] if split else [lines]
    return env["sale.order"].create(
        [
            {
                "partner_id": partner.id,
                "order_line": [(0, 0, line) for line in group],
            }
            for group in groups
        ]
    )


def _measure_mixed(bench, dbname, split, rounds):
    """[(milliseconds, queries, phases)] of the mixed cart (or its plain
    orders when `split`), one per round."""
    measures = []
    with bench.environment(dbname, uid=2, commit=False) as env:
        # The attendees' emails are sent by the scheduled action, as a busy
        # host sets it, not while the orders are confirmed (rendering a ticket
        # would commit the transaction the benchmark rolls back).
        env["ir.config_parameter"].sudo().set_param("event.event_mail_async", True)
        for _round in range(rounds):
            env.cr.execute("SAVEPOINT bench_round")
            quotations = _mixed_quotations(env, split)
            env.flush_all()
            env.invalidate_all()
            queries = env.cr.sql_log_count
            started = time.perf_counter()
            orders, invoices, phases = _confirm_and_invoice(env, quotations)
            elapsed = (time.perf_counter() - started) * 1000
            measures.append((elapsed, env.cr.sql_log_count - queries, phases))
            if len(orders) != 3 or len(invoices) != 3 or len(orders.picking_ids) != 1:
                raise RuntimeError(
                    f"expected 3 orders, 3 invoices and 1 picking, got {len(orders)}, "
                    f"{len(invoices)} and {len(orders.picking_ids)}"
                )
            if not orders.order_line.registration_ids:
                raise RuntimeError("the workshop seat made no registration")
            env.cr.execute("ROLLBACK TO SAVEPOINT bench_round")
            env.invalidate_all()
    return measures


def run_mixed(bench):
    kpa_db = bench.database("kpa_apps")
    plain_db = bench.database("plain_apps")
    rounds = max(5, bench.options.rounds // 4)
    _measure_mixed(bench, kpa_db, False, 1)
    _measure_mixed(bench, plain_db, True, 1)
    kpa_runs, plain_runs = [], []
    for _round in range(rounds):
        kpa_runs += _measure_mixed(bench, kpa_db, False, 1)
        plain_runs += _measure_mixed(bench, plain_db, True, 1)
    _record_runs(
        bench,
        (
            ("kpa: cart of a seat, a good and a service", kpa_runs),
            ("plain: the same lines, 3 single orders", plain_runs),
        ),
    )
    ratio = (
        bench.stats([run[0] for run in kpa_runs])["p50"]
        / bench.stats([run[0] for run in plain_runs])["p50"]
    )
    bench.record(
        "mixed cart: kpa / plain p50",
        ratio,
        "x",
        goal=f"≤ {MIXED_RATIO_GOAL}",
        ok=ratio <= MIXED_RATIO_GOAL,
    )


def _record_runs(bench, labelled_runs):
    for label, runs in labelled_runs:
        stats = bench.stats([ms for ms, _queries, _phases in runs])
        bench.record(f"{label} p50", stats["p50"], "ms")
        bench.record(f"{label} p95", stats["p95"], "ms")
        bench.record(f"{label} queries", runs[-1][1])
        for index, (name, _ms, queries) in enumerate(runs[-1][2]):
            phase_ms = bench.stats([run[2][index][1] for run in runs])["p50"]
            bench.record(
                f"{label}, {name}: p50 ms / queries", f"{phase_ms:.0f} / {queries}"
            )


def _confirm_and_invoice(env, quotations):
    """Confirm, invoice (one invoice per order) and post; return the orders,
    the invoices and the (phase, milliseconds, queries) of each step."""
    phases = []
    cr = env.cr

    @contextlib.contextmanager
    def phase(name):
        queries, started = cr.sql_log_count, time.perf_counter()
        yield
        env.flush_all()
        phases.append(
            (name, (time.perf_counter() - started) * 1000, cr.sql_log_count - queries)
        )

    with phase("confirm"):
        quotations.action_confirm()
    with phase("invoice"):
        if "kpa_split_order_ids" in quotations._fields:
            # The cooperatives' orders are invoiced apart by their grouping key.
            orders = quotations | quotations.kpa_split_order_ids
            invoices = orders._create_invoices()
        else:
            orders = quotations
            invoices = orders._create_invoices(grouped=True)
    with phase("post"):
        invoices.action_post()
    return orders, invoices, phases


def _measure(bench, dbname, n_coops, lines_per_coop, split, rounds):
    """[(milliseconds, queries, phases)] of confirming and invoicing, one per
    round; `split`: one quotation per cooperative (plain Odoo) instead of one
    cart."""
    measures = []
    with bench.environment(dbname, uid=2, commit=False) as env:
        products = _products(env, n_coops, lines_per_coop, not split)
        per_order = lines_per_coop if split else len(products)
        for _round in range(rounds):
            env.cr.execute("SAVEPOINT bench_round")
            quotations = _quotations(env, products, per_order)
            env.flush_all()
            env.invalidate_all()
            queries = env.cr.sql_log_count
            started = time.perf_counter()
            orders, invoices, phases = _confirm_and_invoice(env, quotations)
            elapsed = (time.perf_counter() - started) * 1000
            measures.append((elapsed, env.cr.sql_log_count - queries, phases))
            if len(orders) != n_coops or len(invoices) != n_coops:
                raise RuntimeError(
                    f"expected {n_coops} orders and invoices, got {len(orders)} "
                    f"and {len(invoices)}"
                )
            env.cr.execute("ROLLBACK TO SAVEPOINT bench_round")
            env.invalidate_all()
    return measures


def run(bench):
    kpa_db = bench.database("kpa")
    plain_db = bench.database("plain")
    rounds = max(5, bench.options.rounds // 4)
    # Warm both registries and caches once.
    _measure(bench, kpa_db, COOPERATIVES, 1, False, 1)
    _measure(bench, plain_db, COOPERATIVES, 1, True, 1)
    kpa_runs, plain_runs = [], []
    for _round in range(rounds):
        kpa_runs += _measure(bench, kpa_db, COOPERATIVES, 1, False, 1)
        plain_runs += _measure(bench, plain_db, COOPERATIVES, 1, True, 1)
    _record_runs(
        bench,
        (
            (f"kpa: {COOPERATIVES}-cooperative cart", kpa_runs),
            (f"plain: {COOPERATIVES} single orders", plain_runs),
        ),
    )
    ratio = (
        bench.stats([run[0] for run in kpa_runs])["p50"]
        / bench.stats([run[0] for run in plain_runs])["p50"]
    )
    bench.record(
        "kpa / plain p50", ratio, "x", goal=f"≤ {RATIO_GOAL}", ok=ratio <= RATIO_GOAL
    )

    print("  queries of the KPA flow (cooperatives × lines per cooperative):")
    counts = {}
    for n_coops in (1, 2, 5, 10, 20):
        for lines in (1, 3):
            ((_ms, queries, _phases),) = _measure(
                bench, kpa_db, n_coops, lines, False, 1
            )
            counts[n_coops, lines] = queries
            bench.record(
                f"kpa flow: {n_coops:>2} cooperatives × {lines} lines", queries
            )
    plain_counts = {}
    for lines in (1, 3):
        ((_ms, queries, _phases),) = _measure(
            bench, plain_db, COOPERATIVES, lines, True, 1
        )
        plain_counts[lines] = queries
        bench.record(f"plain flow: {COOPERATIVES} orders × {lines} lines", queries)
    bench.record(
        "kpa flow: queries per extra cooperative", (counts[20, 1] - counts[10, 1]) / 10
    )
    bench.record("plain flow: queries per order", plain_counts[1] / COOPERATIVES)
    # Growth with the lines: per extra line, the KPA flow may cost what plain
    # Odoo costs (invoice lines, analytic items), but no more with more
    # cooperatives (no lines × cooperatives).
    bench.record(
        "plain flow: queries per extra line",
        (plain_counts[3] - plain_counts[1]) / (2 * COOPERATIVES),
    )
    per_line = {n: (counts[n, 3] - counts[n, 1]) / (2 * n) for n in (1, 2, 5, 10, 20)}
    for n_coops, value in per_line.items():
        bench.record(
            f"kpa flow: queries per extra line, {n_coops:>2} cooperatives", value
        )
    spread = max(per_line[n] for n in (5, 10, 20)) - min(
        per_line[n] for n in (5, 10, 20)
    )
    bench.record(
        "kpa flow: spread of the per-line cost, 5 to 20 cooperatives",
        spread,
        goal="≈ 0: no lines × cooperatives",
        ok=spread <= 1.0,
    )
    if not bench.options.no_apps:
        print("  a cart mixing a workshop seat, a good and a service:")
        run_mixed(bench)
