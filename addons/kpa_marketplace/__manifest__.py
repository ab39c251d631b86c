{
    "name": "KPA-Cité: marketplace of the cooperatives",
    "summary": "Each cooperative sells its services in the e-shop; a cart mixing "
    "cooperatives becomes one order per cooperative, invoiced through the host",
    "version": "18.0.1.0.0",
    "category": "Website/KPA-Cité",
    "website": "https://github.com/kpa-cite/kpa-odoo",
    "author": "KPA-Cité",
    "maintainers": ["kpa-cite"],
    "license": "AGPL-3",
    "development_status": "Beta",
    "depends": ["kpa_cooperative", "sale_management", "website_sale"],
    "data": [
        "security/res_groups.xml",
        "security/ir.model.access.csv",
        "security/product_template_security.xml",
        "security/sale_order_security.xml",
        "security/account_move_security.xml",
        "views/product_template_views.xml",
        "views/sale_order_views.xml",
        "views/kpa_cooperative_views.xml",
        "report/sale_report_views.xml",
        "report/account_invoice_report_views.xml",
        "views/kpa_marketplace_menus.xml",
        "views/templates.xml",
        "views/portal_templates.xml",
    ],
    "demo": [
        "demo/product_product_demo.xml",
        "demo/website_demo.xml",
        "demo/sale_order_demo.xml",
    ],
    "assets": {
        "web.assets_frontend": [
            "kpa_marketplace/static/src/scss/kpa_marketplace.scss",
        ],
        "web.assets_tests": [
            "kpa_marketplace/static/tests/tours/*.js",
        ],
    },
    "uninstall_hook": "uninstall_hook",
    "installable": True,
}
