"""The engine of the access matrix (issue 9): every role against every model,
through Odoo's external API (XML-RPC ``execute_kw``, as any user can call it).

Each add-on declares, in its ``tests/test_access_matrix.py``, the spec of its
own models (:class:`ModelSpec`): which role may read, create, delete which
record, and the fields each role MAY write (a positive list: every other
writable field is a "must not" cell). The engine turns the specs into cells,
runs each cell as the role through XML-RPC, checks the database afterwards
with the superuser (read back after invalidation), prints the matrix and the
red cells, and writes them to ``.local/logs/``.

A cell expects ``allowed`` or ``refused``; what it gets is one of:

- ``allowed``: the call succeeded and did what it asked (the value changed,
  the record was created or deleted, the data was returned);
- ``refused``: the call was refused with a clear error (access, validation or
  user error) and the database did not change;
- ``ignored``: the call succeeded but changed nothing (a refusal without a
  message: the database is safe, the user is not told);
- ``hidden``: a read succeeded but did not return the data (a refusal too);
- ``crashed``: the server answered a traceback (an application error);
- ``leaked``: the call was refused but the database changed all the same.

A cell is green when it got what it expects: ``allowed`` for an allowed cell;
``refused``, ``hidden`` or ``ignored`` for a refused one (nothing was
changed nor shown). Every other outcome is red.
"""

import logging
import time
import xmlrpc.client
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

from odoo import Command, http
from odoo.modules.registry import Registry
from odoo.tests import HttpCase
from odoo.tools import SQL, mute_logger

from odoo.addons.account.tests.common import AccountTestInvoicingCommon
from odoo.addons.base.controllers.rpc import dumps as rpc_dumps
from odoo.addons.base.controllers.rpc import xmlrpc_handle_exception_int

from .fuzz import FuzzMixin

_logger = logging.getLogger(__name__)

ALLOWED = "allowed"
REFUSED = "refused"
ALL = "__all__"
GREEN = {
    ALLOWED: {"allowed"},
    REFUSED: {"refused", "hidden", "ignored"},
}
# Fields of Odoo's mail mixins, which no role writes as data of the record:
# who follows it (mail.followers), its scheduled activities (mail.activity)
# and its main attachment are guarded by mail's own access rules.
MAIL_PLUMBING = {
    "message_partner_ids",
    "message_main_attachment_id",
    "activity_type_id",
    "activity_summary",
}
LOG_FIELDS = {"id", "create_uid", "create_date", "write_uid", "write_date"}
PIXEL_PNG = (
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQ"
    "AAAABJRU5ErkJggg=="
)
REPOSITORY = Path(__file__).resolve().parents[3]
# {field type: callable(case, current value) -> another valid value}
NEW_VALUES = {
    "char": lambda case, current: f"{current or ''} (changed)".strip(),
    "text": lambda case, current: "Changed by the access matrix.",
    "html": lambda case, current: "<p>Changed by the access matrix.</p>",
    "boolean": lambda case, current: not current,
    "integer": lambda case, current: (current or 0) + 1,
    "float": lambda case, current: (current or 0.0) + 1.5,
    "monetary": lambda case, current: (current or 0.0) + 1.5,
    "date": lambda case, current: (current or case.today) + timedelta(days=1),
    "datetime": lambda case, current: (current or datetime(2025, 1, 15, 9, 0))
    + timedelta(hours=1),
    "binary": lambda case, current: PIXEL_PNG,
    "image": lambda case, current: PIXEL_PNG,
    "json": lambda case, current: {"matrix": 1},
    "properties": lambda case, current: [],
    "reference": lambda case, current: False,
}

# === THE NETWORK OF THE MATRIX === #

# Two host structures, two cooperatives each. Q has no member yet: its
# founders are admitted by the network manager.
HOST_OF = {"A": "H1", "B": "H1", "P": "H2", "Q": "H2"}


@dataclass(frozen=True)
class Role:
    """A row of the matrix: a user and what the rules of issue 9 give them."""

    key: str
    label: str
    groups: str = ""  # xml ids of the user's groups, comma-separated
    hosts: frozenset = frozenset()  # host structures the user may access
    kinds: frozenset = frozenset()  # portal, member, coordinator, manager, ...
    member_of: frozenset = frozenset()  # cooperatives of their current memberships
    former_of: frozenset = frozenset()  # cooperatives they left
    coordinates: frozenset = frozenset()
    home: str = "A"  # the cooperative whose records its field writes target

    @property
    def anonymous(self):
        return "public" in self.kinds

    @property
    def internal(self):
        return not self.anonymous and "portal" not in self.kinds

    @property
    def other(self):
        """Another cooperative of the same host as ``home``."""
        return {"A": "B", "B": "A", "P": "Q", "Q": "P"}[self.home]

    @property
    def foreign(self):
        """A cooperative of the other host structure."""
        return "P" if HOST_OF[self.home] == "H1" else "A"

    def reaches(self, coop):
        """The user may access the host structure of ``coop``."""
        return HOST_OF[coop] in self.hosts

    def is_manager(self, coop):
        return "manager" in self.kinds and self.reaches(coop)

    def is_accountant(self, coop):
        return "accountant" in self.kinds and self.reaches(coop)

    def is_staff(self, coop):
        """The host's staff: its network managers and accountants."""
        return self.is_manager(coop) or self.is_accountant(coop)

    def is_coordinator(self, coop):
        return coop in self.coordinates

    def is_member(self, coop):
        return coop in self.member_of

    def acts_in(self, coop):
        """The cooperatives a user acts in: those they coordinate, and all
        those of their hosts for a network manager."""
        return self.is_coordinator(coop) or self.is_manager(coop)


