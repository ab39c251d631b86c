"""Concurrent checkouts: customers paying at once, then invoicing in parallel.

On a fresh copy of ``bench_kpa`` (demo payment provider on), served by
Odoo's prefork server (``--workers``, 4 by default) on loopback:

1. ``--customers`` guests (20) run the real e-shop flow at the same time
   (``shop_flow.checkout``: product page, cart, address, payment page, demo
   payment, status polling, confirmation), each with the services of 2 or 3
   cooperatives in their cart; they wait for each other before filling their
   cart and before paying, so that the payments land together.
2. Every order is then invoiced and posted through JSON-RPC, 8 calls at a
   time (``sale.advance.payment.inv``, then ``account.move.action_post``).

Then the database is checked: no order lost or duplicated, each cart became
one confirmed order per cooperative, one payment covering exactly them; one
posted invoice per order, in its cooperative's journal, numbered without gap
or duplicate; one host-fee allocation per invoice, of the right amount; no
5xx in the server's access log. Odoo's retries of concurrency errors (its log
lines "… tries left") are counted: they may happen, none may reach a
customer (every request of every customer ended as a browser expects).
"""

import contextlib
import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import requests
from shop_flow import FlowError, checkout

SCRATCH_DB = "bench_kpa_checkouts"
# The carts draw their cooperatives among a few: many invoices then share a
# journal, and their numbering is what the parallel posting puts to the test.
COOPERATIVES = 6
INVOICING_CALLS = 8
TIMEOUT = 120


class Client:
    """A browser's HTTP session on the server, every request recorded."""

    def __init__(self, base_url, log):
        self.base_url = base_url
        self.session = requests.Session()
        self.log = log

    def request(self, method, path, name=None, **kwargs):
        started = time.perf_counter()
        response = self.session.request(
            method, self.base_url + path, timeout=TIMEOUT, **kwargs
        )
        for hop in [*response.history, response]:
            self.log.append((name or path, hop.status_code))
        response.elapsed_total = time.perf_counter() - started
        return response


class Rpc:
    """Odoo's external API (JSON-RPC), as an administrator."""

    def __init__(self, base_url, dbname, password):
        self.url = f"{base_url}/jsonrpc"
        self.dbname = dbname
        self.password = password
        self.session = requests.Session()

    def __call__(self, model, method, *args, **kwargs):
        response = self.session.post(
            self.url,
            json={
                "jsonrpc": "2.0",
                "method": "call",
                "params": {
                    "service": "object",
                    "method": "execute_kw",
                    "args": [
                        self.dbname,
                        2,
                        self.password,
                        model,
                        method,
                        args,
                        kwargs,
                    ],
                },
            },
            timeout=TIMEOUT,
        )
        if response.status_code != 200:
            raise RuntimeError(f"{model}.{method}: HTTP {response.status_code}")
        body = response.json()
        if "error" in body:
            message = (body["error"].get("data") or {}).get("message")
            raise RuntimeError(f"{model}.{method}: {message}")
        return body["result"]


def _plans(setup, customers, seed=13):
    """Each customer's cart: one service of each of 2 or 3 cooperatives (a
    second service of the first one, one time in four)."""
    rng = random.Random(seed)
    cooperative_ids = sorted(setup["catalogue"])
    plans = []
    for number in range(customers):
        chosen = rng.sample(cooperative_ids, rng.choice((2, 3)))
        products = [rng.choice(setup["catalogue"][coop]) for coop in chosen]
        if number % 4 == 0:
            others = [p for p in setup["catalogue"][chosen[0]] if p not in products]
            products.append(rng.choice(others))
        plans.append(
            {
                "products": products,
                "cooperative_ids": set(chosen),
                "customer": {
                    "name": f"Client·e {number:02d}",
                    "email": f"client{number:02d}@bench.example.com",
                    "phone": f"+33 3 20 00 {number:02d} 00",
                    "street": f"{number + 1} rue de la Paix",
                    "city": "Roubaix",
                    "zip": "59100",
                    "country_id": setup["country_id"],
                },
            }
        )
    return plans


