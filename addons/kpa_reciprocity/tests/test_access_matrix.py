"""The access matrix of kpa_reciprocity's models (issue 9): the reciprocity
ledger, pooled resources and their loans, peer trainings. The engine and the
roles are kpa_cooperative's (tests/access_matrix.py)."""

from datetime import date

from odoo import Command
from odoo.tests import tagged

from odoo.addons.kpa_cooperative.tests.access_matrix import (
    AccessMatrixCase,
    Call,
    Create,
    ModelSpec,
    Move,
    WriteTarget,
)

CONTRIBUTION_CONTENT = {
    "name",
    "giver_partner_id",
    "receiver_partner_id",
    "contribution_type",
    "quantity",
    "date",
}
RESOURCE_CONTENT = {
    "name",
    "resource_type",
    "description",
    "location",
    "is_available",
    "availability",
    "hours_per_day",
    "active",
    "color",
}
LOAN_CONTENT = {"borrower_partner_id", "date_start", "date_end", "hours", "note"}
TRAINING_CONTENT = {
    "name",
    "skill_id",
    "teacher_partner_id",
    "learner_partner_ids",
    "date",
    "hours",
    "level_reached",
    "description",
}


def moves_between(role, destination):
    """A record enters another cooperative only with a writer who acts in
    both."""
    return role.acts_in(role.home) and role.acts_in(destination)


def reads_pool(role, coop):
    """The pool of a host is shared by the people of its cooperatives: their
    current members and coordinators, and its network managers; not by
    those who left."""
    return (
        (bool(role.member_of) or bool(role.coordinates)) and role.reaches(coop)
    ) or role.is_manager(coop)


