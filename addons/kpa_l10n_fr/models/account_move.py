from odoo import Command, api, fields, models
from odoo.tools.misc import format_amount, format_date, formatLang

# Fixed compensation for recovery costs owed by a business customer who pays
# late (Code de commerce, art. L441-10 and D441-5), in euros.
RECOVERY_INDEMNITY = 40.0


class AccountMove(models.Model):
    _inherit = "account.move"

    # === BUSINESS METHODS: LEGAL MENTIONS === #

    def _kpa_needs_french_mentions(self):
        """A customer invoice or credit note of a company whose fiscal country
        is France (mainland or overseas)."""
        self.ensure_one()
        return (
            self.move_type in ("out_invoice", "out_refund")
            and self.l10n_fr_is_company_french
        )

    def _kpa_recovery_indemnity_due(self):
        """The €40 compensation applies to business customers only."""
        self.ensure_one()
        return bool(self.commercial_partner_id.is_company)

    def _kpa_payment_mentions(self):
        """The payment mentions French law requires on an invoice (Code de
        commerce, art. L441-9 and L441-10), in the language of the context.

        :return: a list of dicts: ``text``, one sentence, and ``subject_code``,
            the UNTDID 4451 code of the note that carries it in the e-invoice
            (AAB: no discount, PMD: penalties, PMT: recovery costs), or None.
        """
        self.ensure_one()
        _ = self.env._
        company = self.company_id
        mentions = []
        due_date = self.invoice_date_due and format_date(
            self.env, self.invoice_date_due
        )
        if self.invoice_payment_term_id and due_date:
            mentions.append(
                (
                    None,
                    _(
                        "Payment terms: %(terms)s, due on %(date)s.",
                        terms=self.invoice_payment_term_id.name,
                        date=due_date,
                    ),
                )
            )
        elif due_date:
            mentions.append((None, _("Payment terms: due on %(date)s.", date=due_date)))
        mentions.append(("AAB", _("No discount for early payment.")))
        if company.kpa_late_payment_rate:
            penalties = _(
                "Late-payment penalties: %(rate)s %% a year, from the day after the "
                "due date.",
                rate=formatLang(self.env, company.kpa_late_payment_rate, digits=2),
            )
        else:
            penalties = _(
                "Late-payment penalties: the most recent refinancing rate of the "
                "European Central Bank plus 10 points, from the day after the due "
                "date."
            )
        mentions.append(("PMD", penalties))
        if self._kpa_recovery_indemnity_due():
            mentions.append(
                (
                    "PMT",
                    _(
                        "Fixed compensation for recovery costs owed by a business "
                        "customer who pays late: %(amount)s (Code de commerce, art. "
                        "L441-10 and D441-5).",
                        amount=format_amount(
                            self.env, RECOVERY_INDEMNITY, self.env.ref("base.EUR")
                        ),
                    ),
                )
            )
        return [{"subject_code": code, "text": text} for code, text in mentions]

    def _kpa_edi_notes(self):
        """The invoice notes (BT-22) of the e-invoice, in the language of the
        context: the legal mention of a cooperative's invoice, word for word as
        on the PDF, then the French payment mentions with their subject code
        (BT-21). A list of dicts: ``content``, ``subject_code`` (or None)."""
        self.ensure_one()
        notes = []
        if self.kpa_cooperative_id:
            notes.append({"content": self.kpa_legal_mention, "subject_code": None})
        if self._kpa_needs_french_mentions():
            notes += [
                {"content": mention["text"], "subject_code": mention["subject_code"]}
                for mention in self._kpa_payment_mentions()
                if mention["subject_code"]
            ]
        return notes

    # === DEMO DATA === #

    @api.model
    def _kpa_demo_chorus_pro_invoice(self, partner_id, cooperative_id, iban, label):
        """Demo data: a posted invoice of a cooperative to a public customer,
        with the Chorus Pro service code and engagement number."""
        cooperative = self.env["kpa.cooperative"].browse(cooperative_id)
        company = cooperative.company_id
        bank = company.partner_id.bank_ids[:1] or self.env["res.partner.bank"].create(
            {
                "acc_number": iban,
                "partner_id": company.partner_id.id,
                "allow_out_payment": True,
            }
        )
        tax = self.env["account.tax"].search(
            [
                *self.env["account.tax"]._check_company_domain(company),
                ("type_tax_use", "=", "sale"),
                ("amount_type", "=", "percent"),
                ("amount", "=", 20.0),
            ],
            limit=1,
        )
        invoice = self.with_company(company).create(
            {
                "move_type": "out_invoice",
                "company_id": company.id,
                "partner_id": partner_id,
                "kpa_cooperative_id": cooperative.id,
                "partner_bank_id": bank.id,
                "invoice_date": fields.Date.context_today(self),
                "buyer_reference": "DEV-ECO-QUARTIERS",
                "purchase_order_reference": "EJ-2026-004512",
                "invoice_line_ids": [
                    Command.create(
                        {
                            "name": label,
                            "quantity": 40.0,
                            "price_unit": 14.5,
                            "tax_ids": [Command.set(tax.ids)],
                        }
                    )
                ],
            }
        )
        invoice.action_post()
        return invoice
