from odoo.tests import TransactionCase, tagged

from odoo.addons.kpa_cooperative.tests.i18n_common import FrenchTranslationFileChecks


@tagged("post_install", "-at_install")
class TestFrenchTranslationFile(FrenchTranslationFileChecks, TransactionCase):
    module = "kpa_marketplace_collect"
