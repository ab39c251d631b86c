from odoo import api, models


class KpaCooperative(models.Model):
    _inherit = "kpa.cooperative"

    @api.model_create_multi
    def create(self, vals_list):
        cooperatives = super().create(vals_list)
        cooperatives.filtered("warehouse_id")._kpa_offer_pickup()
        return cooperatives

    def write(self, vals):
        res = super().write(vals)
        if vals.get("warehouse_id"):
            self._kpa_offer_pickup()
        return res

    def _kpa_offer_pickup(self):
        """Click & Collect offers the stock place of each cooperative as a
        pickup point: the pickup delivery methods of its host structure get
        it."""
        # The host's delivery methods, which the network manager who sets the
        # place may not administrate.
        carriers = (
            self.env["delivery.carrier"]
            .sudo()
            .search(
                [
                    ("delivery_type", "=", "in_store"),
                    ("company_id", "in", self.company_id.ids),
                ]
            )
        )
        for company, cooperatives in self.sudo().grouped("company_id").items():
            places = cooperatives.warehouse_id
            without = carriers.filtered(
                lambda carrier, c=company, p=places: carrier.company_id == c
                and p - carrier.warehouse_ids
            )
            if without:
                without.write({"warehouse_ids": [(4, place.id) for place in places]})
