from odoo.exceptions import ValidationError
from odoo.tests import TransactionCase, tagged

from odoo.addons.kpa_cooperative.tests.i18n_common import (
    FrenchTranslationFileChecks,
    load_french,
)

from .common import KpaGovernanceCommon

MODULE = "kpa_governance"


@tagged("post_install", "-at_install")
class TestFrenchTranslationFile(FrenchTranslationFileChecks, TransactionCase):
    module = MODULE
    minimum_terms = 200


@tagged("post_install", "-at_install")
class TestFrenchInterface(KpaGovernanceCommon):
    """With French active and the modules' terms loaded, coordinators and
    members read the governance in French."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        load_french(cls.env, ["kpa_cooperative", MODULE])
        cls.manager.lang = "fr_FR"

    def test_voting_rules_error_reads_in_french(self):
        cooperative = self.coop_a.with_user(self.manager).with_context(lang="fr_FR")
        with self.assertRaises(ValidationError) as caught, self.env.cr.savepoint():
            cooperative.decision_quorum = 120
        self.assertEqual(
            caught.exception.args[0],
            "Le quorum de Coop Alpha doit être compris entre 0 et 100 %.",
        )
        self.assertEqual(self.coop_a.decision_quorum, 50)

    def test_positions_read_in_french(self):
        french = self.env(context={"lang": "fr_FR"})
        self.assertEqual(
            french["kpa.decision.position"]
            ._fields["position"]
            .get_description(french)["selection"],
            [
                ("agree", "Pour"),
                ("abstain", "Abstention"),
                ("disagree", "Contre"),
                ("block", "Blocage"),
            ],
        )

    def test_subject_of_another_cooperative_reads_in_french(self):
        # The sentence is kpa_cooperative's, "une décision" kpa_governance's.
        rule_a = self.env["kpa.rule"].create(
            {"name": "Règle A Test", "cooperative_id": self.coop_a.id}
        )
        Decision = self.env["kpa.decision"].with_context(lang="fr_FR")
        with self.assertRaises(ValidationError) as caught, self.env.cr.savepoint():
            Decision.create(
                {
                    "name": "Question Test",
                    "cooperative_id": self.coop_b.id,
                    "decision_type": "rule",
                    "rule_id": rule_a.id,
                }
            )
        self.assertEqual(
            caught.exception.args[0],
            "« Règle A Test » appartient à Coop Alpha : une décision de Coop Beta "
            "ne peut pas y faire référence.",
        )
