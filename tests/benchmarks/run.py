"""Benchmarks of KPA-Cité against plain Odoo, on the same machine, in one run.

    ./kpa bench                  every benchmark (bench_*.py in this folder)
    ./kpa bench -- --only pages  the benchmarks whose name contains "pages"
    ./kpa bench -- --rounds 60   more measurements per figure
    ./kpa bench -- --fresh       recreate the benchmark databases
    ./kpa bench -- --only load --duration 60   a one-minute load run

Not part of the tests (pytest collects test_*.py only): timings depend on the
machine, so the figures are printed, with the goals they are compared to.

Two databases are made from the project's base database (l10n_fr_account and
French), without demo data, and kept for the next run (--fresh recreates
them):

- ``bench_kpa``: every add-on of addons/ but the bridges to Odoo's apps;
- ``bench_plain``: plain Odoo, website_sale and sale_management only.

Both get the same generated catalogue (by default 30 cooperatives × 20
services; in the plain database, the same 600 products without cooperative).

Adding a benchmark: a file ``bench_<name>.py`` here, either with a
``run(bench)`` function (``bench`` is the :class:`Bench` below: databases,
Odoo environments, HTTP servers, statistics, report), or a standalone script
with its own ``main(argv)`` taking ``--odoo-src`` and ``--config``, which runs
in a process of its own. Its module docstring is its title.
"""

import argparse
import contextlib
import datetime
import importlib.util
import json
import os
import re
import secrets
import statistics
import subprocess
import sys
import time
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

from dateutil.relativedelta import relativedelta

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(ROOT / "tools"))

import kpa  # noqa: E402  (the project tool: databases, ports, Odoo commands)

DATABASES = {
    # Every add-on of addons/ as ./kpa installs them, but the bridges to
    # Odoo's apps (they would bring the apps that plain Odoo lacks here).
    "kpa": (
        "bench_kpa",
        tuple(m for m in kpa.MODULES if not m.startswith("kpa_marketplace_")),
    ),
    "plain": ("bench_plain", ("website_sale", "sale_management")),
    # With Odoo's events and stock sold online (and our bridges to them).
    "kpa_apps": (
        "bench_kpa_apps",
        (
            "kpa_cooperative",
            "kpa_marketplace",
            "website_event_sale",
            "website_sale_stock",
            "kpa_marketplace_event",
            "kpa_marketplace_stock",
        ),
    ),
    "plain_apps": (
        "bench_plain_apps",
        ("website_sale", "sale_management", "website_event_sale", "website_sale_stock"),
    ),
}
# Cooperatives of the catalogue that also sell a workshop by the seat and a
# storable good, in the databases with Odoo's apps.
APP_COOPERATIVES = 3
# werkzeug's access log line of Odoo: "... HTTP/1.1" 200 - <queries> <sql s> <other s>
ACCESS_LOG = re.compile(
    r'"(GET|POST) (\S+) HTTP/[\d.]+" (\d{3}) - (\d+) ([\d.]+) ([\d.]+)'
)


