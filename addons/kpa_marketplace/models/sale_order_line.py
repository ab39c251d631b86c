from odoo import api, fields, models
from odoo.exceptions import ValidationError


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    kpa_cooperative_id = fields.Many2one(
        related="product_id.product_tmpl_id.kpa_cooperative_id",
        string="Cooperative",
    )
    kpa_cooperative_name = fields.Char(
        related="product_id.product_tmpl_id.kpa_cooperative_id.name",
        string="Cooperative name",
    )

    # === CRUD METHODS === #

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        lines.order_id._kpa_check_cooperative_entry()
        return lines

    def write(self, vals):
        res = super().write(vals)
        if "product_id" in vals or "order_id" in vals:
            # A line takes its order into its service's cooperative.
            self.order_id._kpa_check_cooperative_entry()
        return res

    # === CONSTRAINT METHODS === #

    @api.constrains("product_id", "order_id")
    def _check_kpa_cooperative_of_confirmed_order(self):
        """Once confirmed, a cooperative's order only takes its own services
        (and lines of no cooperative, such as a discount)."""
        for line in self.sudo():
            order = line.order_id
            cooperative = line.product_id.kpa_cooperative_id
            if (
                order.state == "sale"
                and cooperative
                and cooperative != order.kpa_cooperative_id
            ):
                raise ValidationError(
                    self.env._(
                        "%(order)s is confirmed for %(owner)s: it cannot take "
                        "“%(service)s” of %(cooperative)s. Sell it in a new "
                        "quotation.",
                        order=order.name,
                        owner=order.kpa_cooperative_id.name or order.company_id.name,
                        service=line.product_id.display_name,
                        cooperative=cooperative.name,
                    )
                )

    def _prepare_invoice_line(self, **optional_values):
        """A cooperative's order line goes to the cooperative's books, whatever
        analytic distribution it had (see kpa_cooperative's account.move)."""
        values = super()._prepare_invoice_line(**optional_values)
        cooperative = self.order_id.kpa_cooperative_id
        if (
            cooperative
            and not self.display_type
            and values.get("analytic_distribution")
        ):
            plan = self.env.ref("kpa_cooperative.analytic_plan_cooperatives")
            cooperative_ids = set(
                self.env["account.analytic.account"]
                .sudo()
                .search([("root_plan_id", "=", plan.id)])
                .ids
            )
            values["analytic_distribution"] = self.env[
                "account.move.line"
            ]._kpa_distribution_with(
                values["analytic_distribution"],
                cooperative.sudo().analytic_account_id,
                cooperative_ids,
            )
        return values