def _roles():
    h1, h2 = frozenset({"H1"}), frozenset({"H2"})
    coordinator = "kpa_cooperative.group_kpa_coordinator"
    manager = "kpa_cooperative.group_kpa_manager"
    accountant = "kpa_cooperative.group_kpa_accountant"
    roles = [Role("anonymous", "anonymous (public)", kinds=frozenset({"public"}))]
    for suffix, hosts, own, other, host_label in (
        ("", h1, "A", "B", "H1"),
        ("_2", h2, "P", "Q", "H2"),
    ):
        roles += [
            Role(
                f"portal{suffix}",
                f"portal member of {own}",
                "base.group_portal",
                hosts,
                frozenset({"portal", "member"}),
                member_of=frozenset({own}),
                home=own,
            ),
            Role(
                f"member{suffix}",
                f"backend member of {own}",
                "base.group_user",
                hosts,
                frozenset({"member"}),
                member_of=frozenset({own}),
                home=own,
            ),
            Role(
                f"coord_{own.lower()}",
                f"coordinator of {own}",
                coordinator,
                hosts,
                frozenset({"coordinator"}),
                coordinates=frozenset({own}),
                home=own,
            ),
            Role(
                f"coord_{other.lower()}",
                f"coordinator of {other}",
                coordinator,
                hosts,
                frozenset({"coordinator"}),
                coordinates=frozenset({other}),
                home=own,
            ),
            Role(
                f"accountant{suffix}",
                f"host accountant of {host_label}",
                accountant,
                hosts,
                frozenset({"accountant"}),
                home=own,
            ),
            Role(
                f"manager{suffix}",
                f"network manager of {host_label}",
                manager,
                hosts,
                frozenset({"manager"}),
                home=own,
            ),
        ]
        if not suffix:
            # Someone who left A: what membership gave them goes with it.
            roles.insert(
                3,
                Role(
                    "former",
                    "former member of A",
                    "base.group_user",
                    hosts,
                    frozenset({"former"}),
                    former_of=frozenset({own}),
                    home=own,
                ),
            )
    roles.append(
        Role(
            "both",
            "manager and accountant of H1 and H2",
            f"{manager},{accountant}",
            h1 | h2,
            frozenset({"manager", "accountant"}),
            home="A",
        )
    )
    return tuple(roles)


ROLES = _roles()
ROLE_BY_KEY = {role.key: role for role in ROLES}
# The person each cooperative's records are about (a member without a user).
PEOPLE = {"A": "Bob Matrix", "B": "Dina Matrix", "P": "Pierre Matrix"}

# === SPECS === #


@dataclass
class Create:
    """A create cell: ``vals(case, role)`` made by the role, expected allowed
    when ``allowed(role)``. With ``then``, that method is called on the new
    record too (a wizard's confirmation), and ``done(case, record)`` tells
    whether it did its job."""

    label: str
    vals: object
    allowed: object
    then: str = ""
    done: object = None


@dataclass
class Call:
    """A call of a public method (a flow): ``method`` on ``record(case,
    role)`` with ``args``, expected allowed when ``allowed(role)``;
    ``done(case, record)`` tells whether it did something (read back with the
    superuser). ``model`` defaults to the spec's."""

    label: str
    record: object
    method: str
    allowed: object
    done: object
    args: tuple = ()
    kwargs: dict = field(default_factory=dict)
    model: str = ""


@dataclass
class WriteTarget:
    """The record a role's field writes go to (``record(case, role)``) and the
    fields the role MAY write there (``may(role)``: a set, or ALL)."""

    label: str
    record: object
    may: object


@dataclass
class Move:
    """The write of a field that takes a record into another cooperative,
    tried towards ``role.other`` and ``role.foreign``: expected allowed when
    ``allowed(role, destination)``. ``value(case, destination)`` gives the
    value (the cooperative's id by default), ``record(case, role)`` the
    record (the write target's by default)."""

    allowed: object
    value: object = None
    record: object = None


