import math
import re

from odoo import fields, models
from odoo.exceptions import ValidationError

# Bad input our models refuse with a clear message instead of a crash or a
# garbled record (issue 9): control characters (but tabs and line breaks in
# texts), the bidirectional overrides that disguise a name ("gpj.exe"), lone
# surrogates (bytes that are not UTF-8), and absurd sizes and numbers.
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
CHAR_CONTROL_CHARS = re.compile(r"[\x00-\x1f\x7f]")
BIDI_OVERRIDES = re.compile("[\u202a-\u202e\u2066-\u2069]")
SURROGATES = re.compile("[\ud800-\udfff]")
MAX_LENGTH = {"char": 1000, "text": 20000, "html": 65000}
MAX_ID = 2**31 - 1
MAX_FLOAT = 1e15


class Base(models.AbstractModel):
    """Helpers every model of the project reads its selection labels with,
    cooperative-bound or not (cooperatives, skills, publications), and the
    controllers too; and the check of the values written through the API."""

    _inherit = "base"

    def _selection_labels(self, field_name):
        """{value: label} of the selection field ``field_name``, in the
        language of the environment, in the order of the selection."""
        return dict(self._fields[field_name]._description_selection(self.env))

    def _selection_label(self, field_name, value=None):
        """The label of ``value`` in the selection field ``field_name``, in the
        language of the environment; by default the label of the record's own
        value. An empty string for no value."""
        if value is None:
            value = self.ensure_one()[field_name]
        return self._selection_labels(field_name).get(value, "")

    # === VALUES FROM THE API === #

    def _kpa_check_values(self, vals):
        """Refuse, with a clear message, the values of ``vals`` (of a create or
        a write) that are not values of their field: odd characters,
        over-long texts, out-of-range ids and numbers, impossible dates,
        unknown selection values. Our models call it before writing anything;
        Odoo would answer some of them with a server error."""
        for fname, value in vals.items():
            fld = self._fields.get(fname)
            if fld is None:
                continue
            problem = self._kpa_value_problem(fld, value)
            if problem:
                raise ValidationError(
                    self.env._(
                        "Invalid value for “%(field)s”: %(problem)s",
                        field=fld._description_string(self.env),
                        problem=problem,
                    )
                )

    def _kpa_value_problem(self, fld, value):  # noqa: PLR0911, PLR0912, C901
        """What is wrong with ``value`` for the field ``fld``, or None."""
        kind = fld.type
        if value is False or value is None:
            return None
        if kind in MAX_LENGTH:
            if not isinstance(value, str):
                return None if kind == "html" else self.env._("a text is expected.")
            if SURROGATES.search(value):
                return self.env._("it contains bytes that are not valid text.")
            pattern = CHAR_CONTROL_CHARS if kind == "char" else CONTROL_CHARS
            if pattern.search(value):
                return self.env._("it contains control characters.")
            if kind == "char" and BIDI_OVERRIDES.search(value):
                return self.env._(
                    "it contains characters that reverse the direction of the text."
                )
            if len(value) > MAX_LENGTH[kind]:
                return self.env._(
                    "it is too long (%(length)s characters, at most %(max)s).",
                    length=len(value),
                    max=MAX_LENGTH[kind],
                )
        elif kind == "integer":
            if isinstance(value, bool) or not isinstance(value, int):
                return self.env._("a whole number is expected.")
            if not -MAX_ID - 1 <= value <= MAX_ID:
                return self.env._("the number is out of range.")
        elif kind in ("float", "monetary"):
            if isinstance(value, bool) or not isinstance(value, int | float):
                return self.env._("a number is expected.")
            if not math.isfinite(value) or abs(value) > MAX_FLOAT:
                return self.env._("the number is out of range.")
        elif kind in ("date", "datetime"):
            try:
                parsed = (
                    fields.Date.to_date(value)
                    if kind == "date"
                    else fields.Datetime.to_datetime(value)
                )
            except (TypeError, ValueError):
                parsed = None
            if not parsed or not 1900 <= parsed.year <= 2200:
                return self.env._("this date does not exist or is out of range.")
        elif kind == "selection":
            if value == "":
                return None
            if not isinstance(fld.selection, str | list) and not callable(
                fld.selection
            ):
                return None
            allowed = [key for key, _label in fld._description_selection(self.env)]
            if value not in allowed:
                return self.env._("this value is not one of the choices.")
        elif kind == "many2one":
            return self._kpa_ids_problem(fld, [value])
        elif kind in ("many2many", "one2many"):
            if not isinstance(value, list | tuple):
                return self.env._("a list of commands is expected.")
            ids = []
            for command in value:
                if isinstance(command, int) and not isinstance(command, bool):
                    ids.append(command)  # a plain list of ids: Odoo's set
                    continue
                if not isinstance(command, list | tuple) or not command:
                    return self.env._("a list of commands is expected.")
                if command[0] in (1, 2, 3, 4) and len(command) > 1:
                    ids.append(command[1])
                elif command[0] == 6 and len(command) > 2:
                    if not isinstance(command[2], list | tuple):
                        return self.env._("a list of commands is expected.")
                    ids += list(command[2])
            return self._kpa_ids_problem(fld, ids)
        return None

    def _kpa_ids_problem(self, fld, ids):
        for record_id in ids:
            if isinstance(record_id, models.BaseModel) or record_id == 0:
                continue
            if (
                isinstance(record_id, bool)
                or not isinstance(record_id, int)
                or not 0 < record_id <= MAX_ID
            ):
                return self.env._("this is not the id of a record.")
        ids = [i for i in ids if isinstance(i, int) and i]
        if ids:
            existing = self.env[fld.comodel_name].sudo().browse(ids).exists()
            if len(existing) != len(set(ids)):
                return self.env._("this record does not exist.")
        return None
