from collections import defaultdict

from odoo import api, models, tools

SECTIONS = ("revenue", "expenses", "host_fee")
BALANCES = ("opening_balance", "closing_balance")
# Where a category without a standard label goes in its section.
SECTION_SEQUENCES = {"revenue": 50, "expenses": 195, "host_fee": 300}
# Expense and revenue categories of the French chart of accounts (PCG), by the
# first two digits of the account code.
FRENCH_CATEGORIES = {
    "60": "expenses.purchases",
    "61": "expenses.external_services",
    "62": "expenses.external_services",
    "63": "expenses.taxes",
    "64": "expenses.staff",
    "65": "expenses.operating",
    "66": "expenses.financial",
    "67": "expenses.exceptional",
    "68": "expenses.depreciation",
    "69": "expenses.taxes",
    "70": "revenue.sales",
    "74": "revenue.grants",
}
# The same by account type, for the other charts of accounts.
TYPE_CATEGORIES = {
    "income": "revenue.sales",
    "income_other": "revenue.other",
    "expense_direct_cost": "expenses.purchases",
    "expense": "expenses.operating",
    "expense_depreciation": "expenses.depreciation",
}


class KpaAccountsStatement(models.AbstractModel):
    """The statement engine: a cooperative's revenue, expenses, host fee and
    result over a period, from the posted books of its host, by category.

    A statement is a dict with ``revenue``, ``expenses``, ``host_fee``,
    ``result``, ``opening_balance``, ``closing_balance`` (rounded floats) and
    ``lines``, a list of dicts with ``section``, ``category``, ``label``,
    ``sequence`` and ``amount``, in display order. Lines are aggregates by
    category: never a customer, a supplier or a member.

    The balance is what the host holds for the cooperative: the opening
    balance is the result of all its posted books before the period (every
    earlier period, published or not), the closing balance adds the period's
    result to it.
    """

    _name = "kpa.accounts.statement"
    _description = "Statement engine of the open accounts"

    @api.model
    def _compute(self, periods):
        """{(cooperative id, date_from, date_to): statement} for each of
        ``periods``, a list of (cooperative, date_from, date_to), in one grouped
        query per distinct period and one per distinct start (the opening
        balances), whatever the number of cooperatives."""
        column = self._cooperatives_column()
        Line = self.env["account.analytic.line"].sudo()
        groupby = [column, *self._statement_groupby()]
        by_dates = defaultdict(lambda: self.env["kpa.cooperative"].sudo())
        for cooperative, date_from, date_to in periods:
            by_dates[date_from, date_to] |= cooperative.sudo()
        statements = {}
        for (date_from, date_to), cooperatives_sudo in by_dates.items():
            groups = defaultdict(list)
            for account, *keys, amount in Line._read_group(
                self._statement_domain(
                    column, cooperatives_sudo.analytic_account_id, date_from, date_to
                ),
                groupby,
                ["amount:sum"],
            ):
                groups[account].append(
                    (dict(zip(groupby[1:], keys, strict=True)), amount)
                )
            for cooperative in cooperatives_sudo:
                statements[cooperative.id, date_from, date_to] = self._build_statement(
                    groups.get(cooperative.analytic_account_id, []),
                    cooperative.company_id,
                )
        openings = self._opening_balances(column, by_dates)
        for (date_from, date_to), cooperatives_sudo in by_dates.items():
            for cooperative in cooperatives_sudo:
                statement = statements[cooperative.id, date_from, date_to]
                currency = cooperative.company_id.currency_id
                opening = currency.round(openings[cooperative.id, date_from])
                statement["opening_balance"] = opening + 0.0
                statement["closing_balance"] = (
                    currency.round(opening + statement["result"]) + 0.0
                )
        return statements

    @api.model
    def _opening_balances(self, column, by_dates):
        """{(cooperative id, date_from): the cooperative's balance before
        date_from} for the cooperatives of ``by_dates`` ({(date_from, date_to):
        cooperatives}), one grouped query per distinct date_from. The result
        of a statement is the sum of the analytic amounts of its period (its
        sections add them with their signs), so the balance is that sum over
        everything posted before."""
        Line = self.env["account.analytic.line"].sudo()
        by_start = defaultdict(lambda: self.env["kpa.cooperative"].sudo())
        for (date_from, _date_to), cooperatives_sudo in by_dates.items():
            by_start[date_from] |= cooperatives_sudo
        balances = {}
        for date_from, cooperatives_sudo in by_start.items():
            sums = dict(
                Line._read_group(
                    self._opening_domain(
                        column, cooperatives_sudo.analytic_account_id, date_from
                    ),
                    [column],
                    ["amount:sum"],
                )
            )
            for cooperative in cooperatives_sudo:
                balances[cooperative.id, date_from] = sums.get(
                    cooperative.analytic_account_id, 0.0
                )
        return balances

    # === THE BOOKS === #

    @api.model
    @tools.ormcache()
    def _cooperatives_column(self):
        """Column of the cooperatives' analytic plan on analytic items."""
        return self.env.ref("kpa_cooperative.analytic_plan_cooperatives")._column_name()

    @api.model
    def _statement_domain(self, column, accounts, date_from, date_to):
        """The cooperatives' posted books over the period. Analytic items exist
        for posted entries only; the state is checked all the same, against the
        few entries that are not posted (a small set, whatever the books' size)."""
        return [
            (column, "in", accounts.ids),
            ("date", ">=", date_from),
            ("date", "<=", date_to),
            *self._posted_domain(),
        ]

    @api.model
    def _opening_domain(self, column, accounts, date_from):
        """The cooperatives' posted books before ``date_from``."""
        return [
            (column, "in", accounts.ids),
            ("date", "<", date_from),
            *self._posted_domain(),
        ]

    @api.model
    def _posted_domain(self):
        return [
            ("move_line_id", "not any", [("parent_state", "!=", "posted")]),
            ("kpa_host_fee_move_id", "not any", [("state", "!=", "posted")]),
        ]

    @api.model
    def _statement_groupby(self):
        """What the books are grouped by (after the cooperative's account).

        Extension hook: add a field (e.g. ``product_id``) to break revenue down
        further, and read it in :meth:`_statement_classify`.
        """
        return ["category", "general_account_id"]

    @api.model
    def _accounts_with_movements(self, accounts, date_from, date_to):
        """The analytic accounts among ``accounts`` with items over the period."""
        column = self._cooperatives_column()
        groups = (
            self.env["account.analytic.line"]
            .sudo()
            ._read_group(
                [
                    (column, "in", accounts.ids),
                    ("date", ">=", date_from),
                    ("date", "<=", date_to),
                ],
                [column],
            )
        )
        return accounts.browse().union(*(account for (account,) in groups))

    # === CLASSIFICATION === #

    @api.model
    def _statement_classify(self, group, amount, company):
        """(section, category, label) of one group of the books of ``company``.

        ``group`` maps each field of :meth:`_statement_groupby` to its value;
        ``amount`` is its analytic balance. ``section`` is revenue, expenses or
        host_fee; ``category`` a stable code of the open data; ``label`` None
        for the standard label of the category. Extension hook, e.g. to show
        revenue by activity: return ``("revenue", "revenue.activity.<key>",
        <activity name in self._publication_lang(company)>)``. Labels are
        published: they never name a person or a company.
        """
        category = group["category"]
        account = group["general_account_id"]
        if category == "kpa_host_fee":
            return ("host_fee", "host_fee", None)
        if category == "invoice":
            section = "revenue"
        elif category == "vendor_bill":
            section = "expenses"
        elif account and account.internal_group == "income":
            section = "revenue"
        elif account and account.internal_group == "expense":
            section = "expenses"
        else:
            section = "revenue" if amount > 0 else "expenses"
        return (section, self._account_category(account, section, company), None)

    @api.model
    def _account_category(self, account, section, company):
        """The category of a general account, in words a member understands:
        by the first digits of the code for the French chart of accounts, by
        the account type for the others."""
        chart = company.chart_template or ""
        code = account.code or ""
        if chart.startswith("fr") and code[:1] in ("6", "7"):
            by_prefix = FRENCH_CATEGORIES.get(code[:2])
            if by_prefix and by_prefix.startswith(section):
                return by_prefix
        elif account:
            by_type = TYPE_CATEGORIES.get(account.account_type)
            if by_type and by_type.startswith(section):
                return by_type
        return f"{section}.other"

    @api.model
    def _category_label(self, code, company):
        """(label, sequence) of a category code, in the host's language."""
        labels = self.with_context(
            lang=self._publication_lang(company)
        )._category_labels()
        return labels.get(code, (code, 500))

    @api.model
    def _category_labels(self):
        _ = self.env._
        return {
            "revenue.sales": (_("Sales of services and goods"), 10),
            "revenue.grants": (_("Operating grants"), 20),
            "revenue.other": (_("Other income"), 90),
            "expenses.purchases": (_("Purchases and materials"), 110),
            "expenses.external_services": (_("External services"), 120),
            "expenses.taxes": (_("Taxes and duties"), 130),
            "expenses.staff": (_("Staff costs"), 140),
            "expenses.operating": (_("Other operating expenses"), 150),
            "expenses.financial": (_("Financial expenses"), 160),
            "expenses.exceptional": (_("Exceptional expenses"), 170),
            "expenses.depreciation": (_("Depreciation and provisions"), 180),
            "expenses.other": (_("Other expenses"), 190),
            "host_fee": (_("Contribution to the host structure (host fee)"), 300),
        }

    @api.model
    def _publication_lang(self, company):
        """Published labels are frozen in the host structure's language."""
        partner = company.partner_id.sudo()
        partner.fetch(["lang"])
        return partner.lang or self.env.lang or "en_US"

    # === STATEMENTS === #

    @api.model
    def _build_statement(self, groups, company):
        """Turn grouped balances of ``company``'s books into a statement."""
        labels = self.with_context(
            lang=self._publication_lang(company)
        )._category_labels()
        currency = company.currency_id
        lines = {}
        for group, amount in groups:
            section, category, label = self._statement_classify(group, amount, company)
            standard_label, sequence = labels.get(
                category, (category, SECTION_SEQUENCES[section])
            )
            line = lines.setdefault(
                category,
                {
                    "section": section,
                    "category": category,
                    "label": label or standard_label,
                    "sequence": sequence,
                    "amount": 0.0,
                },
            )
            line["amount"] += amount if section == "revenue" else -amount
        kept = []
        totals = dict.fromkeys(SECTIONS, 0.0)
        for line in sorted(
            lines.values(), key=lambda line: (line["sequence"], line["category"])
        ):
            line["amount"] = currency.round(line["amount"]) + 0.0
            if currency.is_zero(line["amount"]):
                continue
            totals[line["section"]] += line["amount"]
            kept.append(line)
        totals = {key: currency.round(value) + 0.0 for key, value in totals.items()}
        result = currency.round(
            totals["revenue"] - totals["expenses"] - totals["host_fee"]
        )
        return {**totals, "result": result + 0.0, "lines": kept}

    @api.model
    def _same_statement(self, fresh, stored, currency):
        """Whether two statements show the same figures, to the currency's
        rounding."""

        def key(statement):
            return (
                [
                    currency.round(statement[name])
                    for name in (*SECTIONS, "result", *BALANCES)
                ],
                [
                    (
                        line["section"],
                        line["category"],
                        line["label"],
                        currency.round(line["amount"]),
                    )
                    for line in statement["lines"]
                ],
            )

        return key(fresh) == key(stored)
