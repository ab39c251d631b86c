from datetime import date

from odoo.exceptions import ValidationError
from odoo.tests import TransactionCase, tagged

from .common import KpaCooperativeCommon
from .i18n_common import FrenchTranslationFileChecks, load_french

MODULE = "kpa_cooperative"


@tagged("post_install", "-at_install")
class TestFrenchTranslationFile(FrenchTranslationFileChecks, TransactionCase):
    module = MODULE
    minimum_terms = 300


@tagged("post_install", "-at_install")
class TestFrenchInterface(KpaCooperativeCommon):
    """With French active and the module's terms loaded, users read French."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        load_french(cls.env, [MODULE])
        cls.teen = cls.env["res.partner"].create(
            {"name": "Teen Test", "kpa_birthdate": date(2008, 5, 10)}
        )
        cls.coordinator_a.lang = "fr_FR"

    def test_age_check_reads_in_french(self):
        # As in a request of this user: the context carries their language.
        # (A member comes from an admission decision, applied with sudo.)
        Membership = (
            self.env["kpa.membership"]
            .with_user(self.coordinator_a)
            .with_context(lang=self.coordinator_a.lang)
            .sudo()
        )
        count = self.env["kpa.membership"].search_count([])
        with self.assertRaises(ValidationError) as caught, self.env.cr.savepoint():
            Membership.create(
                {
                    "partner_id": self.teen.id,
                    "cooperative_id": self.coop_a.id,
                    "state": "member",
                    "date_start": date(2024, 5, 9),
                }
            )
        self.assertEqual(
            caught.exception.args[0],
            "Teen Test a 15 ans le 09/05/2024 : les membres d'une coopérative "
            "doivent avoir 16 ans ou plus le jour de leur entrée.",
        )
        self.assertEqual(self.env["kpa.membership"].search_count([]), count)

    def test_data_and_labels_read_in_french(self):
        french = self.env(context={"lang": "fr_FR"})
        self.assertEqual(
            self.activity_sewing.with_env(french).name, "Couture", "data record"
        )
        self.assertEqual(
            french.ref("kpa_cooperative.analytic_plan_cooperatives").name,
            "Coopératives KPA",
        )
        self.assertEqual(
            french["kpa.membership"]
            ._fields["state"]
            .get_description(french)["selection"],
            [
                ("candidate", "Candidat·e"),
                ("member", "Membre"),
                ("left", "Parti·e"),
                ("excluded", "Exclu·e"),
            ],
        )
        self.assertEqual(
            french["ir.model"]._get("kpa.cooperative").name, "Coopérative ouverte"
        )
