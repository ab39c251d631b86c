import socket
from unittest.mock import patch

from odoo import Command
from odoo.tools import config

from odoo.addons.account.tests.common import AccountTestInvoicingCommon

# A fictitious host, valid in form: Luhn-valid SIREN and SIRET, VAT key
# computed from the SIREN.
HOST_SIREN = "899123459"
HOST_SIRET = "89912345900013"
HOST_VAT = "FR15899123459"


class KpaL10nFrCommon(AccountTestInvoicingCommon):
    """A French host structure with its legal identity and one cooperative.

    host: French chart of accounts, SIRET, VAT number, legal form, share
    capital, late-payment rate, an IBAN; coop (Coop Alpha, host fee 10 %);
    customers: business_customer (a company), person (an individual),
    public_customer (a town hall, with its SIRET).
    """

    @classmethod
    def get_default_groups(cls):
        # The test user (from AccountTestInvoicingCommon) is an accounting
        # administrator; make it a network manager and host accountant too.
        return (
            super().get_default_groups()
            | cls.env.ref("kpa_cooperative.group_kpa_manager")
            | cls.env.ref("kpa_cooperative.group_kpa_accountant")
        )

    @classmethod
    @AccountTestInvoicingCommon.setup_country("fr")
    def setUpClass(cls):
        super().setUpClass()
        cls._print_without_the_server()
        cls.env["res.lang"]._activate_lang("en_US")
        cls.env.user.lang = "en_US"
        cls.host = cls.company_data["company"]
        cls.host.write(
            {
                "name": "Host Structure Test",
                "street": "23 rue de l'Alma",
                "zip": "59100",
                "city": "Roubaix",
                "phone": "+33 3 20 00 00 00",
                "email": "contact@host.example",
                "siret": HOST_SIRET,
                "vat": HOST_VAT,
                "company_registry": "RCS Lille Métropole",
                "kpa_legal_form": "SCIC SAS à capital variable",
                "kpa_share_capital": 2000.0,
                "kpa_late_payment_rate": 12.0,
            }
        )
        cls.host.partner_id.lang = "en_US"
        cls.host_bank = cls.env["res.partner.bank"].create(
            {
                "acc_number": "FR7630006000011234567890189",
                "partner_id": cls.host.partner_id.id,
                "allow_out_payment": True,
            }
        )
        cls.coop = cls.env["kpa.cooperative"].create(
            {
                "name": "Coop Alpha",
                "company_id": cls.host.id,
                "state": "active",
                "host_fee_rate": 10.0,
            }
        )
        cls.coop.partner_id.write(
            {
                "street": "Rue d'Arras",
                "zip": "59000",
                "city": "Lille",
                "email": "alpha@coop.example",
            }
        )
        fr = cls.env.ref("base.fr")
        Partner = cls.env["res.partner"]
        cls.business_customer, cls.person, cls.public_customer = Partner.create(
            [
                {
                    "name": "Centre Social Test",
                    "is_company": True,
                    "street": "12 rue de l'Épeule",
                    "zip": "59100",
                    "city": "Roubaix",
                    "country_id": fr.id,
                    "vat": "FR05677404089",
                    "lang": "en_US",
                },
                {
                    "name": "Nadia Test",
                    "street": "3 rue Pierre Motte",
                    "zip": "59100",
                    "city": "Roubaix",
                    "country_id": fr.id,
                    "lang": "en_US",
                },
                {
                    "name": "Mairie de quartier Test",
                    "is_company": True,
                    "street": "Place Déliot",
                    "zip": "59000",
                    "city": "Lille",
                    "country_id": fr.id,
                    "siret": "21590350100017",
                    "lang": "en_US",
                },
            ]
        )
        cls.tax_20 = cls.company_data["default_tax_sale"]
        cls.service = cls.env["product.product"].create(
            {
                "name": "Garden care (half day)",
                "type": "service",
                "list_price": 90.0,
                "taxes_id": [Command.set(cls.tax_20.ids)],
            }
        )

    @classmethod
    def _coop_invoice(cls, partner, move_type="out_invoice", quantity=3.0, **values):
        """A posted invoice (or credit note) of the cooperative."""
        move = cls.env["account.move"].create(
            {
                "move_type": move_type,
                "partner_id": partner.id,
                "kpa_cooperative_id": cls.coop.id,
                "invoice_date": "2026-03-10",
                "partner_bank_id": cls.host_bank.id,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "product_id": cls.service.id,
                            "quantity": quantity,
                            "price_unit": 90.0,
                            "tax_ids": [Command.set(cls.tax_20.ids)],
                        }
                    )
                ],
                **values,
            }
        )
        move.action_post()
        return move

    @classmethod
    def _print_without_the_server(cls):
        """wkhtmltopdf fetches a report's stylesheets from the Odoo server at
        the report URL. Under Odoo's runner that server is this very process,
        which serves no request while a test holds its cursor: the two would
        wait for each other for ever. The tests point wkhtmltopdf at a port
        that refuses connections instead, which is what it gets under pytest,
        where no server runs: the PDF is printed with wkhtmltopdf's default
        styles, every mention, its text and its Factur-X XML being the same.
        """
        refusing = socket.socket()
        # Bound, never listening: connections to it are refused at once.
        refusing.bind(("127.0.0.1", 0))
        cls.addClassCleanup(refusing.close)
        url = f"http://127.0.0.1:{refusing.getsockname()[1]}"
        cls.startClassPatcher(
            patch.object(
                type(cls.env["ir.actions.report"]),
                "_get_report_url",
                lambda self, layout=None: url,
            )
        )

    def _send(self, move, **settings):
        """Generate the PDF (and e-invoice) of ``move`` as "Send & Print" does.

        Odoo's test mode prints no PDF and embeds no Factur-X XML (it only
        attaches the XML): the test mode is switched off for this call so that
        the real PDF is printed by wkhtmltopdf, made PDF/A-3 and given its
        Factur-X XML, exactly as for a user.
        """
        with (
            patch.dict(config.options, {"test_enable": False, "test_file": False}),
            self.assertNoLogs("odoo.addons.kpa_l10n_fr", level="ERROR"),
        ):
            self.env["account.move.send"]._generate_and_send_invoices(
                move, sending_methods={"manual"}, **settings
            )
        self.assertTrue(move.invoice_pdf_report_id, "no PDF was generated")
        return move.invoice_pdf_report_id.raw
