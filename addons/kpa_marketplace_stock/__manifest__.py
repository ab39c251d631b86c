{
    "name": "KPA-Cité: goods of the cooperatives in stock",
    "summary": "Bridge between the marketplace of the cooperatives and the e-shop's "
    "stock: each cooperative delivers its goods from its own stock place",
    "version": "18.0.1.0.0",
    "category": "Website/KPA-Cité",
    "website": "https://github.com/kpa-cite/kpa-odoo",
    "author": "KPA-Cité",
    "maintainers": ["kpa-cite"],
    "license": "AGPL-3",
    "development_status": "Beta",
    "depends": ["kpa_marketplace", "website_sale_stock"],
    "data": [
        "views/kpa_cooperative_views.xml",
    ],
    "demo": [
        "demo/stock_demo.xml",
    ],
    "auto_install": True,
    "installable": True,
}
