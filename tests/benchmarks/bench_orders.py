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

Goals: time ratio ≤ 1.2; queries linear in the cooperatives, not in lines.
"""

import time

COOPERATIVES = 10
RATIO_GOAL = 1.2


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


def _quotations(env, products, split):
    """One quotation of every product (split=False: a cart), or one each."""
    partner = env["res.partner"].search([("name", "=", "Bench Customer")], limit=1)
    groups = [products] if not split else [[product] for product in products]
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


def _confirm_and_invoice(env, quotations):
    """Confirm, invoice (one invoice per order) and post."""
    quotations.action_confirm()
    if "kpa_split_order_ids" in quotations._fields:
        # The cooperatives' orders are invoiced apart by their grouping key.
        orders = quotations | quotations.kpa_split_order_ids
        invoices = orders._create_invoices()
    else:
        orders = quotations
        invoices = orders._create_invoices(grouped=True)
    invoices.action_post()
    env.flush_all()
    return orders, invoices


def _measure(bench, dbname, n_coops, lines_per_coop, split, rounds):
    """[(milliseconds, queries)] of confirming and invoicing, one per round."""
    measures = []
    with bench.environment(dbname, uid=2, commit=False) as env:
        products = _products(env, n_coops, lines_per_coop, not split)
        for _round in range(rounds):
            env.cr.execute("SAVEPOINT bench_round")
            quotations = _quotations(env, products, split)
            env.flush_all()
            env.invalidate_all()
            queries = env.cr.sql_log_count
            started = time.perf_counter()
            orders, invoices = _confirm_and_invoice(env, quotations)
            elapsed = (time.perf_counter() - started) * 1000
            measures.append((elapsed, env.cr.sql_log_count - queries))
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
    kpa_times, plain_times = [], []
    kpa_queries = plain_queries = 0
    for _round in range(rounds):
        ((ms, kpa_queries),) = _measure(bench, kpa_db, COOPERATIVES, 1, False, 1)
        kpa_times.append(ms)
        ((ms, plain_queries),) = _measure(bench, plain_db, COOPERATIVES, 1, True, 1)
        plain_times.append(ms)
    kpa_stats, plain_stats = bench.stats(kpa_times), bench.stats(plain_times)
    bench.record(f"kpa: {COOPERATIVES}-cooperative cart p50", kpa_stats["p50"], "ms")
    bench.record(f"kpa: {COOPERATIVES}-cooperative cart p95", kpa_stats["p95"], "ms")
    bench.record(f"kpa: {COOPERATIVES}-cooperative cart queries", kpa_queries)
    bench.record(f"plain: {COOPERATIVES} single orders p50", plain_stats["p50"], "ms")
    bench.record(f"plain: {COOPERATIVES} single orders p95", plain_stats["p95"], "ms")
    bench.record(f"plain: {COOPERATIVES} single orders queries", plain_queries)
    ratio = kpa_stats["p50"] / plain_stats["p50"]
    bench.record(
        "kpa / plain p50", ratio, "x", goal=f"≤ {RATIO_GOAL}", ok=ratio <= RATIO_GOAL
    )

    print("  queries of the KPA flow (cooperatives × lines per cooperative):")
    counts = {}
    for n_coops in (1, 2, 5, 10, 20):
        for lines in (1, 3):
            ((_ms, queries),) = _measure(bench, kpa_db, n_coops, lines, False, 1)
            counts[n_coops, lines] = queries
            bench.record(
                f"kpa flow: {n_coops:>2} cooperatives × {lines} lines", queries
            )
    per_cooperative = (counts[20, 1] - counts[10, 1]) / 10
    bench.record("kpa flow: queries per extra cooperative", per_cooperative)
    worst_lines = max(counts[n, 3] - counts[n, 1] for n in (1, 2, 5, 10, 20))
    bench.record(
        "kpa flow: most extra queries for 3 lines instead of 1 per cooperative",
        worst_lines,
        goal="about 0 (no lines × cooperatives)",
        ok=worst_lines <= 5,
    )