@dataclass
class ModelSpec:
    """What the rules of issue 9 give each role on one model.

    - ``records``: {subject: callable(case, role) -> record} read and deleted;
    - ``read(role, subject)``, ``unlink(role, subject)``: expected allowed?
    - ``creates``: :class:`Create` cells;
    - ``writes``: :class:`WriteTarget`; a cell per writable field of the
      model (stored, or with an inverse), allowed when in ``may(role)``;
    - ``moves``: {field: :class:`Move`}, the writes of that field that take
      the record into another cooperative (instead of a plain write cell);
    - ``values``: {field: callable(case, record, role) -> new value} when the
      generic new value would not be a valid one;
    - ``field_reads``: {field: callable(role, subject) -> allowed?}, the read
      of that field on each record of ``records``;
    - ``calls``: :class:`Call` cells (flows);
    - ``skip_fields``: fields that are not cells, each with its reason.
    """

    model: str
    records: dict
    read: object
    unlink: object
    creates: list = field(default_factory=list)
    writes: list = field(default_factory=list)
    moves: dict = field(default_factory=dict)
    values: dict = field(default_factory=dict)
    field_reads: dict = field(default_factory=dict)
    calls: list = field(default_factory=list)
    skip_fields: dict = field(default_factory=dict)


@dataclass
class Cell:
    model: str
    role: Role
    column: str  # read, unlink, create, write, move, read field, call
    detail: str  # subject, field or label
    expected: str
    run: object = None
    got: str = ""
    message: str = ""

    @property
    def green(self):
        return self.got in GREEN[self.expected]


