import base64
import csv
import io

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import date_utils, float_repr
from odoo.tools.misc import format_date

# The 18 columns of the FEC (article A47 A-1 of the Livre des procédures
# fiscales), in their order.
FEC_COLUMNS = (
    "JournalCode",
    "JournalLib",
    "EcritureNum",
    "EcritureDate",
    "CompteNum",
    "CompteLib",
    "CompAuxNum",
    "CompAuxLib",
    "PieceRef",
    "PieceDate",
    "EcritureLib",
    "Debit",
    "Credit",
    "EcritureLet",
    "DateLet",
    "ValidDate",
    "Montantdevise",
    "Idevise",
)
# Journal code of the host fee allocations, which are analytic only.
HOST_FEE_JOURNAL_CODE = "PORT"


def fec_date(value):
    return value.strftime("%Y%m%d") if value else ""


def fec_amount(value):
    return float_repr(value, 2).replace(".", ",")


def fec_text(value):
    """A field of the file: no separator, tab or line break inside."""
    text = " ".join((value or "").split())
    return text.replace("|", "/")


class KpaManagementLedger(models.TransientModel):
    _name = "kpa.management.ledger"
    _description = "Management ledger of a cooperative"
    _check_company_auto = True

    company_id = fields.Many2one(
        "res.company",
        string="Host structure",
        required=True,
        readonly=True,
        default=lambda self: self.env.company,
    )
    cooperative_id = fields.Many2one(
        "kpa.cooperative",
        string="Cooperative",
        required=True,
        check_company=True,
        domain="[('company_id', '=', company_id)]",
    )
    date_from = fields.Date(
        string="From",
        required=True,
        default=lambda self: date_utils.start_of(
            fields.Date.context_today(self) - relativedelta(months=1), "month"
        ),
    )
    date_to = fields.Date(
        string="To",
        required=True,
        default=lambda self: date_utils.end_of(
            fields.Date.context_today(self) - relativedelta(months=1), "month"
        ),
    )
    file = fields.Binary(readonly=True)
    file_name = fields.Char(readonly=True)

    # === CONSTRAINT METHODS === #

    @api.constrains("date_from", "date_to")
    def _check_period(self):
        for ledger in self:
            if ledger.date_to < ledger.date_from:
                raise UserError(
                    self.env._(
                        "The period ends on %(date_to)s, before it starts on "
                        "%(date_from)s: give an end date on or after the start date.",
                        date_to=format_date(self.env, ledger.date_to),
                        date_from=format_date(self.env, ledger.date_from),
                    )
                )

    # === ACTION METHODS === #

    def action_download(self):
        self.ensure_one()
        self.check_access("write")
        content = self._ledger_content()
        file_name = self.env._(
            "management-ledger-%(cooperative)s-%(date_from)s-%(date_to)s.txt",
            cooperative=self.cooperative_id.slug,
            date_from=fec_date(self.date_from),
            date_to=fec_date(self.date_to),
        )
        self.write({"file": base64.b64encode(content), "file_name": file_name})
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{self._name}/{self.id}/file/{file_name}"
            "?download=true",
            "target": "download",
        }

    # === BUSINESS METHODS === #

    def _ledger_lines(self):
        """The analytic items the cooperative's statement adds up for the
        period: its revenue and expenses (whatever the journal, at their
        share of the cooperative's analytic account) and its host fee."""
        self.ensure_one()
        Statement = self.env["kpa.accounts.statement"]
        domain = Statement._statement_domain(
            Statement._cooperatives_column(),
            self.cooperative_id.analytic_account_id,
            self.date_from,
            self.date_to,
        )
        return self.env["account.analytic.line"].sudo().search(domain, order="date, id")

    def _ledger_rows(self):
        """The rows of the file, as lists of 18 strings (header excluded)."""
        _ = self.env._
        lines = self._ledger_lines()
        host_fee_label = _("Contribution to the host structure (host fee)")
        host_account = self.company_id.kpa_host_analytic_account_id
        rows = []
        for line in lines:
            move = line.move_line_id.move_id or line.kpa_host_fee_move_id
            if line.kpa_host_fee_move_id:
                journal_code, journal_name = HOST_FEE_JOURNAL_CODE, host_fee_label
                account_code = host_account.code or HOST_FEE_JOURNAL_CODE
                account_name = host_account.name or host_fee_label
            else:
                journal_code = move.journal_id.code
                journal_name = move.journal_id.name
                account_code = line.general_account_id.code
                account_name = line.general_account_id.name
            amount = line.amount
            rows.append(
                [
                    fec_text(journal_code),
                    fec_text(journal_name),
                    fec_text(move.name),
                    fec_date(line.date),
                    fec_text(account_code),
                    fec_text(account_name),
                    "",
                    "",
                    fec_text(move.ref) or "-",
                    fec_date(move.invoice_date or move.date),
                    fec_text(line.name) or "/",
                    fec_amount(-amount if amount < 0 else 0.0),
                    fec_amount(amount if amount > 0 else 0.0),
                    "",
                    "",
                    fec_date(move.date),
                    "",
                    "",
                ]
            )
        return rows

    def _ledger_content(self):
        with io.StringIO() as buffer:
            writer = csv.writer(buffer, delimiter="|", lineterminator="\r\n")
            writer.writerow(FEC_COLUMNS)
            writer.writerows(self._ledger_rows())
            return buffer.getvalue().encode()
