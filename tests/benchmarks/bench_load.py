"""Load with Locust: KPA-Cité's e-shop next to plain Odoo's, then the whole mix.

Both servers run Odoo's prefork server (``--workers``, 4 by default) on
loopback, each on a fresh copy of its benchmark database (same catalogue:
30 cooperatives × 20 services; the plain one has the same 600 products
without cooperative). Locust (``requirements-bench.txt``, in a virtualenv of
its own: it needs newer gevent, Werkzeug and requests than Odoo 18) runs
headless with ``--clients`` users (8) that wait for nothing between
requests.

1. **Comparison** (``locustfile.ShopVisitor``): ``/shop`` (3), ``/shop/page/2``
   (1) and product pages (3), on KPA-Cité and on plain Odoo at the same
   time, each with its own Locust and ``--clients`` users: whatever else the
   machine does (other programs share its two cores) weighs on both alike.
   Two rounds, a tenth of ``--duration`` each (at least 30 s). Goals: KPA's
   throughput ≥ 0.9 × plain's, its p95 ≤ 1.2 × plain's. The CPU time each
   server used per request (its processes, from ``/proc``) is printed too:
   it depends least on the load of the machine.
2. **Mix** for ``--duration`` seconds (600) on KPA-Cité: visitors of the
   network (``/cooperatives``, a cooperative's page, its ``accounts.json``,
   ``/shop`` filtered on it, ``/shop``, product pages) and customers buying
   the services of 2 or 3 cooperatives (cart, checkout, demo payment).
   Goal: 0 errors; every checkout a customer finished is a paid cart in the
   database.

Percentiles are exact (each request's time, from Locust's request events);
throughput is the requests completed per second of the run. The load average
of the machine (``/proc/loadavg``, before → after) is printed beside each
figure.
"""

import contextlib
import json
import os
import statistics
import subprocess
import threading
from pathlib import Path

import kpa
import requests

HERE = Path(__file__).resolve().parent
THROUGHPUT_GOAL = 0.9
P95_GOAL = 1.2


def load_average():
    return Path("/proc/loadavg").read_text().split()[0]


def _catalogue_urls(env, with_cooperatives):
    templates = env["product.template"].search(
        [("is_published", "=", True), ("sale_ok", "=", True)], order="name"
    )
    data = {"products": templates.mapped("website_url")}
    if with_cooperatives:
        data["cooperatives"] = (
            env["kpa.cooperative"]
            .search([("is_published", "=", True)], order="name")
            .mapped("slug")
        )
    return data