class AccessMatrixCase(FuzzMixin, AccountTestInvoicingCommon, HttpCase):
    """Two host structures (H1: cooperatives A and B; H2: P and Q), a user
    per role of :data:`ROLES` (password ``matrix-<key>``), the members each
    cooperative's records are about, and the website of H1, in French.
    Subclasses add their records in ``_setup_matrix_records`` and declare
    their specs in ``matrix_specs``; ``_run_matrix`` runs the matrix,
    ``_run_fuzz`` (fuzz.py) the fuzz pass."""

    matrix_module = "kpa_cooperative"
    matrix_roles = ROLE_BY_KEY
    # Every cell goes through the server's XML-RPC entry point (decoding,
    # login check, execute_kw, error codes, encoding) in the test's process;
    # every Nth cell, and every anonymous one, also through XML-RPC over HTTP,
    # which must answer the same.
    matrix_http_every = 50
    _rpc_count = 0
    _over_http = False

    @classmethod
    def get_default_groups(cls):
        return super().get_default_groups() | cls.env.ref(
            "kpa_cooperative.group_kpa_manager"
        )

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, lang="en_US"))
        cls.env["res.lang"]._activate_lang("en_US")
        cls.env.user.lang = "en_US"
        h1 = cls.company_data["company"]
        h1.name = "Host North (matrix)"
        h2 = cls.setup_other_company(name="Host Poitou (matrix)")["company"]
        cls.hosts = {"H1": h1, "H2": h2}
        cls.today = date.today()
        french = cls.env["res.lang"]._activate_lang("fr_FR")
        cls.env.ref("website.default_website").sudo().write(
            {
                "company_id": h1.id,
                "language_ids": [Command.set(french.ids)],
                "default_lang_id": french.id,
            }
        )
        cls._setup_matrix_users()
        cls._setup_matrix_network()
        cls._setup_matrix_records()
        cls.env.flush_all()

    @classmethod
    def _setup_matrix_users(cls):
        vals_list = []
        for role in ROLES:
            if role.anonymous:
                continue
            companies = [cls.hosts[host] for host in sorted(role.hosts)]
            vals_list.append(
                {
                    "name": f"{role.label.capitalize()} (matrix)",
                    "login": f"matrix_{role.key}",
                    "password": f"matrix-{role.key}",
                    "email": f"matrix.{role.key}@example.com",
                    "lang": "en_US",
                    "tz": "Europe/Paris",
                    "company_id": companies[0].id,
                    "company_ids": [Command.set([c.id for c in companies])],
                    "groups_id": [
                        Command.set(
                            [cls.env.ref(xmlid).id for xmlid in role.groups.split(",")]
                        )
                    ],
                }
            )
        users = (
            cls.env["res.users"]
            .with_context(no_reset_password=True, mail_create_nosubscribe=True)
            .create(vals_list)
        )
        cls.users = dict(
            zip([r.key for r in ROLES if not r.anonymous], users.sudo(), strict=True)
        )
        cls.users["anonymous"] = cls.env.ref("base.public_user").sudo()

    @classmethod
    def _setup_matrix_network(cls):
        Cooperative = cls.env["kpa.cooperative"]
        coordinators = defaultdict(list)
        for role in ROLES:
            for coop in role.coordinates:
                coordinators[coop].append(cls.users[role.key].id)
        cls.coops = dict(
            zip(
                "ABPQ",
                Cooperative.create(
                    [
                        {
                            "name": f"Coop {key} (matrix)",
                            "company_id": cls.hosts[HOST_OF[key]].id,
                            "state": "active" if key != "Q" else "launching",
                            "host_fee_rate": 10.0,
                            "coordinator_ids": [Command.set(coordinators[key])],
                            "is_published": True,
                            "short_description": f"Cooperative {key} of the matrix",
                        }
                        for key in "ABPQ"
                    ]
                ),
                strict=True,
            )
        )
        # The people the records are about: members without a user, with
        # contact details, a birthdate and their consent to a public profile.
        people = cls.env["res.partner"].create(
            [
                {
                    "name": name,
                    "email": f"{name.split()[0].lower()}.private@example.com",
                    "phone": f"+33 6 00 00 00 0{index}",
                    "kpa_birthdate": date(1980 + index, 3, 2),
                    "kpa_public_profile": True,
                }
                for index, name in enumerate(PEOPLE.values(), start=1)
            ]
        )
        cls.people = dict(zip(PEOPLE, people, strict=True))
        # The member rows' own partners need a birthdate to be members.
        for role in ROLES:
            if role.member_of or role.former_of:
                cls.users[role.key].partner_id.kpa_birthdate = date(1995, 6, 1)
        Membership = cls.env["kpa.membership"]
        vals_list = [
            {
                "partner_id": partner.id,
                "cooperative_id": cls.coops[coop].id,
                "state": "member",
                "date_start": date(2024, 1, 15),
            }
            for coop, partner in cls.people.items()
        ]
        owners = []
        for role in ROLES:
            for coop in role.member_of | role.former_of:
                owners.append(role.key)
                vals_list.append(
                    {
                        "partner_id": cls.users[role.key].partner_id.id,
                        "cooperative_id": cls.coops[coop].id,
                        "state": "member",
                        "date_start": date(2024, 2, 1),
                    }
                )
        memberships = Membership.create(vals_list)
        cls.memberships = dict(zip(PEOPLE, memberships[: len(PEOPLE)], strict=True))
        cls.own_memberships = dict(zip(owners, memberships[len(PEOPLE) :], strict=True))
        # The former member left A (their own wish).
        cls.own_memberships["former"]._close(
            "left", date(2024, 9, 1), "Moved to another town."
        )

    @classmethod
    def _setup_matrix_records(cls):
        """Create the records the module's specs are about."""

    # === SPECS (each module declares its own) === #

    def matrix_specs(self):
        return []

    # === THE TEST === #

    def _run_matrix(self):
        started = time.monotonic()
        cells = []
        for spec in self.matrix_specs():
            cells += self._plan(spec)
        self.assertTrue(cells, "the matrix has no cell")
        self._rpc_count = 0
        self._over_http = False
        over_http = 0
        with mute_logger(
            "odoo.http",
            "odoo.models",
            "odoo.models.unlink",
            "odoo.sql_db",
            "odoo.addons.base.models.ir_rule",
            "odoo.service.model",
        ):
            for index, cell in enumerate(cells):
                self._exercise(cell)
                if cell.role.anonymous or not index % self.matrix_http_every:
                    # The same cell again, through XML-RPC over HTTP: both
                    # ways must get the same answer.
                    got, message = cell.got, cell.message
                    self._over_http = True
                    try:
                        self._exercise(cell)
                    finally:
                        self._over_http = False
                    over_http += 1
                    if cell.got != got:
                        cell.message = (
                            f"over HTTP: {cell.got} ({cell.message}); "
                            f"in process: {got} ({message})"
                        )
                        cell.got = "transport mismatch"
        unexercised = [cell for cell in cells if not cell.got]
        self.assertFalse(unexercised, "every cell is exercised")
        elapsed = time.monotonic() - started
        report = self._report(cells, elapsed, over_http)
        red = [cell for cell in cells if not cell.green]
        if red:
            counts = Counter(
                (cell.model, cell.column, cell.expected, cell.got) for cell in red
            )
            summary = "\n".join(
                f"  {count:4} × {model} {column}: expected {expected}, got {got}"
                for (model, column, expected, got), count in sorted(counts.items())
            )
            self.fail(
                f"{len(red)} of {len(cells)} cells of the access matrix of "
                f"{self.matrix_module} are red (full list: {report}):\n{summary}"
            )

    # === PLANNING === #

    def _writable_fields(self, model):
        """Fields a write can change: stored ones (but log fields and mail's
        plumbing), and the others that have an inverse."""
        Model = self.env[model]
        names = []
        for name, fld in Model._fields.items():
            if name in LOG_FIELDS or name in MAIL_PLUMBING:
                continue
            if fld.type == "one2many":
                continue
            if fld.store or fld.inverse or (fld.related and not fld.readonly):
                names.append(name)
        return names

    def _plan(self, spec):
        model = spec.model
        Model = self.env[model]
        for name in spec.skip_fields:
            self.assertIn(name, Model._fields, f"{model}: unknown field {name}")
        writable = [
            name
            for name in self._writable_fields(model)
            if name not in spec.skip_fields
        ]
        cells = []
        for role in ROLES:
            if role.anonymous:
                cells += self._plan_anonymous(spec, role, writable)
                continue
            for subject, record in spec.records.items():
                cells.append(
                    Cell(
                        model,
                        role,
                        "read",
                        subject,
                        self._expect(spec.read(role, subject)),
                        run=self._cell_read(model, record, role),
                    )
                )
                for fname, rule in spec.field_reads.items():
                    cells.append(
                        Cell(
                            model,
                            role,
                            f"read {fname}",
                            subject,
                            self._expect(rule(role, subject)),
                            run=self._cell_read_field(model, record, fname, role),
                        )
                    )
            for create in spec.creates:
                cells.append(
                    Cell(
                        model,
                        role,
                        "create",
                        create.label,
                        self._expect(create.allowed(role)),
                        run=self._cell_create(model, create, role),
                    )
                )
            for subject, record in spec.records.items():
                cells.append(
                    Cell(
                        model,
                        role,
                        "unlink",
                        subject,
                        self._expect(spec.unlink(role, subject)),
                        run=self._cell_unlink(model, record, role),
                    )
                )
            for target in spec.writes:
                may = target.may(role)
                for fname in writable:
                    if fname in spec.moves:
                        continue
                    cells.append(
                        Cell(
                            model,
                            role,
                            "write",
                            f"{fname} [{target.label}]",
                            self._expect(may == ALL or fname in may),
                            run=self._cell_write(spec, target, fname, role),
                        )
                    )
            for fname, move in spec.moves.items():
                target = spec.writes[0]
                for where in ("other", "foreign"):
                    destination = getattr(role, where)
                    cells.append(
                        Cell(
                            model,
                            role,
                            "move",
                            f"{fname}→{where}",
                            self._expect(move.allowed(role, destination)),
                            run=self._cell_move(
                                model, target, fname, move, destination, role
                            ),
                        )
                    )
            for call in spec.calls:
                cells.append(
                    Cell(
                        model,
                        role,
                        "call",
                        call.label,
                        self._expect(call.allowed(role)),
                        run=self._cell_call(model, call, role),
                    )
                )
        return cells

    def _plan_anonymous(self, spec, role, writable):
        """Anonymous visitors have no login: each operation of the model is
        tried once with the public user and no password."""
        model = spec.model
        create = (
            spec.creates[0]
            if spec.creates
            else Create("any", lambda case, role: {}, None)
        )
        cells = [
            Cell(
                model,
                role,
                "create",
                "any",
                REFUSED,
                run=self._cell_create(model, Create("any", create.vals, None), role),
            )
        ]
        if spec.records:
            some = next(iter(spec.records.values()))
            cells += [
                Cell(
                    model,
                    role,
                    "read",
                    "any",
                    REFUSED,
                    run=self._cell_read(model, some, role),
                ),
                Cell(
                    model,
                    role,
                    "unlink",
                    "any",
                    REFUSED,
                    run=self._cell_unlink(model, some, role),
                ),
            ]
        for target in spec.writes:
            cells.append(
                Cell(
                    model,
                    role,
                    "write",
                    f"every field [{target.label}]",
                    REFUSED,
                    run=self._cell_write_all(spec, target, writable, role),
                )
            )
        return cells

    @staticmethod
    def _expect(allowed):
        return ALLOWED if allowed else REFUSED

    # === RUNNING === #

    def _rpc(self, role, model, method, args, kwargs=None):
        """Call ``execute_kw`` as ``role``: ("ok", result, "") or ("fault",
        code, message), as an XML-RPC client reads the answer."""
        user = self.users[role.key]
        password = "" if role.anonymous else f"matrix-{role.key}"
        params = (
            self.env.cr.dbname,
            user.id,
            password,
            model,
            method,
            self._marshal(args),
            self._marshal(kwargs or {}),
        )
        self._rpc_count += 1
        if self._over_http:
            try:
                result = self.xmlrpc_object.execute_kw(*params)
            except xmlrpc.client.Fault as fault:
                return "fault", fault.faultCode, fault.faultString
            return "ok", result, ""
        # What the server's /xmlrpc/2/object route does with the request,
        # without its HTTP framing: the same decoding, dispatcher (login check
        # with the password, then execute_kw), error codes and encoding.
        data = xmlrpc.client.dumps(params, "execute_kw", allow_none=False)
        self.env.flush_all()
        self.env.cr.flush()
        self.env.cr.clear()
        decoded, name = xmlrpc.client.loads(data, use_datetime=True)
        try:
            response = rpc_dumps((http.dispatch_rpc("object", name, decoded),))
        except Exception as error:  # noqa: BLE001 - encoded as the route does
            response = xmlrpc_handle_exception_int(error)
        try:
            (result,), _name = xmlrpc.client.loads(response)
        except xmlrpc.client.Fault as fault:
            return "fault", fault.faultCode, fault.faultString
        return "ok", result, ""

    def _exercise(self, cell):
        """Run one cell in a savepoint of the test's transaction (which the
        server's requests share), then roll everything back."""
        registry = Registry(self.env.cr.dbname)
        cleared = []
        original_clear = type(registry).clear_cache

        def clear_cache(registry_self, *names):
            cleared.append(names)
            return original_clear(registry_self, *names)

        # Reads change nothing: no savepoint to roll back.
        savepoint = (
            self.env.cr.savepoint() if not cell.column.startswith("read") else None
        )
        try:
            type(registry).clear_cache = clear_cache
            cell.got, cell.message = cell.run()
        except Exception as error:  # noqa: BLE001 - reported as a red cell
            cell.got, cell.message = "crashed", f"test error: {error!r}"
            _logger.warning(
                "access matrix: %s %s %s %s: %r",
                cell.model,
                cell.role.key,
                cell.column,
                cell.detail,
                error,
            )
        finally:
            type(registry).clear_cache = original_clear
            if savepoint:
                savepoint.close(rollback=True)
            self.env.invalidate_all()
            if cleared:
                # Caches filled during the cell may describe what was just
                # rolled back (a user's groups, for instance).
                registry.clear_cache(*{name for names in cleared for name in names})

    @staticmethod
    def _fault_outcome(code, message):
        lines = [line.strip() for line in (message or "").splitlines() if line.strip()]
        if code == 1:
            return "crashed", (lines[-1] if lines else "")[:300]
        return "refused", (lines[0] if lines else "")[:300]

    # --- snapshots, read with the superuser after invalidation ---

    def _sudo(self, record):
        self.env.flush_all()
        self.env.invalidate_all()
        return record.with_env(self.env(su=True))

    def _row(self, record, fnames=()):
        """The record's row in the database (None once deleted), with the
        links of the many2many fields among ``fnames`` and the value of those
        that are not stored (related fields write elsewhere)."""
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "SELECT to_jsonb(t) FROM %s t WHERE id = %s",
                SQL.identifier(record._table),
                record.id,
            )
        )
        row = self.env.cr.fetchone()
        extra = {}
        for fname in fnames:
            fld = record._fields[fname]
            if fld.type == "many2many" and fld.store:
                self.env.cr.execute(
                    SQL(
                        "SELECT array_agg(%s ORDER BY %s) FROM %s WHERE %s = %s",
                        SQL.identifier(fld.column2),
                        SQL.identifier(fld.column2),
                        SQL.identifier(fld.relation),
                        SQL.identifier(fld.column1),
                        record.id,
                    )
                )
                extra[fname] = self.env.cr.fetchone()[0]
            elif (not fld.store or getattr(fld, "attachment", False)) and row:
                # Related fields write elsewhere, images in attachments.
                extra[fname] = self._value(record, fname)
        return (row and row[0], extra)

    @staticmethod
    def _changed(before, after, fnames):
        """Whether the fields ``fnames`` changed between two ``_row``."""
        (row_before, extra_before), (row_after, extra_after) = before, after
        for fname in fnames:
            if fname in extra_before:
                if extra_before[fname] != extra_after.get(fname):
                    return True
            elif (row_before or {}).get(fname) != (row_after or {}).get(fname):
                return True
        return False

    def _table_state(self, model):
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "SELECT count(*), coalesce(max(id), 0) FROM %s",
                SQL.identifier(self.env[model]._table),
            )
        )
        return self.env.cr.fetchone()

    def _value(self, record, fname):
        """A comparable value of a field, read with the superuser."""
        value = self._sudo(record)[fname]
        fld = record._fields[fname]
        if fld.type in ("many2one", "many2many", "one2many"):
            return tuple(sorted(value.ids))
        if fld.type == "binary":
            return value and len(value)
        return value

    # --- the cells ---

    def _cell_read(self, model, record_getter, role):
        def run():
            record = record_getter(self, role)
            name = record._rec_name or "id"
            status, result, message = self._rpc(
                role, model, "read", [record.ids, [name]]
            )
            if status == "fault":
                return self._fault_outcome(result, message)
            if result and result[0].get("id") == record.id:
                return "allowed", ""
            return "hidden", f"read returned {result!r}"

        return run

    def _cell_read_field(self, model, record_getter, fname, role):
        def run():
            record = record_getter(self, role)
            actual = self._sudo(record)[fname]
            self.assertTrue(actual, f"{record}: {fname} must hold a value to hide")
            status, result, message = self._rpc(
                role, model, "read", [record.ids, [fname]]
            )
            if status == "fault":
                return self._fault_outcome(result, message)
            value = result[0].get(fname) if result else None
            expected = record._fields[fname].convert_to_read(
                actual, record, use_display_name=False
            )
            if isinstance(expected, date):
                expected = expected.isoformat()
            if value and value == expected:
                return "allowed", ""
            return "hidden", f"read returned {value!r}"

        return run

    def _cell_create(self, model, create, role):
        def run():
            vals = self._marshal(create.vals(self, role))
            before = self._table_state(model)
            status, result, message = self._rpc(role, model, "create", [vals])
            if status == "ok" and create.then:
                # A wizard: what counts is what its confirmation did.
                record = self.env[model].browse(result)
                status, result, message = self._rpc(
                    role, model, create.then, [record.ids]
                )
                done = create.done(self, self._sudo(record))
                if status == "fault":
                    outcome, text = self._fault_outcome(result, message)
                    return (
                        "leaked" if done and outcome == "refused" else outcome
                    ), text
                return (
                    ("allowed", "")
                    if done
                    else ("ignored", f"{create.then} did nothing")
                )
            after = self._table_state(model)
            if status == "fault":
                outcome, text = self._fault_outcome(result, message)
                if outcome == "refused" and after != before:
                    return "leaked", text
                return outcome, text
            if self._sudo(self.env[model].browse(result)).exists():
                return "allowed", ""
            return "ignored", f"create returned {result!r}"

        return run

    def _cell_unlink(self, model, record_getter, role):
        def run():
            record = record_getter(self, role)
            before = self._row(record)
            status, result, message = self._rpc(role, model, "unlink", [record.ids])
            after = self._row(record)
            if status == "fault":
                outcome, text = self._fault_outcome(result, message)
                if outcome == "refused" and after != before:
                    return "leaked", text
                return outcome, text
            if after[0] is None:
                return "allowed", ""
            return "ignored", "unlink returned but the record is still there"

        return run

    def _cell_write(self, spec, target, fname, role):
        def run():
            record = target.record(self, role)
            value = self._new_value(spec, record, fname, role)
            return self._write_and_check(spec.model, record, {fname: value}, role)

        return run

    def _cell_move(self, model, target, fname, move, destination, role):
        def run():
            record = (move.record or target.record)(self, role)
            value = (
                move.value(self, destination)
                if move.value
                else self.coops[destination].id
            )
            return self._write_and_check(model, record, {fname: value}, role)

        return run

    def _cell_write_all(self, spec, target, writable, role):
        def run():
            record = target.record(self, role)
            vals = {
                fname: self._new_value(spec, record, fname, role)
                for fname in writable
                if fname not in spec.moves
            }
            return self._write_and_check(spec.model, record, vals, role)

        return run

    def _write_and_check(self, model, record, vals, role):
        fnames = list(vals)
        before = self._row(record, fnames)
        status, result, message = self._rpc(role, model, "write", [record.ids, vals])
        after = self._row(record, fnames)
        if status == "fault":
            outcome, text = self._fault_outcome(result, message)
            if outcome == "refused" and after != before:
                return "leaked", text
            return outcome, text
        if self._changed(before, after, fnames):
            return "allowed", ""
        return "ignored", "write returned but the value did not change"

    def _cell_call(self, model, call, role):
        def run():
            record = call.record(self, role)
            before = self._row(record)
            args = call.args(self, role) if callable(call.args) else call.args
            status, result, message = self._rpc(
                role,
                call.model or model,
                call.method,
                [record.ids, *self._marshal(list(args))],
                self._marshal(dict(call.kwargs)),
            )
            if status == "fault":
                outcome, text = self._fault_outcome(result, message)
                if outcome == "refused" and self._row(record) != before:
                    return "leaked", text
                return outcome, text
            if call.done(self, self._sudo(record)):
                return "allowed", ""
            return "ignored", f"{call.method} returned {result!r} and did nothing"

        return run

    # === VALUES === #

    def _marshal(self, value):
        """Values as XML-RPC carries them."""
        if isinstance(value, dict):
            return {key: self._marshal(item) for key, item in value.items()}
        if isinstance(value, list | tuple):
            return [self._marshal(item) for item in value]
        if isinstance(value, datetime):
            return value.strftime("%Y-%m-%d %H:%M:%S")
        if isinstance(value, date):
            return value.isoformat()
        if value is None:
            return False
        if isinstance(value, Command):
            return int(value)
        if hasattr(value, "_name") and hasattr(value, "ids"):
            return value.id if len(value) == 1 else value.ids
        return value

    def _new_value(self, spec, record, fname, role):
        """A valid value, different from the current one."""
        if fname in spec.values:
            return spec.values[fname](self, record, role)
        fld = record._fields[fname]
        current = record.with_env(self.env(su=True))[fname]
        if fld.type in ("many2one", "many2many"):
            if fld.comodel_name == "payment.transaction":
                return [Command.link(self._matrix_transaction(record).id)]
            other = self._other_record(record, fld, current)
            if fld.type == "many2one":
                return other.id
            return [Command.set((current | other).ids)]
        if fld.type == "selection":
            values = [
                value
                for value, _label in fld._description_selection(self.env)
                if value != current
            ]
            return values[0] if values else False
        if fld.type == "char" and "email" in fname:
            return "matrix.changed@example.com"
        new_value = NEW_VALUES.get(fld.type)
        self.assertTrue(new_value, f"{record._name}.{fname}: no value for {fld.type}")
        return new_value(self, current)

    def _other_record(self, record, fld, current):
        """Another record of the field's comodel: of the record's host when
        the comodel belongs to companies, else any other one, else a new one
        (rolled back with the cell)."""
        Comodel = self.env[fld.comodel_name].with_env(self.env(su=True))
        domain = [("id", "not in", current.ids)]
        company = self._sudo(record)["company_id"] if "company_id" in record else None
        if "company_id" in Comodel._fields and company:
            other = Comodel.search(
                [*domain, ("company_id", "in", [company.id, False])], limit=1
            )
            if other:
                return other
        other = Comodel.search(domain, limit=1)
        if not other and "name" in Comodel._fields:
            with self.env.cr.savepoint():
                other = Comodel.create({"name": f"Matrix {fld.name}"})
        self.assertTrue(other, f"{record._name}.{fld.name}: give its value in the spec")
        return other

    def _matrix_transaction(self, record):
        """A payment transaction of the record's partner (payment is there
        with kpa_marketplace), rolled back with the cell."""
        provider = self.env["payment.provider"].sudo().search([], limit=1)
        return (
            self.env["payment.transaction"]
            .sudo()
            .create(
                {
                    "provider_id": provider.id,
                    "payment_method_id": provider.payment_method_ids[:1].id
                    or self.env.ref("payment.payment_method_unknown").id,
                    "reference": f"MATRIX-{record._name}-{record.id}",
                    "amount": 1.0,
                    "currency_id": record.currency_id.id,
                    "partner_id": record.partner_id.id,
                }
            )
        )

    # === REPORT === #

    def _report(self, cells, elapsed, over_http):
        silent = sum(c.green and c.got == "ignored" for c in cells)
        lines = [
            f"Access matrix of {self.matrix_module}: {len(cells)} cells, "
            f"{sum(not c.green for c in cells)} red ({silent} green ones refused "
            f"without a message), {self._rpc_count} calls of execute_kw "
            f"({over_http} cells also over HTTP), {elapsed:.0f} s",
            "Legend: + allowed as expected, . refused as expected, "
            "! allowed but must be refused, ? refused but must be allowed, "
            "x crashed or leaked, - not a cell of this role; columns rX: read "
            "the record of X (dX: its draft), uX: delete it, cN: create, mN: "
            "move into another cooperative; write, read field and call: green "
            "cells / cells.",
            "",
        ]
        by_model = defaultdict(list)
        for cell in cells:
            by_model[cell.model].append(cell)
        for model, model_cells in by_model.items():
            lines += self._model_table(model, model_cells)
        red = [cell for cell in cells if not cell.green]
        lines += ["", f"Red cells ({len(red)}):"]
        lines += [
            f"{c.model} | {c.role.label} | {c.column} | {c.detail} | expected "
            f"{c.expected} | got {c.got} | {c.message}"
            for c in red
        ]
        return self._write_log(
            f"access_matrix-{self.matrix_module}.txt", "\n".join(lines)
        )

    def _write_log(self, name, text):
        """Log ``text``, and write it to .local/logs/``name`` when the tests
        run in a checkout set up by ./kpa; return where it is."""
        _logger.info("\n%s", text)
        logs = REPOSITORY / ".local" / "logs"
        if logs.is_dir():
            path = logs / name
            path.write_text(text + "\n")
            return str(path)
        return "in the test log"

    @staticmethod
    def _mark(cell):
        if cell.green:
            return "+" if cell.expected == ALLOWED else "."
        if cell.got in ("crashed", "leaked"):
            return "x"
        return "!" if cell.expected == REFUSED else "?"

    def _model_table(self, model, cells):
        """One line per role: a mark per read, create, unlink and move cell,
        and the green/total counts of the field writes, field reads and
        calls."""
        columns = []  # (column, detail, code)
        counters = Counter()
        for cell in cells:
            if cell.role.anonymous or cell.column not in (
                "read",
                "create",
                "unlink",
                "move",
            ):
                continue
            if any(c[:2] == (cell.column, cell.detail) for c in columns):
                continue
            prefix = cell.column[0]
            if cell.column in ("read", "unlink"):
                code = f"{prefix}{cell.detail.replace('draft ', 'd')}"
            else:
                counters[prefix] += 1
                code = f"{prefix}{counters[prefix]}"
            columns.append((cell.column, cell.detail, code))
        red = sum(not cell.green for cell in cells)
        width = max([len(code) for *_rest, code in columns] + [1])
        lines = ["", f"{model}: {len(cells)} cells, {red} red"]
        lines += [
            f"  {code}: {column} {detail}"
            for column, detail, code in columns
            if column in ("create", "move")
        ]
        header = " ".join(code.ljust(width) for *_rest, code in columns)
        lines.append(f"  {'':38} {header}")
        for role in ROLES:
            mine = [cell for cell in cells if cell.role == role]
            index = {(c.column, c.detail): c for c in mine}
            if role.anonymous:
                marks = "  ".join(f"{c.column} {self._mark(c)}" for c in mine)
                lines.append(f"  {role.label:38} {marks}")
                continue
            marks = " ".join(
                (self._mark(index[key[:2]]) if key[:2] in index else "-").ljust(width)
                for key in columns
            )
            aggregates = []
            for label, group in (
                ("write", [c for c in mine if c.column == "write"]),
                ("read field", [c for c in mine if c.column.startswith("read ")]),
                ("call", [c for c in mine if c.column == "call"]),
            ):
                if group:
                    green = sum(c.green for c in group)
                    flag = "" if green == len(group) else " ✗"
                    aggregates.append(f"{label} {green}/{len(group)}{flag}")
            lines.append(f"  {role.label:38} {marks}  {'  '.join(aggregates)}")
        return lines
