"""Upgrade a database from before the split of kpa_cooperative (18.0.1.0.0).

Rules and decisions, the reciprocity ledger and the open accounts moved to
kpa_governance, kpa_reciprocity and kpa_open_accounts. Without this step,
updating kpa_cooperative would find their models, fields, views and data no
longer in it, and delete them at the end of the update: tables dropped, rules,
votes, contributions and published statements lost.

So, before kpa_cooperative is loaded: their xml ids change module, the
constraints and many2many tables of the moved models change owner, and the new
add-ons are marked to install, which Odoo does in the same update (they take
their records over instead of creating them). Demo people of the network
renamed inside kpa_cooperative keep their records too.
"""

import json
import logging
from pathlib import Path

from odoo.tools import SQL

_logger = logging.getLogger(__name__)
# Generated once by comparing the xml ids of a database of each version.
XMLIDS = json.loads((Path(__file__).parent / "moved_xmlids.json").read_text())
MOVED, RENAMED = XMLIDS["moved"], XMLIDS["renamed"]


def migrate(cr, version):
    if not version:
        return
    for module, names in MOVED.items():
        cr.execute(
            SQL(
                "UPDATE ir_model_data SET module = %s "
                "WHERE module = 'kpa_cooperative' AND name = ANY(%s)",
                module,
                list(names),
            )
        )
        _logger.info("kpa_cooperative: %s xml ids moved to %s", cr.rowcount, module)
        models = [
            name.removeprefix("model_").replace("_", ".")
            for name in names
            if name.startswith("model_kpa_")
        ]
        for table in ("ir_model_constraint", "ir_model_relation"):
            cr.execute(
                SQL(
                    "UPDATE %s SET module = new.id "
                    "FROM ir_module_module new, ir_module_module old, ir_model m "
                    "WHERE new.name = %s AND old.name = 'kpa_cooperative' "
                    "AND %s.module = old.id AND %s.model = m.id AND m.model = ANY(%s)",
                    SQL.identifier(table),
                    module,
                    SQL.identifier(table),
                    SQL.identifier(table),
                    models,
                )
            )
    for old, new in RENAMED.items():
        cr.execute(
            SQL(
                "UPDATE ir_model_data SET name = %s "
                "WHERE module = 'kpa_cooperative' AND name = %s",
                new,
                old,
            )
        )
    cr.execute(
        SQL(
            "UPDATE ir_module_module SET state = 'to install' "
            "WHERE name = ANY(%s) AND state = 'uninstalled'",
            list(MOVED),
        )
    )
    _logger.info(
        "kpa_cooperative: %s add-on(s) split from it marked to install", cr.rowcount
    )
