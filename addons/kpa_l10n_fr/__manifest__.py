{
    "name": "KPA-Cité: French legal side of the cooperatives' books",
    "summary": "Invoices with the French legal mentions in their body, Factur-X "
    "EN 16931 and UBL naming the cooperative, Chorus Pro, the FEC and each "
    "cooperative's management ledger",
    "version": "18.0.1.0.0",
    "category": "Accounting/Localizations",
    "website": "https://github.com/kpa-cite/kpa-odoo",
    "author": "KPA-Cité",
    "maintainers": ["kpa-cite"],
    "license": "AGPL-3",
    "development_status": "Beta",
    "depends": [
        "kpa_cooperative",
        "kpa_open_accounts",
        "l10n_fr_account",
        "account_edi_ubl_cii",
        "l10n_fr_facturx_chorus_pro",
    ],
    "data": [
        "security/ir.model.access.csv",
        "data/account_edi_templates.xml",
        "views/res_company_views.xml",
        "wizards/l10n_fr_fec_export_wizard_views.xml",
        "wizards/kpa_management_ledger_views.xml",
        "views/kpa_l10n_fr_menus.xml",
        "report/report_layout_templates.xml",
        "report/account_invoice_templates.xml",
    ],
    "demo": [
        "demo/res_company_demo.xml",
        "demo/account_move_demo.xml",
    ],
    "assets": {
        # PDF reports without web fonts, for wkhtmltopdf without patched Qt
        # (see models/ir_actions_report.py).
        "kpa_l10n_fr.report_assets_system_fonts": [
            ("include", "web.report_assets_common"),
            ("remove", "web/static/fonts/fonts.scss"),
        ],
    },
    "installable": True,
}
