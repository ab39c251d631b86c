{
    "name": "KPA-Cité: promotions, coupons and gift cards on carts mixing cooperatives",
    "summary": "Bridge between the marketplace of the cooperatives and the e-shop's "
    "promotions: a cart-wide reward is shared by the cooperatives pro rata",
    "version": "18.0.1.0.0",
    "category": "Website/KPA-Cité",
    "website": "https://github.com/kpa-cite/kpa-odoo",
    "author": "KPA-Cité",
    "maintainers": ["kpa-cite"],
    "license": "AGPL-3",
    "development_status": "Beta",
    "depends": ["kpa_marketplace", "website_sale_loyalty"],
    "demo": [
        "demo/loyalty_program_demo.xml",
    ],
    "auto_install": True,
    "installable": True,
}
