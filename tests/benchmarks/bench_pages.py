"""Page latency: /shop and a cooperative page, against plain website_sale /shop.

Both Odoo servers run at the same time (one worker each, no cron); the pages
are requested in turn (kpa, plain, kpa, ...), as an anonymous visitor keeping
its session, after a few warm-up requests. The query count of each request
comes from the server's access log.

Each KPA page is compared with a plain page showing as many products: /shop
and a cooperative's page with plain /shop (the brief's goals: p50 and p95
ratios ≤ 1.15, queries ≤ plain + 5); /shop filtered on one cooperative with
plain /shop searching the same 20 products; /shop's second page with plain
/shop's second page.
"""

WARM_UP = 5
RATIO_GOAL = 1.15
EXTRA_QUERIES_GOAL = 5


def run(bench):
    kpa_db = bench.database("kpa")
    plain_db = bench.database("plain")
    with bench.environment(kpa_db) as env:
        slug = (
            env["kpa.cooperative"]
            .search([("is_published", "=", True)], order="name", limit=1)
            .slug
        )
    pages = {
        "kpa /shop": ("kpa", "/shop"),
        "kpa cooperative page": ("kpa", f"/cooperatives/{slug}"),
        "kpa /shop?cooperative=": ("kpa", f"/shop?cooperative={slug}"),
        "kpa /shop/page/2": ("kpa", "/shop/page/2"),
        "plain /shop": ("plain", "/shop"),
        "plain /shop?search=": ("plain", "/shop?search=Service+00-"),
        "plain /shop/page/2": ("plain", "/shop/page/2"),
    }
    comparisons = [
        ("kpa /shop", "plain /shop", True),
        ("kpa cooperative page", "plain /shop", True),
        ("kpa /shop?cooperative=", "plain /shop?search=", False),
        ("kpa /shop/page/2", "plain /shop/page/2", False),
    ]
    timings = {name: [] for name in pages}
    with bench.server(kpa_db) as kpa_server, bench.server(plain_db) as plain_server:
        servers = {"kpa": kpa_server, "plain": plain_server}
        for _round in range(WARM_UP):
            for key, path in pages.values():
                servers[key].get(path)
        for _round in range(bench.options.rounds):
            for name, (key, path) in pages.items():
                seconds, status = servers[key].get(path)
                if status != 200:
                    raise RuntimeError(f"{path} answered {status}")
                timings[name].append(seconds * 1000)
        queries = {
            name: servers[key].query_counts(path)[-1]
            for name, (key, path) in pages.items()
        }
    print(f"  (cooperative page: /cooperatives/{slug})")
    for name in pages:
        stats = bench.stats(timings[name])
        bench.record(f"{name} p50", stats["p50"], "ms")
        bench.record(f"{name} p95", stats["p95"], "ms")
        bench.record(f"{name} queries", queries[name])
    for name, reference, with_goal in comparisons:
        stats, ref = bench.stats(timings[name]), bench.stats(timings[reference])
        for key in ("p50", "p95"):
            ratio = stats[key] / ref[key]
            bench.record(
                f"{name} / {reference} {key}",
                ratio,
                "x",
                goal=f"≤ {RATIO_GOAL}" if with_goal else None,
                ok=ratio <= RATIO_GOAL if with_goal else None,
            )
        extra = queries[name] - queries[reference]
        bench.record(
            f"{name} queries - {reference} queries",
            extra,
            goal=f"≤ {EXTRA_QUERIES_GOAL}" if with_goal else None,
            ok=extra <= EXTRA_QUERIES_GOAL if with_goal else None,
        )
