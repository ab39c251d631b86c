"""Set up, serve and test the KPA-Cité Odoo 18 project.

Standard library only: this runs before the virtualenv exists.

    ./kpa run     set up whatever is missing, then serve http://localhost:8069
    ./kpa test    set up, then run every test; last line "N passed, N failed"

Every set-up problem ends with one sentence saying what to do (exit status 2).
"""

import argparse
import ast
import contextlib
import fcntl
import hashlib
import json
import os
import pwd
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import sysconfig
import time
import urllib.request
import xml.etree.ElementTree as ET
from pathlib import Path
from string import Template

ROOT = Path(__file__).resolve().parent.parent
LOCAL = ROOT / ".local"
VENV = ROOT / ".venv"
ADDONS = ROOT / "addons"


def our_modules():
    """Every installable add-on of addons/, by name: what ./kpa installs."""
    names = []
    for manifest in sorted(ADDONS.glob("*/__manifest__.py")):
        if ast.literal_eval(manifest.read_text()).get("installable", True):
            names.append(manifest.parent.name)
    return tuple(names)


MODULES = our_modules()
# Odoo's apps the demo sells with (the bridges kpa_marketplace_* install
# themselves with them), and the demo payment provider of the demo and the
# browser tests: installed with our add-ons, never updated by ./kpa.
APPS = (
    "website_event_sale",
    "website_sale_stock",
    "website_sale_collect",
    "website_sale_loyalty",
    "payment_demo",
)
# Installed first, so that the demo host structure (French) gets the French
# chart of accounts; the KPA modules themselves only depend on `account`.
BASE_MODULES = ("l10n_fr_account",)
BASE_TEMPLATE = "kpa_base_template"
ODOO_GIT = "https://github.com/odoo/odoo.git"
ODOO_BRANCH = "18.0"
RUN_DB = "kpa"
TEST_DB = "kpa_test"
# A copy of the run database that `./kpa screenshots` serves, then drops: the
# cart it fills does not stay in the demo.
SCREENSHOTS_DB = "kpa_screenshots"
LANG = "fr_FR"
PG_PORT = 5432
PG_USER = "odoo"
# HttpCase classes (URL checks and browser tours) carry this tag and run in
# Odoo's own runner, which serves HTTP; pytest-odoo runs every other test.
HTTP_TAG = "kpa_http"


class SetupError(Exception):
    """A condition the user must fix; its text is the one sentence we print."""


def say(message):
    print(f"[kpa] {message}", flush=True)


def run(cmd, check=True, quiet=False, **kwargs):
    """Run a command; on failure raise SetupError unless check is False."""
    if quiet:
        kwargs.setdefault("stdout", subprocess.PIPE)
        kwargs.setdefault("stderr", subprocess.STDOUT)
        kwargs.setdefault("text", True)
    try:
        proc = subprocess.run(cmd, check=False, **kwargs)
    except FileNotFoundError as exc:
        raise SetupError(f"{cmd[0]} was not found: {exc.strerror}.") from exc
    if check and proc.returncode:
        if quiet and proc.stdout:
            print(proc.stdout, file=sys.stderr)
        raise SetupError(
            f"'{' '.join(map(str, cmd[:3]))} …' failed (exit status "
            f"{proc.returncode}); the lines above say why."
        )
    return proc


