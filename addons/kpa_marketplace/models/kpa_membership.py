from collections import defaultdict

from odoo import Command, models


class KpaMembership(models.Model):
    _inherit = "kpa.membership"

    def write(self, vals):
        res = super().write(vals)
        if vals.get("state") in ("left", "excluded"):
            self._kpa_remove_from_providers()
        return res

    def _kpa_remove_from_providers(self):
        """Someone who leaves a cooperative no longer provides its services."""
        partners_by_cooperative = defaultdict(set)
        for membership in self:
            partners_by_cooperative[membership.cooperative_id].add(
                membership.partner_id.id
            )
        Template = self.env["product.template"].sudo().with_context(active_test=False)
        templates = Template.search(
            [
                ("kpa_cooperative_id", "in", self.cooperative_id.ids),
                ("kpa_provider_ids", "in", self.partner_id.ids),
            ]
        )
        for cooperative, partner_ids in partners_by_cooperative.items():
            templates.filtered(
                lambda t, c=cooperative: t.kpa_cooperative_id == c
            ).write({"kpa_provider_ids": [Command.unlink(pid) for pid in partner_ids]})
