from odoo import fields, models
from odoo.exceptions import AccessError


class KpaCooperative(models.Model):
    _inherit = "kpa.cooperative"

    warehouse_id = fields.Many2one(
        "stock.warehouse",
        string="Stock place",
        check_company=True,
        ondelete="restrict",
        tracking=True,
        help="The warehouse of the host structure where the cooperative keeps its "
        "goods: its orders deliver them from there (and customers collect them "
        "there, with Click & Collect). Without one, they come from the host's "
        "usual warehouse.",
    )

    def write(self, vals):
        if (
            "warehouse_id" in vals
            and not self.env.su
            and not self.env.user.has_group("kpa_cooperative.group_kpa_manager")
            and not self.env.user.has_group("stock.group_stock_manager")
        ):
            raise AccessError(
                self.env._(
                    "Only network managers and inventory administrators may choose "
                    "the stock place of a cooperative."
                )
            )
        return super().write(vals)

    def _kpa_network_fields(self):
        """Its stock place, in the host's warehouses: the network manager's
        choice (kpa_cooperative's positive lists)."""
        return super()._kpa_network_fields() | {"warehouse_id"}
