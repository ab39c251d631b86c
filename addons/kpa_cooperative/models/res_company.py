import logging

from odoo import models

_logger = logging.getLogger(__name__)


class ResCompany(models.Model):
    _inherit = "res.company"

    def _kpa_demo_load_chart(self):
        """Demo data: give the host companies without accounting a chart of
        accounts, the French one when l10n_fr_account is installed (as ./kpa
        does), the generic one otherwise. Never installs a module."""
        fr_installed = (
            self.env["ir.module.module"]
            .sudo()
            .search_count(
                [("name", "=", "l10n_fr_account"), ("state", "=", "installed")],
                limit=1,
            )
        )
        template_code = "fr" if fr_installed else "generic_coa"
        ChartTemplate = self.env["account.chart.template"].sudo()
        for company in self.filtered(lambda c: not c.chart_template):
            _logger.info(
                "KPA demo: chart of accounts %s on %s", template_code, company.name
            )
            # What try_loading() does, without its warning about a registry still
            # loading: demo data always loads during an installation, and the
            # modules installed after this one complete the chart as usual.
            ChartTemplate._load(template_code, company, install_demo=False)