@contextlib.contextmanager
def setup_lock():
    """Serialise set-up steps between concurrent ./kpa calls."""
    LOCAL.mkdir(exist_ok=True)
    with open(LOCAL / "setup.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def digest(*parts):
    sha = hashlib.sha256()
    for part in parts:
        sha.update(part if isinstance(part, bytes) else str(part).encode())
        sha.update(b"\0")
    return sha.hexdigest()


# === SYSTEM PACKAGES === #


def can_use_apt():
    if os.environ.get("KPA_NO_APT") or not shutil.which("apt-get"):
        return None
    if os.geteuid() == 0:
        return []
    if shutil.which("sudo") and sys.stdin.isatty():
        return ["sudo"]
    return None


def ensure_packages(missing, why):
    """Install Debian packages when allowed, else explain how to."""
    if not missing:
        return
    packages = " ".join(sorted(missing))
    prefix = can_use_apt()
    if prefix is None:
        raise SetupError(
            f"{why} is missing: install it with 'sudo apt install {packages}', "
            "then run the command again."
        )
    say(f"installing Debian packages for {why}: {packages}")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    proc = run(
        prefix + ["apt-get", "install", "-y", "-q", *sorted(missing)],
        check=False,
        env=env,
    )
    if proc.returncode:
        run(prefix + ["apt-get", "update", "-q"], check=False, env=env)
        run(prefix + ["apt-get", "install", "-y", "-q", *sorted(missing)], env=env)


def ensure_build_tools():
    """What pip needs to build psycopg2 from source on Python 3.11."""
    missing = set()
    if not shutil.which("gcc"):
        missing.add("gcc")
    if not shutil.which("pg_config"):
        missing.add("libpq-dev")
    if not (Path(sysconfig.get_paths()["include"]) / "Python.h").exists():
        missing.add("python3.11-dev")
    try:
        import ensurepip  # noqa: F401 pylint: disable=import-outside-toplevel,unused-import
    except ImportError:
        missing.add("python3.11-venv")
    ensure_packages(missing, "a build tool for the Python dependencies")


def find_chrome():
    for name in (
        "google-chrome",
        "chromium",
        "chromium-browser",
        "google-chrome-stable",
    ):
        if shutil.which(name):
            return shutil.which(name)
    return None


def ensure_chrome():
    if find_chrome():
        return
    ensure_packages({"chromium"}, "Chromium (the browser tours run in it)")
    if not find_chrome():
        raise SetupError(
            "Chromium is needed for the browser tours: install it with "
            "'sudo apt install chromium', then run the tests again."
        )


LATO_DIR = Path("/usr/share/fonts/truetype/lato")


def ensure_wkhtmltopdf(required=False):
    """Odoo prints its PDF reports (invoices, accounts) with wkhtmltopdf.

    Debian's wkhtmltopdf (unpatched Qt) turns the text of web fonts into
    outlines: kpa_l10n_fr then prints with the system's Lato (fonts-lato), so
    that the PDFs keep their text. For `./kpa run` both are wanted, not
    required: without them Odoo still serves, so a failure to install them is
    a warning. The tests print and read real PDFs: there they are required.
    """
    missing = set()
    if not shutil.which("wkhtmltopdf"):
        missing.add("wkhtmltopdf")
    if not LATO_DIR.is_dir():
        missing.add("fonts-lato")
    try:
        ensure_packages(
            missing, "wkhtmltopdf and its fonts (Odoo prints PDF reports with them)"
        )
    except SetupError as exc:
        if required:
            raise
        say(f"warning: {exc} PDF reports are unavailable or without text until then.")


# === ODOO SOURCE === #


def cache_dir():
    if os.environ.get("KPA_CACHE_DIR"):
        return Path(os.environ["KPA_CACHE_DIR"]).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "kpa-cite"


def odoo_version(src):
    release = src / "odoo" / "release.py"
    match = re.search(
        r"^version_info\s*=\s*\(\s*([^,]+),\s*([^,]+),",
        release.read_text(errors="replace"),
        re.M,
    )
    if not match:
        return "an unknown version"
    return ".".join(part.strip().strip("'\"") for part in match.groups())


def odoo_source():
    """Return the Odoo 18.0 tree: $ODOO_SRC, else the cached shallow clone."""
    if os.environ.get("ODOO_SRC"):
        src = Path(os.environ["ODOO_SRC"]).expanduser().resolve()
        if (
            not (src / "odoo" / "release.py").is_file()
            or not (src / "odoo-bin").is_file()
        ):
            raise SetupError(
                f"ODOO_SRC={src} is not an Odoo source tree (no odoo-bin or "
                "odoo/release.py): point ODOO_SRC at an Odoo 18.0 checkout, or "
                "unset it to use the cached clone."
            )
        origin = "ODOO_SRC"
    else:
        src = cache_dir() / "odoo-18.0"
        origin = "the cache"
        if not (src / "odoo" / "release.py").is_file():
            clone_odoo(src)
    version = odoo_version(src)
    if version != "18.0":
        raise SetupError(
            f"{src} (from {origin}) holds Odoo {version}, not 18.0: set ODOO_SRC "
            "to an Odoo 18.0 source tree, or unset it to use the cached clone."
        )
    return src


def clone_odoo(src):
    if not shutil.which("git"):
        raise SetupError(
            "git is needed to download Odoo 18.0: install it with "
            "'sudo apt install git', or set ODOO_SRC to an Odoo 18.0 source tree."
        )
    say(f"downloading Odoo {ODOO_BRANCH} (shallow clone of {ODOO_GIT}) into {src}")
    partial = src.with_name(src.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.parent.mkdir(parents=True, exist_ok=True)
    proc = run(
        [
            "git",
            "clone",
            "--depth",
            "1",
            "--branch",
            ODOO_BRANCH,
            "--single-branch",
            ODOO_GIT,
            str(partial),
        ],
        check=False,
    )
    if proc.returncode:
        shutil.rmtree(partial, ignore_errors=True)
        raise SetupError(
            f"Odoo {ODOO_BRANCH} could not be downloaded from {ODOO_GIT}: check "
            "the network, or set ODOO_SRC to an Odoo 18.0 source tree."
        )
    partial.rename(src)


def addons_path(src):
    paths = [ADDONS]
    if (src / "addons" / "web").is_dir():  # a git checkout keeps addons beside odoo/
        paths.append(src / "addons")
    paths.append(src / "odoo" / "addons")
    return ",".join(str(path) for path in paths)


# === VIRTUALENV === #


def python_bin():
    return VENV / "bin" / "python"


def ensure_venv(src):
    requirements = [ROOT / "requirements.txt"]
    wanted = digest(*(path.read_bytes() for path in requirements), src, sys.version)
    stamp = VENV / ".kpa-stamp"
    if python_bin().exists() and stamp.exists() and stamp.read_text() == wanted:
        return
    ensure_build_tools()
    if not python_bin().exists():
        say(f"creating the virtualenv {VENV}")
        run([sys.executable, "-m", "venv", str(VENV)])
    say("installing the Python dependencies (requirements.txt)")
    pip = [str(python_bin()), "-m", "pip", "--disable-pip-version-check"]
    run(pip + ["install", "-q", "--upgrade", "pip", "setuptools", "wheel"])
    proc = run(
        pip + ["install", "-q", "-r", str(ROOT / "requirements.txt")], check=False
    )
    if proc.returncode:
        raise SetupError(
            "Installing the Python dependencies failed (see pip's lines above): "
            "fix what pip reports, then run the command again."
        )
    site = Path(
        run(
            [
                str(python_bin()),
                "-c",
                "import sysconfig; print(sysconfig.get_paths()['purelib'])",
            ],
            quiet=True,
        ).stdout.strip()
    )
    # Odoo is used from its source tree, not installed: a .pth makes it importable.
    (site / "kpa_odoo_src.pth").write_text(f"{src}\n")
    stamp.write_text(wanted)


def ensure_bench_venv():
    """The benchmarks' load tool (Locust, requirements-bench.txt) in a
    virtualenv of its own, .local/bench-venv: it needs newer gevent, Werkzeug
    and requests than Odoo. Return the path of its `locust` program."""
    requirements = ROOT / "requirements-bench.txt"
    venv = LOCAL / "bench-venv"
    python = venv / "bin" / "python"
    with setup_lock():
        wanted = digest(requirements.read_bytes(), sys.version)
        stamp = venv / ".kpa-stamp"
        if python.exists() and stamp.exists() and stamp.read_text() == wanted:
            return venv / "bin" / "locust"
        if not python.exists():
            say(f"creating the benchmarks' virtualenv {venv}")
            base = getattr(sys, "_base_executable", sys.executable)
            run([base, "-m", "venv", str(venv)])
        say("installing the load tool (requirements-bench.txt)")
        proc = run(
            [
                str(python),
                "-m",
                "pip",
                "install",
                "-q",
                "--disable-pip-version-check",
                "-r",
                str(requirements),
            ],
            check=False,
        )
        if proc.returncode:
            raise SetupError(
                "Installing the load tool failed (see pip's lines above): fix what "
                "pip reports, then run the benchmark again."
            )
        stamp.write_text(wanted)
    return venv / "bin" / "locust"


# === POSTGRESQL === #


def external_server():
    return any(
        os.environ.get(name) for name in ("PGHOST", "PGPORT", "PGHOSTADDR", "PGSERVICE")
    )


def pg_bindir():
    candidates = []
    if os.environ.get("KPA_PG_BINDIR"):
        candidates.append(Path(os.environ["KPA_PG_BINDIR"]))
    else:
        if shutil.which("pg_config"):
            proc = run(["pg_config", "--bindir"], check=False, quiet=True)
            if proc.returncode == 0:
                candidates.append(Path(proc.stdout.strip()))
        versions = sorted(
            Path("/usr/lib/postgresql").glob("*/bin"),
            key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
            reverse=True,
        )
        candidates.extend(versions)
        if shutil.which("initdb"):
            candidates.append(Path(shutil.which("initdb")).resolve().parent)
    for bindir in candidates:
        if all((bindir / tool).exists() for tool in ("initdb", "pg_ctl", "postgres")):
            return bindir
    raise SetupError(
        "PostgreSQL server binaries (initdb, pg_ctl, postgres) were not found: "
        "install them with 'sudo apt install postgresql', or set PGHOST (and "
        "PGPORT, PGUSER, PGPASSWORD) to use an existing server."
    )


class LocalCluster:
    """A PostgreSQL cluster of the project's own, reachable by Unix socket only."""

    def __init__(self, bindir):
        self.bindir = bindir
        self.os_user = self._os_user()
        self.root = self._root()
        self.data = self.root / "data"
        self.sockets = self.root / "run"
        self.log = self.root / "postgres.log"

    @staticmethod
    def _os_user():
        """initdb and postgres refuse root: as root, run them as a system user."""
        if os.geteuid() != 0:
            return None
        for name in ("postgres", "kpa-postgres"):
            with contextlib.suppress(KeyError):
                pwd.getpwnam(name)
                return name
        run(
            [
                "useradd",
                "--system",
                "--no-create-home",
                "--shell",
                "/usr/sbin/nologin",
                "kpa-postgres",
            ],
            quiet=True,
        )
        return "kpa-postgres"

    def as_owner(self, cmd):
        if self.os_user:
            return ["runuser", "-u", self.os_user, "--", *cmd]
        return cmd

    def _reachable(self, path):
        if not self.os_user:
            return True
        return (
            run(
                self.as_owner(["test", "-x", str(path)]),
                check=False,
                quiet=True,
                cwd="/",
            ).returncode
            == 0
        )

    def _root(self):
        local = LOCAL / "postgres"
        socket_file = local / "run" / f".s.PGSQL.{PG_PORT}"
        local.mkdir(parents=True, exist_ok=True)
        if len(str(socket_file)) < 100 and self._reachable(LOCAL):
            return local
        # The project sits where the cluster's user cannot go (a home of mode
        # 700) or its path is too long for a socket: use a folder of its own.
        fallback = Path("/var/tmp") / f"kpa-cite-{digest(ROOT)[:12]}" / "postgres"
        fallback.mkdir(parents=True, exist_ok=True)
        (local / "WHERE").write_text(f"This project's cluster lives in {fallback}\n")
        return fallback

    def ensure(self):
        for path in (self.root, self.sockets):
            path.mkdir(parents=True, exist_ok=True)
            if self.os_user:
                shutil.chown(path, self.os_user)
        if not (self.data / "PG_VERSION").exists():
            say(f"creating the project's PostgreSQL cluster in {self.data}")
            shutil.rmtree(self.data, ignore_errors=True)
            self.data.mkdir()
            if self.os_user:
                shutil.chown(self.data, self.os_user)
            self.pg(
                [
                    "initdb",
                    "-D",
                    str(self.data),
                    "-U",
                    PG_USER,
                    "--auth=trust",
                    "-E",
                    "UTF8",
                    "--locale=C.UTF-8",
                    "--no-instructions",
                ],
                quiet=True,
            )
        if (
            self.pg(
                ["pg_ctl", "status", "-D", str(self.data)], check=False, quiet=True
            ).returncode
            != 0
        ):
            say("starting the project's PostgreSQL cluster")
            options = (
                f"-p {PG_PORT} -c listen_addresses='' "
                f"-c unix_socket_directories='{self.sockets}' "
                "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
            )
            proc = self.pg(
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
                check=False,
                quiet=True,
            )
            if proc.returncode:
                raise SetupError(
                    f"The project's PostgreSQL cluster did not start: read {self.log}, "
                    "fix what it says (or delete the folder to start afresh), then "
                    "run the command again."
                )
        return {
            "db_host": str(self.sockets),
            "db_port": str(PG_PORT),
            "db_user": PG_USER,
            "db_password": "False",
        }

    def pg(self, cmd, **kwargs):
        cmd = [str(self.bindir / cmd[0]), *cmd[1:]]
        return run(self.as_owner(cmd), cwd="/", **kwargs)

    def stop(self):
        if (self.data / "PG_VERSION").exists():
            self.pg(
                ["pg_ctl", "stop", "-D", str(self.data), "-m", "fast"],
                check=False,
                quiet=True,
            )


def database_settings():
    if external_server():
        settings = {
            "db_host": os.environ.get("PGHOST")
            or os.environ.get("PGHOSTADDR")
            or "False",
            "db_port": os.environ.get("PGPORT") or "False",
            "db_user": os.environ.get("PGUSER") or "False",
            "db_password": os.environ.get("PGPASSWORD") or "False",
        }
        return settings, None
    cluster = LocalCluster(pg_bindir())
    return cluster.ensure(), cluster


def check_server(settings):
    """Connect once, so a wrong PG* setting is one sentence, not a traceback."""
    code = (
        "import sys, psycopg2\n"
        "kw = {k: v for k, v in dict(host=sys.argv[1], port=sys.argv[2],"
        " user=sys.argv[3], password=sys.argv[4]).items() if v != 'False'}\n"
        "try:\n"
        "    psycopg2.connect(dbname='postgres', **kw).close()\n"
        "except psycopg2.Error as e:\n"
        "    print(str(e).strip().splitlines()[0]); sys.exit(1)\n"
    )
    proc = run(
        [
            str(python_bin()),
            "-c",
            code,
            settings["db_host"],
            settings["db_port"],
            settings["db_user"],
            settings["db_password"],
        ],
        check=False,
        quiet=True,
    )
    if proc.returncode:
        where = (
            "the server given by PGHOST/PGPORT"
            if external_server()
            else "the project's cluster"
        )
        raise SetupError(
            f"Cannot connect to {where} ({proc.stdout.strip()}): check the PG* "
            "variables, or unset PGHOST and PGPORT to use the project's own cluster."
        )


# === ODOO === #


def write_config(src, settings, name="odoo.conf"):
    admin_file = LOCAL / "admin_passwd"
    if not admin_file.exists():
        admin_file.write_text(secrets.token_urlsafe(18))
        admin_file.chmod(0o600)
    template = Template((ROOT / "config" / "odoo.local.conf").read_text())
    conf = LOCAL / name
    conf.write_text(
        template.substitute(
            addons_path=addons_path(src),
            data_dir=LOCAL / "filestore",
            admin_passwd=admin_file.read_text().strip(),
            **settings,
        )
    )
    return conf


def odoo_cmd(src, conf, *args):
    return [str(python_bin()), str(src / "odoo-bin"), "-c", str(conf), *args]


def addons_digest():
    sha = hashlib.sha256()
    for path in sorted(ADDONS.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            sha.update(str(path.relative_to(ADDONS)).encode())
            sha.update(path.read_bytes())
    return sha.hexdigest()


def module_states(conf, dbname):
    """{module: state} of a database, or None when it does not exist."""
    code = (
        "import configparser, json, sys, psycopg2\n"
        "c = configparser.ConfigParser(); c.read(sys.argv[1]); o = c['options']\n"
        "kw = {k: o[f'db_{k}'] for k in ('host', 'port', 'user', 'password')"
        " if o[f'db_{k}'] != 'False'}\n"
        "cn = psycopg2.connect(dbname='postgres', **kw)\n"
        "cr = cn.cursor()\n"
        "cr.execute('SELECT 1 FROM pg_database WHERE datname=%s', [sys.argv[2]])\n"
        "if not cr.fetchone(): print('null'); sys.exit()\n"
        "cn.close()\n"
        "cn = psycopg2.connect(dbname=sys.argv[2], **kw); cr = cn.cursor()\n"
        "try:\n"
        "    cr.execute('SELECT name, state FROM ir_module_module')\n"
        "    print(json.dumps(dict(cr.fetchall())))\n"
        "except psycopg2.Error:\n"
        "    print('{}')\n"
    )
    proc = run([str(python_bin()), "-c", code, str(conf), dbname], quiet=True)
    return json.loads(proc.stdout.strip().splitlines()[-1])


# The address the demo network's website answers on is the server's, not the
# demo data's: bound here for the port `./kpa run` serves. A website bound to
# localhost in the demo data would also answer every request whose host is
# "localhost" (Odoo ignores the port when none matches exactly), such as the
# requests Odoo's tests make up (website.tools.MockRequest), and take them
# from Odoo's default website. A domain set by hand (not localhost) is kept.
BIND_NETWORK_WEBSITE_SQL = """
UPDATE website SET domain = %(domain)s
 WHERE id = (SELECT res_id FROM ir_model_data
              WHERE module = 'kpa_cooperative' AND name = 'website_network_demo')
   AND (COALESCE(domain, '') = '' OR domain LIKE 'http://localhost:%%')
"""


def bind_network_website(conf, dbname, port):
    """Make the demo network's website answer on http://localhost:`port`
    (nothing to do in a database without the demo network)."""
    code = (
        "import configparser, sys, psycopg2\n"
        "c = configparser.ConfigParser(); c.read(sys.argv[1]); o = c['options']\n"
        "kw = {k: o[f'db_{k}'] for k in ('host', 'port', 'user', 'password')"
        " if o[f'db_{k}'] != 'False'}\n"
        "cn = psycopg2.connect(dbname=sys.argv[2], **kw)\n"
        "with cn, cn.cursor() as cr:\n"
        "    cr.execute(sys.argv[3], {'domain': sys.argv[4]})\n"
    )
    run(
        [
            str(python_bin()),
            "-c",
            code,
            str(conf),
            dbname,
            BIND_NETWORK_WEBSITE_SQL,
            f"http://localhost:{port}",
        ],
        quiet=True,
    )


def drop_database(src, conf, dbname):
    """Drop a database and its filestore (no error when it does not exist)."""
    odoo_db(src, conf, "drop", dbname)


def odoo_db(src, conf, *args):
    """odoo-bin's own `db` command (drop, duplicate), quiet."""
    return run(
        [str(python_bin()), str(src / "odoo-bin"), "db", "-c", str(conf), *args],
        check=False,
        quiet=True,
    )


def ensure_base_template(src, conf, name=BASE_TEMPLATE, lang=LANG):
    """A database with Odoo's modules that ours build on, and French (`lang`;
    none: Odoo's source language only), made once and copied for every new
    database (saves a minute each time)."""
    wanted = digest(odoo_version(src), src, BASE_MODULES, lang or "")
    stamp = LOCAL / f"{name}.stamp"
    states = module_states(conf, name)
    if (
        states is not None
        and all(states.get(m) == "installed" for m in BASE_MODULES)
        and stamp.exists()
        and stamp.read_text() == wanted
    ):
        return wanted
    say(
        f"preparing the base database '{name}' ({', '.join(BASE_MODULES)}"
        f"{' and French' if lang else ''}, about a minute)"
    )
    drop_database(src, conf, name)
    started = time.monotonic()
    proc = run(
        odoo_cmd(
            src,
            conf,
            "-d",
            name,
            "-i",
            ",".join(BASE_MODULES),
            *([f"--load-language={lang}"] if lang else []),
            "--stop-after-init",
            "--log-level=warn",
        ),
        check=False,
    )
    if proc.returncode:
        drop_database(src, conf, name)
        raise SetupError(
            "Preparing the base database failed (the log above says why): check "
            "that ODOO_SRC is a complete Odoo 18.0 tree, then run the command again."
        )
    stamp.write_text(wanted)
    say(f"base database ready in {time.monotonic() - started:.0f} s")
    return wanted


def new_database(src, conf, dbname, template=BASE_TEMPLATE, lang=LANG):
    """A fresh copy of a base database (dropping any former one)."""
    ensure_base_template(src, conf, template, lang)
    drop_database(src, conf, dbname)
    if odoo_db(src, conf, "duplicate", template, dbname).returncode:
        raise SetupError(
            f"Copying the base database into '{dbname}' failed: run "
            "'./kpa stop' then the command again."
        )


def create_database(src, conf, dbname):
    say(
        f"creating the database '{dbname}' with {', '.join(MODULES)} (and "
        f"{', '.join(APPS)}), the demo network and French"
    )
    started = time.monotonic()
    new_database(src, conf, dbname)
    proc = run(
        odoo_cmd(
            src,
            conf,
            "-d",
            dbname,
            "-i",
            ",".join(MODULES + APPS),
            "--stop-after-init",
            "--log-level=warn",
        ),
        check=False,
    )
    if proc.returncode:
        drop_database(src, conf, dbname)
        raise SetupError(
            f"Installing the modules into '{dbname}' failed (the log above says "
            "why): fix the module, then run the command again."
        )
    say(f"database '{dbname}' ready in {time.monotonic() - started:.0f} s")


def ensure_run_database(src, conf, dbname):
    stamp = LOCAL / f"{dbname}.addons-sha256"
    states = module_states(conf, dbname)
    if states is not None and any(states.get(m) != "installed" for m in MODULES + APPS):
        say(f"the database '{dbname}' is incomplete: creating it again")
        drop_database(src, conf, dbname)
        states = None
    if states is None:
        create_database(src, conf, dbname)
        stamp.write_text(addons_digest())
        return
    current = addons_digest()
    if not stamp.exists() or stamp.read_text() != current:
        say(f"the modules changed since the last run: updating '{dbname}'")
        run(
            odoo_cmd(
                src,
                conf,
                "-d",
                dbname,
                "-u",
                ",".join(MODULES),
                "--stop-after-init",
                "--log-level=warn",
            )
        )
        stamp.write_text(current)


def env_port(name, default, serves):
    value = os.environ.get(name, str(default))
    try:
        port = int(value)
    except ValueError:
        port = 0
    if not 0 < port < 65536:
        raise SetupError(
            f"{name}={value} is not a port number: set it to a number "
            f"from 1 to 65535, or unset it to serve {serves} on {default}."
        )
    return port


def http_port():
    return env_port("KPA_HTTP_PORT", 8069, "the pages")


def gevent_port():
    """The port of Odoo's gevent process (/websocket), with --workers."""
    return env_port("KPA_GEVENT_PORT", 8072, "the websocket")


def check_port(port, variable="KPA_HTTP_PORT"):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("0.0.0.0", port))
        except OSError as exc:
            raise SetupError(
                f"Port {port} is in use ({exc.strerror}): stop the program "
                "listening on it (often another Odoo), or choose another port, "
                f"e.g. {variable}={port + 1} ./kpa run."
            ) from exc


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def setup():
    """Everything run and test share: Odoo source, venv, PostgreSQL, config."""
    if not external_server():
        pg_bindir()  # fail early, before any download or any file written
    src = odoo_source()
    with setup_lock():
        ensure_venv(src)
        ensure_wkhtmltopdf()
        settings, cluster = database_settings()
        check_server(settings)
        conf = write_config(src, settings)
    return src, conf, cluster


# === COMMANDS === #


def serve_options(workers):
    """odoo-bin options and the ports to check: Odoo's threaded server, or
    with `workers` > 0 its prefork server (HTTP workers on the HTTP port, a
    gevent process for /websocket on the gevent port, a cron worker)."""
    if workers < 0:
        raise SetupError(
            f"--workers {workers} is not a number of workers: give 0 (one "
            "threaded process) or more (Odoo's prefork server), e.g. --workers 4."
        )
    port = http_port()
    ports = [(port, "KPA_HTTP_PORT")]
    options = [f"--http-port={port}"]
    if workers:
        ports.append((gevent_port(), "KPA_GEVENT_PORT"))
        options += [f"--workers={workers}", f"--gevent-port={ports[1][0]}"]
    return options, ports


def cmd_run(args):
    options, ports = serve_options(args.workers)
    for port, variable in ports:  # before any download or database work
        check_port(port, variable)
    src, conf, _cluster = setup()
    with setup_lock():
        ensure_run_database(src, conf, args.db)
    for port, variable in ports:
        check_port(port, variable)
    http, *gevent = ports
    bind_network_website(conf, args.db, http[0])
    if gevent:
        say(
            f"serving Odoo with {args.workers} workers on http://localhost:{http[0]} "
            f"(pages, e-shop, RPC) and its gevent port {gevent[0][0]} (/websocket, "
            f"through a reverse proxy)"
        )
    say(
        f"serving Odoo on http://localhost:{http[0]} (database '{args.db}', "
        "login admin / password admin); Ctrl+C stops it"
    )
    cmd = odoo_cmd(
        src,
        conf,
        "-d",
        args.db,
        f"--db-filter=^{re.escape(args.db)}$",
        *options,
        *args.odoo_args,
    )
    os.execv(cmd[0], cmd)


def parse_odoo_summary(log_text):
    """(passed, failed) from the last summary line of an Odoo test log."""
    summaries = re.findall(
        r"(\d+) failed, (\d+) error\(s\) of (\d+) tests when loading database", log_text
    )
    if not summaries:
        return None
    failed, errors, total = map(int, summaries[-1])
    return total - failed - errors, failed + errors


def run_odoo_logged(cmd, log_path):
    """Run odoo-bin with tests; keep the whole log, show what matters."""
    started = time.monotonic()
    shown = re.compile(
        r" (ERROR|CRITICAL) |odoo\.tests\.result|post-tests in| WARNING .*kpa"
    )
    with open(log_path, "w") as log:
        proc = subprocess.Popen(
            cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1
        )
        for line in proc.stdout:
            log.write(line)
            if shown.search(line):
                print(line.rstrip(), flush=True)
        proc.wait()
    say(f"Odoo runner finished in {time.monotonic() - started:.0f} s (log: {log_path})")
    summary = parse_odoo_summary(log_path.read_text(errors="replace"))
    if summary is None:
        say("the Odoo runner ended without a test report: counted as 1 failure")
        return 0, 1
    passed, failed = summary
    if proc.returncode and not failed:
        say(
            f"the Odoo runner exited with status {proc.returncode}: "
            "counted as 1 failure"
        )
        failed = 1
    return passed, failed


def run_pytest(conf, dbname, paths, extra, junit):
    say(f"pytest-odoo on '{dbname}': {' '.join(paths)}")
    cmd = [
        str(VENV / "bin" / "pytest"),
        *paths,
        f"--odoo-config={conf}",
        f"--odoo-database={dbname}",
        "-c",
        str(ROOT / "pytest.ini"),
        f"--rootdir={ROOT}",
        "-p",
        "no:cacheprovider",
        f"--junitxml={junit}",
        "-q",
        "-ra",
        *extra,
    ]
    junit.unlink(missing_ok=True)
    proc = subprocess.run(cmd, cwd=ROOT, check=False)
    if not junit.exists():
        say(
            f"pytest ended without a report (exit status {proc.returncode}): "
            "counted as 1 failure"
        )
        return 0, 1
    total = failed = skipped = 0
    for suite in ET.parse(junit).getroot().iter("testsuite"):
        total += int(suite.get("tests", 0))
        failed += int(suite.get("failures", 0)) + int(suite.get("errors", 0))
        skipped += int(suite.get("skipped", 0))
    if proc.returncode not in (0, 1) and not failed:  # usage or internal error
        failed = 1
    # A skipped test is not counted as passed; pytest lists it above (-ra).
    return total - failed - skipped, failed


# === ODOO'S OWN TESTS, WITH AND WITHOUT OURS (./kpa test --peer) === #

# Odoo's test suites run by `./kpa test --peer`: the apps our add-ons extend.
PEER_SUITES = (
    "sale",
    "sale_management",
    "website_sale",
    "sale_loyalty",
    "website_sale_loyalty",
    "event_sale",
    "website_event_sale",
    "sale_stock",
    "website_sale_stock",
    "website_sale_collect",
)
# The base database of the comparison: the project's (Odoo's modules that
# ours build on) in Odoo's source language, as Odoo's tests expect; with
# French as the users' language, dozens of them fail with and without us
# (they compare English messages), which hides what we might break.
PEER_BASE = "kpa_peer_base"
PEER_WITH = "kpa_peer_with"
PEER_WITHOUT = "kpa_peer_without"
# Tests that fail only with us are run once more, alone; beyond this many, the
# difference is not a matter of chance and they are not run again.
PEER_RETRY_MAX = 40

PEER_LOG_LINE = re.compile(
    r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ (?P<level>[A-Z]+) \S+ "
    r"(?P<logger>[\w.]+): (?P<message>.*)$"
)
PEER_CLASS_ERROR = re.compile(
    r"^(?P<method>\w+) \(odoo\.addons\.(?P<module>\w+)\.tests\.[\w.]*?(?P<cls>\w+)\)$"
)


def our_addons():
    """{name: manifest} of the installable add-ons of addons/."""
    manifests = {}
    for path in sorted(ADDONS.glob("*/__manifest__.py")):
        manifest = ast.literal_eval(path.read_text())
        if manifest.get("installable", True):
            manifests[path.parent.name] = manifest
    return manifests


def peer_odoo_modules(manifests):
    """Odoo's modules installed in both databases: the suites' modules and
    what our add-ons depend on, so that the two differ by ours only."""
    deps = {
        dep
        for manifest in manifests.values()
        for dep in manifest.get("depends", ())
        if dep not in manifests
    }
    return sorted(set(PEER_SUITES) | deps)


def parse_peer_log(text):
    """Per-suite results of an Odoo test log (`--log-level=info`).

    Return ``(suites, summary)``: ``suites`` maps a module to
    ``{"run": [test ids], "skipped": set, "failures": {test id: [labels]},
    "errors": {test id: [labels]}}``; ``summary`` is Odoo's own last line
    ``(failed, errors, run)``, or None when the runner stopped before it.
    A test id is ``Class.method`` (``Class.setUpClass`` for an error that
    stopped a whole class); a subtest's failure counts for its test.
    """
    suites = {}

    def suite(module):
        return suites.setdefault(
            module, {"run": [], "skipped": set(), "failures": {}, "errors": {}}
        )

    summary = None
    for line in text.splitlines():
        match = PEER_LOG_LINE.match(line)
        if not match:
            continue
        # Odoo ends some messages with a space ("Starting X.test ... ").
        logger, message = match["logger"], match["message"].rstrip()
        if logger == "odoo.tests.result":
            found = re.match(
                r"(\d+) failed, (\d+) error\(s\) of (\d+) tests when loading", message
            )
            if found:
                summary = tuple(map(int, found.groups()))
            continue
        kind, _, rest = message.partition(": ")
        if match["level"] == "ERROR" and kind in ("FAIL", "ERROR"):
            label = rest.strip()
            class_error = PEER_CLASS_ERROR.match(label)
            if class_error:
                module = class_error["module"]
                test = f"{class_error['cls']}.{class_error['method']}"
            else:
                found = re.match(r"odoo\.addons\.(\w+)\.tests\b", logger)
                if not found:
                    continue
                module = found[1]
                test = label.removeprefix("Subtest ").split(" ")[0]
            bucket = suite(module)["failures" if kind == "FAIL" else "errors"]
            bucket.setdefault(test, []).append(label)
            continue
        found = re.match(r"odoo\.addons\.(\w+)\.tests\b", logger)
        if not found or match["level"] != "INFO":
            continue
        if message.startswith("Starting ") and message.endswith(" ..."):
            suite(found[1])["run"].append(message[len("Starting ") : -len(" ...")])
        elif message.startswith("skipped "):
            test = message[len("skipped ") :].split(" : ")[0].strip()
            suite(found[1])["skipped"].add(test)
    return suites, summary


def peer_counts(results):
    """{module: (run, passed, failed, errors, skipped)} of parse_peer_log."""
    counts = {}
    for module, result in results.items():
        run_ids = set(result["run"])
        broken = set(result["failures"]) | set(result["errors"])
        counts[module] = (
            len(result["run"]),
            len(run_ids - broken - result["skipped"]),
            len(result["failures"]),
            len(result["errors"]),
            len(result["skipped"] & run_ids),
        )
    return counts


def peer_failing(results):
    """{(module, test id): "FAIL" or "ERROR"} of parse_peer_log."""
    failing = {}
    for module, result in results.items():
        for test in result["failures"]:
            failing[module, test] = "FAIL"
        for test in result["errors"]:
            failing[module, test] = "ERROR"
    return failing


def peer_test_tag(module, test):
    """The --test-tags spec that runs one test (or one class) again."""
    cls, _, method = test.partition(".")
    if method == "setUpClass" or not method:
        return f"/{module}:{cls}"
    return f"/{module}:{cls}.{method}"


def format_peer_report(with_us, without_us, suites, retried=None):
    """The comparison table and the lists of tests, as printed lines."""
    retried = retried or {}
    counts = {"with": peer_counts(with_us), "without": peer_counts(without_us)}
    header = ("run", "passed", "failed", "errors", "skipped")
    width = max([len("suite"), len("total"), *map(len, suites)])
    lines = [
        f"{'':{width}}  {'with our add-ons':^38}   {'without':^38}",
        f"{'suite':{width}}  "
        + " ".join(f"{h:>7}" for h in header)
        + "   "
        + " ".join(f"{h:>7}" for h in header),
    ]
    totals = {side: [0] * 5 for side in counts}
    for module in suites:
        row = []
        for side in ("with", "without"):
            values = counts[side].get(module, (0, 0, 0, 0, 0))
            totals[side] = [a + b for a, b in zip(totals[side], values, strict=True)]
            row.append(" ".join(f"{value:>7}" for value in values))
        lines.append(f"{module:{width}}  {row[0]}   {row[1]}")
    lines.append(
        f"{'total':{width}}  "
        + " ".join(f"{value:>7}" for value in totals["with"])
        + "   "
        + " ".join(f"{value:>7}" for value in totals["without"])
    )
    failing_with, failing_without = peer_failing(with_us), peer_failing(without_us)
    only_with = sorted(set(failing_with) - set(failing_without))
    confirmed = [key for key in only_with if retried.get(key, True)]
    unstable = [key for key in only_with if not retried.get(key, True)]
    both = sorted(set(failing_with) & set(failing_without))
    only_without = sorted(set(failing_without) - set(failing_with))
    sections = (
        ("Tests that fail only with our add-ons", confirmed, failing_with),
        (
            "Tests that failed only with our add-ons, then passed when run "
            "again alone (unstable, not counted as ours)",
            unstable,
            failing_with,
        ),
        ("Tests that fail with and without our add-ons", both, failing_with),
        ("Tests that fail only without our add-ons", only_without, failing_without),
    )
    for title, keys, kinds in sections:
        if not keys and title != sections[0][0]:
            continue
        lines.append("")
        lines.append(f"{title}: {len(keys)}")
        lines.extend(f"  {kinds[key]:5} {key[0]}: {key[1]}" for key in keys)
    return lines, confirmed


def run_peer_tests(src, conf, dbname, modules, tags, log_path):
    """Install `modules` into a fresh copy of the base database with Odoo's
    runner testing `tags`, as Odoo's and the OCA's CI do: at_install tests
    run as each module is installed, post_install ones once all are."""
    say(f"Odoo's tests {tags} while installing into '{dbname}' (log: {log_path})")
    started = time.monotonic()
    new_database(src, conf, dbname, PEER_BASE, lang=None)
    # Only what the base database lacks: `-i` on an installed module loads its
    # data and demo data again (account's demo then fails).
    states = module_states(conf, dbname) or {}
    missing = [module for module in modules if states.get(module) != "installed"]
    cmd = odoo_cmd(
        src,
        conf,
        "-d",
        dbname,
        "-i",
        ",".join(missing),
        "--test-enable",
        f"--test-tags={tags}",
        f"--http-port={free_port()}",
        "--stop-after-init",
        "--max-cron-threads=0",
        "--log-level=info",
    )
    shown = re.compile(
        r" ERROR \S+ \S+: (FAIL|ERROR): |odoo\.tests\.result: | CRITICAL "
    )
    with open(log_path, "w") as log:
        proc = subprocess.Popen(
            cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1
        )
        for line in proc.stdout:
            log.write(line)
            if shown.search(line):
                print(f"  {line.rstrip()}", flush=True)
        proc.wait()
    results, summary = parse_peer_log(log_path.read_text(errors="replace"))
    say(f"'{dbname}': {time.monotonic() - started:.0f} s")
    if summary is None:
        raise SetupError(
            f"Odoo's runner stopped on '{dbname}' before its test report (exit "
            f"status {proc.returncode}): read {log_path}, then run the command again."
        )
    return results


def cmd_peer(args):
    """./kpa test --peer: Odoo's own tests of the apps we extend, on two
    databases that differ only by our add-ons (and their demo data)."""
    started = time.monotonic()
    src, conf, _cluster = setup()
    ensure_chrome()
    logs = LOCAL / "logs"
    logs.mkdir(exist_ok=True)
    manifests = our_addons()
    modules = peer_odoo_modules(manifests)
    suites = list(PEER_SUITES)
    tags = args.tags or ",".join(f"/{suite}" for suite in suites)
    with setup_lock():
        base = ensure_base_template(src, conf, PEER_BASE, lang=None)
    cache = LOCAL / f"peer-without-{digest(base, *modules, tags)[:16]}.json"
    with_us = run_peer_tests(
        src, conf, PEER_WITH, [*modules, *manifests], tags, logs / "peer-with.log"
    )
    if cache.exists() and not args.fresh:
        say(f"results without our add-ons: those of an earlier run ({cache.name})")
        without_us = json.loads(cache.read_text())
        for result in without_us.values():
            result["skipped"] = set(result["skipped"])
    else:
        without_us = run_peer_tests(
            src, conf, PEER_WITHOUT, modules, tags, logs / "peer-without.log"
        )
        cache.write_text(
            json.dumps(
                {
                    module: {**result, "skipped": sorted(result["skipped"])}
                    for module, result in without_us.items()
                }
            )
        )
    failing_without = peer_failing(without_us)
    only_with = sorted(set(peer_failing(with_us)) - set(failing_without))
    retried = {}
    if 0 < len(only_with) <= PEER_RETRY_MAX:
        say(f"{len(only_with)} test(s) failed only with our add-ons: once more, alone")
        again = run_peer_tests(
            src,
            conf,
            PEER_WITH,
            [*modules, *manifests],
            ",".join(dict.fromkeys(peer_test_tag(*key) for key in only_with)),
            logs / "peer-with-again.log",
        )
        failing_again = peer_failing(again)
        retried = {key: key in failing_again for key in only_with}
    found = set(with_us) | set(without_us)
    if args.tags:
        suites = sorted(found)
    else:
        suites += sorted(found - set(suites))
    lines, confirmed = format_peer_report(with_us, without_us, suites, retried)
    lines.append("")
    lines.append(f"whole --peer run: {time.monotonic() - started:.0f} s")
    (logs / "peer-report.txt").write_text("\n".join(lines) + "\n")
    print("\n".join(lines), flush=True)
    return 1 if confirmed else 0


def cmd_test(args):
    if args.peer:
        return cmd_peer(args)
    src, conf, _cluster = setup()
    # kpa_l10n_fr's tests print invoices and read their text.
    ensure_wkhtmltopdf(required=True)
    if not args.no_http:
        ensure_chrome()
    logs = LOCAL / "logs"
    logs.mkdir(exist_ok=True)
    dbname = args.db
    started = time.monotonic()
    passed = failed = 0
    if not args.keep_db:
        drop_database(src, conf, dbname)
    states = module_states(conf, dbname)
    exists = states is not None
    if args.no_http:
        # The same as `./kpa run` does: create, or update what changed.
        ensure_run_database(src, conf, dbname)
    else:
        tags = args.tags or HTTP_TAG
        common = [
            "--test-enable",
            f"--test-tags={tags}",
            f"--http-port={free_port()}",
            "--stop-after-init",
            "--max-cron-threads=0",
            "--log-level=info",
        ]
        if exists:
            say(
                f"Odoo runner: update the modules in '{dbname}', "
                f"then tests tagged {tags}"
            )
            # Modules added since the database was made are installed.
            missing = [m for m in MODULES + APPS if states.get(m) != "installed"]
            install = ["-i", ",".join(missing)] if missing else []
            cmd = odoo_cmd(
                src, conf, "-d", dbname, "-u", ",".join(MODULES), *install, *common
            )
        else:
            say(
                f"Odoo runner: install the modules into '{dbname}', "
                f"then tests tagged {tags}"
            )
            new_database(src, conf, dbname)
            cmd = odoo_cmd(
                src, conf, "-d", dbname, "-i", ",".join(MODULES + APPS), *common
            )
        digest_before = addons_digest()
        p, f = run_odoo_logged(cmd, logs / f"{dbname}-odoo.log")
        passed, failed = passed + p, failed + f
        (LOCAL / f"{dbname}.addons-sha256").write_text(digest_before)
    if not args.no_pytest:
        default = [ADDONS / m / "tests" for m in MODULES] + [ROOT / "tests"]
        paths = args.paths or [str(p) for p in default if p.is_dir()]
        p, f = run_pytest(
            conf, dbname, paths, args.pytest_args, logs / f"{dbname}-pytest.xml"
        )
        passed, failed = passed + p, failed + f
    say(f"whole test run: {time.monotonic() - started:.0f} s")
    print(f"{passed} passed, {failed} failed", flush=True)
    return 1 if failed else 0


def module_dependencies(name):
    """The add-ons of addons/ that `name` needs, itself included."""
    needed, todo = set(), [name]
    while todo:
        module = todo.pop()
        manifest = ADDONS / module / "__manifest__.py"
        if module in needed or not manifest.is_file():
            continue
        needed.add(module)
        todo += ast.literal_eval(manifest.read_text()).get("depends", [])
    return needed


def cmd_alone(args):
    """Each add-on on a fresh database of its own, with only what it declares:
    it installs, and its own tests pass there (Odoo's runner, every test of the
    module, browser tours included)."""
    unknown = sorted(set(args.modules) - set(MODULES))
    if unknown:
        raise SetupError(
            f"{', '.join(unknown)}: not an add-on of addons/ (they are: "
            f"{', '.join(MODULES)})."
        )
    src, conf, _cluster = setup()
    # kpa_l10n_fr's tests print invoices and read their text.
    ensure_wkhtmltopdf(required=True)
    ensure_chrome()
    logs = LOCAL / "logs"
    logs.mkdir(exist_ok=True)
    rows, failed_modules = [], []
    for module in args.modules or MODULES:
        dbname = f"kpa_alone_{module}"
        drop_database(src, conf, dbname)
        say(f"{module}: install on the new, empty database '{dbname}', then its tests")
        started = time.monotonic()
        passed, failed = run_odoo_logged(
            odoo_cmd(
                src,
                conf,
                "-d",
                dbname,
                "-i",
                module,
                "--test-enable",
                f"--test-tags=/{module}",
                f"--http-port={free_port()}",
                "--stop-after-init",
                "--max-cron-threads=0",
                "--log-level=info",
            ),
            logs / f"{dbname}.log",
        )
        log_text = (logs / f"{dbname}.log").read_text(errors="replace")
        if "demo data failed to install" in log_text:
            say(f"{module}: its demo data (or a dependency's) failed to install")
            failed += 1
        states = module_states(conf, dbname) or {}
        ours = {
            m for m, state in states.items() if m in MODULES and state == "installed"
        }
        expected = module_dependencies(module)
        if ours != expected:
            say(
                f"{module}: installed {', '.join(sorted(ours)) or 'nothing'}, "
                f"expected {', '.join(sorted(expected))}"
            )
            failed += 1
        rows.append((module, sorted(ours), passed, failed, time.monotonic() - started))
        if failed:
            failed_modules.append(module)
        if not args.keep_db:
            drop_database(src, conf, dbname)
    print(f"\n{'add-on':24} {'passed':>7} {'failed':>7} {'time':>7}  add-ons installed")
    for module, installed, passed, failed, seconds in rows:
        print(
            f"{module:24} {passed:7} {failed:7} {seconds:6.0f}s  {', '.join(installed)}"
        )
    total_passed = sum(row[2] for row in rows)
    total_failed = sum(row[3] for row in rows)
    print(f"{total_passed} passed, {total_failed} failed", flush=True)
    return 1 if total_failed else 0


def cmd_setup(args):
    src, conf, _cluster = setup()
    say(f"ready: Odoo {src}, config {conf}")
    return 0


def cmd_stop(args):
    if external_server():
        say("PGHOST/PGPORT point at another server: nothing of ours to stop")
        return 0
    LocalCluster(pg_bindir()).stop()
    say("the project's PostgreSQL cluster is stopped")
    return 0


def cmd_shell(args):
    src, conf, _cluster = setup()
    cmd = [
        str(python_bin()),
        str(src / "odoo-bin"),
        "shell",
        "-c",
        str(conf),
        "-d",
        args.db,
        "--no-http",
        *args.odoo_args,
    ]
    os.execv(cmd[0], cmd)


def cmd_lint(args):
    src = odoo_source()
    with setup_lock():
        ensure_venv(src)
        dev = ROOT / "requirements-dev.txt"
        stamp = VENV / ".kpa-dev-stamp"
        if not stamp.exists() or stamp.read_text() != digest(dev.read_bytes()):
            run(
                [
                    str(python_bin()),
                    "-m",
                    "pip",
                    "install",
                    "-q",
                    "--disable-pip-version-check",
                    "-r",
                    str(dev),
                ]
            )
            stamp.write_text(digest(dev.read_bytes()))
    bindir = VENV / "bin"
    paths = [name for name in ("addons", "tests", "tools") if (ROOT / name).is_dir()]
    # pylint-odoo checks modules: only the addons that have a manifest yet.
    modules = [
        f"addons/{path.parent.name}"
        for path in sorted(ADDONS.glob("*/__manifest__.py"))
    ]
    commands = [
        [bindir / "ruff", "check", "--no-fix", *paths],
        [bindir / "ruff", "format", "--check", *paths],
    ]
    if modules:
        commands.append([bindir / "pylint", "--rcfile=.pylintrc-mandatory", *modules])
        # Each README.rst is what its readme/*.md give, and docutils reads it.
        commands.append([python_bin(), "tools/readme.py", "--check"])
    else:
        say("no module in addons/ yet: pylint skipped")
    failed = 0
    for cmd in commands:
        say(" ".join(map(str, cmd[1:])))
        failed += (
            subprocess.run([str(c) for c in cmd], cwd=ROOT, check=False).returncode != 0
        )
    return 1 if failed else 0


def wait_for_http(port, server, timeout=180):
    """Wait until Odoo answers on `port`; False if it stopped or never did."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            return False
        try:
            with urllib.request.urlopen(
                f"http://127.0.0.1:{port}/web/health", timeout=5
            ) as response:
                if response.status == 200:
                    return True
        except OSError:
            time.sleep(1)
    return False


def cmd_screenshots(args):
    """Screenshots of the demo network's pages at 375 and 1280 px wide."""
    out = Path(args.dir).resolve() if args.dir else LOCAL / "screenshots"
    src, conf, _cluster = setup()
    ensure_chrome()
    with setup_lock():
        ensure_run_database(src, conf, args.db)
        drop_database(src, conf, SCREENSHOTS_DB)
        if odoo_db(src, conf, "duplicate", args.db, SCREENSHOTS_DB).returncode:
            raise SetupError(
                f"Copying the database '{args.db}' failed: stop './kpa run' (it "
                "keeps the database open), then run the command again."
            )
    port = free_port()
    bind_network_website(conf, SCREENSHOTS_DB, port)
    logs = LOCAL / "logs"
    logs.mkdir(exist_ok=True)
    log_path = logs / f"{SCREENSHOTS_DB}-odoo.log"
    say(f"serving a copy of '{args.db}' on port {port} (log: {log_path})")
    with open(log_path, "w") as log:
        server = subprocess.Popen(
            odoo_cmd(
                src,
                conf,
                "-d",
                SCREENSHOTS_DB,
                f"--db-filter=^{SCREENSHOTS_DB}$",
                f"--http-port={port}",
                "--max-cron-threads=0",
                "--log-level=warn",
            ),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        if not wait_for_http(port, server):
            raise SetupError(f"Odoo did not start on port {port}: {log_path} says why.")
        # The network's website answers on localhost (Odoo's own on 127.0.0.1).
        proc = run(
            [
                str(VENV / "bin" / "python"),
                str(ROOT / "tools" / "screenshots.py"),
                "--url",
                f"http://localhost:{port}",
                "--chrome",
                find_chrome(),
                "--out",
                str(out),
            ],
            check=False,
        )
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        drop_database(src, conf, SCREENSHOTS_DB)
    if proc.returncode:
        say("the screenshots could not all be taken: the lines above say why")
        return 1
    say(f"screenshots at 375 and 1280 px wide in {out}")
    return 0


def cmd_readme(args):
    """Write each add-on's README.rst from its readme/*.md (tools/readme.py),
    with the virtualenv's Python when there is one: its docutils reads them."""
    python = python_bin() if python_bin().exists() else Path(sys.executable)
    cmd = [str(python), str(ROOT / "tools" / "readme.py"), *args.modules]
    return subprocess.run(cmd, cwd=ROOT, check=False).returncode


def cmd_bench(args):
    src, conf, _cluster = setup()
    cmd = [
        str(python_bin()),
        str(ROOT / "tests" / "benchmarks" / "run.py"),
        "--odoo-src",
        str(src),
        "--config",
        str(conf),
        *args.bench_args,
    ]
    return subprocess.run(cmd, cwd=ROOT, check=False).returncode


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="./kpa",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("run", help="set up, then serve Odoo with the demo network")
    p.add_argument("--db", default=RUN_DB)
    p.add_argument(
        "--workers",
        type=int,
        default=0,
        help="serve with Odoo's prefork server: N HTTP worker processes on the "
        "HTTP port and a gevent process for /websocket on KPA_GEVENT_PORT (8072)",
    )
    p.add_argument(
        "odoo_args", nargs=argparse.REMAINDER, help="extra odoo-bin options, after --"
    )
    p.set_defaults(func=cmd_run)
    p = sub.add_parser("test", help="set up, then run the whole test suite")
    p.add_argument("--db", default=os.environ.get("KPA_TEST_DB", TEST_DB))
    p.add_argument(
        "--keep-db",
        action="store_true",
        help="reuse the test database (update the modules) instead of recreating it",
    )
    p.add_argument(
        "--tags", help=f"Odoo --test-tags for the runner part (default: {HTTP_TAG})"
    )
    p.add_argument("--no-http", action="store_true", help="skip the Odoo runner part")
    p.add_argument("--no-pytest", action="store_true", help="skip the pytest-odoo part")
    p.add_argument(
        "--peer",
        action="store_true",
        help="run Odoo's own tests of the apps we extend, with and without our "
        "add-ons, and compare (long; --tags narrows them)",
    )
    p.add_argument(
        "--fresh",
        action="store_true",
        help="with --peer: rebuild Odoo's databases and rerun the tests without us",
    )
    p.add_argument("paths", nargs="*", help="pytest paths (default: every test folder)")
    p.add_argument(
        "--pytest-args",
        nargs=argparse.REMAINDER,
        default=[],
        help="extra pytest options, e.g. --pytest-args -k slug -x",
    )
    p.set_defaults(func=cmd_test)
    p = sub.add_parser(
        "alone",
        help="install each add-on alone on a new database and run its own tests",
    )
    p.add_argument("modules", nargs="*", help="add-ons to check (default: all)")
    p.add_argument(
        "--keep-db", action="store_true", help="keep the databases kpa_alone_<add-on>"
    )
    p.set_defaults(func=cmd_alone)
    p = sub.add_parser("setup", help="only set up (venv, Odoo, PostgreSQL)")
    p.set_defaults(func=cmd_setup)
    p = sub.add_parser("stop", help="stop the project's PostgreSQL cluster")
    p.set_defaults(func=cmd_stop)
    p = sub.add_parser("shell", help="Odoo shell on a database")
    p.add_argument("--db", default=RUN_DB)
    p.add_argument(
        "odoo_args", nargs=argparse.REMAINDER, help="extra odoo-bin options, after --"
    )
    p.set_defaults(func=cmd_shell)
    p = sub.add_parser(
        "lint",
        help="ruff, pylint-odoo and the README.rst of the add-ons, as configured",
    )
    p.set_defaults(func=cmd_lint)
    p = sub.add_parser(
        "screenshots",
        help="screenshots of the demo pages at 375 and 1280 px (into DIR)",
    )
    p.add_argument(
        "dir", nargs="?", help="folder of the screenshots (default .local/screenshots)"
    )
    p.add_argument("--db", default=RUN_DB)
    p.set_defaults(func=cmd_screenshots)
    p = sub.add_parser(
        "readme", help="write each add-on's README.rst from its readme/*.md"
    )
    p.add_argument("modules", nargs="*", help="add-ons (default: all)")
    p.set_defaults(func=cmd_readme)
    p = sub.add_parser("bench", help="benchmarks against plain Odoo (tests/benchmarks)")
    p.add_argument("bench_args", nargs=argparse.REMAINDER)
    p.set_defaults(func=cmd_bench)
    args = parser.parse_args(argv)
    for name in ("odoo_args", "bench_args"):
        # `./kpa run -- --dev=xml`: what follows `--` goes to the program as is.
        if getattr(args, name, None) and getattr(args, name)[0] == "--":
            setattr(args, name, getattr(args, name)[1:])
    try:
        return args.func(args) or 0
    except SetupError as exc:
        print(f"kpa: {exc}", file=sys.stderr, flush=True)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    sys.exit(main())
