"""Checks that a public route is served from a read replica and writes nothing.

A route declared ``readonly=True`` gets its cursor on the read replica when
Odoo has one (``db_replica_host``). If it writes anyway, PostgreSQL refuses
(``ReadOnlySqlTransaction``): Odoo logs a warning and serves the request again
on the primary, twice the work. ``HttpCase`` serves such routes on a read-only
transaction too, so the same warning shows here.
"""

from odoo.tests import HttpCase

RETRIED_ON_PRIMARY = "retrying with a read/write cursor"


class ReadonlyRoutesCase(HttpCase):
    def routing(self, url_pattern):
        """The routing of a URL pattern as Odoo merges it over the
        controllers of the installed modules (overrides included)."""
        IrHttp = self.env["ir.http"]
        rules = IrHttp._generate_routing_rules(
            sorted(self.registry._init_modules), converters=IrHttp._get_converters()
        )
        for url, endpoint in rules:
            if url == url_pattern:
                return endpoint.routing
        raise AssertionError(f"no route {url_pattern}")

    def assertServedReadonly(self, url, status=200):
        """`url` answers `status` on a read-only transaction, without being
        served again on a read/write one (nor any other warning)."""
        with self.assertNoLogs("odoo.http", "WARNING"):
            response = self.url_open(url, allow_redirects=False)
        self.assertEqual(response.status_code, status, url)
        return response
