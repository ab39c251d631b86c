{
    "name": "KPA-Cité: goods of the cooperatives collected at their place",
    "summary": "Bridge between the cooperatives' stock places and Click & Collect: "
    "customers collect each cooperative's goods at its own place",
    "version": "18.0.1.0.0",
    "category": "Website/KPA-Cité",
    "website": "https://github.com/kpa-cite/kpa-odoo",
    "author": "KPA-Cité",
    "maintainers": ["kpa-cite"],
    "license": "AGPL-3",
    "development_status": "Beta",
    "depends": ["kpa_marketplace_stock", "website_sale_collect"],
    "data": [
        "views/templates.xml",
    ],
    "demo": [
        "demo/delivery_carrier_demo.xml",
    ],
    "post_init_hook": "post_init_hook",
    "auto_install": True,
    "installable": True,
}