def _run_checkouts(server, plans):
    """Every customer's checkout in a thread of its own; they wait for each
    other at each `sync` step. Return [(plan, result or error, log)]."""
    barriers = {
        step: threading.Barrier(len(plans), timeout=TIMEOUT) for step in ("cart", "pay")
    }

    def sync(step):
        barriers[step].wait()

    def one(plan):
        log = []
        client = Client(server.url(""), log)
        try:
            result = checkout(client, plan["products"], plan["customer"], sync)
        except (FlowError, requests.RequestException, ValueError, KeyError) as exc:
            for barrier in barriers.values():
                barrier.abort()
            result = exc
        except threading.BrokenBarrierError:
            result = FlowError("sync", "another customer failed")
        return plan, result, log

    with ThreadPoolExecutor(len(plans)) as pool:
        return list(pool.map(one, plans))


def _invoice_in_parallel(rpc, order_ids):
    """Invoice and post each order in its own calls, INVOICING_CALLS at a
    time. Return {order id: error or None}."""

    def one(order_id):
        context = {
            "active_model": "sale.order",
            "active_ids": [order_id],
            "active_id": order_id,
        }
        try:
            wizard = rpc(
                "sale.advance.payment.inv",
                "create",
                [{"advance_payment_method": "delivered"}],
                context=context,
            )
            rpc("sale.advance.payment.inv", "create_invoices", wizard, context=context)
            (order,) = rpc("sale.order", "read", [order_id], ["invoice_ids"])
            rpc("account.move", "action_post", order["invoice_ids"])
        except (RuntimeError, requests.RequestException) as exc:
            return order_id, exc
        return order_id, None

    with ThreadPoolExecutor(INVOICING_CALLS) as pool:
        return dict(pool.map(one, order_ids))


def _check_orders(env, outcomes, problems):
    """Each cart became exactly its cooperatives' confirmed orders, paid by
    one transaction. Return the orders."""
    all_orders = env["sale.order"]
    for plan, result, _log in outcomes:
        if isinstance(result, Exception):
            continue
        cart = env["sale.order"].browse(result["order_id"])
        orders = env["sale.order"].search([("partner_id", "=", cart.partner_id.id)])
        label = plan["customer"]["name"]
        expected_lines = sorted(p["variant_id"] for p in plan["products"])
        if orders != cart | cart.kpa_split_order_ids:
            problems.append(f"{label}: {len(orders)} orders, not its cart's split")
        if len(orders) != len(plan["cooperative_ids"]):
            problems.append(
                f"{label}: {len(orders)} orders for "
                f"{len(plan['cooperative_ids'])} cooperatives"
            )
        if set(orders.kpa_cooperative_id.ids) != plan["cooperative_ids"]:
            problems.append(f"{label}: orders of the wrong cooperatives")
        if set(orders.mapped("state")) != {"sale"}:
            problems.append(f"{label}: orders in state {set(orders.mapped('state'))}")
        if sorted(orders.order_line.product_id.ids) != expected_lines:
            problems.append(f"{label}: lines lost or duplicated")
        for order in orders:
            if (
                order.order_line.product_id.kpa_cooperative_id
                != order.kpa_cooperative_id
            ):
                problems.append(
                    f"{label}: {order.name} holds another cooperative's line"
                )
        if result["confirmed_orders"] != len(orders):
            problems.append(
                f"{label}: the confirmation page lists {result['confirmed_orders']} "
                f"orders, not {len(orders)}"
            )
        transactions = orders.transaction_ids
        total = sum(orders.mapped("amount_total"))
        if (
            len(transactions) != 1
            or transactions.state != "done"
            or transactions.sale_order_ids != orders
            or orders.currency_id.compare_amounts(transactions.amount, total)
            or orders.currency_id.compare_amounts(transactions.amount, result["amount"])
        ):
            problems.append(f"{label}: the payment does not cover exactly its orders")
        unpaid = orders.filtered(
            lambda o: o.currency_id.compare_amounts(o.amount_paid, o.amount_total)
        )
        if unpaid:
            problems.append(f"{label}: {', '.join(unpaid.mapped('name'))} not paid")
        all_orders |= orders
    strays = env["sale.order"].search(
        [("website_id", "!=", False), ("id", "not in", all_orders.ids)]
    )
    if strays:
        problems.append(f"{len(strays)} orders of no customer's cart (duplicates?)")
    return all_orders