def percentile(values, share):
    """The value below which `share` (0-1) of the values fall (nearest rank)."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = max(0, min(len(ordered) - 1, round(share * len(ordered) + 0.5) - 1))
    return ordered[index]


class OdooServer:
    """An Odoo HTTP server on one database, its access log parsed for query
    counts.

    With ``workers`` > 0, Odoo's prefork server: that many HTTP worker
    processes, and its gevent process on a port of its own (no cron).
    ``options`` are more odoo-bin options (e.g. a replica's db_replica_*).
    """

    def __init__(self, bench, dbname, workers=0, options=(), name=None):
        self.bench = bench
        self.dbname = dbname
        self.workers = workers
        self.options = list(options)
        self.port = kpa.free_port()
        self.log_path = bench.log_dir / f"{name or dbname}-server.log"
        self.process = None
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(CookieJar())
        )

    def __enter__(self):
        self.log_path.unlink(missing_ok=True)
        serving = ["--workers=0"]
        if self.workers:
            serving = [
                f"--workers={self.workers}",
                f"--gevent-port={kpa.free_port()}",
                # Odoo's defaults would recycle a worker after 60 s of CPU.
                "--limit-time-cpu=600",
                "--limit-time-real=1200",
            ]
        self.process = subprocess.Popen(
            kpa.odoo_cmd(
                self.bench.src,
                self.bench.conf,
                "-d",
                self.dbname,
                f"--db-filter=^{self.dbname}$",
                f"--http-port={self.port}",
                "--http-interface=127.0.0.1",
                "--max-cron-threads=0",
                *serving,
                "--log-level=info",
                f"--logfile={self.log_path}",
                *self.options,
            ),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError):
                if self.opener.open(self.url("/web/health"), timeout=5).status == 200:
                    return self
            if self.process.poll() is not None:
                break
            time.sleep(0.5)
        raise RuntimeError(f"the Odoo server of {self.dbname} did not start")

    def __exit__(self, *exc):
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def get(self, path):
        """GET a page; return (seconds, status) as the client sees them."""
        started = time.perf_counter()
        with self.opener.open(self.url(path), timeout=60) as response:
            response.read()
            status = response.status
        return time.perf_counter() - started, status

    def query_counts(self, path):
        """Query counts of the requests of `path` logged so far, in order."""
        counts = []
        for line in self.log_lines():
            match = ACCESS_LOG.search(line)
            if match and match.group(2) == path:
                counts.append(int(match.group(4)))
        return counts

    def log_lines(self, start=0):
        """The server's log lines (from line `start`)."""
        if not self.log_path.exists():
            return []
        return self.log_path.read_text(errors="replace").splitlines()[start:]

    def statuses(self, start=0):
        """{status: count} of the requests logged (from log line `start`)."""
        counts = {}
        for line in self.log_lines(start):
            match = ACCESS_LOG.search(line)
            if match:
                counts[int(match.group(3))] = counts.get(int(match.group(3)), 0) + 1
        return counts


class Bench:
    """What the benchmarks share: options, databases, report."""

    def __init__(self, options):
        self.options = options
        self.src = Path(options.odoo_src)
        self.conf = Path(options.config)
        self.log_dir = ROOT / ".local" / "logs"
        self.log_dir.mkdir(parents=True, exist_ok=True)
        self.results = []
        self._odoo = None

    # === DATABASES === #

    def database(self, key):
        """Name of the benchmark database `key` ('kpa' or 'plain'), created
        with its generated catalogue when missing or outdated."""
        dbname, modules = DATABASES[key]
        wanted = {
            "modules": list(modules),
            "cooperatives": self.options.cooperatives,
            "services": self.options.services,
            "addons": kpa.addons_digest() if key.startswith("kpa") else None,
            # What generate_catalogue makes (a new version rebuilds the databases).
            "catalogue": 2,
        }
        stamp = ROOT / ".local" / f"{dbname}.json"
        states = kpa.module_states(self.conf, dbname)
        if (
            not self.options.fresh
            and states
            and all(states.get(module) == "installed" for module in modules)
            and stamp.exists()
            and json.loads(stamp.read_text()) == wanted
        ):
            return dbname
        self.say(f"creating {dbname} ({', '.join(modules)}, no demo data)")
        stamp.unlink(missing_ok=True)
        kpa.new_database(self.src, self.conf, dbname)
        # The base database has demo data; the modules installed now get none
        # (--without-demo only applies to new databases).
        odoo = self.odoo()
        with odoo.sql_db.db_connect(dbname).cursor() as cr:
            cr.execute("UPDATE ir_module_module SET demo = false")
        odoo.sql_db.close_db(dbname)
        proc = kpa.run(
            kpa.odoo_cmd(
                self.src,
                self.conf,
                "-d",
                dbname,
                "-i",
                ",".join(modules),
                "--without-demo=all",
                "--stop-after-init",
                "--log-level=warn",
            ),
            check=False,
        )
        if proc.returncode:
            raise RuntimeError(f"installing {', '.join(modules)} into {dbname} failed")
        with self.environment(dbname) as env:
            self.generate_catalogue(
                env,
                with_cooperatives=key.startswith("kpa"),
                with_apps=key.endswith("_apps"),
            )
        stamp.write_text(json.dumps(wanted))
        return dbname

    def scratch_database(self, key, name):
        """A fresh copy `name` of the benchmark database `key`, for a benchmark
        that writes (orders, invoices): the kept databases stay as they are."""
        source = self.database(key)
        odoo = self.odoo()
        odoo.sql_db.close_db(source)
        odoo.sql_db.close_db(name)
        kpa.drop_database(self.src, self.conf, name)
        if kpa.odoo_db(self.src, self.conf, "duplicate", source, name).returncode:
            raise RuntimeError(f"copying {source} into {name} failed")
        return name

    def drop_database(self, name):
        self.odoo().sql_db.close_db(name)
        kpa.drop_database(self.src, self.conf, name)

    def generate_catalogue(self, env, with_cooperatives, with_apps=False):
        """N cooperatives × M published services (the plain database gets the
        same products, without cooperative); with Odoo's apps, the first
        cooperatives also sell a workshop (a session of 1,000 seats) and a
        storable good (in stock at their own warehouse, or the company's)."""
        n_coops, n_services = self.options.cooperatives, self.options.services
        company = env.company
        company.write({"country_id": env.ref("base.fr").id})
        tax = company.account_sale_tax_id
        cooperatives = [None] * n_coops
        if with_cooperatives:
            activities = env["kpa.activity"].search([])
            coordinator = env["res.users"].create(
                {
                    "name": "Bench Coordinator",
                    "login": "bench_coordinator",
                    "groups_id": [
                        (4, env.ref("kpa_cooperative.group_kpa_coordinator").id)
                    ],
                }
            )
            cooperatives = env["kpa.cooperative"].create(
                [
                    {
                        "name": f"Bench Cooperative {index:02d}",
                        "state": "active",
                        "is_published": True,
                        "host_fee_rate": 5.0,
                        "activity_ids": [
                            (6, 0, activities[index % len(activities)].ids)
                        ],
                        "coordinator_ids": [(6, 0, coordinator.ids)],
                    }
                    for index in range(n_coops)
                ]
            )
        vals_list = []
        for index, cooperative in enumerate(cooperatives):
            for number in range(n_services):
                vals = {
                    "name": f"Service {index:02d}-{number:02d}",
                    "type": "service",
                    "sale_ok": True,
                    "is_published": True,
                    "invoice_policy": "order",
                    "list_price": 10.0 + number * 5 + index,
                    "description_sale": "A service of the KPA-Cité benchmark.",
                    "taxes_id": [(6, 0, tax.ids)],
                }
                if cooperative is not None:
                    vals["kpa_cooperative_id"] = cooperative.id
                vals_list.append(vals)
        env["product.template"].create(vals_list)
        if with_apps:
            self.generate_app_catalogue(env, cooperatives[:APP_COOPERATIVES], tax)
        customer = env["res.partner"].create(
            {
                "name": "Bench Customer",
                "email": "customer@bench.example.com",
                "street": "1 rue de la Paix",
                "city": "Roubaix",
                "zip": "59100",
                "country_id": env.ref("base.fr").id,
            }
        )
        self.generate_invoicing_history(env, customer, cooperatives)

    def generate_invoicing_history(self, env, customer, cooperatives):
        """One posted invoice in each sales journal: the books of a host that
        has been invoicing (each journal numbers from its last invoice, the
        host's analytic account of host fees exists), not empty journals whose
        first invoice takes the path of a very first number each time."""
        product = env["product.product"].search(
            [("name", "=", "Service 00-00")], limit=1
        )
        owners = [None] + [c for c in cooperatives if c is not None]
        vals_list = [
            {
                "move_type": "out_invoice",
                "partner_id": customer.id,
                "invoice_line_ids": [
                    (0, 0, {"product_id": product.id, "price_unit": 10.0})
                ],
                **({"kpa_cooperative_id": owner.id} if owner else {}),
            }
            for owner in owners
        ]
        env["account.move"].create(vals_list).action_post()

    def generate_app_catalogue(self, env, cooperatives, tax):
        """Workshop seats and storable goods of the first cooperatives (the
        same products, without cooperative, in the plain database)."""
        company = env.company
        now = env.cr.now()
        vals_list = []
        for index, cooperative in enumerate(cooperatives):
            common = {
                "sale_ok": True,
                "is_published": True,
                "invoice_policy": "order",
                "taxes_id": [(6, 0, tax.ids)],
            }
            if cooperative is not None:
                common["kpa_cooperative_id"] = cooperative.id
            vals_list += [
                {
                    **common,
                    "name": f"Workshop {index:02d}",
                    "type": "service",
                    "service_tracking": "event",
                    "list_price": 30.0 + index,
                },
                {
                    **common,
                    "name": f"Good {index:02d}",
                    "type": "consu",
                    "is_storable": True,
                    "list_price": 50.0 + index,
                },
            ]
        templates = env["product.template"].create(vals_list)
        workshops = templates.filtered(lambda t: t.service_tracking == "event")
        goods = templates - workshops
        env["event.event"].create(
            [
                {
                    "name": workshop.name,
                    "date_begin": now + datetime.timedelta(days=30),
                    "date_end": now + datetime.timedelta(days=30, hours=3),
                    "seats_limited": True,
                    "seats_max": 1000,
                    "event_ticket_ids": [
                        (
                            0,
                            0,
                            {
                                "name": "Seat",
                                "product_id": workshop.product_variant_id.id,
                                "price": workshop.list_price,
                            },
                        )
                    ],
                }
                for workshop in workshops
            ]
        )
        Warehouse = env["stock.warehouse"]
        places = Warehouse.search([("company_id", "=", company.id)], limit=1)
        if cooperatives[0] is not None:
            places = Warehouse.create(
                [
                    {"name": f"Place {index:02d}", "code": f"PL{index:02d}"}
                    for index in range(len(cooperatives))
                ]
            )
            for cooperative, place in zip(cooperatives, places, strict=True):
                cooperative.warehouse_id = place
        for index, good in enumerate(goods):
            place = places[index] if len(places) > 1 else places
            env["stock.quant"]._update_available_quantity(
                good.product_variant_id, place.lot_stock_id, 100000
            )

    def prepare_shop(self, env, n_cooperatives=None):
        """Make a benchmark database ready for checkouts: the demo payment
        provider on, no automatic invoice, an administrator's password for
        the external API. Return what the HTTP clients need: that password,
        France's id and the catalogue {cooperative id: [{url, variant_id}]} of
        the first `n_cooperatives` (all without it)."""
        company = env.company
        provider = env.ref("payment.payment_provider_demo")
        provider.write(
            {"state": "test", "is_published": True, "company_id": company.id}
        )
        provider.payment_method_ids.active = True
        env["ir.config_parameter"].set_param("sale.automatic_invoice", False)
        password = secrets.token_urlsafe(12)
        env.ref("base.user_admin").password = password
        cooperatives = env["kpa.cooperative"].search(
            [("is_published", "=", True), ("company_id", "=", company.id)],
            order="name",
            limit=n_cooperatives,
        )
        catalogue = {}
        for template in env["product.template"].search(
            [
                ("kpa_cooperative_id", "in", cooperatives.ids),
                ("is_published", "=", True),
            ],
            order="name",
        ):
            catalogue.setdefault(template.kpa_cooperative_id.id, []).append(
                {
                    "url": template.website_url,
                    "variant_id": template.product_variant_id.id,
                }
            )
        return {
            "password": password,
            "country_id": env.ref("base.fr").id,
            "catalogue": catalogue,
        }

    def publish_accounts(self, env, months=6, offset=0, cooperatives=None):
        """Published monthly statements of the `months` months before the last
        `offset` ones, for each published cooperative (or `cooperatives`),
        for the public accounts routes to serve."""
        from odoo.tools import date_utils  # pylint: disable=import-outside-toplevel

        if cooperatives is None:
            cooperatives = env["kpa.cooperative"].search([("is_published", "=", True)])
        first = date_utils.start_of(datetime.date.today(), "month")
        starts = [
            first - relativedelta(months=n) for n in range(offset + months, offset, -1)
        ]
        env["kpa.accounts.publication"].create(
            [
                {
                    "cooperative_id": cooperative.id,
                    "company_id": cooperative.company_id.id,
                    "period_type": "month",
                    "date_from": start,
                    "date_to": date_utils.end_of(start, "month"),
                }
                for cooperative in cooperatives
                for start in starts
            ]
        ).action_publish()

    @contextlib.contextmanager
    def environment(self, dbname, uid=None, commit=True):
        """An Odoo environment on `dbname` (superuser unless `uid`)."""
        odoo = self.odoo()
        registry = odoo.modules.registry.Registry(dbname)
        with registry.cursor() as cr:
            env = odoo.api.Environment(cr, uid or odoo.SUPERUSER_ID, {})
            yield env
            if commit:
                env.flush_all()
                cr.commit()
            else:
                cr.rollback()

    def odoo(self):
        if self._odoo is None:
            sys.path.insert(0, str(self.src))
            import odoo

            odoo.tools.config.parse_config(["-c", str(self.conf), "--log-level=warn"])
            self._odoo = odoo
        return self._odoo

    def server(self, dbname, workers=0, options=(), name=None):
        return OdooServer(self, dbname, workers=workers, options=options, name=name)

    # === REPORT === #

    def say(self, message):
        print(f"[bench] {message}", flush=True)

    def record(self, name, value, unit="", goal=None, ok=None):
        """A figure of the report; `goal` (text) and `ok` (bool) when it has one."""
        self.results.append((name, value, unit, goal, ok))
        verdict = "" if ok is None else ("  ok" if ok else "  MISSED")
        goal_text = f"   (goal {goal})" if goal else ""
        if isinstance(value, float):
            value = f"{value:.3f}" if unit != "ms" else f"{value:.1f}"
        print(f"  {name:<58} {value:>9} {unit:<3}{goal_text}{verdict}", flush=True)

    @staticmethod
    def stats(values):
        return {
            "p50": percentile(values, 0.50),
            "p95": percentile(values, 0.95),
            "mean": statistics.fmean(values) if values else float("nan"),
        }


def discover(only=None):
    benchmarks = []
    for path in sorted(HERE.glob("bench_*.py")):
        name = path.stem[len("bench_") :]
        if only and only not in name:
            continue
        spec = importlib.util.spec_from_file_location(f"kpa_bench_{name}", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        benchmarks.append((name, module))
    return benchmarks


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--odoo-src", required=True, help="Odoo 18.0 source tree")
    parser.add_argument("--config", required=True, help="odoo.conf of the project")
    parser.add_argument("--only", help="run the benchmarks whose name contains this")
    parser.add_argument("--rounds", type=int, default=40, help="measures per figure")
    parser.add_argument("--cooperatives", type=int, default=30)
    parser.add_argument("--services", type=int, default=20)
    parser.add_argument("--fresh", action="store_true", help="recreate the databases")
    parser.add_argument(
        "--no-apps",
        action="store_true",
        help="skip the figures that need Odoo's events and stock (their databases)",
    )
    parser.add_argument(
        "--workers", type=int, default=4, help="Odoo workers of the multi-worker runs"
    )
    parser.add_argument(
        "--customers", type=int, default=20, help="concurrent checkouts: customers"
    )
    parser.add_argument(
        "--duration",
        type=int,
        default=600,
        help="load: seconds of the mixed scenario (the comparison with plain Odoo "
        "takes a fifth of it on each side)",
    )
    parser.add_argument(
        "--clients", type=int, default=8, help="load: concurrent Locust users"
    )
    options = parser.parse_args(argv)
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    bench = Bench(options)
    benchmarks = discover(options.only)
    if not benchmarks:
        print("no benchmark matches", file=sys.stderr)
        return 2
    started = time.monotonic()
    missed = 0
    for name, module in benchmarks:
        title = (module.__doc__ or name).strip().splitlines()[0]
        print(f"\n== {name}: {title}", flush=True)
        if hasattr(module, "run"):
            before = len(bench.results)
            module.run(bench)
            missed += sum(1 for *_rest, ok in bench.results[before:] if ok is False)
        else:
            # A standalone benchmark script: its own process, its own report.
            proc = subprocess.run(
                [
                    sys.executable,
                    module.__file__,
                    "--odoo-src",
                    str(bench.src),
                    "--config",
                    str(bench.conf),
                ],
                cwd=ROOT,
                check=False,
            )
            if proc.returncode:
                print(f"  {name} ended with exit status {proc.returncode}", flush=True)
    print(
        f"\n{len(bench.results)} figures, {missed} goal(s) missed, "
        f"{time.monotonic() - started:.0f} s",
        flush=True,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
