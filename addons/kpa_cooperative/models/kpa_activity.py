from odoo import api, fields, models


class KpaActivity(models.Model):
    _name = "kpa.activity"
    _description = "Kind of activity of the cooperatives"
    _order = "sequence, name, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    description = fields.Text(translate=True)
    color = fields.Integer()
    active = fields.Boolean(default=True)
    cooperative_ids = fields.Many2many(
        "kpa.cooperative",
        "kpa_activity_cooperative_rel",
        "activity_id",
        "cooperative_id",
        string="Cooperatives",
    )
    skill_ids = fields.One2many("kpa.skill", "activity_id", string="Skills")

    _sql_constraints = [
        ("name_unique", "unique(name)", "This activity already exists."),
    ]

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._kpa_check_values(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._kpa_check_values(vals)
        return super().write(vals)
