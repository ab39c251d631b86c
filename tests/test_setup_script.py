"""A bad set-up ends with one sentence, exit status 2, and nothing written.

Each test runs the real `./kpa` (the shim and tools/kpa.py, copied into a
fresh project folder so that anything written would show) in a clean
environment, and reads what a user would read on the terminal.
These tests need no Odoo and no database: they only run subprocesses.
"""

import contextlib
import importlib.util
import os
import shutil
import socket
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TOOL_FILES = ("kpa", "tools/kpa.py", "requirements.txt", "config/odoo.local.conf")


def snapshot(folder):
    return sorted(str(path.relative_to(folder)) for path in folder.rglob("*"))


def fake_odoo_tree(folder, version_info):
    (folder / "odoo").mkdir(parents=True)
    (folder / "odoo" / "release.py").write_text(f"version_info = {version_info!r}\n")
    (folder / "odoo-bin").write_text("#!/usr/bin/env python3\n")
    return folder


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def project(tmp_path):
    """A copy of the set-up tool, with an empty addons/ and nothing set up."""
    dest = tmp_path / "project"
    for name in TOOL_FILES:
        (dest / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, dest / name)
    (dest / "addons").mkdir()
    return dest


@pytest.fixture
def odoo_cache(tmp_path):
    """KPA_CACHE_DIR holding a (fake) Odoo 18.0 tree, so that nothing is cloned."""
    cache = tmp_path / "cache"
    fake_odoo_tree(cache / "odoo-18.0", (18, 0, 0, "final", 0, ""))
    return cache


def kpa(project, *args, **env):
    """Run ./kpa in a clean environment: no PG*, ODOO_SRC or KPA_* but `env`."""
    clean = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PG", "KPA_")) and key != "ODOO_SRC"
    }
    # Never install Debian packages from a test, nor fill the real cache.
    clean.update(KPA_NO_APT="1", KPA_CACHE_DIR=str(project.parent / "no-cache"))
    clean.update({key: str(value) for key, value in env.items()})
    before = snapshot(project)
    proc = subprocess.run(
        [str(project / "kpa"), *args],
        cwd=project,
        env=clean,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert snapshot(project) == before, "./kpa wrote files before failing"
    return proc


def one_sentence(proc):
    """The single line a user reads; checks exit status 2 and no traceback."""
    output = proc.stdout + proc.stderr
    assert "Traceback" not in output, output
    assert proc.returncode == 2, output
    assert proc.stdout == "", output
    lines = proc.stderr.splitlines()
    assert len(lines) == 1, output
    assert lines[0].startswith("kpa: "), output
    assert lines[0].endswith("."), output
    return lines[0]


def test_no_python_311(project, tmp_path):
    fake_python = tmp_path / "python-3.9"
    fake_python.write_text("#!/bin/sh\nexit 1\n")
    fake_python.chmod(0o755)

    message = one_sentence(kpa(project, "run", KPA_PYTHON=fake_python))

    assert message.startswith("kpa: Python 3.11 is required"), message
    assert "sudo apt install python3.11" in message
    assert "KPA_PYTHON" in message


def test_odoo_src_is_not_18(project, tmp_path):
    src = fake_odoo_tree(tmp_path / "odoo-17", (17, 0, 0, "final", 0, ""))
    before = snapshot(src)

    proc = kpa(project, "run", ODOO_SRC=src, KPA_HTTP_PORT=free_port())

    message = one_sentence(proc)
    assert f"{src} (from ODOO_SRC) holds Odoo 17.0, not 18.0" in message
    assert "set ODOO_SRC to an Odoo 18.0 source tree" in message
    assert snapshot(src) == before


def test_odoo_src_is_not_an_odoo_tree(project, tmp_path):
    src = tmp_path / "my-documents"
    src.mkdir()
    (src / "notes.txt").write_text("not Odoo\n")

    proc = kpa(project, "run", ODOO_SRC=src, KPA_HTTP_PORT=free_port())

    message = one_sentence(proc)
    assert f"ODOO_SRC={src} is not an Odoo source tree" in message
    assert "point ODOO_SRC at an Odoo 18.0 checkout" in message
    assert snapshot(src) == ["notes.txt"]


def test_port_in_use(project, odoo_cache):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]

        # The Odoo source is found (the cache), and the port is checked before
        # anything else: no virtualenv, no cluster, no database.
        proc = kpa(project, "run", KPA_CACHE_DIR=odoo_cache, KPA_HTTP_PORT=port)

    message = one_sentence(proc)
    assert message.startswith(f"kpa: Port {port} is in use"), message
    assert f"KPA_HTTP_PORT={port + 1} ./kpa run" in message
    assert not (project / ".local").exists()


