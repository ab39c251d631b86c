"""Upgrade a database from 18.0.2.0.0: coordinators no longer carry Odoo's
contact manager role (issue 9: they keep the contacts of the people of their
cooperatives only). The group of coordinators no longer implies it, but the
users who got it through that implication keep it until it is taken back:
it is taken back here from coordinators who are neither network managers
nor administrators (who keep it by their own roles)."""

import logging

from odoo import SUPERUSER_ID, api

_logger = logging.getLogger(__name__)


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    partner_manager = env.ref("base.group_partner_manager")
    keep = (
        env.ref("kpa_cooperative.group_kpa_manager")
        | env.ref("base.group_erp_manager")
        | env.ref("base.group_system")
    )
    coordinators = env.ref("kpa_cooperative.group_kpa_coordinator").users
    taken = coordinators.filtered(
        lambda user: partner_manager in user.groups_id and not (keep & user.groups_id)
    )
    if taken:
        partner_manager.write({"users": [(3, user.id) for user in taken]})
        _logger.info(
            "Contact manager role taken back from %s coordinator(s): %s",
            len(taken),
            ", ".join(taken.mapped("login")),
        )
