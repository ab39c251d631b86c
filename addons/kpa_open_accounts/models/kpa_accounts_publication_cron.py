from collections import defaultdict
from datetime import timedelta

from odoo import api, fields, models


class KpaAccountsPublication(models.Model):
    """The scheduled action of the open accounts: at each period end, the
    drafts of the period that ended, and an activity for the accountants."""

    _inherit = "kpa.accounts.publication"

    @api.model
    def _cron_prepare_statements(self, today=None):
        """At each period end, prepare the draft statements of the period that
        just ended and give the host accountants an activity to review them."""
        today = today or fields.Date.context_today(self)
        Cooperative = self.env["kpa.cooperative"].sudo()
        Period = self.env["kpa.accounts.period"]
        wanted = {}
        for cooperative in Cooperative.search([]):
            period = Period._ended_period(cooperative, today)
            if period:
                wanted[cooperative] = period
        if not wanted:
            return self.browse()
        # A closed cooperative still publishes the period it closed in.
        closed_by_period = defaultdict(lambda: Cooperative)
        for cooperative, period in wanted.items():
            if cooperative.state == "closed":
                closed_by_period[period] |= cooperative
        for (_type, date_from, date_to), closed in closed_by_period.items():
            moving = self.env["kpa.accounts.statement"]._accounts_with_movements(
                closed.analytic_account_id, date_from, date_to
            )
            for cooperative in closed:
                if cooperative.analytic_account_id not in moving:
                    del wanted[cooperative]
        if not wanted:
            return self.browse()
        existing = self.sudo().search_fetch(
            [
                ("cooperative_id", "in", [coop.id for coop in wanted]),
                ("state", "!=", "superseded"),
                ("date_from", "<=", max(p[2] for p in wanted.values())),
                ("date_to", ">=", min(p[1] for p in wanted.values())),
            ],
            ["cooperative_id", "state", "date_from", "date_to"],
        )
        vals_list = []
        for cooperative, (period_type, date_from, date_to) in wanted.items():
            done = existing.filtered(
                lambda p, c=cooperative, f=date_from, t=date_to: p.cooperative_id == c
                and (
                    (p.state == "draft" and (p.date_from, p.date_to) == (f, t))
                    or (p.state == "published" and p.date_from <= t and p.date_to >= f)
                )
            )
            if not done:
                vals_list.append(
                    {
                        "cooperative_id": cooperative.id,
                        "company_id": cooperative.company_id.id,
                        "period_type": period_type,
                        "date_from": date_from,
                        "date_to": date_to,
                    }
                )
        drafts = self.sudo().create(vals_list)
        drafts._schedule_review_activities(today)
        return drafts

    def _schedule_review_activities(self, today):
        if not self:
            return
        accountants = self.env.ref("kpa_cooperative.group_kpa_accountant").users
        activity_type = self.env.ref("mail.mail_activity_data_todo")
        model_id = self.env["ir.model"]._get_id(self._name)
        vals_list = []
        for publication in self:
            users = accountants.filtered(
                lambda user, company=publication.company_id: not user.share
                and company in user.company_ids
            )
            for user in users:
                vals_list.append(
                    {
                        "res_model_id": model_id,
                        "res_id": publication.id,
                        "activity_type_id": activity_type.id,
                        "user_id": user.id,
                        "date_deadline": today + timedelta(days=14),
                        "summary": self.env._(
                            "Review and publish the accounts of %(cooperative)s for "
                            "%(period)s",
                            cooperative=publication.cooperative_id.name,
                            period=publication.period_label,
                        ),
                    }
                )
        self.env["mail.activity"].sudo().create(vals_list)
