from lxml import etree

from odoo.tests import Form, tagged

from odoo.addons.kpa_marketplace.tests.common import KpaMarketplaceCommon

REFERENCES = {
    "buyer_reference": "DEV-ECO-QUARTIERS",
    "purchase_order_reference": "EJ-2026-004731",
    "contract_reference": "MARCHE-2026-07",
}
NS = {
    "ram": "urn:un:unece:uncefact:data:standard:"
    "ReusableAggregateBusinessInformationEntity:100",
}


@tagged("post_install", "-at_install")
class TestChorusProOrders(KpaMarketplaceCommon):
    """A public buyer's Chorus Pro references, given with its order, reach
    every invoice of every cooperative the order is split into."""

    def _references(self, record):
        return {name: record[name] for name in REFERENCES}

    def test_references_follow_the_split_to_every_invoice(self):
        order = self._quotation(
            [(self.service_a1, 1), (self.service_b1, 2)], **REFERENCES
        )
        order.action_confirm()
        orders = order | order.kpa_split_order_ids
        self.assertEqual(orders.kpa_cooperative_id, self.coop_a | self.coop_b)
        for split in orders:
            self.assertEqual(self._references(split), REFERENCES)
        invoices = orders._create_invoices()
        self.assertEqual(invoices.kpa_cooperative_id, self.coop_a | self.coop_b)
        for invoice in invoices:
            self.assertEqual(self._references(invoice), REFERENCES)
        invoices.action_post()
        # The e-invoice reads them: service code (BT-10), engagement (BT-13),
        # contract (BT-12).
        xml = self.env["account.edi.xml.cii"]._export_invoice(invoices[0])[0]
        agreement = etree.fromstring(xml).xpath(
            "//ram:ApplicableHeaderTradeAgreement", namespaces=NS
        )[0]
        self.assertEqual(
            [
                agreement.xpath(f"string({path})", namespaces=NS)
                for path in (
                    "ram:BuyerReference",
                    "ram:BuyerOrderReferencedDocument/ram:IssuerAssignedID",
                    "ram:ContractReferencedDocument/ram:IssuerAssignedID",
                )
            ],
            [
                REFERENCES["buyer_reference"],
                REFERENCES["purchase_order_reference"],
                REFERENCES["contract_reference"],
            ],
        )

    def test_orders_without_references_and_copies(self):
        order = self._quotation([(self.service_a1, 1)])
        order.action_confirm()
        invoice = order._create_invoices()
        self.assertEqual(self._references(invoice), dict.fromkeys(REFERENCES, False))
        # An engagement number belongs to one order: a copy has none.
        order.write(REFERENCES)
        self.assertEqual(
            self._references(order.copy()), dict.fromkeys(REFERENCES, False)
        )

    def test_coordinator_types_them_on_the_order_form(self):
        with Form(
            self._quotation([(self.service_a1, 1)]).with_user(self.coordinator_a)
        ) as form:
            form.buyer_reference = REFERENCES["buyer_reference"]
            form.purchase_order_reference = REFERENCES["purchase_order_reference"]
        order = self.env["sale.order"].browse(form.record.id)
        order.action_confirm()
        invoice = order._create_invoices()
        self.assertEqual(invoice.buyer_reference, REFERENCES["buyer_reference"])
        self.assertEqual(
            invoice.purchase_order_reference, REFERENCES["purchase_order_reference"]
        )
