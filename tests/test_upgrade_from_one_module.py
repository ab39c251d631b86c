"""The upgrade of a database made before kpa_cooperative was split (18.0.1.0.0):
kpa_cooperative's pre-migration hands the xml ids of what moved to the add-ons
that now hold it (migrations/18.0.2.0.0). Its list must name records those
add-ons really define, or an upgrade would lose them."""

import json

from odoo.tests import TransactionCase, tagged
from odoo.tools.misc import file_path


@tagged("post_install", "-at_install")
class TestUpgradeMapping(TransactionCase):
    def test_moved_xml_ids_belong_to_the_new_add_ons(self):
        path = file_path("kpa_cooperative/migrations/18.0.2.0.0/moved_xmlids.json")
        with open(path) as mapping:
            xmlids = json.load(mapping)
        self.assertEqual(
            set(xmlids["moved"]),
            {"kpa_governance", "kpa_reciprocity", "kpa_open_accounts"},
        )
        defined = {
            (data.module, data.name)
            for data in self.env["ir.model.data"].search_fetch(
                [("module", "in", list(xmlids["moved"]))], ["module", "name"]
            )
        }
        missing = sorted(
            f"{module}.{name}"
            for module, names in xmlids["moved"].items()
            for name in names
            if (module, name) not in defined
        )
        self.assertFalse(missing, "moved xml ids the add-ons no longer define")
        for old, new in xmlids["renamed"].items():
            self.assertTrue(self.env.ref(f"kpa_cooperative.{new}"), old)
            self.assertFalse(
                self.env.ref(f"kpa_cooperative.{old}", raise_if_not_found=False)
            )
