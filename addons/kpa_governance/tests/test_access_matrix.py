"""The access matrix of kpa_governance's models (issue 9): rules, decisions
and positions change only through their flows. The engine and the roles are
kpa_cooperative's (tests/access_matrix.py)."""

from odoo.tests import tagged

from odoo.addons.kpa_cooperative.tests.access_matrix import (
    AccessMatrixCase,
    Call,
    Create,
    ModelSpec,
    Move,
    WriteTarget,
)

from .common import give_positions

# What the coordinators of a cooperative draft: the text of a rule before the
# members adopt it.
RULE_DRAFT = {
    "name",
    "category",
    "sequence",
    "body",
    "sets_voting_rules",
    "quorum",
    "majority",
}
# What a draft decision puts to the vote. State, quorum and majority (set when
# the vote opens), counts, outcome and dates of application are the flow's.
DECISION_DRAFT = {
    "name",
    "decision_type",
    "proposal",
    "membership_id",
    "rule_id",
    "date",
}


@tagged("post_install", "-at_install", "kpa_http")
class TestAccessMatrixGovernance(AccessMatrixCase):
    matrix_module = "kpa_governance"

    @classmethod
    def _setup_matrix_records(cls):
        env = cls.env
        Rule, Decision = env["kpa.rule"], env["kpa.decision"]
        cls.rules, cls.draft_rules = {}, {}
        cls.decisions = {"draft": {}, "plain": {}, "open": {}, "closed": {}}
        candidates = env["res.partner"].create(
            [
                {"name": f"Candidate {key} Governance", "kpa_birthdate": "1998-01-01"}
                for key in ("A", "P")
            ]
        )
        cls.candidacies = dict(
            zip(
                ("A", "P"),
                env["kpa.membership"].create(
                    [
                        {
                            "partner_id": partner.id,
                            "cooperative_id": cls.coops[key].id,
                            "state": "candidate",
                        }
                        for key, partner in zip(("A", "P"), candidates, strict=True)
                    ]
                ),
                strict=True,
            )
        )
        for key in ("A", "B", "P"):
            coop = cls.coops[key]
            adopted, draft = Rule.create(
                [
                    {
                        "name": f"Rule of {key} (matrix)",
                        "cooperative_id": coop.id,
                        "body": "<p>We welcome everyone.</p>",
                    },
                    {
                        "name": f"Draft rule of {key} (matrix)",
                        "cooperative_id": coop.id,
                        "body": "<p>We meet every week.</p>",
                    },
                ]
            )
            adoption = Decision.create(
                {
                    "name": f"Adoption of the rule of {key}",
                    "cooperative_id": coop.id,
                    "decision_type": "rule",
                    "rule_id": adopted.id,
                }
            )
            cls._vote_through(adoption)
            adoption.action_apply()
            cls.rules[key], cls.draft_rules[key] = adopted, draft
            cls.decisions["closed"][key] = adoption
            plain, with_subject, to_vote = Decision.create(
                [
                    {"name": f"Plain question of {key}", "cooperative_id": coop.id},
                    {
                        "name": f"Question of {key} about a member",
                        "cooperative_id": coop.id,
                        "membership_id": cls.memberships[key].id,
                    },
                    {"name": f"Open question of {key}", "cooperative_id": coop.id},
                ]
            )
            to_vote.action_open()
            cls.decisions["plain"][key] = plain
            cls.decisions["draft"][key] = with_subject
            cls.decisions["open"][key] = to_vote
        # An adopted admission of the candidate of A, not applied yet.
        cls.admission = Decision.create(
            {
                "name": "Admission of the candidate of A",
                "cooperative_id": cls.coops["A"].id,
                "decision_type": "admission",
                "membership_id": cls.candidacies["A"].id,
            }
        )
        cls._vote_through(cls.admission)

    @classmethod
    def _vote_through(cls, decision):
        decision.action_open()
        give_positions(decision)
        decision.action_close()

    def test_access_matrix(self):
        self._run_matrix()

    def test_fuzz_bad_inputs(self):
        self._run_fuzz()

    def test_closed_cooperative_rules_stay_public(self):
        """A closed cooperative's rules stay public."""
        self.coops["A"].sudo().action_close()
        response = self.url_open(f"/cooperatives/{self.coops['A'].slug}/rules")
        self.assertEqual(response.status_code, 200)
        self.assertIn(self.rules["A"].name, response.text)

    def _fuzz_defaults(self):
        return {
            **super()._fuzz_defaults(),
            "decision_id": self.decisions["open"]["A"].id,
        }

    def matrix_specs(self):
        return [self._spec_rule(), self._spec_decision(), self._spec_position()]

    # === kpa.rule === #

    def _spec_rule(self):
        return ModelSpec(
            "kpa.rule",
            records={
                key: (lambda case, role, key=key: case.rules[key])
                for key in ("A", "B", "P")
            },
            # The members of the cooperative, its coordinators and the host's
            # network managers.
            read=lambda role, coop: role.is_member(coop) or role.acts_in(coop),
            # An adopted rule stays in the history of the cooperative.
            unlink=lambda role, coop: False,
            creates=[
                *(
                    Create(
                        f"draft in {where} cooperative",
                        lambda case, role, where=where: {
                            "name": f"Rule of {role.key} (matrix)",
                            "cooperative_id": case.coops[getattr(role, where)].id,
                        },
                        lambda role, where=where: role.acts_in(getattr(role, where)),
                    )
                    for where in ("home", "other", "foreign")
                ),
                # A rule is adopted only by a decision of the members.
                Create(
                    "adopted in own cooperative",
                    lambda case, role: {
                        "name": f"Adopted rule of {role.key} (matrix)",
                        "cooperative_id": case.coops[role.home].id,
                        "state": "adopted",
                        "decision_id": case.decisions["closed"][role.home].id,
                    },
                    lambda role: False,
                ),
            ],
            writes=[
                WriteTarget(
                    "draft",
                    lambda case, role: case.draft_rules[role.home],
                    lambda role: RULE_DRAFT if role.acts_in(role.home) else set(),
                ),
                # The text of an adopted rule is frozen: a change is a new
                # version, adopted by the members. Its place in the list is not
                # its text.
                WriteTarget(
                    "adopted",
                    lambda case, role: case.rules[role.home],
                    lambda role: {"sequence"} if role.acts_in(role.home) else set(),
                ),
            ],
            # A draft goes into another cooperative only with a writer who acts
            # in it.
            moves={
                "cooperative_id": Move(
                    lambda role, destination: role.acts_in(role.home)
                    and role.acts_in(destination),
                    record=lambda case, role: case.draft_rules[role.home],
                )
            },
            values={
                "quorum": lambda case, record, role: 60,
                "majority": lambda case, record, role: 60,
                "state": lambda case, record, role: "adopted"
                if record.state != "adopted"
                else "archived",
                "decision_id": lambda case, record, role: case.decisions["closed"][
                    role.home
                ].id,
                "previous_id": lambda case, record, role: case.rules[role.home].id
                if record != case.rules[role.home]
                else case.draft_rules[role.home].id,
                "origin_id": lambda case, record, role: case.rules[role.home].id
                if record != case.rules[role.home]
                else case.draft_rules[role.home].id,
            },
            calls=[
                Call(
                    "propose the adoption of a draft of A",
                    lambda case, role: case.draft_rules["A"],
                    "action_propose_adoption",
                    lambda role: role.acts_in("A"),
                    lambda case, rule: bool(rule.decision_ids),
                ),
                Call(
                    "draft a new version of a rule of A",
                    lambda case, role: case.rules["A"],
                    "action_new_version",
                    lambda role: role.acts_in("A"),
                    lambda case, rule: bool(rule.next_draft_version()),
                ),
                Call(
                    "delete a draft of A",
                    lambda case, role: case.draft_rules["A"],
                    "unlink",
                    lambda role: role.acts_in("A"),
                    lambda case, rule: not rule.exists(),
                ),
            ],
        )

    # === kpa.decision === #

    def _spec_decision(self):
        return ModelSpec(
            "kpa.decision",
            records={
                key: (lambda case, role, key=key: case.decisions["closed"][key])
                for key in ("A", "B", "P")
            },
            read=lambda role, coop: role.is_member(coop) or role.acts_in(coop),
            # The members have voted: the decision stays in the history.
            unlink=lambda role, coop: False,
            creates=[
                *(
                    Create(
                        f"draft in {where} cooperative",
                        lambda case, role, where=where: {
                            "name": f"Question of {role.key} (matrix)",
                            "cooperative_id": case.coops[getattr(role, where)].id,
                        },
                        lambda role, where=where: role.acts_in(getattr(role, where)),
                    )
                    for where in ("home", "other", "foreign")
                ),
                # Nobody creates a vote already decided.
                Create(
                    "closed and adopted in own cooperative",
                    lambda case, role: {
                        "name": f"Decided by {role.key} (matrix)",
                        "cooperative_id": case.coops[role.home].id,
                        "state": "closed",
                        "outcome": "adopted",
                        "date_applied": "2025-01-15 10:00:00",
                    },
                    lambda role: False,
                ),
            ],
            writes=[
                WriteTarget(
                    "draft",
                    lambda case, role: case.decisions["draft"][role.home],
                    lambda role: DECISION_DRAFT if role.acts_in(role.home) else set(),
                ),
                # A closed vote is the members' word, as given.
                WriteTarget(
                    "closed",
                    lambda case, role: case.decisions["closed"][role.home],
                    lambda role: set(),
                ),
            ],
            moves={
                "cooperative_id": Move(
                    lambda role, destination: role.acts_in(role.home)
                    and role.acts_in(destination),
                    record=lambda case, role: case.decisions["plain"][role.home],
                )
            },
            values={
                "decision_type": lambda case, record, role: "exclusion"
                if record.membership_id
                else "admission",
                "membership_id": lambda case, record, role: case.candidacies[
                    role.home
                ].id
                if role.home in case.candidacies
                else case.memberships[role.home].id,
                "rule_id": lambda case, record, role: case.draft_rules[role.home].id,
                "state": lambda case, record, role: "open"
                if record.state != "open"
                else "closed",
                "outcome": lambda case, record, role: "rejected"
                if record.outcome == "adopted"
                else "adopted",
                "quorum": lambda case, record, role: 10,
                "majority": lambda case, record, role: 10,
            },
            calls=[
                Call(
                    "open the vote on a question of A",
                    lambda case, role: case.decisions["plain"]["A"],
                    "action_open",
                    lambda role: role.acts_in("A"),
                    lambda case, decision: decision.state == "open",
                ),
                Call(
                    "close the vote on a question of A",
                    lambda case, role: case.decisions["open"]["A"],
                    "action_close",
                    lambda role: role.acts_in("A"),
                    lambda case, decision: decision.state == "closed",
                ),
                Call(
                    "apply the adopted admission in A",
                    lambda case, role: case.admission,
                    "action_apply",
                    lambda role: role.acts_in("A"),
                    lambda case, decision: decision.membership_id.state == "member",
                ),
                # Each member gives their own position while the vote is open.
                Call(
                    "own position on an open vote of A",
                    lambda case, role: case.decisions["open"]["A"],
                    "action_set_position",
                    lambda role: role.is_member("A"),
                    lambda case, decision: bool(
                        decision.position_ids.filtered(lambda p: p.position == "block")
                    ),
                    args=("block",),
                ),
                Call(
                    "own position on a closed vote of A",
                    lambda case, role: case.decisions["closed"]["A"],
                    "action_set_position",
                    lambda role: False,
                    lambda case, decision: bool(
                        decision.position_ids.filtered(lambda p: p.position == "block")
                    ),
                    args=("block",),
                ),
            ],
        )

    # === kpa.decision.position === #

    def _spec_position(self):
        def position_of(case, decision, partner):
            return decision.sudo().position_ids.filtered(
                lambda line: line.partner_id == partner
            )

        def own_or_member(case, role):
            decision = case.decisions["open"][role.home]
            own = position_of(case, decision, case.users[role.key].partner_id)
            return own or position_of(case, decision, case.people[role.home])

        return ModelSpec(
            "kpa.decision.position",
            records={
                key: (
                    lambda case, role, key=key: position_of(
                        case, case.decisions["open"][key], case.people[key]
                    )
                )
                for key in ("A", "B", "P")
            },
            read=lambda role, coop: role.is_member(coop) or role.acts_in(coop),
            # The participants are the members when the vote opened.
            unlink=lambda role, coop: False,
            creates=[
                Create(
                    "a participant in an open vote of own cooperative",
                    lambda case, role: {
                        "decision_id": case.decisions["open"][role.home].id,
                        "partner_id": case.candidacies.get(
                            role.home, case.memberships[role.home]
                        ).partner_id.id,
                    },
                    lambda role: False,
                )
            ],
            writes=[
                # Votes change only through their flow: a position is given by
                # its owner with action_set_position while the vote is open
                # (the decision's calls), never written as data, not even by
                # its owner. The target is the role's own position when it
                # takes part in the vote, else a member's.
                WriteTarget(
                    "open vote, own or a member's",
                    own_or_member,
                    lambda role: set(),
                ),
            ],
            values={
                "decision_id": lambda case, record, role: case.decisions["closed"][
                    role.home
                ].id,
                "partner_id": lambda case, record, role: case.candidacies.get(
                    role.home, case.memberships[role.home]
                ).partner_id.id,
                "position": lambda case, record, role: "block",
            },
        )