def test_gevent_port_in_use_with_workers(project, odoo_cache):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]

        proc = kpa(
            project,
            "run",
            "--workers",
            "2",
            KPA_CACHE_DIR=odoo_cache,
            KPA_HTTP_PORT=free_port(),
            KPA_GEVENT_PORT=port,
        )

    message = one_sentence(proc)
    assert message.startswith(f"kpa: Port {port} is in use"), message
    assert f"KPA_GEVENT_PORT={port + 1} ./kpa run" in message
    assert not (project / ".local").exists()


def test_negative_workers(project, odoo_cache):
    proc = kpa(
        project,
        "run",
        "--workers",
        "-1",
        KPA_CACHE_DIR=odoo_cache,
        KPA_HTTP_PORT=free_port(),
    )

    message = one_sentence(proc)
    assert message.startswith("kpa: --workers -1 is not a number of workers"), message


def test_port_is_not_a_number(project, odoo_cache):
    proc = kpa(project, "run", KPA_CACHE_DIR=odoo_cache, KPA_HTTP_PORT="80a")

    message = one_sentence(proc)
    assert message.startswith("kpa: KPA_HTTP_PORT=80a is not a port number"), message


@pytest.mark.parametrize("command", ["run", "test"])
def test_no_postgresql_binaries(project, odoo_cache, command):
    proc = kpa(
        project,
        command,
        KPA_CACHE_DIR=odoo_cache,
        KPA_HTTP_PORT=free_port(),
        KPA_PG_BINDIR="/nonexistent",
    )

    message = one_sentence(proc)
    assert message.startswith("kpa: PostgreSQL server binaries"), message
    assert "install them with 'sudo apt install postgresql'" in message
    assert "or set PGHOST" in message
    assert not (project / ".local").exists()
    assert not (project / ".venv").exists()


def load_tool():
    spec = importlib.util.spec_from_file_location("kpa_tool", ROOT / "tools" / "kpa.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    ("argv", "command", "name", "expected"),
    [
        (["run", "--", "--dev=xml"], "cmd_run", "odoo_args", ["--dev=xml"]),
        (
            ["run", "--db", "x", "--", "-u", "web"],
            "cmd_run",
            "odoo_args",
            ["-u", "web"],
        ),
        (
            ["shell", "--", "--log-level=warn"],
            "cmd_shell",
            "odoo_args",
            ["--log-level=warn"],
        ),
        (
            ["bench", "--", "--rounds", "3"],
            "cmd_bench",
            "bench_args",
            ["--rounds", "3"],
        ),
    ],
)
def test_options_after_double_dash_reach_the_program(
    monkeypatch, argv, command, name, expected
):
    """`./kpa run -- --dev=xml` gives odoo-bin `--dev=xml`, not `-- --dev=xml`,
    which odoo-bin refuses ("unrecognized parameters")."""
    tool = load_tool()
    seen = {}
    monkeypatch.setattr(tool, command, lambda args: seen.update(vars(args)))

    assert tool.main(argv) == 0
    assert seen[name] == expected


@pytest.mark.parametrize(
    ("workers", "expected"),
    [
        (0, ["--http-port=8169"]),
        (4, ["--http-port=8169", "--workers=4", "--gevent-port=8172"]),
    ],
)
def test_run_with_workers_serves_with_the_prefork_server(
    monkeypatch, workers, expected
):
    """`./kpa run --workers 4` gives odoo-bin its prefork options: the HTTP
    workers on KPA_HTTP_PORT, the gevent process on KPA_GEVENT_PORT."""
    tool = load_tool()
    monkeypatch.setenv("KPA_HTTP_PORT", "8169")
    monkeypatch.setenv("KPA_GEVENT_PORT", "8172")
    seen = {}
    monkeypatch.setattr(tool, "check_port", lambda port, variable: None)
    monkeypatch.setattr(tool, "setup", lambda: (Path("/odoo"), Path("/c"), None))
    monkeypatch.setattr(tool, "setup_lock", contextlib.nullcontext)
    monkeypatch.setattr(tool, "ensure_run_database", lambda *args: None)
    monkeypatch.setattr(tool.os, "execv", lambda path, cmd: seen.update(cmd=cmd))
    monkeypatch.setattr(
        tool,
        "bind_network_website",
        lambda conf, dbname, port: seen.update(bound=(dbname, port)),
    )

    tool.main(["run", "--workers", str(workers), "--", "--log-level=warn"])

    # The demo network's website answers on the port served.
    assert seen["bound"] == ("kpa", 8169)
    cmd = seen["cmd"]
    assert cmd[cmd.index("-d") + 1 : cmd.index("-d") + 3] == [
        "kpa",
        "--db-filter=^kpa$",
    ]
    assert cmd[cmd.index("-d") + 3 :] == [*expected, "--log-level=warn"]
