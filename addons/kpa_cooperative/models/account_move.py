from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, float_compare

from .flow import Flow

# What the host's accountants may still write directly on a posted invoice of
# a cooperative: notes and follow-up, which do not change the books. The
# rest (amounts, number, state, dates, lines, cooperative, host fee…) changes
# only through the invoice's flows (posting, reset to draft, cancellation,
# credit note, sending, payment).
POSTED_FOLLOW_UP = frozenset(
    {
        "ref",
        "narration",
        "checked",
        "is_move_sent",
        "sending_data",
        "payment_reference",
        "partner_bank_id",
        "preferred_payment_method_line_id",
        "invoice_user_id",
        "team_id",
        "invoice_incoterm_id",
        "incoterm_location",
        "campaign_id",
        "medium_id",
        "source_id",
    }
)
# The flows of the invoices: what they write on posted invoices is not checked
# against POSTED_FOLLOW_UP (Odoo's own checks apply).
move_flow = Flow("kpa_account_move_flow")


class AccountMove(models.Model):
    _inherit = "account.move"

    kpa_cooperative_id = fields.Many2one(
        "kpa.cooperative",
        string="Cooperative",
        index="btree_not_null",
        tracking=True,
        check_company=True,
        help="The cooperative this invoice or bill belongs to: the host structure "
        "issues it on the cooperative's behalf, in the cooperative's journal and "
        "books.",
    )
    kpa_legal_mention = fields.Char(
        string="Legal mention",
        compute="_compute_kpa_legal_mention",
        help="Invoiced by the host structure, on behalf of the cooperative.",
    )
    kpa_host_fee_rate = fields.Float(
        string="Host fee rate (%)", digits=(5, 2), readonly=True, copy=False
    )
    kpa_host_fee_amount = fields.Monetary(
        string="Host fee",
        currency_field="company_currency_id",
        readonly=True,
        copy=False,
        help="Share of the untaxed amount given to the host structure, booked in the "
        "analytic accounts when the invoice is posted.",
    )
    kpa_host_fee_line_ids = fields.One2many(
        "account.analytic.line",
        "kpa_host_fee_move_id",
        string="Host fee allocation",
        readonly=True,
    )

    # === COMPUTE METHODS === #

    @api.depends("kpa_cooperative_id")
    def _compute_journal_id(self):
        res = super()._compute_journal_id()
        for move in self.filtered(lambda m: m.state == "draft"):
            journal_cooperative = move.journal_id.kpa_cooperative_id
            if move.kpa_cooperative_id and move.is_sale_document(include_receipts=True):
                move.journal_id = move.kpa_cooperative_id.journal_id or move.journal_id
            elif journal_cooperative and journal_cooperative != move.kpa_cooperative_id:
                move.journal_id = move._search_default_journal()
        return res

    def _search_default_journal(self):
        journal = super()._search_default_journal()
        if (
            journal.kpa_cooperative_id
            and journal.kpa_cooperative_id != self.kpa_cooperative_id
        ):
            # Never number an ordinary invoice in a cooperative's journal.
            company = self.company_id or self.env.company
            journal = (
                self.env["account.journal"].search(
                    [
                        *self.env["account.journal"]._check_company_domain(company),
                        ("type", "=", journal.type),
                        ("kpa_cooperative_id", "=", False),
                    ],
                    limit=1,
                )
                or journal
            )
        return journal

    @api.depends("kpa_cooperative_id", "company_id")
    @api.depends_context("lang")
    def _compute_kpa_legal_mention(self):
        for move in self:
            move.kpa_legal_mention = (
                self.env._(
                    "%(host)s, on behalf of %(cooperative)s",
                    host=move.company_id.name,
                    cooperative=move.kpa_cooperative_id.name,
                )
                if move.kpa_cooperative_id
                else False
            )

    # === CRUD METHODS === #

    def write(self, vals):
        self._kpa_check_posted_write(vals)
        # What Odoo writes again while it handles an accepted write (its
        # dynamic lines, their flags) is its own.
        with move_flow.inside():
            return super().write(vals)

    # === FLOWS === #
    # Odoo's methods that write on posted invoices: their writes are theirs.

    @move_flow
    def action_post(self):
        return super().action_post()

    @move_flow
    def button_cancel(self):
        return super().button_cancel()

    @move_flow
    def button_request_cancel(self):
        return super().button_request_cancel()

    @move_flow
    def button_set_checked(self):
        return super().button_set_checked()

    @move_flow
    def js_assign_outstanding_line(self, line_id):
        return super().js_assign_outstanding_line(line_id)

    @move_flow
    def _reverse_moves(self, default_values_list=None, cancel=False):
        return super()._reverse_moves(
            default_values_list=default_values_list, cancel=cancel
        )

    @move_flow
    def _hash_moves(self, **kwargs):
        return super()._hash_moves(**kwargs)

    @move_flow
    def _post(self, soft=True):
        self._kpa_check_before_post()
        # The analytic accounts of the lines (each cooperative's own), read at
        # once: posting reads each line's while making its analytic items.
        account_ids = {
            int(account_id)
            for line in self.line_ids
            for keys in line.analytic_distribution or {}
            for account_id in keys.split(",")
        }
        if account_ids:
            self.env["account.analytic.account"].search_fetch(
                [("id", "in", list(account_ids))], ["plan_id", "root_plan_id"]
            )
        self._kpa_subscribe_partners_before_post(soft)
        posted = super()._post(soft=soft)
        posted._kpa_book_host_fee()
        return posted

    @move_flow
    def button_draft(self):
        res = super().button_draft()
        self._kpa_remove_host_fee()
        return res

    # === BUSINESS METHODS === #

    def _kpa_check_posted_write(self, vals):
        """A posted invoice of a cooperative changes only through its flows
        (issue 9): written directly, it takes its notes and follow-up only
        (:data:`POSTED_FOLLOW_UP`), and keeps its cooperative and its host fee
        whoever writes (reset to draft, or a credit note, changes them)."""
        if self.env.su:
            return
        if not move_flow.running():
            books = sorted(set(vals) - POSTED_FOLLOW_UP)
            posted = self.filtered(
                lambda m: m.state == "posted" and m.kpa_cooperative_id
            )
            if books and posted:
                raise UserError(
                    self.env._(
                        "%(move)s is posted: only its notes and follow-up may be "
                        "changed (%(fields)s cannot). Reset it to draft, or issue "
                        "a credit note.",
                        move=posted[0].display_name,
                        fields=", ".join(
                            self._fields[name].get_description(self.env)["string"]
                            if name in self._fields
                            else name
                            for name in books
                        ),
                    )
                )
        frozen = {"kpa_cooperative_id", "kpa_host_fee_rate", "kpa_host_fee_amount"}
        fnames = frozen.intersection(vals)
        if not fnames:
            return
        for move in self.filtered(lambda m: m.state == "posted"):
            if any(not move._kpa_same_value(f, vals[f]) for f in fnames):
                raise UserError(
                    self.env._(
                        "%(move)s is posted: it keeps its cooperative and its host "
                        "fee. Reset it to draft (or issue a credit note) to change "
                        "them.",
                        move=move.display_name,
                    )
                )

    def _kpa_same_value(self, fname, value):
        current = self[fname]
        if fname == "kpa_cooperative_id":
            return current.id == (value or False)
        try:
            return float(current or 0.0) == float(value or 0.0)
        except (TypeError, ValueError):
            return False

    def _kpa_subscribe_partners_before_post(self, soft):
        """Make the partners follow the documents about to be posted, the
        documents of each partner at once: account.move._post subscribes them
        document by document (five queries each), and skips the documents they
        already follow. The documents dated in the future wait (soft posting)
        and are left to it, as are those of a user who may not post."""
        if not self.env.su and not self.env.user.has_group(
            "account.group_account_invoice"
        ):
            return
        today = fields.Date.context_today(self)
        to_post = self.filtered(
            lambda move: move.partner_id
            and move.state == "draft"
            and not (soft and move.date > today)
        )
        for partner, moves in to_post.grouped("partner_id").items():
            moves.message_subscribe(partner.ids)

    def _kpa_check_before_post(self):
        """A cooperative's document goes to the cooperative's journal and books."""
        for move in self:
            cooperative = move.kpa_cooperative_id
            journal_cooperative = move.journal_id.kpa_cooperative_id
            if journal_cooperative and journal_cooperative != cooperative:
                raise UserError(
                    self.env._(
                        "%(journal)s is the sales journal of %(cooperative)s: set that "
                        "cooperative on %(move)s, or choose another journal.",
                        journal=move.journal_id.name,
                        cooperative=journal_cooperative.name,
                        move=move.display_name,
                    )
                )
            if not cooperative:
                continue
            if (
                move.is_sale_document(include_receipts=True)
                and move.journal_id != cooperative.journal_id
            ):
                raise UserError(
                    self.env._(
                        "The invoices of %(cooperative)s are numbered in its own "
                        "journal %(journal)s: choose it on %(move)s.",
                        cooperative=cooperative.name,
                        journal=cooperative.journal_id.name,
                        move=move.display_name,
                    )
                )
            if (
                move.move_type in ("out_invoice", "out_receipt")
                and cooperative.state == "closed"
            ):
                raise UserError(
                    self.env._(
                        "%(cooperative)s is closed: it sells nothing any more (credit "
                        "notes remain possible).",
                        cooperative=cooperative.name,
                    )
                )
            account_key = str(cooperative.analytic_account_id.id)
            outside_books = move.invoice_line_ids.filtered(
                lambda line, key=account_key: line.display_type == "product"
                and float_compare(
                    sum(
                        percent
                        for keys, percent in (line.analytic_distribution or {}).items()
                        if key in keys.split(",")
                    ),
                    100.0,
                    precision_digits=2,
                )
            )
            if outside_books:
                raise UserError(
                    self.env._(
                        "Every line of a document of %(cooperative)s goes to its "
                        "books: give the analytic account %(account)s at 100 %% to: "
                        "%(lines)s.",
                        cooperative=cooperative.name,
                        account=cooperative.analytic_account_id.display_name,
                        lines=", ".join(
                            outside_books.mapped(lambda line: line.name or "/")
                        ),
                    )
                )

    def _kpa_book_host_fee(self):
        """Allocate the host fee of posted cooperative invoices and credit notes.

        The fee is an analytic allocation inside the host's books: the
        cooperative's analytic account gives ``rate × untaxed amount`` to the
        host structure's own analytic account in the same plan. The general
        ledger does not change (the host already holds the whole revenue).
        """
        moves = self.filtered(
            lambda m: m.kpa_cooperative_id
            and m.is_sale_document(include_receipts=True)
            and not m.kpa_host_fee_line_ids
        )
        if not moves:
            return
        host_accounts = moves.company_id._kpa_host_analytic_account()
        column = self.env.ref(
            "kpa_cooperative.analytic_plan_cooperatives"
        )._column_name()
        line_vals, fees = [], []
        for move in moves:
            cooperative = move.kpa_cooperative_id
            rate = cooperative.host_fee_rate
            fee = move.company_currency_id.round(
                move.amount_untaxed_signed * rate / 100.0
            )
            fees.append(SQL("(%s, %s, %s)", move.id, rate, fee))
            if move.company_currency_id.is_zero(fee):
                continue
            label = self.env._(
                "Host fee (%(rate)s %%) on %(move)s",
                rate=format(rate, "g"),
                move=move.name,
            )
            common = {
                "name": label,
                "date": move.date,
                "ref": move.name,
                "company_id": move.company_id.id,
                "category": "kpa_host_fee",
                "kpa_host_fee_move_id": move.id,
            }
            line_vals += [
                {**common, column: cooperative.analytic_account_id.id, "amount": -fee},
                {**common, column: host_accounts[move.company_id].id, "amount": fee},
            ]
        self.env["account.analytic.line"].sudo().create(line_vals)
        # Rate and amount of every move in one statement: account.move.write()
        # per posted invoice (fiscal checks, line synchronisation) would cost
        # about as much as the posting itself.
        self.env.cr.execute(
            SQL(
                """UPDATE account_move AS move
                      SET kpa_host_fee_rate = fee.rate,
                          kpa_host_fee_amount = fee.amount
                     FROM (VALUES %s) AS fee(id, rate, amount)
                    WHERE move.id = fee.id""",
                SQL(", ").join(fees),
            )
        )
        moves.invalidate_recordset(["kpa_host_fee_rate", "kpa_host_fee_amount"])

    def _kpa_remove_host_fee(self):
        fee_lines = self.sudo().kpa_host_fee_line_ids
        if fee_lines:
            fee_lines.unlink()
        self.filtered("kpa_host_fee_rate").sudo().write(
            {"kpa_host_fee_rate": 0.0, "kpa_host_fee_amount": 0.0}
        )


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    @api.depends("move_id.kpa_cooperative_id")
    def _compute_analytic_distribution(self):
        res = super()._compute_analytic_distribution()
        lines = self.filtered(
            lambda line: line.display_type == "product"
            and line.move_id.kpa_cooperative_id
        )
        if not lines:
            return res
        plan = self.env.ref("kpa_cooperative.analytic_plan_cooperatives")
        used_ids = {
            int(account_id)
            for line in lines
            for keys in (line.analytic_distribution or {})
            for account_id in keys.split(",")
        }
        cooperative_ids = set(
            self.env["account.analytic.account"]
            .browse(used_ids)
            .exists()
            .filtered(lambda account: account.root_plan_id == plan)
            .ids
        )
        for line in lines:
            line.analytic_distribution = self._kpa_distribution_with(
                line.analytic_distribution,
                line.move_id.kpa_cooperative_id.analytic_account_id,
                cooperative_ids,
            )
        return res

    @api.model
    def _kpa_distribution_with(self, distribution, account, cooperative_ids):
        """The distribution with ``account`` at 100 % in the cooperatives' plan,
        other plans untouched (other cooperatives' accounts removed)."""
        result = {}
        for keys, percent in (distribution or {}).items():
            kept = ",".join(
                key for key in keys.split(",") if int(key) not in cooperative_ids
            )
            if kept:
                result[kept] = result.get(kept, 0.0) + percent
        result[str(account.id)] = 100.0
        return result