def _check_invoices(env, orders, problems):
    """One posted invoice per order, in its cooperative's journal; each journal
    numbered 1..n without gap or duplicate; one host-fee allocation each."""
    invoices = orders.invoice_ids
    for order in orders:
        posted = order.invoice_ids.filtered(lambda m: m.state == "posted")
        if len(order.invoice_ids) != 1 or len(posted) != 1:
            problems.append(f"{order.name}: {len(order.invoice_ids)} invoices")
        elif posted.journal_id != order.kpa_cooperative_id.journal_id:
            problems.append(f"{order.name}: invoiced outside its cooperative's journal")
        elif order.currency_id.compare_amounts(posted.amount_total, order.amount_total):
            problems.append(f"{order.name}: invoice amount differs from the order's")
    journals = invoices.journal_id
    env.cr.execute(
        """SELECT journal_id, sequence_prefix, array_agg(sequence_number)
             FROM account_move
            WHERE journal_id = ANY(%s) AND state = 'posted'
         GROUP BY journal_id, sequence_prefix""",
        [journals.ids],
    )
    numbered = 0
    for journal_id, prefix, numbers in env.cr.fetchall():
        numbered += len(numbers)
        if sorted(numbers) != list(range(1, len(numbers) + 1)):
            problems.append(
                f"journal {journal_id} ({prefix}): numbers {sorted(numbers)} have "
                "gaps or duplicates"
            )
    fee_lines = env["account.analytic.line"].search(
        [("kpa_host_fee_move_id", "!=", False)]
    )
    if fee_lines.kpa_host_fee_move_id != invoices:
        problems.append("host-fee allocations and invoices do not match one for one")
    for invoice in invoices:
        lines = fee_lines.filtered(
            lambda line, i=invoice: line.kpa_host_fee_move_id == i
        )
        fee = invoice.company_currency_id.round(
            invoice.amount_untaxed_signed
            * invoice.kpa_cooperative_id.host_fee_rate
            / 100
        )
        amounts = sorted(lines.mapped("amount"))
        if len(lines) != 2 or invoice.company_currency_id.compare_amounts(
            invoice.kpa_host_fee_amount, fee
        ):
            problems.append(f"{invoice.name}: host fee {amounts} for {fee}")
        elif any(
            invoice.company_currency_id.compare_amounts(a, b)
            for a, b in zip(amounts, [-fee, fee], strict=True)
        ):
            problems.append(f"{invoice.name}: host fee {amounts} for {fee}")
    return invoices, journals, numbered, len(fee_lines)


def _retries(lines):
    """Odoo's retries of concurrency errors in a log (odoo.service.model)."""
    retried = sum(1 for line in lines if "tries left, try again in" in line)
    exhausted = sum(1 for line in lines if "maximum number of tries reached" in line)
    return retried, exhausted


