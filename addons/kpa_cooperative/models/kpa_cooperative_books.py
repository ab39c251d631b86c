import re
from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

JOURNAL_CODE_SIZE = 5


class KpaCooperative(models.Model):
    """The cooperative's books inside its host's: an analytic account of the
    Cooperatives plan and a sales journal with its own numbering. Both are
    created with the cooperative, renamed with it, and deleted with it when
    nothing was ever posted in them."""

    _inherit = "kpa.cooperative"

    analytic_account_id = fields.Many2one(
        "account.analytic.account",
        string="Analytic account",
        readonly=True,
        copy=False,
        check_company=True,
        ondelete="restrict",
        help="The cooperative's books inside the host's: every invoice, bill and "
        "host fee of the cooperative carries this analytic account.",
    )
    journal_id = fields.Many2one(
        "account.journal",
        string="Sales journal",
        readonly=True,
        copy=False,
        check_company=True,
        ondelete="restrict",
        help="Journal of the cooperative's invoices, with its own numbering.",
    )
    analytic_balance = fields.Monetary(
        string="Balance of the books",
        compute="_compute_analytic_balance",
        currency_field="currency_id",
        help="Balance of the cooperative's analytic account: revenue minus expenses "
        "minus host fees, from posted documents.",
    )

    # === COMPUTE METHODS === #

    def _compute_analytic_balance(self):
        column = self._analytic_column()
        balances = dict(
            self.env["account.analytic.line"]
            .sudo()
            ._read_group(
                [(column, "in", self.analytic_account_id.ids)], [column], ["amount:sum"]
            )
        )
        for coop in self:
            coop.analytic_balance = balances.get(coop.analytic_account_id, 0.0)

    # === CONSTRAINT METHODS === #

    @api.constrains("company_id", "journal_id", "analytic_account_id")
    def _check_books_company(self):
        # The books' companies, read whoever writes (a network manager may
        # set the books without reading the host's accounting).
        for coop in self.sudo():
            if (coop.journal_id and coop.journal_id.company_id != coop.company_id) or (
                coop.analytic_account_id.company_id
                and coop.analytic_account_id.company_id != coop.company_id
            ):
                raise ValidationError(
                    self.env._(
                        "The host structure of %(cooperative)s cannot change: its "
                        "books (journal and analytic account) belong to %(company)s.",
                        cooperative=coop.name,
                        company=coop.journal_id.company_id.name,
                    )
                )

    @api.constrains("journal_id", "analytic_account_id")
    def _check_books_own(self):
        """A cooperative's revenue is published in its own accounts only: its
        journal is a sales journal, and neither it nor its analytic account is
        another cooperative's."""
        for coop in self.sudo():
            if coop.journal_id and coop.journal_id.type != "sale":
                raise ValidationError(
                    self.env._(
                        "The journal of %(cooperative)s must be a sales journal: "
                        "%(journal)s is not one.",
                        cooperative=coop.name,
                        journal=coop.journal_id.name,
                    )
                )
        others = (
            self.sudo()
            .with_context(active_test=False)
            .search(
                [
                    ("id", "not in", self.ids),
                    "|",
                    ("journal_id", "in", self.journal_id.ids),
                    ("analytic_account_id", "in", self.analytic_account_id.ids),
                ]
            )
        )
        for coop in self:
            other = others.filtered(
                lambda o, c=coop: (c.journal_id and o.journal_id == c.journal_id)
                or (
                    c.analytic_account_id
                    and o.analytic_account_id == c.analytic_account_id
                )
            )[:1]
            if other:
                raise ValidationError(
                    self.env._(
                        "%(cooperative)s keeps books of its own: its journal and its "
                        "analytic account cannot be those of %(other)s.",
                        cooperative=coop.name,
                        other=other.name,
                    )
                )

    # === CRUD METHODS === #

    @api.model_create_multi
    def create(self, vals_list):
        cooperatives = super().create(vals_list)
        cooperatives._create_books()
        return cooperatives

    def write(self, vals):
        res = super().write(vals)
        if "name" in vals:
            self._sync_books_name()
        return res

    def unlink(self):
        journals = self.sudo().journal_id
        accounts = self.sudo().analytic_account_id
        res = super().unlink()
        self._unlink_unused_books(journals, accounts)
        return res

    # === ACTION METHODS === #

    def action_view_books(self):
        """The cooperative's analytic items: invoices, bills and host fees."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Books of %(cooperative)s", cooperative=self.name),
            "res_model": "account.analytic.line",
            "view_mode": "pivot,list,graph,form",
            "domain": [(self._analytic_column(), "=", self.analytic_account_id.id)],
            "context": {
                "pivot_row_groupby": ["category"],
                "pivot_column_groupby": ["date:month"],
            },
        }

    # === BUSINESS METHODS === #

    @api.model
    def _analytic_column(self):
        """The column of the Cooperatives analytic plan on analytic items."""
        return self.env.ref("kpa_cooperative.analytic_plan_cooperatives")._column_name()

    def _create_books(self):
        """Give each new cooperative its analytic account and sales journal."""
        accounts = (
            self.env["account.analytic.account"]
            .sudo()
            .create(self._prepare_analytic_account_vals())
        )
        journals = (
            self.env["account.journal"].sudo().create(self._prepare_journal_vals())
        )
        for coop, account, journal in zip(self, accounts, journals, strict=True):
            coop.sudo().write(
                {"analytic_account_id": account.id, "journal_id": journal.id}
            )
        # The host's own account, which receives the host fees, comes with its
        # first cooperative: made at the first posting instead, the first
        # invoices posted at the same time would all write it on the company
        # (a serialization failure for each but one).
        self.company_id._kpa_host_analytic_account()

    def _prepare_analytic_account_vals(self):
        plan = self.env.ref("kpa_cooperative.analytic_plan_cooperatives")
        return [
            {
                "name": coop.name,
                "code": coop.slug,
                "plan_id": plan.id,
                "company_id": coop.company_id.id,
            }
            for coop in self
        ]

    def _prepare_journal_vals(self):
        """Sales journal values; the code comes from the slug, unique per company."""
        taken = self._taken_journal_codes()
        templates = self._sale_journal_templates()
        vals_list = []
        for coop in self:
            code = self._journal_code(coop.slug, taken[coop.company_id.id])
            taken[coop.company_id.id].add(code)
            vals_list.append(
                {
                    "name": coop._journal_name(),
                    "code": code,
                    "type": "sale",
                    "company_id": coop.company_id.id,
                    "default_account_id": templates[
                        coop.company_id.id
                    ].default_account_id.id,
                    "refund_sequence": True,
                    "show_on_dashboard": True,
                    "kpa_cooperative_id": coop.id,
                    # From the unique slug: names alike ("Élan", "elan") would
                    # give the same alias.
                    "alias_name": f"sales-{coop.slug}",
                }
            )
        return vals_list

    def _taken_journal_codes(self):
        """{company id: journal codes already used}, archived journals included."""
        taken = defaultdict(set)
        for company, codes in (
            self.env["account.journal"]
            .sudo()
            .with_context(active_test=False)
            ._read_group(
                [("company_id", "in", self.company_id.ids)],
                ["company_id"],
                ["code:array_agg"],
            )
        ):
            taken[company.id].update(codes)
        return taken

    def _sale_journal_templates(self):
        """{company id: the sales journal whose income account a new
        cooperative journal takes}."""
        Journal = self.env["account.journal"].sudo().with_context(active_test=False)
        return {
            company.id: Journal.search(
                [("company_id", "=", company.id), ("type", "=", "sale")], limit=1
            )
            for company in self.company_id
        }

    @api.model
    def _journal_code(self, slug, taken):
        """Up to 5 uppercase characters from the slug, numbered when taken."""
        letters = re.sub(r"[^A-Z0-9]", "", (slug or "").upper()) or "COOP"
        words = [w for w in re.split(r"-+", (slug or "").upper()) if w]
        initials = "".join(w[0] for w in words) if len(words) > 1 else ""
        for candidate in (
            letters[:JOURNAL_CODE_SIZE],
            (initials + letters)[:JOURNAL_CODE_SIZE],
        ):
            if candidate not in taken:
                return candidate
        for number in range(2, 1000):
            candidate = f"{letters[: JOURNAL_CODE_SIZE - len(str(number))]}{number}"
            if candidate not in taken:
                return candidate
        raise UserError(
            self.env._("No free journal code is left for %(slug)s.", slug=slug)
        )

    def _journal_name(self):
        self.ensure_one()
        return self.env._("Sales %(cooperative)s", cooperative=self.name)

    def _sync_books_name(self):
        for coop in self.sudo():
            coop.analytic_account_id.name = coop.name
            coop.journal_id.name = coop._journal_name()

    @api.model
    def _unlink_unused_books(self, journals, accounts):
        """Delete the journals and analytic accounts of deleted cooperatives in
        which nothing was ever posted; the others stay in the host's books."""
        used_journals = (
            self.env["account.move"]
            .sudo()
            ._read_group([("journal_id", "in", journals.ids)], ["journal_id"])
        )
        (
            journals - self.env["account.journal"].union(*(j for (j,) in used_journals))
        ).unlink()
        column = self._analytic_column()
        used_accounts = (
            self.env["account.analytic.line"]
            .sudo()
            ._read_group([(column, "in", accounts.ids)], [column])
        )
        (
            accounts
            - self.env["account.analytic.account"].union(*(a for (a,) in used_accounts))
        ).unlink()
