from contextlib import contextmanager
from unittest.mock import patch

from odoo import Command

from odoo.addons.kpa_cooperative.tests.common import KpaCooperativeCommon


class KpaMarketplaceCommon(KpaCooperativeCommon):
    """The network of KpaCooperativeCommon, with services on sale.

    coop_a: service_a1 (sewing, 100.00, provided by Anna), service_a2 (40.00)
    coop_b: service_b1 (catering, 250.00)
    host_product: a product of the host itself (no cooperative, 30.00)
    customer: a customer with an address; every service has the sale tax.
    Set ``extra_cooperatives = N`` to get N more published cooperatives
    (coop_extra) with one service each (service_extra).
    """

    extra_cooperatives = 0

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Messages are asserted in English, the source language.
        cls.env = cls.env(context=dict(cls.env.context, lang="en_US"))
        cls.tax_sale = cls.company_data["default_tax_sale"]
        cls.customer = cls.env["res.partner"].create(
            {
                "name": "Customer Test",
                "email": "customer@example.com",
                "street": "1 rue de la Paix",
                "city": "Roubaix",
                "zip": "59100",
                "country_id": cls.env.ref("base.fr").id,
            }
        )
        Template = cls.env["product.template"]
        common = {
            "type": "service",
            "sale_ok": True,
            "is_published": True,
            "invoice_policy": "order",
            "taxes_id": [Command.set(cls.tax_sale.ids)],
        }
        (
            cls.service_a1,
            cls.service_a2,
            cls.service_b1,
            cls.host_product,
        ) = Template.create(
            [
                {
                    **common,
                    "name": "Sewing workshop",
                    "list_price": 100.0,
                    "kpa_cooperative_id": cls.coop_a.id,
                    "kpa_provider_ids": [Command.set(cls.member_anna.ids)],
                },
                {
                    **common,
                    "name": "Cushion repair",
                    "list_price": 40.0,
                    "kpa_cooperative_id": cls.coop_a.id,
                },
                {
                    **common,
                    "name": "Buffet for ten",
                    "list_price": 250.0,
                    "kpa_cooperative_id": cls.coop_b.id,
                },
                {
                    **common,
                    "name": "Room rental",
                    "list_price": 30.0,
                    "company_id": cls.host.id,
                },
            ]
        )
        cls.coop_extra = cls.env["kpa.cooperative"]
        cls.service_extra = Template
        if cls.extra_cooperatives:
            cls.coop_extra = cls.env["kpa.cooperative"].create(
                [
                    {
                        "name": f"Coop Extra {index}",
                        "company_id": cls.host.id,
                        "state": "active",
                        "host_fee_rate": 10.0,
                        "is_published": True,
                    }
                    for index in range(cls.extra_cooperatives)
                ]
            )
            cls.service_extra = Template.create(
                [
                    {
                        **common,
                        "name": f"Service of {coop.name}",
                        "list_price": 10.0 * (index + 1),
                        "kpa_cooperative_id": coop.id,
                    }
                    for index, coop in enumerate(cls.coop_extra)
                ]
            )

    @classmethod
    def _setup_payment_provider(cls):
        """A payment provider of no payment service, in test mode, for the
        host, with its payments in the bank journal (as account_payment's own
        tests make it): the tests need no demo provider."""
        method = cls.env.ref("payment.payment_method_unknown")
        cls.payment_method = method
        cls.provider = cls.env["payment.provider"].create(
            {
                "name": "Test provider",
                "code": "none",
                "state": "test",
                "is_published": True,
                "company_id": cls.host.id,
                "payment_method_ids": [Command.set(method.ids)],
            }
        )
        method.active = True
        AccountMethod = cls.env["account.payment.method"]
        information = AccountMethod._get_payment_method_information

        def with_none(*args, **kwargs):
            return {**information(), "none": {"mode": "electronic", "type": ("bank",)}}

        with patch.object(
            type(AccountMethod), "_get_payment_method_information", with_none
        ):
            AccountMethod.sudo().create(
                {"name": "Test method", "code": "none", "payment_type": "inbound"}
            )
            cls.provider.journal_id = cls.company_data["default_journal_bank"]

    def _pay(self, order, amount=None):
        """Pay the quotation in full (or `amount`) online, as the e-shop does,
        and post-process the payment (confirmation, invoices)."""
        tx = (
            self.env["payment.transaction"]
            .sudo()
            .create(
                {
                    "provider_id": self.provider.id,
                    "payment_method_id": self.payment_method.id,
                    "reference": f"KPA-{order.name}",
                    "amount": order.amount_total if amount is None else amount,
                    "currency_id": order.currency_id.id,
                    "partner_id": order.partner_id.id,
                    "operation": "online_direct",
                    "sale_order_ids": [Command.set(order.ids)],
                }
            )
        )
        tx._set_done()
        tx._post_process()
        return tx

    @classmethod
    def _quotation(cls, lines, **values):
        """A quotation of the customer; lines are (template, qty[, vals])."""
        return cls.env["sale.order"].create(
            {
                "partner_id": cls.customer.id,
                **values,
                "order_line": [
                    Command.create(
                        {
                            "product_id": template.product_variant_id.id,
                            "product_uom_qty": qty,
                            **(extra[0] if extra else {}),
                        }
                    )
                    for template, qty, *extra in lines
                ],
            }
        )

    @contextmanager
    def assertRefused(self, exception, pattern):
        """assertRaises (in a savepoint, so that nothing is written) that also
        checks the message the user reads."""
        with self.assertRaises(exception) as catcher:
            yield catcher
        self.assertRegex(str(catcher.exception), pattern)

    def _order_summary(self, orders):
        """{cooperative name or 'host': sorted [(product, qty, discount, taxes)]}"""
        return {
            (order.kpa_cooperative_id.name or "host"): sorted(
                (
                    line.product_id.name,
                    line.product_uom_qty,
                    line.discount,
                    tuple(line.tax_id.ids),
                )
                for line in order.order_line
                if not line.display_type
            )
            for order in orders
        }
