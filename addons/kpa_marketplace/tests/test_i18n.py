from odoo.exceptions import UserError
from odoo.tests import TransactionCase, tagged

from odoo.addons.kpa_cooperative.tests.i18n_common import (
    FrenchTranslationFileChecks,
    load_french,
)

from .common import KpaMarketplaceCommon

MODULE = "kpa_marketplace"


@tagged("post_install", "-at_install")
class TestFrenchTranslationFile(FrenchTranslationFileChecks, TransactionCase):
    module = MODULE
    minimum_terms = 100


@tagged("post_install", "-at_install")
class TestFrenchInterface(KpaMarketplaceCommon):
    """With French active and the modules' terms loaded, the people who sell
    the cooperatives' services read French."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        load_french(cls.env, ["kpa_cooperative", MODULE])
        cls.coordinator_a.lang = "fr_FR"
        cls.french = cls.env(context=dict(cls.env.context, lang="fr_FR"))

    def test_closed_cooperative_error_reads_in_french(self):
        order = self._quotation([(self.service_a1, 1), (self.service_a2, 2)])
        self.coop_a.action_close()
        # As in a request of the coordinator: the context carries their language.
        order_as_coordinator = order.with_user(self.coordinator_a).with_context(
            lang=self.coordinator_a.lang
        )
        with self.assertRaises(UserError) as caught:
            order_as_coordinator.action_confirm()
        self.assertEqual(
            caught.exception.args[0],
            "Coop Alpha est clôturée : ses prestations (Sewing workshop et "
            "Cushion repair) ne peuvent plus être vendues. Retirez-les du devis "
            f"{order.name} avant de le confirmer.",
        )
        self.assertEqual(order.state, "draft")

    def test_split_message_and_todo_read_in_french(self):
        order = self._quotation([(self.service_a1, 1), (self.service_b1, 1)])
        order.with_env(self.french).action_confirm()
        order_b = order.kpa_split_order_ids
        split_message = (
            "Ce devis mêlait plusieurs coopératives : il a été réparti en une "
            "commande par coopérative :"
        )
        bodies = [str(body) for body in order.message_ids.mapped("body")]
        self.assertTrue(
            any(split_message in body for body in bodies),
            f"no message of the split in French on the quotation: {bodies}",
        )
        # The to-do speaks the coordinator's language (English here), not the
        # language of whoever confirmed.
        self.assertEqual(
            order_b.activity_ids.summary, f"New order {order_b.name} for Coop Beta"
        )

    def test_todo_in_the_coordinators_language(self):
        self.coordinator_b.lang = "fr_FR"
        order = self._quotation([(self.service_a1, 1), (self.service_b1, 1)])
        order.with_context(lang="en_US").action_confirm()
        order_b = order.kpa_split_order_ids
        self.assertEqual(
            order_b.activity_ids.summary,
            f"Nouvelle commande {order_b.name} pour Coop Beta",
        )

    def test_labels_read_in_french(self):
        self.assertEqual(
            self.french["sale.order"]
            ._fields["kpa_cooperative_id"]
            .get_description(self.french)["string"],
            "Coopérative",
        )
        self.assertEqual(
            self.french.ref(
                "kpa_marketplace.product_template_action_kpa_services"
            ).name,
            "Prestations",
        )