def _warm(server, paths, workers):
    """Each worker loads its registry and caches before the measures."""

    def one():
        session = requests.Session()
        for _round in range(3):
            for path in paths:
                session.get(server.url(path), timeout=120)

    threads = [threading.Thread(target=one) for _index in range(2 * workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def _percentile(values, share):
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = max(0, min(len(ordered) - 1, round(share * len(ordered) + 0.5) - 1))
    return ordered[index]


def process_tree_cpu(pid):
    """CPU seconds (user + system) used so far by a process and its
    children (an Odoo prefork server: its master, workers and gevent
    process)."""
    total, pending = 0.0, [pid]
    while pending:
        current = pending.pop()
        with contextlib.suppress(OSError):
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1]
            total += sum(int(value) for value in fields.split()[11:13])
            children = Path(f"/proc/{current}/task/{current}/children").read_text()
            pending += [int(child) for child in children.split()]
    return total / os.sysconf("SC_CLK_TCK")


class LocustRun:
    """One headless Locust run against a server; its requests, from the
    timings file; the CPU time the server used meanwhile."""

    def __init__(self, bench, locust, server, users, seconds, data_file, label):
        self.bench = bench
        self.server = server
        self.label = label
        self.seconds = seconds
        self.timings = bench.log_dir / f"locust-{label}.json"
        self.command = [
            str(locust),
            "-f",
            str(HERE / "locustfile.py"),
            "--headless",
            "--only-summary",
            "--users",
            str(bench.options.clients),
            "--spawn-rate",
            str(bench.options.clients),
            "--run-time",
            f"{seconds}s",
            "--stop-timeout",
            "60",
            "--host",
            server.url(""),
            "--exit-code-on-error",
            "0",
            *users,
        ]
        self.environ = dict(
            os.environ,
            KPA_LOCUST_DATA=str(data_file),
            KPA_LOCUST_TIMINGS=str(self.timings),
            PYTHONPATH=str(HERE),
        )
        self.process = None

    def start(self):
        self.timings.unlink(missing_ok=True)
        self.load_before = load_average()
        self.start_line = len(self.server.log_lines())
        self.cpu_before = process_tree_cpu(self.server.process.pid)
        with open(self.bench.log_dir / f"locust-{self.label}.log", "w") as output:
            self.process = subprocess.Popen(
                self.command,
                env=self.environ,
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        return self

    def wait(self):
        try:
            returncode = self.process.wait(timeout=self.seconds + 300)
        except subprocess.TimeoutExpired:
            self.process.kill()
            raise
        if returncode:
            raise RuntimeError(f"Locust ended with status {returncode} ({self.label})")
        self.cpu = process_tree_cpu(self.server.process.pid) - self.cpu_before
        self.load_after = load_average()
        self.statuses = self.server.statuses(self.start_line)
        records = json.loads(self.timings.read_text()) if self.timings.exists() else []
        self.http = [r for r in records if r[1] != "FLOW"]
        self.flows = [r for r in records if r[1] == "FLOW"]
        begin = min(
            (done - ms / 1000 for done, _t, _n, ms, _ok in self.http), default=0
        )
        self.completed = [r for r in self.http if r[0] <= begin + self.seconds]
        self.errors = sum(1 for r in records if not r[4])
        return self

    def times(self, name=None):
        return [r[3] for r in self.http if name is None or r[2] == name]

    @property
    def load(self):
        return f"load {self.load_before} → {self.load_after}"


def _pooled(runs):
    times = [ms for run in runs for ms in run.times()]
    seconds = sum(run.seconds for run in runs)
    completed = sum(len(run.completed) for run in runs)
    return {
        "requests": completed,
        "throughput": completed / seconds,
        "p50": _percentile(times, 0.50),
        "p95": _percentile(times, 0.95),
        # Odoo's CPU per request: what the load of the machine changes least.
        "cpu": 1000 * sum(run.cpu for run in runs) / max(1, len(times)),
        "errors": sum(run.errors for run in runs),
        "5xx": sum(
            count
            for run in runs
            for status, count in run.statuses.items()
            if status >= 500
        ),
    }


def _compare(bench, locust, servers, data_files, seconds, rounds=2):
    """KPA-Cité and plain Odoo under the same load at the same time: both
    Locust runs side by side, so that whatever else the machine does weighs
    on both alike."""
    runs = {"kpa": [], "plain": []}
    for number in range(1, rounds + 1):
        pair = {
            key: LocustRun(
                bench,
                locust,
                servers[key],
                ["ShopVisitor"],
                seconds,
                data_files[key],
                f"compare-{key}-{number}",
            ).start()
            for key in ("kpa", "plain")
        }
        for key, run in pair.items():
            runs[key].append(run.wait())
        for key, run in pair.items():
            stats = _pooled([run])
            bench.record(
                f"{key} /shop browsing, round {number}: req/s | p50 | p95 ms",
                f"{stats['throughput']:.1f} | {stats['p50']:.0f} | {stats['p95']:.0f}",
                goal=run.load,
            )
    pooled = {key: _pooled(value) for key, value in runs.items()}
    for key in ("kpa", "plain"):
        stats = pooled[key]
        bench.record(f"{key} /shop browsing: requests", stats["requests"])
        bench.record(f"{key} /shop browsing: throughput", stats["throughput"], "r/s")
        bench.record(f"{key} /shop browsing: p50", stats["p50"], "ms")
        bench.record(f"{key} /shop browsing: p95", stats["p95"], "ms")
        bench.record(f"{key} /shop browsing: Odoo CPU per request", stats["cpu"], "ms")
        bench.record(
            f"{key} /shop browsing: errors, 5xx",
            f"{stats['errors']}, {stats['5xx']}",
            ok=not stats["errors"] and not stats["5xx"],
        )
    ratio = pooled["kpa"]["throughput"] / pooled["plain"]["throughput"]
    bench.record(
        "kpa / plain throughput",
        ratio,
        "x",
        goal=f"≥ {THROUGHPUT_GOAL}",
        ok=ratio >= THROUGHPUT_GOAL,
    )
    ratio = pooled["kpa"]["p95"] / pooled["plain"]["p95"]
    bench.record(
        "kpa / plain p95", ratio, "x", goal=f"≤ {P95_GOAL}", ok=ratio <= P95_GOAL
    )
    bench.record(
        "kpa / plain Odoo CPU per request",
        pooled["kpa"]["cpu"] / pooled["plain"]["cpu"],
        "x",
    )
    for name in ("/shop", "/shop/page/2", "/shop/[product]"):
        kpa_times = [ms for run in runs["kpa"] for ms in run.times(name)]
        plain_times = [ms for run in runs["plain"] for ms in run.times(name)]
        p50 = [_percentile(times, 0.5) for times in (kpa_times, plain_times)]
        p95 = [_percentile(times, 0.95) for times in (kpa_times, plain_times)]
        bench.record(
            f"{name}: p50 kpa / plain, p95 kpa / plain (ms)",
            f"{p50[0]:.0f} / {p50[1]:.0f}, {p95[0]:.0f} / {p95[1]:.0f}",
        )


def _mix(bench, locust, server, data_file, seconds, dbname):
    run = (
        LocustRun(
            bench,
            locust,
            server,
            ["NetworkVisitor", "Customer"],
            seconds,
            data_file,
            "mix",
        )
        .start()
        .wait()
    )
    stats = _pooled([run])
    bench.record(
        f"mix, {seconds} s: requests | req/s | p50 | p95 ms",
        f"{stats['requests']} | {stats['throughput']:.1f} | {stats['p50']:.0f} | "
        f"{stats['p95']:.0f}",
        goal=run.load,
    )
    names = sorted({r[2] for r in run.http})
    for name in names:
        times = run.times(name)
        bench.record(
            f"  {name}: n | p50 | p95 ms",
            f"{len(times)} | {statistics.median(times):.0f} | "
            f"{_percentile(times, 0.95):.0f}",
        )
    done = sum(1 for flow in run.flows if flow[4])
    bench.record("mix: checkouts finished", f"{done}/{len(run.flows)}")
    bench.record(
        "mix: errors (failed requests or checkouts), 5xx",
        f"{stats['errors']}, {stats['5xx']}",
        goal="0",
        ok=not stats["errors"] and not stats["5xx"],
    )
    with bench.environment(dbname, commit=False) as env:
        paid = env["sale.order"].search_count(
            [
                ("website_id", "!=", False),
                ("kpa_split_origin_id", "=", False),
                ("state", "=", "sale"),
            ]
        )
    bench.record(
        "mix: paid carts in the database / checkouts finished",
        f"{paid}/{done}",
        ok=paid == done,
    )


def run(bench):
    try:
        locust = kpa.ensure_bench_venv()
    except kpa.SetupError as exc:
        print(f"  load benchmark skipped: {exc}", flush=True)
        return
    workers = bench.options.workers
    seconds = bench.options.duration
    compare_seconds = max(30, seconds // 10)
    databases = {
        "kpa": bench.scratch_database("kpa", "bench_kpa_load"),
        "plain": bench.scratch_database("plain", "bench_plain_load"),
    }
    data_files = {}
    for key, dbname in databases.items():
        with bench.environment(dbname) as env:
            data = _catalogue_urls(env, with_cooperatives=key == "kpa")
            if key == "kpa":
                data["checkout"] = bench.prepare_shop(env)
                bench.publish_accounts(env)
        data_files[key] = bench.log_dir / f"locust-data-{key}.json"
        data_files[key].write_text(json.dumps(data))
    print(
        f"  ({workers} workers per server, {bench.options.clients} Locust users; "
        f"load average before: {Path('/proc/loadavg').read_text().strip()})"
    )
    with (
        bench.server(databases["kpa"], workers=workers) as kpa_server,
        bench.server(databases["plain"], workers=workers) as plain_server,
    ):
        servers = {"kpa": kpa_server, "plain": plain_server}
        _warm(kpa_server, ["/shop", "/shop/page/2", "/cooperatives"], workers)
        _warm(plain_server, ["/shop", "/shop/page/2"], workers)
        _compare(bench, locust, servers, data_files, compare_seconds)
        _mix(bench, locust, kpa_server, data_files["kpa"], seconds, databases["kpa"])
    for dbname in databases.values():
        bench.drop_database(dbname)
