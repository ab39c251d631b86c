{
    "name": "KPA-Cité: the network's website",
    "summary": "Home page of the network, its identity, launch requests of new "
    "KPA-Cité as CRM leads, open accounts of the network; accessible and "
    "readable on a phone",
    "version": "18.0.1.0.0",
    "category": "Website/KPA-Cité",
    "website": "https://github.com/kpa-cite/kpa-odoo",
    "author": "KPA-Cité",
    "maintainers": ["kpa-cite"],
    "license": "AGPL-3",
    "development_status": "Beta",
    "depends": [
        "kpa_open_accounts",
        "kpa_governance",
        "kpa_reciprocity",
        "website_crm",
    ],
    "data": [
        "security/res_groups.xml",
        "security/crm_lead_security.xml",
        "data/crm_team_data.xml",
        "data/website_data.xml",
        "views/crm_lead_views.xml",
        "views/kpa_menus.xml",
        "views/website_menus.xml",
        "views/layout_templates.xml",
        "views/home_templates.xml",
        "views/launch_templates.xml",
        "views/accounts_templates.xml",
        "views/accessibility_templates.xml",
    ],
    "demo": [
        "demo/website_demo.xml",
    ],
    "assets": {
        "web.assets_frontend": [
            "kpa_website/static/src/scss/accessibility.scss",
            "kpa_website/static/src/scss/kpa_website.scss",
        ],
        "web.assets_tests": [
            "kpa_website/static/tests/kpa_page_checks.js",
            "kpa_website/static/tests/tours/*.js",
        ],
    },
    "installable": True,
}