def run(bench):
    customers = bench.options.customers
    workers = bench.options.workers
    dbname = bench.scratch_database("kpa", SCRATCH_DB)
    with bench.environment(dbname) as env:
        setup = bench.prepare_shop(env, COOPERATIVES)
    plans = _plans(setup, customers)
    problems = []
    with bench.server(dbname, workers=workers) as server:
        # Warm the workers (registry, assets) as a visitor would, once each.
        for _round in range(workers * 2):
            with contextlib.suppress(OSError):
                server.get("/shop")
        start_line = len(server.log_lines())
        started = time.monotonic()
        outcomes = _run_checkouts(server, plans)
        checkout_seconds = time.monotonic() - started
        checkout_lines = server.log_lines(start_line)
        for plan, result, _log in outcomes:
            if isinstance(result, Exception):
                problems.append(f"{plan['customer']['name']}: {result}")
        with bench.environment(dbname) as env:
            order_ids = env["sale.order"].search([("state", "=", "sale")]).ids
        rpc = Rpc(server.url(""), dbname, setup["password"])
        start_invoicing = len(server.log_lines())
        started = time.monotonic()
        invoicing = _invoice_in_parallel(rpc, order_ids)
        invoicing_seconds = time.monotonic() - started
        invoicing_lines = server.log_lines(start_invoicing)
        statuses = server.statuses(start_line)
    for order_id, error in invoicing.items():
        if error:
            problems.append(f"invoicing order {order_id}: {error}")
    requests_sent = sum(len(log) for _plan, _result, log in outcomes)
    client_5xx = sum(
        1 for _plan, _result, log in outcomes for _name, status in log if status >= 500
    )
    server_5xx = sum(count for status, count in statuses.items() if status >= 500)
    with bench.environment(dbname, commit=False) as env:
        orders = _check_orders(env, outcomes, problems)
        invoices, journals, numbered, fee_lines = _check_invoices(env, orders, problems)
        n_orders, n_journals = len(orders), len(journals)
        n_invoices = len(invoices)
        n_posted = len(invoices.filtered(lambda m: m.state == "posted"))
    come_backs = sum(
        r["come_back"] for _p, r, _l in outcomes if not isinstance(r, Exception)
    )
    checkout_retries = _retries(checkout_lines)
    invoicing_retries = _retries(invoicing_lines)
    # odoo.sql_db logs each query that failed ("bad query", at ERROR), the
    # serialization failures that Odoo then retries included: the errors
    # are the other ERROR lines.
    failed_queries = sum(
        1
        for line in checkout_lines + invoicing_lines
        if "odoo.sql_db: bad query" in line
    )
    tracebacks = sum(
        1
        for line in checkout_lines + invoicing_lines
        if " ERROR " in line and "odoo.sql_db: bad query" not in line
    )
    succeeded = sum(1 for _p, r, _l in outcomes if not isinstance(r, Exception))
    expected_orders = sum(len(plan["cooperative_ids"]) for plan in plans)
    print(
        f"  ({customers} customers, {workers} workers; server log: {server.log_path})"
    )
    bench.record(
        "checkouts completed", f"{succeeded}/{customers}", ok=succeeded == customers
    )
    bench.record(
        "orders confirmed / expected (one per cooperative of each cart)",
        f"{n_orders}/{expected_orders}",
        ok=n_orders == expected_orders,
    )
    bench.record("checkout phase", checkout_seconds, "s")
    bench.record("HTTP requests of the customers", requests_sent)
    bench.record(
        "5xx answers (customers' view / server log)",
        f"{client_5xx} / {server_5xx}",
        ok=client_5xx == 0 and server_5xx == 0,
    )
    bench.record(
        "concurrency retries by Odoo during checkouts (exhausted)",
        f"{checkout_retries[0]} ({checkout_retries[1]})",
        ok=checkout_retries[1] == 0,
    )
    bench.record('payment status polls told to come back ("retry")', come_backs)
    bench.record(
        "invoices posted / orders",
        f"{n_posted}/{n_orders}",
        ok=n_posted == n_invoices == n_orders,
    )
    bench.record("invoicing phase (8 calls at a time)", invoicing_seconds, "s")
    bench.record(
        "cooperative journals / invoices numbered in them",
        f"{n_journals} / {numbered}",
    )
    bench.record(
        "host-fee analytic lines (2 per invoice)",
        fee_lines,
        ok=fee_lines == 2 * n_invoices,
    )
    bench.record(
        "concurrency retries by Odoo during invoicing (exhausted)",
        f"{invoicing_retries[0]} ({invoicing_retries[1]})",
        ok=invoicing_retries[1] == 0,
    )
    bench.record("queries that failed (logged by odoo.sql_db)", failed_queries)
    bench.record("other ERROR lines in the server log", tracebacks, ok=tracebacks == 0)
    for problem in problems[:30]:
        print(f"  PROBLEM: {problem}", flush=True)
    bench.record("problems found", len(problems), goal="0", ok=not problems)
    if not problems:
        bench.drop_database(dbname)
