# The sales rules of `sale` that this module replaces (see
# security/sale_order_security.xml): switched off on install, on again on
# uninstall.
REPLACED_RULES = (
    "sale.sale_order_personal_rule",
    "sale.sale_order_line_personal_rule",
    "sale.sale_order_report_personal_rule",
    "sale.account_invoice_rule_see_personal",
    "sale.account_invoice_line_rule_see_personal",
    "sale.account_invoice_report_rule_see_personal",
    "sale.account_invoice_send_single_rule_see_personal",
    "sale.account_invoice_send_batch_rule_see_personal",
)


def uninstall_hook(env):
    rules = env["ir.rule"]
    for xmlid in REPLACED_RULES:
        rules |= env.ref(xmlid, raise_if_not_found=False) or rules
    rules.with_context(active_test=False).write({"active": True})
