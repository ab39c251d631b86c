"""Read replica: a streaming replica of the project's cluster, and where the
traffic goes.

A second local PostgreSQL cluster is made as a streaming replica of the
project's own (``pg_basebackup -R``: the project's cluster has
``wal_level=replica`` and accepts replication connections on its socket, as
initdb sets it up), in ``.local/postgres-replica``, on its own socket. Odoo's
prefork server (``--workers``) serves a fresh copy of ``bench_kpa`` with
``--db_replica_host`` and ``--db_replica_port`` pointing at it: the routes
declared ``readonly=True`` get their cursor there, every other one on the
primary.

Where the traffic went is read from PostgreSQL's own statistics on each
cluster (``pg_stat_user_tables``: the scans of a table, counted by the
cluster that ran them, and the rows written; ``pg_stat_activity``: Odoo's
connections):

1. the public pages and open data of the accounts (``/cooperatives``, a
   cooperative's page, its accounts page, ``accounts.json``, ``accounts.csv``,
   the network's ``accounts.json``) read ``kpa_accounts_publication`` on the
   replica, not on the primary;
2. a checkout (cart, address, demo payment) writes its orders on the
   primary;
3. replay paused on the replica (it lags): the routes still answer, with the
   accounts as they were, while a new statement is published on the primary;
   replay resumed, the new statement is served;
4. replica stopped: every route still answers, Odoo falls back to the
   primary ("Failed to open a readonly cursor" in its log).

The replica is stopped and deleted at the end. Needs the project's own
cluster (not a server given by PGHOST).
"""

import shutil
import time

import kpa
import requests
from shop_flow import checkout

SCRATCH_DB = "bench_kpa_replica"
REPLICA_PORT = 5433
WATCHED = ("kpa_accounts_publication", "kpa_cooperative", "sale_order")
READ_ROUTES = (
    "/cooperatives",
    "/cooperatives/{slug}",
    "/cooperatives/{slug}/accounts",
    "/cooperatives/{slug}/accounts.json",
    "/cooperatives/{slug}/accounts.csv",
    "/cooperatives/accounts.json",
)
ROUNDS = 10


class Replica:
    """A streaming replica of the project's cluster, in a folder beside it."""

    def __init__(self, primary):
        self.primary = primary
        self.root = primary.root.parent / "postgres-replica"
        self.data = self.root / "data"
        self.sockets = self.root / "run"
        self.log = self.root / "postgres.log"

    def __enter__(self):
        self.remove()
        self.sockets.mkdir(parents=True)
        if self.primary.os_user:
            for path in (self.root, self.sockets):
                shutil.chown(path, self.primary.os_user)
        self.primary.pg(
            [
                "pg_basebackup",
                "-D",
                str(self.data),
                "-R",  # standby.signal and primary_conninfo: a streaming replica
                "-X",
                "stream",
                "-c",
                "fast",
                "-h",
                str(self.primary.sockets),
                "-p",
                str(kpa.PG_PORT),
                "-U",
                kpa.PG_USER,
            ],
            quiet=True,
        )
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()
        self.remove()

    def start(self):
        options = (
            f"-p {REPLICA_PORT} -c listen_addresses='' "
            f"-c unix_socket_directories='{self.sockets}' -c hot_standby=on"
        )
        self.primary.pg(
            [
                "pg_ctl",
                "start",
                "-w",
                "-t",
                "60",
                "-D",
                str(self.data),
                "-l",
                str(self.log),
                "-o",
                options,
            ],
            quiet=True,
        )

    def stop(self):
        if (self.data / "PG_VERSION").exists():
            self.primary.pg(
                ["pg_ctl", "stop", "-D", str(self.data), "-m", "fast"],
                check=False,
                quiet=True,
            )

    def remove(self):
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)

    def odoo_options(self):
        return [
            f"--db_replica_host={self.sockets}",
            f"--db_replica_port={REPLICA_PORT}",
        ]


def _connect(host, port, dbname):
    import psycopg2  # pylint: disable=import-outside-toplevel

    connection = psycopg2.connect(host=host, port=port, user=kpa.PG_USER, dbname=dbname)
    connection.autocommit = True
    return connection


def _query(connection, sql, params=()):
    with connection.cursor() as cr:
        cr.execute(sql, params)
        return cr.fetchall()


def _table_stats(connection):
    """{table: (scans, rows inserted)} as this cluster counted them."""
    rows = _query(
        connection,
        """SELECT relname, coalesce(seq_scan, 0) + coalesce(idx_scan, 0), n_tup_ins
             FROM pg_stat_user_tables WHERE relname = ANY(%s)""",
        [list(WATCHED)],
    )
    return {name: (scans, inserted) for name, scans, inserted in rows}


