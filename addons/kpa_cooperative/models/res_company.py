import logging

from odoo import fields, models

_logger = logging.getLogger(__name__)


class ResCompany(models.Model):
    _inherit = "res.company"

    kpa_host_analytic_account_id = fields.Many2one(
        "account.analytic.account",
        string="Host fee analytic account",
        readonly=True,
        copy=False,
        help="The host structure's own account in the cooperatives' analytic plan: "
        "it receives the host fees that the cooperatives' accounts give.",
    )

    def _kpa_host_analytic_account(self):
        """{company: its host analytic account}, created when missing."""
        missing = self.filtered(
            lambda company: not company.kpa_host_analytic_account_id
        )
        if missing:
            plan = self.env.ref("kpa_cooperative.analytic_plan_cooperatives")
            accounts = (
                self.env["account.analytic.account"]
                .sudo()
                .create(
                    [
                        {
                            "name": self.env._(
                                "%(company)s (host structure)", company=company.name
                            ),
                            "code": "HOST",
                            "plan_id": plan.id,
                            "company_id": company.id,
                        }
                        for company in missing
                    ]
                )
            )
            for company, account in zip(missing, accounts, strict=True):
                company.sudo().kpa_host_analytic_account_id = account
        return {company: company.kpa_host_analytic_account_id for company in self}

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
