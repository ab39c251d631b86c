{
    "name": "KPA-Cité: Chorus Pro references on the marketplace's orders",
    "summary": "The service code and engagement number a public buyer gives "
    "with its order follow each cooperative's order and go to its invoices",
    "version": "18.0.1.0.0",
    "category": "Accounting/Localizations",
    "website": "https://github.com/kpa-cite/kpa-odoo",
    "author": "KPA-Cité",
    "maintainers": ["kpa-cite"],
    "license": "AGPL-3",
    "development_status": "Beta",
    "depends": ["kpa_l10n_fr", "kpa_marketplace"],
    "data": [
        "views/sale_order_views.xml",
    ],
    "demo": [
        "demo/sale_order_demo.xml",
    ],
    "auto_install": True,
    "installable": True,
}
