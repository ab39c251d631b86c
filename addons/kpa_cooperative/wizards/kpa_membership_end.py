from odoo import api, fields, models


class KpaMembershipEnd(models.TransientModel):
    _name = "kpa.membership.end"
    _description = "End memberships (departure or exclusion)"

    membership_ids = fields.Many2many(
        "kpa.membership", string="Memberships", required=True
    )
    end_type = fields.Selection(
        [("left", "Departure"), ("excluded", "Exclusion")],
        string="End",
        required=True,
        default="left",
    )
    date_end = fields.Date(
        string="End date", required=True, default=fields.Date.context_today
    )
    reason = fields.Text()

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._kpa_check_values(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._kpa_check_values(vals)
        return super().write(vals)

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        if "membership_ids" in fields_list and not values.get("membership_ids"):
            active_ids = self.env.context.get("active_ids") or []
            if self.env.context.get("active_model") == "kpa.membership" and active_ids:
                values["membership_ids"] = [fields.Command.set(active_ids)]
        return values

    def action_confirm(self):
        self.ensure_one()
        self.membership_ids._close(self.end_type, self.date_end, self.reason)
        return {"type": "ir.actions.act_window_close"}
