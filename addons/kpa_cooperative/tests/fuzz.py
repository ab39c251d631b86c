"""The bounded fuzz pass of issue 9: bad input on every public and portal
route of an add-on, and on the API's create and write of its models.

Mixed into :class:`~.access_matrix.AccessMatrixCase`, whose network it uses.
The routes are read from the routing map (every route whose endpoint is
defined in the add-on's controllers, so new routes are covered without a
word here); their parameters from the endpoint's signature, the path's
converters and the fields of the forms that post to them. Each input is sent
alone (every other parameter valid) as an anonymous visitor and as a portal
member; each must get no 5xx, no traceback, and leave the add-ons' tables as
they were unless the request was accepted; a form refusing an input says so
in French. Each API input (JSON-RPC's values, through the server's RPC
dispatcher) must be refused with a clear error, unless the value is one a
field may hold, and then nothing changes.
"""

import html
import inspect
import json
import math
import re
import time
from collections import Counter
from dataclasses import dataclass
from urllib.parse import quote

from odoo import http
from odoo.exceptions import AccessDenied, AccessError, UserError
from odoo.modules.module import get_module_path
from odoo.tools import SQL, mute_logger
from odoo.tools.translate import PoFileReader

TRACEBACK_MARKERS = (
    "Traceback (most recent call last)",
    'File "/',
    "psycopg2.",
    "odoo.exceptions.",
)
# Classes of bad input on a route: (label, value as sent). Values are strings
# or bytes, as a browser sends them.
ROUTE_VALUES = [
    ("invalid UTF-8", b"\xff\xfe\xfd"),
    ("NUL", "a\x00b"),
    ("control chars", "a\x01\x1b[2Jb"),
    ("RTL mark", "\u202egpj.exe"),
    ("100 000 chars", "x" * 100_000),
    ("0", "0"),
    ("-1", "-1"),
    ("2**31", str(2**31)),
    ("2**63", str(2**63)),
    ("1e9", "1e9"),
    ("abc", "abc"),
    ("nan", "nan"),
    ("inf", "inf"),
    ("-inf", "-inf"),
    ("1e308", "1e308"),
    ("-0", "-0"),
    ("blank", ""),
    ("spaces", "   "),
    ("2025-02-30", "2025-02-30"),
    ("0000-00-00", "0000-00-00"),
    ("9999-99-99", "9999-99-99"),
]
# The values a route form may accept without writing garbage: an empty
# optional field, and in a free-text field every value but odd bytes and
# over-long strings ("abc" or "1e9" are fine comments).
HARMLESS_IN_OPTIONAL = {"blank", "spaces"}
BAD_TEXT = {"invalid UTF-8", "NUL", "control chars", "RTL mark", "100 000 chars"}
# In a URL, the over-long string is as long as servers and proxies take
# (8 000 characters); forms and the API get the 100 000 characters.
URL_LIMIT = 8000


@dataclass
class ApiValue:
    label: str
    value: object
    must_refuse: bool = True


