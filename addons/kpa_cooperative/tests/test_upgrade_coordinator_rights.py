import importlib.util

from odoo.tests import tagged
from odoo.tools.misc import file_path

from .common import KpaCooperativeCommon


def load_migration():
    path = file_path("kpa_cooperative/migrations/18.0.2.1.0/post-migrate.py")
    spec = importlib.util.spec_from_file_location("kpa_post_migrate_2_1", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@tagged("post_install", "-at_install")
class TestUpgradeCoordinatorRights(KpaCooperativeCommon):
    """A database upgraded from 18.0.2.0.0: the coordinators who got Odoo's
    contact manager role from their group lose it; network managers keep it."""

    def test_contact_manager_role_taken_back_from_coordinators(self):
        partner_manager = self.env.ref("base.group_partner_manager")
        partner_manager.users = [(4, self.coordinator_a.id), (4, self.manager.id)]
        self.coordinator_a.groups_id = [
            (4, self.env.ref("kpa_cooperative.group_kpa_coordinator").id)
        ]
        self.assertIn(partner_manager, self.coordinator_a.groups_id)
        load_migration().migrate(self.env.cr, "18.0.2.0.0")
        self.env.invalidate_all()
        self.assertNotIn(partner_manager, self.coordinator_a.groups_id)
        self.assertIn(partner_manager, self.manager.groups_id)
        # A new installation has nothing to take back.
        load_migration().migrate(self.env.cr, None)
