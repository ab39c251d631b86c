"""Bad input never crashes and is never written (issue 9): the values a
create or a write of the project's models receives, checked by the type of
their field before Odoo converts them. A value that does not fit gets a clear
error naming the field; odd bytes, control characters, direction marks,
over-long texts, out-of-range numbers and ids, non-finite numbers and
impossible dates go no further.

Models call :func:`check_input_values` at the top of their ``create`` and
``write``.
"""

import math
import re

from odoo import fields
from odoo.exceptions import UserError

# Control characters but tab and line breaks, the bidirectional marks that
# make a text read otherwise than it is written, and the replacement
# character that stands for bytes which were no UTF-8.
FORBIDDEN_CHARACTERS = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069\ufffd]"
)
# Odoo's mail plumbing of a record, which the positive lists of writable
# fields let through: mail's own rules guard it. The activities' fields are
# those of a record with activities.
MAIL_FIELDS = frozenset(
    {
        "message_follower_ids",
        "message_partner_ids",
        "message_ids",
        "message_main_attachment_id",
    }
)
ACTIVITY_FIELDS = frozenset(
    {
        "activity_ids",
        "activity_type_id",
        "activity_summary",
        "activity_user_id",
        "activity_date_deadline",
        "activity_note",
    }
)
MAX_LENGTH = {"char": 1000, "text": 20000, "html": 50000}
INTEGER_RANGE = (-(2**31), 2**31 - 1)
# Hours, amounts, rates: far below this, far above any real one.
FLOAT_LIMIT = 1e12
ID_MAX = 2**31 - 1
# The kinds of field a required value may not be empty of (a number may be
# 0, a box unticked).
REQUIRED_KINDS = {"char", "text", "html", "selection", "date", "datetime", "many2one"}
EMPTY = (False, None, 0, "")


def check_input_values(records, vals):
    """Refuse ``vals`` (of a create or a write of ``records``' model) when a
    value does not fit the type of its field."""
    for fname, value in vals.items():
        field = records._fields.get(fname)
        if field is None:
            continue
        if field.required and field.type in REQUIRED_KINDS and value in EMPTY:
            problem = records.env._("a value is required.")
        elif value is None or value is False:
            continue
        else:
            problem = _problem(records, field, value)
        if problem:
            raise UserError(
                records.env._(
                    "%(field)s: %(problem)s",
                    field=field._description_string(records.env),
                    problem=problem,
                )
            )


def _problem(records, field, value):
    kind = field.type
    env = records.env
    if kind in MAX_LENGTH:
        return _text_problem(env, value, MAX_LENGTH[kind])
    if kind == "integer":
        if not _is_int(value) or not INTEGER_RANGE[0] <= value <= INTEGER_RANGE[1]:
            return env._(
                "a whole number from %(minimum)s to %(maximum)s is expected.",
                minimum=INTEGER_RANGE[0],
                maximum=INTEGER_RANGE[1],
            )
    elif kind in ("float", "monetary"):
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
            or abs(value) > FLOAT_LIMIT
        ):
            return env._("a number of a reasonable size is expected.")
    elif kind in ("date", "datetime"):
        return _date_problem(env, field, value)
    elif kind == "selection":
        if value != "" and not _in_selection(env, field, value):
            return env._("this is not one of the choices.")
    elif kind == "many2one":
        return _ids_problem(env, field, [value])
    elif kind in ("many2many", "one2many"):
        return _commands_problem(env, field, value)
    return None


def _text_problem(env, value, maximum):
    if not isinstance(value, str):
        return env._("a text is expected.")
    if FORBIDDEN_CHARACTERS.search(value):
        return env._(
            "the text holds characters that are not allowed (control characters, "
            "direction marks or bytes that are no text)."
        )
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return env._("the text holds characters that are not valid.")
    if len(value) > maximum:
        return env._(
            "the text is too long (%(length)s characters, at most %(maximum)s).",
            length=len(value),
            maximum=maximum,
        )
    return None


def _is_int(value):
    if isinstance(value, bool):
        return False
    if isinstance(value, float):
        return math.isfinite(value) and value.is_integer()
    return isinstance(value, int)


def _date_problem(env, field, value):
    convert = (
        fields.Date.to_date if field.type == "date" else fields.Datetime.to_datetime
    )
    try:
        converted = convert(value)
    except (TypeError, ValueError, OverflowError):
        converted = None
    if not converted or not 1900 <= converted.year <= 2999:
        return env._("this is not a valid date.")
    return None


def _in_selection(env, field, value):
    if not isinstance(value, str):
        return False
    return value in dict(field._description_selection(env))


def _ids_problem(env, field, ids):
    if not all(_is_int(value) and 0 <= value <= ID_MAX for value in ids):
        return env._("the record chosen does not exist.")
    wanted = {int(value) for value in ids if value}
    if wanted:
        found = env[field.comodel_name].sudo().browse(wanted).exists()
        if len(found) != len(wanted):
            return env._("the record chosen does not exist.")
    return None


def _commands_problem(env, field, commands):
    if not isinstance(commands, list | tuple):
        return env._("a list of records is expected.")
    ids = []
    for command in commands:
        if _is_int(command):
            ids.append(command)
            continue
        if not isinstance(command, list | tuple) or not command:
            return env._("a list of records is expected.")
        code = command[0]
        if code == 6:
            if len(command) < 3 or not isinstance(command[2], list | tuple):
                return env._("a list of records is expected.")
            ids.extend(command[2])
        elif code in (1, 2, 3, 4):
            if len(command) < 2:
                return env._("a list of records is expected.")
            ids.append(command[1])
        elif code not in (0, 5):
            return env._("a list of records is expected.")
    return _ids_problem(env, field, ids)
