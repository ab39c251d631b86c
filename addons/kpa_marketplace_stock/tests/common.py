from odoo import Command

from odoo.addons.kpa_marketplace.tests.common import KpaMarketplaceCommon


class KpaStockCommon(KpaMarketplaceCommon):
    """The marketplace's network, with goods in stock.

    place_a, place_b: the stock places (warehouses) of coop_a and coop_b
    stool (coop_a, 60.00): 5 at place_a, 10 in the host's warehouse
    bag (coop_b, 20.00): 4 at place_b
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Warehouse = cls.env["stock.warehouse"]
        cls.host_warehouse = Warehouse.search([("company_id", "=", cls.host.id)])
        cls.place_a, cls.place_b = Warehouse.create(
            [
                {"name": "Place of Alpha", "code": "PLA", "company_id": cls.host.id},
                {"name": "Place of Beta", "code": "PLB", "company_id": cls.host.id},
            ]
        )
        cls.coop_a.warehouse_id = cls.place_a
        cls.coop_b.warehouse_id = cls.place_b
        goods = {
            "type": "consu",
            "is_storable": True,
            "allow_out_of_stock_order": False,
            "sale_ok": True,
            "is_published": True,
            "invoice_policy": "order",
            "taxes_id": [Command.set(cls.tax_sale.ids)],
        }
        cls.stool, cls.bag = cls.env["product.template"].create(
            [
                {
                    **goods,
                    "name": "Stool",
                    "list_price": 60.0,
                    "kpa_cooperative_id": cls.coop_a.id,
                },
                {
                    **goods,
                    "name": "Tote bag",
                    "list_price": 20.0,
                    "kpa_cooperative_id": cls.coop_b.id,
                },
            ]
        )
        Quant = cls.env["stock.quant"]
        for template, warehouse, quantity in (
            (cls.stool, cls.place_a, 5),
            (cls.stool, cls.host_warehouse, 10),
            (cls.bag, cls.place_b, 4),
        ):
            Quant._update_available_quantity(
                template.product_variant_id, warehouse.lot_stock_id, quantity
            )
