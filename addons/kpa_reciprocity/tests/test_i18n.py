from odoo.exceptions import ValidationError
from odoo.tests import TransactionCase, tagged

from odoo.addons.kpa_cooperative.tests.common import KpaPortalMemberCommon
from odoo.addons.kpa_cooperative.tests.i18n_common import (
    FrenchTranslationFileChecks,
    load_french,
)

MODULE = "kpa_reciprocity"


@tagged("post_install", "-at_install")
class TestFrenchTranslationFile(FrenchTranslationFileChecks, TransactionCase):
    module = MODULE
    minimum_terms = 150


@tagged("post_install", "-at_install")
class TestFrenchInterface(KpaPortalMemberCommon):
    """With French active and the modules' terms loaded, members read the
    reciprocity ledger in French."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        load_french(cls.env, ["kpa_cooperative", MODULE])
        cls.portal_member_user.lang = "fr_FR"

    def test_contribution_to_oneself_reads_in_french(self):
        Contribution = (
            self.env["kpa.contribution"]
            .with_user(self.portal_member_user)
            .with_context(lang="fr_FR")
        )
        count = self.env["kpa.contribution"].search_count([])
        with self.assertRaises(ValidationError) as caught, self.env.cr.savepoint():
            Contribution.create(
                {
                    "name": "Help Test",
                    "cooperative_id": self.coop_a.id,
                    "receiver_partner_id": self.member_paula.id,
                    "quantity": 2,
                }
            )
        self.assertEqual(
            caught.exception.args[0],
            "Paula Test ne peut pas être à la fois la personne qui donne et celle "
            "qui reçoit une contribution.",
        )
        self.assertEqual(self.env["kpa.contribution"].search_count([]), count)
