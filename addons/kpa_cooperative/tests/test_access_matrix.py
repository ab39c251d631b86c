"""The access matrix of kpa_cooperative's models, and of res.partner and
account.move as this add-on uses them (issue 9). The engine and the roles are
in access_matrix.py; the expectations below come from the rules of issue 9
and the roles of DESIGN.md §5, not from what the code does today."""

import xmlrpc.client
from datetime import date

from odoo import Command
from odoo.tests import tagged

from .access_matrix import (
    ALL,
    AccessMatrixCase,
    Call,
    Create,
    ModelSpec,
    Move,
    WriteTarget,
)

# kpa.cooperative: what its coordinators set, its presentation ("texts, logo,
# activities, contact details"), including whether its page is published
# (kpa.cooperative's can_publish: coordinators and managers).
COOPERATIVE_PRESENTATION = {
    "short_description",
    "website_description",
    "image_1920",
    "activity_ids",
    "street",
    "street2",
    "zip",
    "city",
    "country_id",
    "email",
    "phone",
    "color",
    "is_published",
    "website_published",
}
# The books belong to the host: network managers and host accountants only.
COOPERATIVE_BOOKS = {
    "journal_id",
    "analytic_account_id",
    "partner_id",  # its legal contact
    "host_fee_rate",
    "state",
    "accounts_period",  # kpa_open_accounts: when its accounts are published
}
# The network manager's acts: the cooperative's identity (its name and web
# address name its books and page), its coordinators, its stock place, the licence its
# accounts and rules are published under, and the quorum and majority that
# apply until the members adopt a rule of their own (kpa_governance):
# coordinators setting these could decide every vote.
COOPERATIVE_NETWORK = {
    "name",
    "slug",
    "coordinator_ids",
    "licence",
    "decision_quorum",
    "decision_majority",
    "warehouse_id",  # kpa_marketplace_stock: its stock place, in the host's
}

# res.partner: contact details, which a cooperative's coordinators keep for
# their members, and network managers and accountants for everyone of their
# host.
PARTNER_CONTACT = {
    "name",
    "email",
    "phone",
    "mobile",
    "street",
    "street2",
    "zip",
    "city",
    "state_id",
    "country_id",
    "image_1920",
    "function",
    "title",
    "lang",
    "tz",
    "website",
}
# A posted invoice is frozen (Odoo's hash and lock dates, and issue 9: it
# keeps its cooperative, its amounts, its host fee, its number and state,
# which change only by its flows: reset to draft, credit note, payment). The
# host's accountants still annotate and follow it up: what does not change
# the books.
POSTED_INVOICE_NOTES = {
    "ref",
    "narration",
    "checked",
    "is_move_sent",
    "sending_data",
    "payment_reference",
    "partner_bank_id",
    "preferred_payment_method_line_id",
    "invoice_user_id",
    "team_id",
    "invoice_incoterm_id",
    "incoterm_location",
    "campaign_id",
    "medium_id",
    "source_id",
}


def sells(case):
    """kpa_marketplace makes coordinators salespeople of their cooperatives'
    orders and invoices, and network managers see every sale of their hosts."""
    return "sale.order" in case.env


def spare_sales_journal(case, record, role):
    """A sales journal of the cooperative's host that no cooperative keeps."""
    case.spare_books = getattr(case, "spare_books", 0) + 1
    return (
        case.env["account.journal"]
        .create(
            {
                "name": f"Spare sales {case.spare_books}",
                "code": f"SP{case.spare_books:03d}",
                "type": "sale",
                "company_id": record.company_id.id,
            }
        )
        .id
    )


def spare_analytic_account(case, record, role):
    """An analytic account of the cooperatives' plan that no cooperative keeps."""
    case.spare_books = getattr(case, "spare_books", 0) + 1
    return (
        case.env["account.analytic.account"]
        .create(
            {
                "name": f"Spare account {case.spare_books}",
                "plan_id": record.analytic_account_id.plan_id.id,
                "company_id": record.company_id.id,
            }
        )
        .id
    )


