"""Upgrade a database from 18.0.2.0.0: the birthdate of the people of the
network moves to a stored field no one reads directly (kpa_birthdate_value);
kpa_birthdate becomes the computed field that shows it to those allowed to
read it (issue 9). Renaming the column keeps every birthdate."""

from odoo.tools import SQL, sql


def migrate(cr, version):
    if not version:
        return
    if sql.column_exists(cr, "res_partner", "kpa_birthdate") and not (
        sql.column_exists(cr, "res_partner", "kpa_birthdate_value")
    ):
        cr.execute(
            SQL(
                "ALTER TABLE res_partner "
                "RENAME COLUMN kpa_birthdate TO kpa_birthdate_value"
            )
        )
