from odoo.exceptions import UserError
from odoo.tests import TransactionCase, tagged

from odoo.addons.kpa_cooperative.tests.i18n_common import (
    FrenchTranslationFileChecks,
    load_french,
)

from .common import KpaAccountsCommon

MODULE = "kpa_open_accounts"


@tagged("post_install", "-at_install")
class TestFrenchTranslationFile(FrenchTranslationFileChecks, TransactionCase):
    module = MODULE
    minimum_terms = 150


@tagged("post_install", "-at_install")
class TestFrenchInterface(KpaAccountsCommon):
    """With French active and the modules' terms loaded, host accountants
    read the open accounts in French."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        load_french(cls.env, ["kpa_cooperative", MODULE])
        cls.accountant.lang = "fr_FR"

    def test_frozen_statement_reads_in_french(self):
        publication = self._publish()
        hash_before = publication.content_hash
        with self.assertRaises(UserError) as caught, self.env.cr.savepoint():
            publication.with_user(self.accountant).with_context(lang="fr_FR").unlink()
        self.assertRegex(
            caught.exception.args[0],
            r"^L'état des comptes .* est publié : il ne peut jamais être modifié ni "
            r"supprimé\.",
        )
        self.assertTrue(publication.exists())
        self.assertEqual(publication.content_hash, hash_before)
