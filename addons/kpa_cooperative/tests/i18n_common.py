"""Checks of a module's French translation file, shared by the modules' tests.

A module's test_i18n.py declares::

    @tagged("post_install", "-at_install")
    class TestFrenchTranslationFile(FrenchTranslationFileChecks, TransactionCase):
        module = "kpa_x"
        minimum_terms = 100

The mixin is not a TestCase itself, so that importing it does not collect its
tests a second time.
"""

import logging
import re

import polib

from odoo.tools.misc import file_path
from odoo.tools.translate import TranslationModuleReader

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


def markup(term):
    """The tags of a term and the names of their attributes, in order."""
    return [
        (tag, sorted(ATTRIBUTE.findall(attributes)))
        for tag, attributes in START_TAG.findall(term)
    ]


def module_terms(env, module, lang="fr_FR"):
    """The terms of `module` as Odoo exports them, and what the extraction logs.

    :return: ({source: {term types (code, model, model_terms)}}, [log records])
    """
    # Collect what the extraction logs, whatever level the test runner set
    # (pytest-odoo silences everything below CRITICAL).
    handler = _Records()
    logger = logging.getLogger("odoo.tools.translate")
    level, propagate = logger.level, logger.propagate
    logger.addHandler(handler)
    logger.setLevel(logging.WARNING)
    logger.propagate = False
    try:
        reader = TranslationModuleReader(env.cr, modules=[module], lang=lang)
        # (module, type, name, res_id, source, value, comments)
        rows = list(reader)
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
        logger.propagate = propagate
    own_modules = _own_modules(env, module)
    foreign_fields = _foreign_fields(env, module, own_modules)
    terms = {}
    for term_module, term_type, name, res_id, source, _value, _comments in rows:
        if term_module != module:
            continue
        if name.startswith("ir.model.fields,") and res_id in foreign_fields:
            continue
        if term_type in ("model", "model_terms") and _is_foreign_value(
            env, name, own_modules
        ):
            continue
        terms.setdefault(source, set()).add(term_type)
    return terms, handler.records


def _own_modules(env, module):
    """`module` and the modules it depends on (base included, which
    upstream_dependencies leaves out)."""
    return {
        module,
        "base",
        *env["ir.module.module"]
        ._get(module)
        .upstream_dependencies(exclude_states=("uninstallable",))
        .mapped("name"),
    }


def _is_foreign_value(env, name, own_modules):
    """Whether a record's term (`name` is "model,field") is the value of a
    field that a module outside `module`'s dependencies adds, such as the
    default texts website_sale gives every website: those modules translate
    them."""
    model, _sep, field_name = name.partition(",")
    field = env[model]._fields.get(field_name) if model in env else None
    return field is not None and not own_modules.intersection(field._modules)


def _foreign_fields(env, module, own_modules):
    """xml ids of the fields that modules outside `module`'s dependencies add
    to its models (rating_ids, added by `rating` to every mail.thread when
    kpa_marketplace brings website_sale): they are exported with this module's
    field records, but their labels are translated by those modules."""
    field_data = env["ir.model.data"].search(
        [("module", "=", module), ("model", "=", "ir.model.fields")]
    )
    foreign = set()
    for data in field_data:
        field_record = env["ir.model.fields"].browse(data.res_id)
        field = env[field_record.model]._fields.get(field_record.name)
        if field is not None and not own_modules.intersection(field._modules):
            foreign.add(f"{module}.{data.name}")
    return foreign


def load_french(env, modules):
    """Activate French and load the French terms of `modules`."""
    env["res.lang"]._activate_lang("fr_FR")
    env["ir.module.module"]._load_module_terms(modules, ["fr_FR"], overwrite=True)


class FrenchTranslationFileChecks:
    """i18n/fr.po translates every term of the module, as Odoo exports them
    (python strings, model and field labels, selections, help texts, views,
    website and portal templates, reports, data records, SQL constraints),
    keeping the placeholders of Python strings and the markup of views."""

    module = None
    # The extraction found the terms (a file Babel could not read would make
    # them fewer).
    minimum_terms = 1
    # Odoo's runner (./kpa alone, docker) only runs the test methods a class
    # defines itself, unless told to take the inherited ones: these.
    allow_inherited_tests_method = True

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.terms, cls.extraction_logs = module_terms(cls.env, cls.module)
        po_file = polib.pofile(file_path(f"{cls.module}/i18n/fr.po"))
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
        self.assertGreaterEqual(
            len(self.terms), self.minimum_terms, "the extraction found the terms"
        )
        missing = sorted(
            source for source in self.terms if not self._translation(source).strip()
        )
        self.assertFalse(
            missing,
            "{} term(s) of {} have no French translation in i18n/fr.po:\n{}".format(
                len(missing), self.module, "\n".join(repr(source) for source in missing)
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
            if markup(source) != markup(translation):
                wrong.append(f"{source!r}\n    -> {translation!r}")
        self.assertFalse(
            wrong,
            "tags or attributes differ between msgid and msgstr:\n" + "\n".join(wrong),
        )
