from odoo import fields, models


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
