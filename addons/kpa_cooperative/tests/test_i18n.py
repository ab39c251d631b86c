import logging
import re
from datetime import date

import polib

from odoo.exceptions import ValidationError
from odoo.tests import TransactionCase, tagged
from odoo.tools.misc import file_path
from odoo.tools.translate import TranslationModuleReader

from .common import KpaCooperativeCommon

MODULE = "kpa_cooperative"
# Python %-formatting placeholders: %(name)s, %s, %d, %%.
PLACEHOLDER = re.compile(r"%(?:\([^)]*\))?[-#0 +]*\d*(?:\.\d+)?[a-z%]")
# Opening tags with their attributes names, in a term of a view or template.
START_TAG = re.compile(r"<([\w.-]+)((?:\s+[\w:.-]+=\"[^\"]*\")*)\s*/?>")
ATTRIBUTE = re.compile(r"([\w:.-]+)=\"")


class _Records(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.records = []

    def emit(self, record):
        self.records.append(record)


def _markup(term):
    """The tags of a term and the names of their attributes, in order."""
    return [
        (tag, sorted(ATTRIBUTE.findall(attributes)))
        for tag, attributes in START_TAG.findall(term)
    ]


@tagged("post_install", "-at_install")
class TestFrenchTranslationFile(TransactionCase):
    """i18n/fr.po translates every term of the module, as Odoo exports them
    (python strings, model and field labels, selections, help texts, views,
    website and portal templates, reports, data records, SQL constraints)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Collect what the extraction logs, whatever level the test runner
        # set (pytest-odoo silences everything below CRITICAL).
        handler = _Records()
        logger = logging.getLogger("odoo.tools.translate")
        level, propagate = logger.level, logger.propagate
        logger.addHandler(handler)
        logger.setLevel(logging.WARNING)
        logger.propagate = False
        try:
            reader = TranslationModuleReader(cls.env.cr, modules=[MODULE], lang="fr_FR")
            # (module, type, name, res_id, source, value, comments)
            terms = list(reader)
        finally:
            logger.removeHandler(handler)
            logger.setLevel(level)
            logger.propagate = propagate
        cls.extraction_logs = handler.records
        # Fields that modules outside this one's dependencies add to its models
        # (rating_ids, added by `rating` to every mail.thread when
        # kpa_marketplace brings website_sale) are exported with this module's
        # field records, but their labels are translated by those modules.
        own_modules = {
            MODULE,
            *cls.env["ir.module.module"]
            ._get(MODULE)
            .upstream_dependencies(exclude_states=("uninstallable",))
            .mapped("name"),
        }
        field_data = cls.env["ir.model.data"].search(
            [("module", "=", MODULE), ("model", "=", "ir.model.fields")]
        )
        foreign_fields = set()
        for data in field_data:
            field_record = cls.env["ir.model.fields"].browse(data.res_id)
            field = cls.env[field_record.model]._fields.get(field_record.name)
            if field is not None and not own_modules.intersection(field._modules):
                foreign_fields.add(f"{MODULE}.{data.name}")
        cls.terms = {}
        for module, term_type, name, res_id, source, _value, _comments in terms:
            if module != MODULE:
                continue
            if name.startswith("ir.model.fields,") and res_id in foreign_fields:
                continue
            cls.terms.setdefault(source, set()).add(term_type)
        po_file = polib.pofile(file_path(f"{MODULE}/i18n/fr.po"))
        cls.po = {entry.msgid: entry for entry in po_file if not entry.obsolete}
        cls.po_language = po_file.metadata.get("Language")

    def _translation(self, source):
        entry = self.po.get(source)
        return entry.msgstr if entry else ""

    def test_extraction_logs_no_error(self):
        self.assertFalse(
            [record.getMessage() for record in self.extraction_logs],
            "extracting the terms of the module logs problems (an f-string inside "
            "a translated call makes Babel skip a whole file)",
        )

    def test_every_term_is_translated(self):
        self.assertEqual(self.po_language, "fr")
        self.assertGreater(len(self.terms), 500, "the extraction found the terms")
        missing = sorted(
            source for source in self.terms if not self._translation(source).strip()
        )
        self.assertFalse(
            missing,
            "{} term(s) of {} have no French translation in i18n/fr.po:\n{}".format(
                len(missing), MODULE, "\n".join(repr(source) for source in missing)
            ),
        )

    def test_python_placeholders_are_kept(self):
        wrong = []
        for source, term_types in self.terms.items():
            translation = self._translation(source)
            if "code" not in term_types or not translation:
                continue
            if sorted(PLACEHOLDER.findall(source)) != sorted(
                PLACEHOLDER.findall(translation)
            ):
                wrong.append(f"{source!r}\n    -> {translation!r}")
        self.assertFalse(
            wrong,
            "placeholders differ between msgid and msgstr:\n" + "\n".join(wrong),
        )

    def test_view_markup_is_kept(self):
        wrong = []
        for source, term_types in self.terms.items():
            translation = self._translation(source)
            if "model_terms" not in term_types or not translation:
                continue
            if _markup(source) != _markup(translation):
                wrong.append(f"{source!r}\n    -> {translation!r}")
        self.assertFalse(
            wrong,
            "tags or attributes differ between msgid and msgstr:\n" + "\n".join(wrong),
        )


@tagged("post_install", "-at_install")
class TestFrenchInterface(KpaCooperativeCommon):
    """With French active and the module's terms loaded, users read French."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("fr_FR")
        cls.env["ir.module.module"]._load_module_terms(
            [MODULE], ["fr_FR"], overwrite=True
        )
        cls.teen = cls.env["res.partner"].create(
            {"name": "Teen Test", "kpa_birthdate": date(2008, 5, 10)}
        )
        cls.coordinator_a.lang = "fr_FR"

    def test_age_check_reads_in_french(self):
        # As in a request of this user: the context carries their language.
        Membership = (
            self.env["kpa.membership"]
            .with_user(self.coordinator_a)
            .with_context(lang=self.coordinator_a.lang)
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