TEXT_VALUES = [
    ApiValue("NUL", "a\x00b"),
    ApiValue("control chars", "a\x01\x1b[2Jb"),
    ApiValue("invalid UTF-8", "a\udcff\udcfe"),
    ApiValue("100 000 chars", "x" * 100_000),
]
NAME_VALUES = [
    *TEXT_VALUES,
    ApiValue("RTL mark", "\u202egpj.exe"),
    ApiValue("blank", "", must_refuse=False),
    ApiValue("spaces", "   ", must_refuse=False),
]
ID_VALUES = [
    ApiValue("0", 0, must_refuse=False),
    ApiValue("-1", -1),
    ApiValue("2**31", 2**31),
    ApiValue("2**63", 2**63),
    ApiValue("1e9", "1e9"),
    ApiValue("abc", "abc"),
]
API_VALUES = {
    "char": NAME_VALUES,
    "text": TEXT_VALUES,
    "html": TEXT_VALUES,
    "integer": [
        ApiValue("2**31", 2**31),
        ApiValue("2**63", 2**63),
        ApiValue("1e308", 1e308),
        ApiValue("nan", math.nan),
        ApiValue("abc", "abc"),
    ],
    "float": [
        ApiValue("nan", math.nan),
        ApiValue("inf", math.inf),
        ApiValue("-inf", -math.inf),
        ApiValue("1e308", 1e308),
        ApiValue("-0", -0.0, must_refuse=False),
        ApiValue("abc", "abc"),
    ],
    "date": [
        ApiValue("2025-02-30", "2025-02-30"),
        ApiValue("0000-00-00", "0000-00-00"),
        ApiValue("9999-99-99", "9999-99-99"),
        ApiValue("abc", "abc"),
    ],
    "datetime": [
        ApiValue("2025-02-30", "2025-02-30 10:00:00"),
        ApiValue("0000-00-00", "0000-00-00 00:00:00"),
        ApiValue("9999-99-99", "9999-99-99 99:99:99"),
        ApiValue("abc", "abc"),
    ],
    "selection": [ApiValue("abc", "abc"), ApiValue("blank", "", must_refuse=False)],
    "many2one": ID_VALUES,
    "many2many": [
        ApiValue("2**31", [[6, 0, [2**31]]]),
        ApiValue("-1", [[4, -1]]),
        ApiValue("abc", "abc"),
    ],
    "binary": [ApiValue("not base64", "%%% not base64 %%%", must_refuse=False)],
}
API_VALUES["monetary"] = API_VALUES["float"]
# The worst of each class, for create (write gets them all).
CREATE_LABELS = {"NUL", "100 000 chars", "2**31", "nan", "2025-02-30", "abc"}


@dataclass
class Finding:
    where: str  # route or model
    who: str
    what: str  # parameter or field
    value: str
    problem: str