def _settled_stats(connection):
    """The counters once the server's backends have reported theirs: an
    idle backend reports within PGSTAT_IDLE_INTERVAL (10 s) of its last
    transaction."""
    time.sleep(11)
    stats = _table_stats(connection)
    for _attempt in range(10):
        time.sleep(2)
        again = _table_stats(connection)
        if again == stats:
            return again
        stats = again
    return stats


def _delta(after, before):
    return {
        name: (after[name][0] - before[name][0], after[name][1] - before[name][1])
        for name in WATCHED
    }


def _get_all(server, paths):
    """GET every path; return the statuses that were not 200."""
    bad = []
    session = requests.Session()
    for path in paths:
        response = session.get(server.url(path), timeout=120)
        if response.status_code != 200:
            bad.append((path, response.status_code))
    return bad


def run(bench):
    if kpa.external_server():
        print("  skipped: PGHOST/PGPORT point at another server", flush=True)
        return
    primary = kpa.LocalCluster(kpa.pg_bindir())
    dbname = bench.scratch_database("kpa", SCRATCH_DB)
    with bench.environment(dbname) as env:
        setup = bench.prepare_shop(env, 6)
        bench.publish_accounts(env, months=3)
        cooperative = env["kpa.cooperative"].search(
            [("is_published", "=", True)], order="name", limit=1
        )
        slug = cooperative.slug
    primary_cn = _connect(str(primary.sockets), kpa.PG_PORT, dbname)
    settings = _query(
        primary_cn,
        "SELECT name, setting FROM pg_settings WHERE name IN "
        "('wal_level', 'max_wal_senders')",
    )
    print(f"  (primary: {dict(settings)})", flush=True)
    paths = [route.format(slug=slug) for route in READ_ROUTES] * ROUNDS
    problems = []
    started = time.monotonic()
    with Replica(primary) as replica:
        bench.record(
            "replica made (pg_basebackup -R) and started",
            time.monotonic() - started,
            "s",
        )
        replica_cn = _connect(str(replica.sockets), REPLICA_PORT, dbname)
        in_recovery = _query(replica_cn, "SELECT pg_is_in_recovery()")[0][0]
        bench.record(
            "replica is a standby (pg_is_in_recovery)", in_recovery, ok=in_recovery
        )
        with bench.server(
            dbname, workers=bench.options.workers, options=replica.odoo_options()
        ) as server:
            _get_all(server, ["/shop", "/cooperatives"] * bench.options.workers)

            # 1. The public accounts routes read on the replica.
            before = {
                "primary": _settled_stats(primary_cn),
                "replica": _settled_stats(replica_cn),
            }
            bad = _get_all(server, paths)
            after = {
                "primary": _settled_stats(primary_cn),
                "replica": _settled_stats(replica_cn),
            }
            reads = {key: _delta(after[key], before[key]) for key in after}
            print(
                f"  {len(paths)} GET of the public network and accounts routes:",
                flush=True,
            )
            for table in WATCHED:
                bench.record(
                    f"  {table}: scans on primary / replica",
                    f"{reads['primary'][table][0]} / {reads['replica'][table][0]}",
                )
            publication = "kpa_accounts_publication"
            # Four of the routes search the publications: at least once each.
            ok = (
                not bad
                and reads["replica"][publication][0] >= 4 * ROUNDS
                and reads["primary"][publication][0] == 0
            )
            bench.record(
                "public accounts routes read from the replica only",
                "yes" if ok else "no",
                ok=ok,
            )
            if bad:
                problems.append(f"read routes answered {bad}")
            connections = _query(
                replica_cn,
                "SELECT count(*) FROM pg_stat_activity WHERE datname = %s",
                [dbname],
            )[0][0]
            bench.record("Odoo's connections open on the replica", connections - 1)

            # 2. A checkout writes on the primary.
            before = {
                "primary": _settled_stats(primary_cn),
                "replica": _settled_stats(replica_cn),
            }
            client = _Client(server.url(""))
            catalogue = setup["catalogue"]
            products = [catalogue[key][0] for key in sorted(catalogue)[:2]]
            result = checkout(
                client,
                products,
                {
                    "name": "Client·e réplique",
                    "email": "replica@bench.example.com",
                    "phone": "+33 3 20 00 00 00",
                    "street": "1 rue de la Paix",
                    "city": "Roubaix",
                    "zip": "59100",
                    "country_id": setup["country_id"],
                },
            )
            after = {
                "primary": _settled_stats(primary_cn),
                "replica": _settled_stats(replica_cn),
            }
            writes = {key: _delta(after[key], before[key]) for key in after}
            bench.record(
                "checkout: sale_order rows written on primary / replica",
                f"{writes['primary']['sale_order'][1]} / "
                f"{writes['replica']['sale_order'][1]}",
                ok=writes["primary"]["sale_order"][1] >= 2
                and writes["replica"]["sale_order"][1] == 0,
            )
            bench.record(
                "checkout: sale_order scans on primary / replica",
                f"{writes['primary']['sale_order'][0]} / "
                f"{writes['replica']['sale_order'][0]}",
            )
            bench.record(
                "checkout: orders on its confirmation page", result["confirmed_orders"]
            )

            # 3. The replica lags: replay paused while a statement is published.
            url = f"/cooperatives/{slug}/accounts.json"
            shown_before = len(
                requests.get(server.url(url), timeout=60).json()["publications"]
            )
            _query(replica_cn, "SELECT pg_wal_replay_pause()")
            with bench.environment(dbname) as env:
                bench.publish_accounts(
                    env,
                    months=1,
                    offset=3,
                    cooperatives=env["kpa.cooperative"].search([("slug", "=", slug)]),
                )
            time.sleep(1)
            lag = _query(
                primary_cn,
                "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn) "
                "FROM pg_stat_replication",
            )
            lagging = [
                requests.get(server.url(path), timeout=60)
                for path in (url, "/cooperatives", f"/cooperatives/{slug}")
            ]
            shown_lagging = len(lagging[0].json()["publications"])
            bench.record(
                "replay paused: replica behind by (bytes of WAL)",
                int(lag[0][0]) if lag and lag[0][0] is not None else "?",
            )
            bench.record(
                "replay paused: routes answer, accounts.json as it was",
                f"{[r.status_code for r in lagging]}, {shown_lagging} publications "
                f"(were {shown_before})",
                ok=all(r.status_code == 200 for r in lagging)
                and shown_lagging == shown_before,
            )
            lagging_checkout = _get_all(server, [products[0]["url"], "/shop"])
            _query(replica_cn, "SELECT pg_wal_replay_resume()")
            caught_up = _wait_caught_up(primary_cn)
            shown_after = len(
                requests.get(server.url(url), timeout=60).json()["publications"]
            )
            bench.record(
                "replay resumed: caught up, new statement served",
                f"{caught_up:.1f} s, {shown_after} publications",
                ok=shown_after == shown_before + 1 and not lagging_checkout,
            )

            # 4. The replica is down: Odoo falls back to the primary.
            replica_cn.close()
            replica.stop()
            start_line = len(server.log_lines())
            bad = _get_all(server, paths[: len(READ_ROUTES)] * 3)
            fallback_checkout = checkout(
                _Client(server.url("")),
                products,
                {
                    "name": "Client·e sans réplique",
                    "email": "no-replica@bench.example.com",
                    "phone": "+33 3 20 00 00 01",
                    "street": "2 rue de la Paix",
                    "city": "Roubaix",
                    "zip": "59100",
                    "country_id": setup["country_id"],
                },
            )
            fallbacks = sum(
                1
                for line in server.log_lines(start_line)
                if "Failed to open a readonly cursor" in line
            )
            statuses = server.statuses(start_line)
            bench.record(
                "replica stopped: read routes and a checkout answer",
                f"{len(READ_ROUTES) * 3 - len(bad)}/{len(READ_ROUTES) * 3} 200, "
                f"checkout {fallback_checkout['confirmed_orders']} orders",
                ok=not bad and fallback_checkout["confirmed_orders"] == 2,
            )
            bench.record(
                "replica stopped: workers that fell back to the primary", fallbacks
            )
            bench.record(
                "replica stopped: 5xx answers",
                sum(c for s, c in statuses.items() if s >= 500),
                ok=not any(s >= 500 for s in statuses),
            )
    primary_cn.close()
    for problem in problems:
        print(f"  PROBLEM: {problem}", flush=True)
    bench.drop_database(dbname)


def _wait_caught_up(primary_cn, timeout=60):
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        rows = _query(
            primary_cn,
            "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn) "
            "FROM pg_stat_replication",
        )
        if rows and rows[0][0] is not None and rows[0][0] <= 0:
            return time.monotonic() - started
        time.sleep(0.2)
    return float("nan")


class _Client:
    def __init__(self, base_url):
        self.base_url = base_url
        self.session = requests.Session()

    def request(self, method, path, name=None, **kwargs):
        return self.session.request(method, self.base_url + path, timeout=120, **kwargs)
