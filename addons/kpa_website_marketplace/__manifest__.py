{
    "name": "KPA-Cité: the network's website and its shop",
    "summary": "The services of the cooperatives on the network's home page; the "
    "e-shop, the cart and the checkout accessible and readable on a phone",
    "version": "18.0.1.0.0",
    "category": "Website/KPA-Cité",
    "website": "https://github.com/kpa-cite/kpa-odoo",
    "author": "KPA-Cité",
    "maintainers": ["kpa-cite"],
    "license": "AGPL-3",
    "development_status": "Beta",
    "depends": ["kpa_website", "kpa_marketplace"],
    "data": [
        "views/home_templates.xml",
        "views/accessibility_templates.xml",
    ],
    "assets": {
        "web.assets_frontend": [
            "kpa_website_marketplace/static/src/scss/kpa_website_marketplace.scss",
        ],
        "web.assets_tests": [
            "kpa_website_marketplace/static/tests/tours/*.js",
        ],
    },
    "auto_install": True,
    "installable": True,
}
