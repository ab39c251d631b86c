"""Odoo's prefork server (`./kpa run --workers N`) in the project's virtualenv."""

import subprocess
import sys
from pathlib import Path

import odoo


def test_gevent_process_starts():
    """The prefork server starts `odoo-bin gevent` for /websocket; gevent
    22.10.2 (Odoo 18's pin) imports pkg_resources, which setuptools 82
    removed: requirements.txt pins a setuptools that has it."""
    odoo_bin = Path(odoo.__file__).resolve().parent.parent / "odoo-bin"
    proc = subprocess.run(
        [sys.executable, str(odoo_bin), "gevent", "--version"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "Odoo Server 18.0" in proc.stdout