@tagged("post_install", "-at_install", "kpa_http")
class TestAccessMatrixCooperative(AccessMatrixCase):
    matrix_module = "kpa_cooperative"

    @classmethod
    def _setup_matrix_records(cls):
        env = cls.env
        cls.activity = env["kpa.activity"].create({"name": "Matrix activity"})
        cls.skill, cls.other_skill = env["kpa.skill"].create(
            [{"name": "Matrix skill"}, {"name": "Matrix second skill"}]
        )
        cls.partner_skills = dict(
            zip(
                cls.people,
                env["kpa.partner.skill"].create(
                    [
                        {
                            "partner_id": person.id,
                            "skill_id": cls.skill.id,
                            "level": "practising",
                        }
                        for person in cls.people.values()
                    ]
                ),
                strict=True,
            )
        )
        # Every user's own partner has a birthdate, which they may read.
        for key, user in cls.users.items():
            if key != "anonymous" and not user.partner_id.kpa_birthdate:
                user.partner_id.kpa_birthdate = date(1990, 1, 1)
        # People who apply: one per cooperative, and a candidacy in A and in Q
        # (Q has no member yet: its founders).
        cls.applicants = dict(
            zip(
                "ABPQ",
                env["res.partner"].create(
                    [
                        {
                            "name": f"Applicant {key} Matrix",
                            "kpa_birthdate": "1999-01-01",
                        }
                        for key in "ABPQ"
                    ]
                ),
                strict=True,
            )
        )
        candidates = env["res.partner"].create(
            [
                {"name": "Candidate A Matrix", "kpa_birthdate": "1998-01-01"},
                {"name": "Founder Q Matrix", "kpa_birthdate": "1997-01-01"},
            ]
        )
        cls.candidacy_a, cls.founder_q = env["kpa.membership"].create(
            [
                {
                    "partner_id": candidates[0].id,
                    "cooperative_id": cls.coops["A"].id,
                    "state": "candidate",
                },
                {
                    "partner_id": candidates[1].id,
                    "cooperative_id": cls.coops["Q"].id,
                    "state": "candidate",
                },
            ]
        )
        # Invoices of A (its customer: the portal member of A), B and P, posted
        # by the host's accountants; and a draft one of A.
        customers = {
            "A": cls.users["portal"].partner_id,
            "B": cls.people["B"],
            "P": cls.users["portal_2"].partner_id,
        }
        cls.invoices = {}
        for key, customer in customers.items():
            cls.invoices[key] = cls._matrix_invoice(key, customer)
            cls.invoices[key].action_post()
        cls.invoices["draft A"] = cls._matrix_invoice("A", customers["A"])
        # What the payment links of an invoice point to: a payment of B's
        # invoice (and its reconciliation), a bank statement line.
        cls.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=cls.invoices["B"].ids
        ).create({})._create_payments()
        cls.env["account.bank.statement.line"].create(
            {
                "journal_id": cls.company_data["default_journal_bank"].id,
                "payment_ref": "Matrix statement line",
                "amount": 10.0,
                "date": date(2025, 1, 20),
            }
        )

    @classmethod
    def _matrix_invoice(cls, key, customer):
        coop = cls.coops[key]
        return (
            cls.env["account.move"]
            .with_company(coop.company_id)
            .create(
                {
                    "move_type": "out_invoice",
                    "partner_id": customer.id,
                    "kpa_cooperative_id": coop.id,
                    "invoice_date": date(2025, 1, 10),
                    "invoice_line_ids": [
                        Command.create(
                            {"name": "Matrix service", "quantity": 1, "price_unit": 100}
                        )
                    ],
                }
            )
        )

    def test_access_matrix(self):
        self._run_matrix()

    def test_fuzz_bad_inputs(self):
        self._run_fuzz()

    def test_former_member_loses_the_member_role(self):
        """People who leave lose what membership gave them: the member role
        (and, with it, resources, loans and votes: the matrix's former row)."""
        former = self.users["former"]
        self.assertEqual(self.own_memberships["former"].state, "left")
        self.assertFalse(former.has_group("kpa_cooperative.group_kpa_member"))

    def test_coordinator_role_follows_coordination(self):
        """Adding a coordinator is the network manager's act: the person added
        gets the coordinator role; it goes when they coordinate nothing."""
        manager, person = self.users["manager"], self.users["member"]
        role = "kpa_cooperative.group_kpa_coordinator"
        coop = self.coops["A"]
        for command in (Command.link(person.id), Command.unlink(person.id)):
            status, _result, message = self._rpc(
                self.matrix_roles["manager"],
                "kpa.cooperative",
                "write",
                [coop.ids, {"coordinator_ids": [command]}],
            )
            self.assertEqual(status, "ok", message)
            self.env.invalidate_all()
            self.assertEqual(
                person.has_group(role),
                command == Command.link(person.id),
                f"{manager.login} {'added' if command[0] == 4 else 'removed'} "
                "a coordinator",
            )

    def test_anonymous_cannot_log_in(self):
        """Visitors of the website have no login: the external API lets no
        one in without a user's password (the matrix's anonymous row tries
        each model with the public user)."""
        db = self.env.cr.dbname
        public = self.users["anonymous"]
        for login, password in ((public.login, ""), (public.login, "public")):
            self.assertFalse(self.xmlrpc_common.authenticate(db, login, password, {}))
        # A success resets the login cooldown of this address.
        self.assertEqual(
            self.xmlrpc_common.authenticate(db, "matrix_member", "matrix-member", {}),
            self.users["member"].id,
        )
        with self.assertRaises(xmlrpc.client.Fault) as caught:
            self.xmlrpc_object.execute_kw(
                db, public.id, "", "kpa.cooperative", "search_read", [[]]
            )
        self.assertEqual(caught.exception.faultCode, 3, "access denied")

    def matrix_specs(self):
        return [
            self._spec_cooperative(),
            self._spec_activity(),
            self._spec_skill(),
            self._spec_partner_skill(),
            self._spec_membership(),
            self._spec_membership_end(),
            self._spec_partner(),
            self._spec_account_move(),
        ]

    # === kpa.cooperative === #

    def _spec_cooperative(self):
        def may(role):
            coop = role.home
            fields = set()
            if role.is_coordinator(coop):
                fields |= COOPERATIVE_PRESENTATION
            if role.is_accountant(coop):
                fields |= COOPERATIVE_BOOKS
            if role.is_manager(coop):
                fields |= (
                    COOPERATIVE_PRESENTATION | COOPERATIVE_BOOKS | COOPERATIVE_NETWORK
                )
            return fields

        return ModelSpec(
            "kpa.cooperative",
            records={
                key: (lambda case, role, key=key: case.coops[key]) for key in "ABPQ"
            },
            # Its members (portal or backend), its coordinators and the host's
            # staff read a cooperative; nobody of another host.
            read=lambda role, coop: role.is_member(coop)
            or role.is_coordinator(coop)
            or role.is_staff(coop),
            # The network manager creates and deletes cooperatives; one that
            # has had members keeps its history (only Q may go).
            unlink=lambda role, coop: coop == "Q" and role.is_manager(coop),
            creates=[
                Create(
                    f"in {where} host",
                    lambda case, role, where=where: {
                        "name": f"New coop of {role.key} (matrix)",
                        "company_id": case.coops[
                            role.home if where == "own" else role.foreign
                        ].company_id.id,
                    },
                    lambda role, where=where: role.is_manager(
                        role.home if where == "own" else role.foreign
                    ),
                )
                for where in ("own", "foreign")
            ],
            writes=[WriteTarget("own", lambda case, role: case.coops[role.home], may)],
            values={
                "slug": lambda case, record, role: f"{record.slug}-renamed",
                "host_fee_rate": lambda case, record, role: 12.5,
                "decision_quorum": lambda case, record, role: 60,
                "decision_majority": lambda case, record, role: 60,
                # New books of the host that no cooperative keeps (those of
                # another cooperative are refused to all: test_server_rules).
                "journal_id": spare_sales_journal,
                "analytic_account_id": spare_analytic_account,
                "partner_id": lambda case, record, role: case.coops[
                    role.other
                ].partner_id.id,
                "company_id": lambda case, record, role: case.coops[
                    role.foreign
                ].company_id.id,
                # An internal user of the cooperative's host.
                "coordinator_ids": lambda case, record, role: [
                    Command.link(
                        case.users["member" if role.home == "A" else "member_2"].id
                    )
                ],
                "activity_ids": lambda case, record, role: [
                    Command.link(case.activity.id)
                ],
                "state": lambda case, record, role: "closed",
            },
            calls=[
                # Q is launching; A is active. State is the host's.
                Call(
                    "activate Q",
                    lambda case, role: case.coops["Q"],
                    "action_activate",
                    lambda role: role.is_staff("Q"),
                    lambda case, record: record.state == "active",
                ),
                Call(
                    "close A",
                    lambda case, role: case.coops["A"],
                    "action_close",
                    lambda role: role.is_staff("A"),
                    lambda case, record: record.state == "closed",
                ),
            ],
        )

    # === kpa.activity, kpa.skill: the network's catalogues === #

    def _spec_activity(self):
        return ModelSpec(
            "kpa.activity",
            records={"activity": lambda case, role: case.activity},
            # The kinds of activity are public (the network page filters on
            # them): every user reads them.
            read=lambda role, subject: True,
            unlink=lambda role, subject: bool(role.kinds & {"manager"}),
            creates=[
                Create(
                    "activity",
                    lambda case, role: {"name": f"Activity of {role.key} (matrix)"},
                    lambda role: "manager" in role.kinds,
                )
            ],
            writes=[
                WriteTarget(
                    "activity",
                    lambda case, role: case.activity,
                    lambda role: (
                        # A manager gives the activity to a cooperative they
                        # act in; the catalogue itself is theirs.
                        ALL if "manager" in role.kinds else set()
                    ),
                )
            ],
            values={
                "cooperative_ids": lambda case, record, role: [
                    Command.link(case.coops[role.home].id)
                ]
            },
        )

    def _spec_skill(self):
        def may(role):
            if "manager" in role.kinds:
                return ALL
            # Coordinators complete the catalogue of skills; archiving one is
            # the network manager's.
            if role.coordinates:
                return {"name", "description", "activity_id"}
            return set()

        return ModelSpec(
            "kpa.skill",
            records={"skill": lambda case, role: case.other_skill},
            read=lambda role, subject: True,
            unlink=lambda role, subject: "manager" in role.kinds,
            creates=[
                Create(
                    "skill",
                    lambda case, role: {"name": f"Skill of {role.key} (matrix)"},
                    lambda role: bool(role.coordinates) or "manager" in role.kinds,
                )
            ],
            writes=[WriteTarget("skill", lambda case, role: case.other_skill, may)],
        )

    # === kpa.partner.skill: the skills people hold === #

    def _spec_partner_skill(self):
        def manages(role, coop):
            return role.is_coordinator(coop) or role.is_manager(coop)

        return ModelSpec(
            "kpa.partner.skill",
            records={
                key: (lambda case, role, key=key: case.partner_skills[key])
                for key in ("A", "B", "P")
            },
            # The members of the person's cooperative, and the coordinators and
            # managers of the person's host (the network's directory); not
            # accountants, not another host.
            read=lambda role, coop: role.is_member(coop)
            or (bool(role.coordinates) and role.reaches(coop))
            or role.is_manager(coop),
            unlink=manages,
            creates=[
                Create(
                    "own skill",
                    lambda case, role: {
                        "partner_id": case.users[role.key].partner_id.id,
                        "skill_id": case.other_skill.id,
                        "level": "learning",
                    },
                    # Members manage their own skills; coordinators and
                    # managers are members of the network too.
                    lambda role: bool(
                        role.kinds & {"member", "coordinator", "manager"}
                    ),
                ),
                Create(
                    "skill of a member of own cooperative",
                    lambda case, role: {
                        "partner_id": case.people[role.home].id,
                        "skill_id": case.other_skill.id,
                        "level": "learning",
                    },
                    lambda role: manages(role, role.home),
                ),
            ],
            writes=[
                WriteTarget(
                    "member's",
                    lambda case, role: case.partner_skills[role.home],
                    lambda role: {"level", "note", "skill_id"}
                    if manages(role, role.home)
                    else set(),
                )
            ],
            values={
                "skill_id": lambda case, record, role: case.other_skill.id,
                "partner_id": lambda case, record, role: case.people[role.foreign].id,
            },
        )

    # === kpa.membership === #

    def _spec_membership(self):
        def new_membership(where, state):
            def vals(case, role):
                coop = {"own": role.home, "other": role.other, "foreign": role.foreign}[
                    where
                ]
                values = {
                    "partner_id": case.applicants[coop].id,
                    "cooperative_id": case.coops[coop].id,
                    "state": state,
                }
                if state == "member":
                    values["date_start"] = "2025-01-15"
                return values

            return vals

        return ModelSpec(
            "kpa.membership",
            records={
                key: (lambda case, role, key=key: case.memberships[key])
                for key in ("A", "B", "P")
            },
            # Fellow members see who belongs to their cooperative; its
            # coordinators and network managers manage them. Host accountants
            # have no business with members.
            read=lambda role, coop: role.is_member(coop) or role.acts_in(coop),
            # A member leaves by their own wish or an applied exclusion: their
            # membership is never deleted, it ends.
            unlink=lambda role, coop: False,
            field_reads={
                # Fellow members never get another member's contact details
                # through our models.
                "email": lambda role, coop: role.acts_in(coop),
                "phone": lambda role, coop: role.acts_in(coop),
            },
            creates=[
                *(
                    Create(
                        f"candidacy in {where} cooperative",
                        new_membership(where, "candidate"),
                        lambda role, where=where: role.acts_in(
                            {
                                "own": role.home,
                                "other": role.other,
                                "foreign": role.foreign,
                            }[where]
                        ),
                    )
                    for where in ("own", "other", "foreign")
                ),
                # A candidate becomes a member only by an applied admission
                # decision: nobody creates a member of a cooperative that has
                # members.
                Create(
                    "member in own cooperative",
                    new_membership("own", "member"),
                    lambda role: False,
                ),
                # The founders of a cooperative with no member yet are admitted
                # by the network manager.
                Create(
                    "founder of Q",
                    lambda case, role: {
                        "partner_id": case.applicants["Q"].id,
                        "cooperative_id": case.coops["Q"].id,
                        "state": "member",
                        "date_start": "2025-01-15",
                    },
                    lambda role: role.is_manager("Q"),
                ),
            ],
            writes=[
                WriteTarget(
                    "member",
                    lambda case, role: case.memberships[role.home],
                    # State, dates and decisions change through the flows only.
                    lambda role: {"date_apply"} if role.acts_in(role.home) else set(),
                )
            ],
            # A membership never changes cooperative.
            moves={"cooperative_id": Move(lambda role, destination: False)},
            values={
                "partner_id": lambda case, record, role: case.applicants[role.home].id,
                "state": lambda case, record, role: "excluded",
                "end_reason": lambda case, record, role: "Removed by the matrix.",
                "date_end": lambda case, record, role: "2025-02-01",
            },
            calls=[
                Call(
                    "admit a candidate of A",
                    lambda case, role: case.candidacy_a,
                    "action_admit",
                    lambda role: False,
                    lambda case, record: record.state == "member",
                ),
                Call(
                    "admit a founder of Q",
                    lambda case, role: case.founder_q,
                    "action_admit",
                    lambda role: role.is_manager("Q"),
                    lambda case, record: record.state == "member",
                ),
            ],
        )

    def _spec_membership_end(self):
        def end(kind):
            def vals(case, role):
                return {
                    "membership_ids": [Command.set(case.memberships[role.home].ids)],
                    "end_type": kind,
                    "date_end": "2025-03-01",
                    "reason": "Recorded by the access matrix.",
                }

            return vals

        return ModelSpec(
            "kpa.membership.end",
            records={},
            read=lambda role, subject: False,
            unlink=lambda role, subject: False,
            creates=[
                # A member leaves by their own wish: their coordinators (or a
                # network manager) record it.
                Create(
                    "departure of a member of own cooperative",
                    end("left"),
                    lambda role: role.acts_in(role.home),
                    then="action_confirm",
                    done=lambda case, wizard: wizard.membership_ids.state == "left",
                ),
                # An exclusion comes from an applied decision only.
                Create(
                    "exclusion of a member of own cooperative",
                    end("excluded"),
                    lambda role: False,
                    then="action_confirm",
                    done=lambda case, wizard: wizard.membership_ids.state == "excluded",
                ),
            ],
        )

    # === res.partner === #

    def _spec_partner(self):
        def may(role):
            coop = role.home
            fields = set()
            if role.is_coordinator(coop):
                # Their members' records, and their consent recorded on their
                # behalf (with date and author).
                fields |= PARTNER_CONTACT | {"kpa_birthdate", "kpa_public_profile"}
            if role.is_manager(coop):
                # Not the consent: it belongs to the person, or to a
                # coordinator of their cooperative.
                fields |= PARTNER_CONTACT | {"kpa_birthdate"}
            # Host accountants keep the books, not the members' records.
            return fields

        def reads(role, subject):
            if subject == "self":
                return True
            # Internal users read the contacts of their host (Odoo's contact
            # book); portal users only their own; nobody of another host.
            return role.internal and role.reaches(subject)

        def birthdate(role, subject):
            # The person, the coordinators of their cooperatives and the
            # network manager only.
            if subject == "self":
                return True
            return role.is_coordinator(subject) or role.is_manager(subject)

        return ModelSpec(
            "res.partner",
            records={
                **{
                    key: (lambda case, role, key=key: case.people[key])
                    for key in ("A", "B", "P")
                },
                "self": lambda case, role: case.users[role.key].partner_id,
            },
            read=reads,
            # A member's contact stays while their memberships do; a user's
            # contact stays with the user.
            unlink=lambda role, subject: False,
            field_reads={"kpa_birthdate": birthdate},
            creates=[
                Create(
                    f"contact of {where} host",
                    lambda case, role, where=where: {
                        "name": f"Contact of {role.key} (matrix)",
                        "company_id": case.coops[
                            role.home if where == "own" else role.foreign
                        ].company_id.id,
                    },
                    # Coordinators record candidates; managers their host's
                    # people.
                    lambda role, where=where: (
                        bool(role.kinds & {"coordinator", "manager"})
                        and role.reaches(role.home if where == "own" else role.foreign)
                    ),
                )
                for where in ("own", "other")
            ],
            writes=[
                WriteTarget("member", lambda case, role: case.people[role.home], may)
            ],
            values={
                "kpa_birthdate": lambda case, record, role: "1981-04-04",
                "parent_id": lambda case, record, role: case.coops[
                    role.other
                ].partner_id.id,
                "company_id": lambda case, record, role: case.coops[
                    role.foreign
                ].company_id.id,
                "user_id": lambda case, record, role: case.users["coord_b"].id,
                "lang": lambda case, record, role: "fr_FR"
                if record.lang != "fr_FR"
                else "en_US",
                "tz": lambda case, record, role: "Europe/Brussels",
                "property_account_receivable_id": lambda case, record, role: case.env[
                    "account.account"
                ]
                .with_company(case.coops[role.home].company_id)
                .search(
                    [
                        ("account_type", "=", "asset_receivable"),
                        ("company_ids", "in", case.coops[role.home].company_id.ids),
                    ],
                    order="id desc",
                    limit=1,
                )
                .id,
            },
            calls=[
                # The person gives or withdraws their consent themselves.
                Call(
                    "own consent (preferences)",
                    lambda case, role: case.users[role.key],
                    "write",
                    lambda role: True,
                    lambda case, user: not user.partner_id.kpa_public_profile,
                    args=({"kpa_public_profile": False},),
                    model="res.users",
                ),
            ],
        )

    # === account.move: the cooperatives' invoices, kept by the host === #

    def _spec_account_move(self):
        def reads(role, subject):
            coop = subject.split()[-1]
            # The host's accountants, the customer (the portal member of A or
            # P), and, once they sell (kpa_marketplace), the cooperative's
            # coordinators and the host's network managers.
            customer = (role.key, subject) in (("portal", "A"), ("portal_2", "P"))
            selling = sells(self) and (
                role.is_coordinator(coop) or role.is_manager(coop)
            )
            return role.is_accountant(coop) or customer or selling

        return ModelSpec(
            "account.move",
            records={
                key: (lambda case, role, key=key: case.invoices[key])
                for key in ("A", "B", "P", "draft A")
            },
            read=reads,
            # A posted invoice stays; a draft one is the accountants'.
            unlink=lambda role, subject: subject == "draft A"
            and role.is_accountant("A"),
            creates=[
                Create(
                    f"invoice of {where} cooperative",
                    lambda case, role, where=where: {
                        "move_type": "out_invoice",
                        "partner_id": case.people["B"].id,
                        "kpa_cooperative_id": case.coops[getattr(role, where)].id,
                        "company_id": case.coops[getattr(role, where)].company_id.id,
                        "invoice_line_ids": [
                            Command.create(
                                {"name": "Matrix", "quantity": 1, "price_unit": 10}
                            )
                        ],
                    },
                    # The books are the host's: its accountants invoice.
                    lambda role, where=where: role.is_accountant(getattr(role, where)),
                )
                for where in ("home", "other", "foreign")
            ],
            writes=[
                WriteTarget(
                    "posted",
                    lambda case, role: case.invoices[role.home],
                    lambda role: POSTED_INVOICE_NOTES
                    if role.is_accountant(role.home)
                    else set(),
                )
            ],
            # A posted invoice keeps its cooperative.
            moves={"kpa_cooperative_id": Move(lambda role, destination: False)},
            values={
                "kpa_host_fee_rate": lambda case, record, role: 50.0,
                # The tax totals widget's value, with another total.
                "tax_totals": lambda case, record, role: {
                    **record.tax_totals,
                    "total_amount_currency": record.amount_total + 1,
                },
            },
            calls=[
                # A draft invoice goes to another cooperative of the host only
                # by its accountants (they keep every cooperative's books).
                Call(
                    f"draft A to {where}",
                    lambda case, role: case.invoices["draft A"],
                    "write",
                    lambda role, where=where: role.is_accountant("A")
                    and role.is_accountant(where),
                    lambda case, move, where=where: move.kpa_cooperative_id
                    == case.coops[where],
                    args=lambda case, role, where=where: (
                        {"kpa_cooperative_id": case.coops[where].id},
                    ),
                )
                for where in ("B", "P")
            ],
        )
