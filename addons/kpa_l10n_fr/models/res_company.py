from stdnum.fr import siren as stdnum_siren
from stdnum.fr import siret as stdnum_siret

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools.misc import format_amount


class ResCompany(models.Model):
    _inherit = "res.company"

    kpa_legal_form = fields.Char(
        string="Legal form",
        help="Printed on every invoice with the company's identity, e.g. "
        "'SCIC SAS à capital variable' or 'Association loi 1901'.",
    )
    kpa_share_capital = fields.Monetary(
        string="Share capital",
        currency_field="currency_id",
        help="Printed after the legal form when the company has a share capital "
        "(leave empty for an association).",
    )
    kpa_late_payment_rate = fields.Float(
        string="Late-payment penalty rate (% a year)",
        digits=(5, 2),
        help="Printed on invoices. Empty: the legal rate applies and is printed "
        "as such (the European Central Bank's rate plus 10 points).",
    )
    kpa_siren = fields.Char(
        string="SIREN",
        compute="_compute_kpa_siren",
        help="The first nine digits of the SIRET, or the SIREN inside the French "
        "VAT number.",
    )

    # === COMPUTE METHODS === #

    @api.depends("siret", "vat")
    def _compute_kpa_siren(self):
        for company in self:
            siret = (company.siret or "").replace(" ", "")
            vat = (company.vat or "").replace(" ", "").upper()
            if stdnum_siret.is_valid(siret):
                company.kpa_siren = siret[:9]
            elif vat.startswith("FR") and stdnum_siren.is_valid(vat[4:13]):
                company.kpa_siren = vat[4:13]
            else:
                company.kpa_siren = False

    # === CONSTRAINT METHODS === #

    @api.constrains("siret")
    def _check_kpa_siret(self):
        for company in self:
            siret = (company.siret or "").replace(" ", "")
            if (
                siret
                and company.country_code == "FR"
                and not stdnum_siret.is_valid(siret)
            ):
                raise ValidationError(
                    self.env._(
                        "The SIRET %(siret)s of %(company)s is not valid: it has 14 "
                        "digits, the SIREN (9) then the establishment number (5), "
                        "and passes the Luhn check.",
                        siret=company.siret,
                        company=company.name,
                    )
                )

    @api.constrains("kpa_share_capital")
    def _check_kpa_share_capital(self):
        for company in self:
            if company.kpa_share_capital < 0:
                raise ValidationError(
                    self.env._(
                        "The share capital of %(company)s cannot be negative.",
                        company=company.name,
                    )
                )

    # === BUSINESS METHODS === #

    def _kpa_legal_identity(self):
        """The seller's identity as French law wants it on an invoice, one
        line a string, in the language of the context: name and legal form
        (with the share capital), address, registration numbers."""
        self.ensure_one()
        _ = self.env._
        first = self.name
        if self.kpa_legal_form:
            first = _(
                "%(name)s, %(legal_form)s",
                name=self.name,
                legal_form=self.kpa_legal_form,
            )
            if self.kpa_share_capital:
                first = _(
                    "%(identity)s with a share capital of %(capital)s",
                    identity=first,
                    capital=format_amount(
                        self.env, self.kpa_share_capital, self.currency_id
                    ),
                )
        address = ", ".join(
            part
            for part in (
                self.street,
                self.street2,
                " ".join(part for part in (self.zip, self.city) if part),
                self.country_id.name,
            )
            if part
        )
        numbers = []
        if self.kpa_siren:
            numbers.append(_("SIREN %(siren)s", siren=self._kpa_format_siren()))
        if self.siret:
            numbers.append(_("SIRET %(siret)s", siret=self._kpa_format_siret()))
        if self.company_registry:
            numbers.append(self.company_registry)
        if self.vat:
            numbers.append(_("VAT number %(vat)s", vat=self.vat))
        return [line for line in (first, address, " · ".join(numbers)) if line]

    def _kpa_format_siren(self):
        """899 123 459, as the INSEE prints it."""
        siren = self.kpa_siren or ""
        return " ".join((siren[:3], siren[3:6], siren[6:])) if siren else ""

    def _kpa_format_siret(self):
        """899 123 459 00013: the SIREN, then the establishment number."""
        siret = (self.siret or "").replace(" ", "")
        if not stdnum_siret.is_valid(siret):
            return siret
        return " ".join((siret[:3], siret[3:6], siret[6:9], siret[9:]))
