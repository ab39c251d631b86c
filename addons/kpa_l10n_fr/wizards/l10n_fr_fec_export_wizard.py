import base64

from odoo import fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools.misc import format_date

# Who may download the legal FEC, which locks the fiscal year up to its end.
LOCKING_GROUPS = (
    "kpa_cooperative.group_kpa_accountant",
    "account.group_account_manager",
)


class FecExportWizard(models.TransientModel):
    _inherit = "l10n_fr.fec.export.wizard"

    kpa_file = fields.Binary(string="File", readonly=True)
    kpa_file_name = fields.Char(string="File name", readonly=True)

    def create_fec_report_action(self):
        """Build the FEC as l10n_fr_account does and download it.

        The legal FEC (test file unticked) sets the fiscal year lock date of
        the company to the end date, as Odoo's wizard does; only the host
        accountants and the accounting administrators may download it. The
        test export locks nothing.
        """
        self.ensure_one()
        self.check_access("write")
        if self.date_from > self.date_to:
            raise UserError(
                self.env._(
                    "The period of the FEC ends on %(date_to)s, before it starts on "
                    "%(date_from)s: give an end date on or after the start date.",
                    date_to=format_date(self.env, self.date_to),
                    date_from=format_date(self.env, self.date_from),
                )
            )
        if self.test_file:
            result = self.generate_fec()
        else:
            if not any(self.env.user.has_group(group) for group in LOCKING_GROUPS):
                raise AccessError(
                    self.env._(
                        "Only a host accountant or an accounting administrator may "
                        "download the legal FEC: it locks the fiscal year of "
                        "%(company)s up to %(date)s. Tick 'Test file' for an export "
                        "that locks nothing.",
                        company=self.env.company.name,
                        date=format_date(self.env, self.date_to),
                    )
                )
            # The lock date is a field of the company, which accountants may
            # not write themselves: the export sets it, and nothing else.
            result = self.sudo().generate_fec()
        # The administration names the file <SIREN>FEC<closing date> (BOI-CF-
        # IOR-60-40-20); a flat text file, separated by '|'.
        file_name = result["file_name"].removesuffix(".csv") + ".txt"
        self.write(
            {
                "kpa_file": base64.b64encode(result["file_content"]),
                "kpa_file_name": file_name,
            }
        )
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{self._name}/{self.id}/kpa_file/{file_name}"
            "?download=true",
            "target": "download",
        }
