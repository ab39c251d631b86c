{
    "name": "KPA-Cité: workshops of the cooperatives",
    "summary": "Bridge between the marketplace of the cooperatives and the events "
    "sold online: a cooperative's workshops, with dated sessions and seats",
    "version": "18.0.1.0.0",
    "category": "Website/KPA-Cité",
    "website": "https://github.com/kpa-cite/kpa-odoo",
    "author": "KPA-Cité",
    "maintainers": ["kpa-cite"],
    "license": "AGPL-3",
    "development_status": "Beta",
    "depends": ["kpa_marketplace", "website_event_sale"],
    "data": [
        "security/res_groups.xml",
        "security/event_security.xml",
        "views/event_event_views.xml",
        "views/templates.xml",
    ],
    "demo": [
        "demo/event_event_demo.xml",
    ],
    "auto_install": True,
    "installable": True,
}