@tagged("post_install", "-at_install", "kpa_http")
class TestAccessMatrixReciprocity(AccessMatrixCase):
    matrix_module = "kpa_reciprocity"

    @classmethod
    def _setup_matrix_records(cls):
        env = cls.env
        # Mia is a member of A, B, P and Q: her entries may move between them.
        cls.mia = env["res.partner"].create(
            {"name": "Mia Matrix", "kpa_birthdate": "1992-02-02"}
        )
        # Admitted by decisions of the members (kpa_cooperative admits no one
        # else directly): her history is set up with sudo.
        env["kpa.membership"].sudo().create(
            [
                {
                    "partner_id": cls.mia.id,
                    "cooperative_id": cls.coops[key].id,
                    "state": "member",
                    "date_start": "2024-05-01",
                }
                for key in ("A", "B", "P", "Q")
            ]
        )
        cls.skill, cls.other_skill = env["kpa.skill"].create(
            [{"name": "Reciprocity skill"}, {"name": "Reciprocity second skill"}]
        )
        env["kpa.partner.skill"].create(
            [
                {"partner_id": person.id, "skill_id": cls.skill.id, "level": "teaching"}
                for person in cls.people.values()
            ]
        )
        Contribution = env["kpa.contribution"].sudo()
        cls.contributions, cls.draft_contributions = {}, {}
        cls.resources, cls.lent, cls.loans, cls.trainings = {}, {}, {}, {}
        learners = {
            "A": cls.users["portal"].partner_id | cls.users["member"].partner_id,
            "B": cls.mia,
            "P": cls.users["portal_2"].partner_id | cls.users["member_2"].partner_id,
        }
        for key in ("A", "B", "P", "Q"):
            cls.resources[key], cls.lent[key] = env["kpa.resource"].create(
                [
                    {
                        "name": f"Sewing machine of {key}",
                        "cooperative_id": cls.coops[key].id,
                    },
                    {"name": f"Van of {key}", "cooperative_id": cls.coops[key].id},
                ]
            )
        for key in ("A", "B", "P"):
            coop = cls.coops[key]
            cls.contributions[key], cls.draft_contributions[key] = Contribution.create(
                [
                    {
                        "name": f"Hours given to {key}",
                        "cooperative_id": coop.id,
                        "giver_partner_id": cls.people[key].id,
                        "receiver_partner_id": coop.partner_id.id,
                        "quantity": 3.0,
                        "date": date(2025, 1, 10),
                        "state": "validated",
                    },
                    {
                        "name": f"Hours of Mia in {key}",
                        "cooperative_id": coop.id,
                        "giver_partner_id": cls.mia.id,
                        "receiver_partner_id": coop.partner_id.id,
                        "quantity": 2.0,
                        "date": date(2025, 1, 12),
                    },
                ]
            ).with_env(env)
            cls.loans[key] = env["kpa.resource.loan"].create(
                {
                    "resource_id": cls.lent[key].id,
                    # A person of the loan's host structure.
                    "borrower_partner_id": (
                        cls.people["B"] if key == "A" else cls.mia
                    ).id,
                    "date_start": date(2025, 3, 1),
                    "date_end": date(2025, 3, 10),
                }
            )
            cls.trainings[key] = env["kpa.training"].create(
                {
                    "name": f"Training of {key}",
                    "cooperative_id": coop.id,
                    "skill_id": cls.skill.id,
                    "teacher_partner_id": cls.people[key].id,
                    "learner_partner_ids": [Command.set(learners[key].ids)],
                    "date": date(2025, 2, 1),
                }
            )

    def test_access_matrix(self):
        self._run_matrix()

    def test_fuzz_bad_inputs(self):
        self._run_fuzz()

    def matrix_specs(self):
        return [
            self._spec_contribution(),
            self._spec_resource(),
            self._spec_loan(),
            self._spec_training(),
        ]

    # === kpa.contribution === #

    def _spec_contribution(self):
        def given_by(giver, where, **extra):
            def vals(case, role):
                coop = getattr(role, where)
                partner = (
                    case.users[role.key].partner_id
                    if giver == "self"
                    else case.people.get(coop, case.mia)
                )
                return {
                    "name": f"Given by {role.key} (matrix)",
                    "cooperative_id": case.coops[coop].id,
                    "giver_partner_id": partner.id,
                    "receiver_partner_id": case.coops[coop].partner_id.id,
                    "quantity": 1.5,
                    **extra,
                }

            return vals

        return ModelSpec(
            "kpa.contribution",
            records={
                key: (lambda case, role, key=key: case.contributions[key])
                for key in ("A", "B", "P")
            },
            # The members of the cooperative, its coordinators and the host's
            # network managers (and the giver and the receiver: people without
            # a user here).
            read=lambda role, coop: role.is_member(coop) or role.acts_in(coop),
            # A validated contribution stays in the ledger.
            unlink=lambda role, coop: False,
            creates=[
                # Members record their own contributions, to be validated.
                Create(
                    "own, to own cooperative",
                    given_by("self", "home"),
                    lambda role: role.is_member(role.home),
                ),
                *(
                    Create(
                        f"of a member, in {where} cooperative",
                        given_by("member", where),
                        lambda role, where=where: role.acts_in(getattr(role, where)),
                    )
                    for where in ("home", "other", "foreign")
                ),
                # Validation is the coordinators' review, never given.
                Create(
                    "validated, in own cooperative",
                    given_by("member", "home", state="validated"),
                    lambda role: False,
                ),
            ],
            writes=[
                WriteTarget(
                    "to validate",
                    lambda case, role: case.draft_contributions[role.home],
                    lambda role: CONTRIBUTION_CONTENT
                    if role.acts_in(role.home)
                    else set(),
                ),
                # Reviewed: set back to validate before any change.
                WriteTarget(
                    "validated",
                    lambda case, role: case.contributions[role.home],
                    lambda role: set(),
                ),
            ],
            moves={
                "cooperative_id": Move(
                    moves_between,
                    record=lambda case, role: case.draft_contributions[role.home],
                )
            },
            values={
                "giver_partner_id": lambda case, record, role: case.people[role.home].id
                if record.giver_partner_id != case.people[role.home]
                else case.mia.id,
                "receiver_partner_id": lambda case, record, role: case.people[
                    role.home
                ].id
                if record.giver_partner_id != case.people[role.home]
                else case.mia.id,
                "validated_by_id": lambda case, record, role: case.users[role.key].id,
                "loan_id": lambda case, record, role: case.loans[role.home].id,
                "training_id": lambda case, record, role: case.trainings[role.home].id,
            },
            calls=[
                Call(
                    "validate a contribution to A",
                    lambda case, role: case.draft_contributions["A"],
                    "action_validate",
                    lambda role: role.acts_in("A"),
                    lambda case, contribution: contribution.state == "validated",
                ),
                Call(
                    "set a validated contribution to A back to validate",
                    lambda case, role: case.contributions["A"],
                    "action_reset_draft",
                    lambda role: role.acts_in("A"),
                    lambda case, contribution: contribution.state == "draft",
                ),
            ],
        )

    # === kpa.resource, kpa.resource.loan === #

    def _spec_resource(self):
        return ModelSpec(
            "kpa.resource",
            records={
                key: (lambda case, role, key=key: case.resources[key])
                for key in ("A", "B", "P")
            },
            read=reads_pool,
            unlink=lambda role, coop: role.acts_in(coop),
            creates=[
                Create(
                    f"in {where} cooperative",
                    lambda case, role, where=where: {
                        "name": f"Tool of {role.key} (matrix)",
                        "cooperative_id": case.coops[getattr(role, where)].id,
                    },
                    lambda role, where=where: role.acts_in(getattr(role, where)),
                )
                for where in ("home", "other", "foreign")
            ],
            writes=[
                WriteTarget(
                    "own",
                    lambda case, role: case.resources[role.home],
                    lambda role: RESOURCE_CONTENT if role.acts_in(role.home) else set(),
                )
            ],
            moves={"cooperative_id": Move(moves_between)},
        )

    def _spec_loan(self):
        return ModelSpec(
            "kpa.resource.loan",
            records={
                key: (lambda case, role, key=key: case.loans[key])
                for key in ("A", "B", "P")
            },
            read=reads_pool,
            # A loan stays in the ledger: it is cancelled, not deleted.
            unlink=lambda role, coop: False,
            creates=[
                # The owner's coordinators lend its resources.
                Create(
                    f"of a resource of {where} cooperative",
                    lambda case, role, where=where: {
                        "resource_id": case.lent[getattr(role, where)].id,
                        "borrower_partner_id": case.mia.id,
                        "date_start": "2026-02-01",
                        "date_end": "2026-02-03",
                    },
                    lambda role, where=where: role.acts_in(getattr(role, where)),
                )
                for where in ("home", "other", "foreign")
            ],
            writes=[
                WriteTarget(
                    "own",
                    lambda case, role: case.loans[role.home],
                    lambda role: LOAN_CONTENT if role.acts_in(role.home) else set(),
                )
            ],
            # The lent resource is the loan's cooperative.
            moves={
                "resource_id": Move(
                    moves_between,
                    value=lambda case, destination: case.resources[destination].id,
                )
            },
            values={
                # Another person of the loan's host structure.
                "borrower_partner_id": lambda case, record, role: case.mia.id
                if record.borrower_partner_id != case.mia
                else case.people[
                    "A" if record.company_id == case.hosts["H1"] else "P"
                ].id,
                "contribution_id": lambda case, record, role: case.contributions[
                    role.home
                ].id,
            },
            calls=[
                Call(
                    "return a loan of A",
                    lambda case, role: case.loans["A"],
                    "action_return",
                    lambda role: role.acts_in("A"),
                    lambda case, loan: loan.state == "returned",
                ),
                Call(
                    "cancel a loan of A",
                    lambda case, role: case.loans["A"],
                    "action_cancel",
                    lambda role: role.acts_in("A"),
                    lambda case, loan: loan.state == "cancelled",
                ),
            ],
        )

    # === kpa.training === #

    def _spec_training(self):
        return ModelSpec(
            "kpa.training",
            records={
                key: (lambda case, role, key=key: case.trainings[key])
                for key in ("A", "B", "P")
            },
            read=lambda role, coop: role.is_member(coop) or role.acts_in(coop),
            unlink=lambda role, coop: role.acts_in(coop),
            creates=[
                Create(
                    f"in {where} cooperative",
                    lambda case, role, where=where: {
                        "name": f"Training of {role.key} (matrix)",
                        "cooperative_id": case.coops[getattr(role, where)].id,
                        "skill_id": case.skill.id,
                        "teacher_partner_id": case.mia.id,
                    },
                    lambda role, where=where: role.acts_in(getattr(role, where)),
                )
                for where in ("home", "other", "foreign")
            ],
            writes=[
                WriteTarget(
                    "planned",
                    lambda case, role: case.trainings[role.home],
                    lambda role: TRAINING_CONTENT if role.acts_in(role.home) else set(),
                )
            ],
            moves={"cooperative_id": Move(moves_between)},
            values={
                "skill_id": lambda case, record, role: case.other_skill.id,
                "teacher_partner_id": lambda case, record, role: case.mia.id,
                # A person of the training's host structure.
                "learner_partner_ids": lambda case, record, role: [
                    Command.link(
                        (
                            case.people["B"]
                            if record.company_id == case.hosts["H1"]
                            else case.mia
                        ).id
                    )
                ],
            },
            calls=[
                Call(
                    "record a training of A",
                    lambda case, role: case.trainings["A"],
                    "action_done",
                    lambda role: role.acts_in("A"),
                    lambda case, training: training.state == "done",
                ),
                Call(
                    "cancel a training of A",
                    lambda case, role: case.trainings["A"],
                    "action_cancel",
                    lambda role: role.acts_in("A"),
                    lambda case, training: training.state == "cancelled",
                ),
            ],
        )