class FuzzMixin:
    """The fuzz pass; see the module's docstring."""

    # === ENTRY POINT === #

    def _run_fuzz(self):
        started = time.monotonic()
        self._findings, self._inputs = [], Counter()
        self._our_tables = self._fuzz_tables()
        self._english = self._untranslated_sources()
        with mute_logger(
            "odoo.http",
            "odoo.sql_db",
            "odoo.models",
            "odoo.service.model",
            "odoo.addons.base.models.ir_rule",
            "werkzeug",
            "odoo.service.server",
        ):
            routes = self._fuzz_routes()
            models = self._fuzz_api()
        elapsed = time.monotonic() - started
        report = self._fuzz_report(routes, models, elapsed)
        self.assertTrue(sum(self._inputs.values()), "the fuzz pass tried no input")
        if self._findings:
            counts = Counter(
                (finding.where, finding.problem.split(":")[0])
                for finding in self._findings
            )
            summary = "\n".join(
                f"  {count:4} × {where}: {problem}"
                for (where, problem), count in sorted(counts.items())
            )
            self.fail(
                f"{len(self._findings)} of {sum(self._inputs.values())} bad inputs "
                f"to {self.matrix_module} went wrong (full list: {report}):\n{summary}"
            )

    def _fuzz_defaults(self):
        """{parameter name: a valid value} for the add-on's routes."""
        return {
            "slug": self.coops["A"].slug,
            "cooperative_id": self.coops["A"].id,
            "partner_id": self.people["A"].id,
        }

    # === ROUTES === #

    def _our_rules(self):
        prefix = f"odoo.addons.{self.matrix_module}.controllers"
        routing_map = self.env["ir.http"].routing_map()
        rules = [
            rule
            for rule in routing_map.iter_rules()
            if rule.endpoint.__module__.startswith(prefix)
            and rule.endpoint.routing.get("auth") in ("public", "user")
            and rule.endpoint.routing.get("type") == "http"
        ]
        return sorted(rules, key=lambda rule: rule.rule)

    def _fuzz_routes(self):
        rules = self._our_rules()
        forms = {}  # action path -> field names, from the pages seen
        done_params = set()  # (endpoint, parameter): fuzzed on one URL only
        tried = []
        for phase in ("get", "post"):
            for rule in rules:
                methods = rule.endpoint.routing.get("methods") or ["GET", "POST"]
                if phase == "get" and "GET" not in methods:
                    continue
                if phase == "post" and "POST" not in methods:
                    continue
                users = ["anonymous", "portal"]
                if rule.endpoint.routing["auth"] == "user":
                    users = ["portal"]
                    self._fuzz_anonymous_redirected(rule)
                before = self._inputs["route"]
                for user in users:
                    self._fuzz_login(user)
                    if phase == "get":
                        self._fuzz_get(rule, user, forms, done_params)
                    else:
                        self._fuzz_post(rule, user, forms)
                if self._inputs["route"] > before:
                    tried.append(
                        f"{phase.upper()} {rule.rule} ({', '.join(users)}): "
                        f"{self._inputs['route'] - before} inputs"
                    )
        self._fuzz_login("anonymous")
        return tried

    def _fuzz_login(self, user):
        if user == "anonymous":
            self.authenticate(None, None)
        else:
            self.authenticate(f"matrix_{user}", f"matrix-{user}")

    def _path_values(self, rule):
        defaults = self._fuzz_defaults()
        values = {}
        for name, converter in rule._converters.items():
            if name in defaults:
                values[name] = defaults[name]
            elif type(converter).__name__ == "IntegerConverter":
                values[name] = 1
            elif type(converter).__name__ == "ModelConverter":
                model = converter.model
                values[name] = self.env[model].sudo().search([], limit=1).id
            else:
                values[name] = "x"
        return values

    def _build(self, rule, values):
        """The URL of ``rule`` with ``values`` (already URL-safe strings)."""
        return re.sub(
            r"<(?:[^:<>]+:)?([^<>]+)>",
            lambda match: str(values[match.group(1)]),
            rule.rule,
        )

    @staticmethod
    def _quote(value):
        return quote(value, safe="")

    def _query_params(self, rule):
        """The named parameters of the endpoint that are not in its path."""
        signature = inspect.signature(rule.endpoint.func)
        return [
            name
            for name, parameter in signature.parameters.items()
            if parameter.kind
            in (parameter.POSITIONAL_OR_KEYWORD, parameter.KEYWORD_ONLY)
            and name not in rule._converters
        ]

    def _fuzz_get(self, rule, user, forms, done_params):
        path = self._path_values(rule)
        url = self._build(rule, path)
        self._fuzz_request(rule, user, "valid", "-", url, valid=True)
        response = self._last_response
        if response is not None and response.status_code == 200:
            for action, fields in self._forms_of(response.text).items():
                forms.setdefault(action, {}).update(fields)
        for name in rule._converters:
            for label, text in self._url_values():
                self._fuzz_request(
                    rule, user, name, label, self._build(rule, {**path, name: text})
                )
        # The endpoint's named parameters, and the fields of the forms that
        # get this page (a search form, for instance).
        names = self._query_params(rule) + sorted(
            set(forms.get(("get", url), {})) - set(self._query_params(rule))
        )
        for name in names:
            key = (rule.endpoint.func.__qualname__, name, user)
            if key in done_params:
                continue
            done_params.add(key)
            for label, text in self._url_values():
                self._fuzz_request(rule, user, name, label, f"{url}?{name}={text}")

    def _url_values(self):
        """The bad values, as they go in a URL."""
        for label, value in ROUTE_VALUES:
            if isinstance(value, bytes):
                yield label, "".join(f"%{byte:02X}" for byte in value)
            elif len(value) > URL_LIMIT:
                yield f"{URL_LIMIT} chars", self._quote(value[:URL_LIMIT])
            else:
                yield label, self._quote(value)

    def _fuzz_post(self, rule, user, forms):
        url = self._build(rule, self._path_values(rule))
        fields = forms.get(("post", url))
        if fields is None:
            if rule.endpoint.routing.get("methods") != ["POST"]:
                # A page, not the target of a form: its GET is fuzzed.
                return
            # No form of the add-on's pages posts here: its named parameters.
            fields = {name: ("", "text") for name in self._query_params(rule)}
        kinds = {name: kind for name, (_value, kind) in fields.items()}
        fields = {name: value for name, (value, _kind) in fields.items()}
        token = self._csrf_token()
        valid = {**fields, "csrf_token": token}
        if not self._fuzz_post_accepted(url, valid):
            self._finding(
                rule.rule, user, "-", "valid", "a valid submission is refused"
            )
        # Which fields a valid submission may leave empty.
        optional = set()
        for name in fields:
            if self._fuzz_post_accepted(
                url, {k: v for k, v in valid.items() if k != name}
            ):
                optional.add(name)
        for name in fields:
            for label, value in ROUTE_VALUES:
                data = {**valid, name: value}
                harmless = (label in HARMLESS_IN_OPTIONAL and name in optional) or (
                    kinds[name] == "text"
                    and label not in BAD_TEXT
                    and label not in HARMLESS_IN_OPTIONAL
                )
                self._fuzz_request(
                    rule, user, name, label, url, data=data, may_accept=harmless
                )

    def _fuzz_post_accepted(self, url, data):
        savepoint = self.env.cr.savepoint()
        try:
            response = self.url_open(url, data=data, allow_redirects=False)
            return response.status_code in (301, 302, 303)
        finally:
            savepoint.close(rollback=True)
            self.env.invalidate_all()

    def _csrf_token(self):
        response = self.url_open("/my", allow_redirects=True)
        match = re.search(r'name="csrf_token"\s+value="([^"]+)"', response.text)
        if match:
            return match.group(1)
        match = re.search(r'csrf_token:\s*"([^"]+)"', response.text)
        return match.group(1) if match else ""

    @staticmethod
    def _forms_of(text):
        """{action path: {field name: (valid value, kind)}} of the forms of a
        page: the values its inputs hold, or their first option; the kind of
        value a field takes: "choice" (options, radio buttons, hidden
        fields), "number", "date" or free "text"."""
        forms = {}
        for match in re.finditer(r"<form\b([^>]*)>(.*?)</form>", text, re.S):
            attributes, body = match.groups()
            action = re.search(r'\baction="([^"]+)"', attributes)
            if not action or not html.unescape(action.group(1)).startswith("/"):
                continue
            action = html.unescape(action.group(1))
            method = re.search(r'\bmethod="([^"]+)"', attributes)
            method = (method.group(1) if method else "get").lower()
            fields = {}
            for field_match in re.finditer(
                r"<(input|select|textarea)\b([^>]*)>(.*?)(?=<(?:input|select|textarea)\b|$)",
                body,
                re.S,
            ):
                tag, attributes, rest = field_match.groups()
                name = re.search(r'\bname="([^"]+)"', attributes)
                if not name or name.group(1) == "csrf_token":
                    continue
                kind = re.search(r'\btype="([^"]+)"', attributes)
                if kind and kind.group(1) in ("submit", "button"):
                    continue
                value = re.search(r'\bvalue="([^"]*)"', attributes)
                if tag == "select":
                    value = re.search(r'<option\b[^>]*\bvalue="([^"]+)"', rest)
                text_value = html.unescape(value.group(1)) if value else ""
                input_type = kind.group(1) if kind else ""
                if tag == "select" or input_type in ("radio", "checkbox", "hidden"):
                    field_kind = "choice"
                elif (
                    input_type == "number"
                    or re.search(r'\binputmode="(decimal|numeric)"', attributes)
                    or re.fullmatch(r"-?\d+([.,]\d+)?", text_value)
                ):
                    field_kind = "number"
                elif input_type == "date" or re.fullmatch(
                    r"\d{4}-\d{2}-\d{2}", text_value
                ):
                    field_kind = "date"
                else:
                    field_kind = "text"
                if input_type == "radio":
                    fields.setdefault(name.group(1), (text_value, field_kind))
                    continue
                fields[name.group(1)] = (text_value, field_kind)
            # Empty inputs get a valid value of their kind.
            for field_name, (field_value, field_kind) in list(fields.items()):
                if not field_value and field_kind == "text":
                    fields[field_name] = ("Valid input of the fuzz pass", "text")
                elif not field_value and field_kind == "number":
                    fields[field_name] = ("2", "number")
            forms[method, action.split("?")[0]] = fields
        return forms

    def _fuzz_anonymous_redirected(self, rule):
        """A portal route sends anonymous visitors to the login page."""
        self._fuzz_login("anonymous")
        self._fuzz_request(
            rule,
            "anonymous",
            "login",
            "none",
            self._build(rule, self._path_values(rule)),
        )

    def _fuzz_request(
        self, rule, user, name, label, url, data=None, valid=False, may_accept=False
    ):
        self._inputs["route"] += 1
        self._last_response = None
        before = self._tables_state()
        savepoint = self.env.cr.savepoint()
        try:
            response = self.url_open(url, data=data, allow_redirects=False, timeout=60)
        except Exception as error:  # noqa: BLE001 - a finding
            self._finding(rule.rule, user, name, label, f"no answer: {error!r}")
            savepoint.close(rollback=True)
            self.env.invalidate_all()
            return
        self._last_response = response
        after = self._tables_state()
        savepoint.close(rollback=True)
        self.env.invalidate_all()
        status = response.status_code
        body = (
            response.text if "text" in response.headers.get("Content-Type", "") else ""
        )
        if status >= 500:
            self._finding(rule.rule, user, name, label, f"server error: {status}")
        elif any(marker in body for marker in TRACEBACK_MARKERS):
            self._finding(rule.rule, user, name, label, "traceback in the page")
        if valid:
            return
        accepted = status in (301, 302, 303) and data is not None
        if after != before and not (accepted and may_accept):
            self._finding(
                rule.rule,
                user,
                name,
                label,
                "written: the input changed the add-ons' tables"
                + (" (accepted)" if accepted else ""),
            )
        if status == 200 and data is not None:
            english = self._english_in(body)
            if english:
                self._finding(
                    rule.rule, user, name, label, f"message not in French: {english!r}"
                )

    def _fuzz_tables(self):
        """The tables of the models of our add-ons."""
        return sorted(
            {
                model._table
                for name, model in self.env.registry.items()
                if name.startswith("kpa.")
                and not model._abstract
                and not model._transient
                and model._auto
            }
        )

    def _tables_state(self):
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "SELECT %s",
                SQL(", ").join(
                    SQL(
                        "(SELECT md5(coalesce(string_agg(t::text, ',' ORDER BY id), "
                        "'')) FROM %s t)",
                        SQL.identifier(table),
                    )
                    for table in self._our_tables
                ),
            )
        )
        return self.env.cr.fetchone()

    def _untranslated_sources(self):
        """English sources of our add-ons' messages (the part before their
        first placeholder), which a French page never shows."""
        sources = set()
        for module in self.env.registry._init_modules:
            if not module.startswith("kpa_"):
                continue
            path = get_module_path(module)
            try:
                reader = PoFileReader(f"{path}/i18n/fr.po")
            except OSError:
                continue
            for entry in reader:
                source = entry["src"].split("%(")[0].split("%s")[0].strip()
                if (
                    entry.get("value")
                    and entry["value"] != entry["src"]
                    and len(source) >= 30
                    and "<" not in source
                ):
                    sources.add(source)
        return sources

    def _english_in(self, body):
        text = html.unescape(body)
        for source in self._english:
            if source in text:
                return source
        return None

    # === API === #

    def _fuzz_api(self):
        specs = {spec.model: spec for spec in self.matrix_specs()}
        tried = []
        for model in sorted(specs):
            Model = self.env[model]
            if getattr(Model, "_original_module", None) != self.matrix_module:
                continue
            spec = specs[model]
            role, target = self._fuzz_writer(spec)
            if role is None:
                continue
            create = next((c for c in spec.creates if c.allowed(role)), None)
            fields = [
                name
                for name in self._writable_fields(model)
                if name not in spec.skip_fields
            ]
            for fname in fields:
                kind = Model._fields[fname].type
                for value in API_VALUES.get(kind, []):
                    self._fuzz_api_write(spec, target, role, fname, value)
                    if create and value.label in CREATE_LABELS:
                        self._fuzz_api_create(spec, create, role, fname, value)
            tried.append(
                f"{model} as {role.label} ({len(fields)} fields"
                + ("" if create else ", no create of this role")
                + ")"
            )
        return tried

    def _fuzz_writer(self, spec):
        """The first of the network manager, the host accountant and the
        coordinator of A who may write the model's first target."""
        for key in ("manager", "accountant", "coord_a"):
            role = self.matrix_roles[key]
            for target in spec.writes:
                if target.may(role):
                    return role, target
        return None, None

    def _json_rpc(self, role, model, method, args):
        """execute_kw through the server's RPC dispatcher, with the values a
        JSON-RPC client sends (JSON carries NUL, control characters and
        non-finite numbers)."""
        params = json.loads(
            json.dumps(
                [
                    self.env.cr.dbname,
                    self.users[role.key].id,
                    f"matrix-{role.key}",
                    model,
                    method,
                    args,
                    {"context": {"lang": "fr_FR"}},
                ]
            )
        )
        self.env.flush_all()
        self.env.cr.flush()
        self.env.cr.clear()
        try:
            return "ok", http.dispatch_rpc("object", "execute_kw", params), ""
        except Exception as error:  # noqa: BLE001 - classified below
            if isinstance(error, AccessError | UserError | AccessDenied):
                return "refused", None, str(error)
            return "crashed", None, f"{type(error).__name__}: {error}"[:300]

    def _fuzz_api_write(self, spec, target, role, fname, value):
        self._inputs["api write"] += 1
        savepoint = self.env.cr.savepoint()
        try:
            record = target.record(self, role)
            before = self._row(record, [fname])
            status, _result, message = self._json_rpc(
                role, spec.model, "write", [record.ids, {fname: value.value}]
            )
            after = self._row(record, [fname])
        finally:
            savepoint.close(rollback=True)
            self.env.invalidate_all()
        self._api_outcome(
            spec.model, role, f"write {fname}", value, status, message, before != after
        )

    def _fuzz_api_create(self, spec, create, role, fname, value):
        self._inputs["api create"] += 1
        savepoint = self.env.cr.savepoint()
        try:
            vals = self._marshal(create.vals(self, role))
            vals[fname] = value.value
            before = self._table_state(spec.model)
            status, _result, message = self._json_rpc(
                role, spec.model, "create", [vals]
            )
            after = self._table_state(spec.model)
        finally:
            savepoint.close(rollback=True)
            self.env.invalidate_all()
        self._api_outcome(
            spec.model, role, f"create {fname}", value, status, message, before != after
        )

    def _api_outcome(self, model, role, what, value, status, message, changed):
        """A crash, a refusal that wrote, a traceback in the message, or a
        bad value written, is a finding (an ignored one changed nothing)."""
        problem = None
        if status == "crashed":
            problem = f"crashed: {message}"
        elif status == "refused" and changed:
            problem = "written although refused"
        elif status == "refused" and any(m in message for m in TRACEBACK_MARKERS):
            problem = "traceback in the message"
        elif status == "ok" and changed and value.must_refuse:
            problem = "accepted: bad input written"
        if problem:
            self._finding(model, role.label, what, value.label, problem)

    # === REPORT === #

    def _finding(self, where, who, what, value, problem):
        problem = " ⏎ ".join(
            line.strip() for line in problem.splitlines() if line.strip()
        )
        self._findings.append(Finding(where, who, what, value, problem[:300]))

    def _fuzz_report(self, routes, models, elapsed):
        kinds = ", ".join(
            f"{count} {kind}" for kind, count in sorted(self._inputs.items())
        )
        lines = [
            f"Fuzz pass of {self.matrix_module}: {sum(self._inputs.values())} inputs "
            f"({kinds}), {len(self._findings)} went wrong, {elapsed:.0f} s",
            "",
            "Routes:",
            *(f"  {route}" for route in routes),
            "API (create and write):",
            *(f"  {model}" for model in models),
            "",
            f"What went wrong ({len(self._findings)}):",
            *(
                f"{f.where} | {f.who} | {f.what} | {f.value} | {f.problem}"
                for f in self._findings
            ),
        ]
        return self._write_log(f"fuzz-{self.matrix_module}.txt", "\n".join(lines))
