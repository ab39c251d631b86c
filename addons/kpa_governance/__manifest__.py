{
    "name": "KPA-Cité: governance of the cooperatives",
    "summary": "Rules made by the members, collective decisions with quorum and "
    "majority, admission and exclusion by decision, votes in the member portal",
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
        "security/kpa_rule_security.xml",
        "security/kpa_decision_security.xml",
        "security/kpa_decision_position_security.xml",
        "views/kpa_rule_views.xml",
        "views/kpa_decision_views.xml",
        "views/kpa_cooperative_views.xml",
        "views/kpa_membership_views.xml",
        "views/kpa_membership_end_views.xml",
        "views/kpa_governance_menus.xml",
        "views/templates.xml",
        "views/portal_templates.xml",
    ],
    "demo": [
        "demo/kpa_rule_demo.xml",
        "demo/kpa_decision_demo.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "kpa_governance/static/tests/tours/*.js",
        ],
    },
    "installable": True,
}
