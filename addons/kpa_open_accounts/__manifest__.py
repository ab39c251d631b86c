{
    "name": "KPA-Cité: open accounts",
    "summary": "Each cooperative publishes its accounts: frozen, verifiable "
    "statements from the host's books, public pages with a chart, open data",
    "version": "18.0.1.0.0",
    "category": "Website/KPA-Cité",
    "website": "https://github.com/kpa-cite/kpa-odoo",
    "author": "KPA-Cité",
    "maintainers": ["kpa-cite"],
    "license": "AGPL-3",
    "development_status": "Beta",
    "depends": ["kpa_cooperative"],
    "data": [
        "security/ir.model.access.csv",
        "security/kpa_accounts_publication_security.xml",
        "data/ir_cron_data.xml",
        "views/kpa_accounts_publication_views.xml",
        "views/kpa_cooperative_views.xml",
        "views/templates.xml",
        "report/kpa_accounts_publication_report.xml",
    ],
    "demo": [
        "demo/account_move_demo.xml",
        "demo/kpa_accounts_publication_demo.xml",
    ],
    "assets": {
        "web.assets_frontend": [
            "kpa_open_accounts/static/src/js/kpa_accounts_chart.js",
        ],
        "web.assets_tests": [
            "kpa_open_accounts/static/tests/tours/*.js",
        ],
    },
    "installable": True,
}
