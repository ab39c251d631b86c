from datetime import date

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged

from .common import KpaGovernanceCommon, give_positions


@tagged("post_install", "-at_install")
class TestDecisionOutcome(KpaGovernanceCommon):
    """Outcome at the boundaries of quorum and majority; blocks and abstentions."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.coop_vote = cls.env["kpa.cooperative"].create(
            {"name": "Coop Vote Test", "state": "active"}
        )
        cls.voters = cls._create_members(cls.coop_vote, 10, prefix="Voter")

    def _voted(self, positions, quorum=50, majority=50):
        self.coop_vote.write({"decision_quorum": quorum, "decision_majority": majority})
        decision = self._open(self._decision(self.coop_vote))
        self._vote(decision, dict(zip(self.voters, positions, strict=False)))
        return decision

    def test_quorum_boundary(self):
        # 5 of 10 positions given: 50 % reaches a quorum of 50 %.
        decision = self._voted(["agree"] * 5)
        self.assertEqual((decision.given_count, decision.participant_count), (5, 10))
        self.assertTrue(decision.quorum_reached)
        self.assertEqual(decision.outcome, "adopted")
        # 4 of 10: even unanimous, the quorum is not reached.
        decision = self._voted(["agree"] * 4)
        self.assertFalse(decision.quorum_reached)
        self.assertEqual(decision.outcome, "rejected")
        # Abstentions and blocks count for the quorum.
        decision = self._voted(["agree", "agree", "abstain", "abstain", "abstain"])
        self.assertTrue(decision.quorum_reached)
        self.assertEqual(decision.outcome, "adopted")
        # Quorum of 60 %: 6 positions needed.
        self.assertEqual(self._voted(["agree"] * 5, quorum=60).outcome, "rejected")
        self.assertEqual(self._voted(["agree"] * 6, quorum=60).outcome, "adopted")

    def test_majority_boundary(self):
        # A tie is not a majority: more than 50 % of expressed positions must agree.
        tie = self._voted(["agree"] * 3 + ["disagree"] * 3)
        self.assertEqual(tie.outcome, "rejected")
        self.assertEqual(
            self._voted(["agree"] * 4 + ["disagree"] * 3).outcome, "adopted"
        )
        # Abstentions are not expressed positions.
        decision = self._voted(["agree"] + ["abstain"] * 5 + ["disagree"] * 0)
        self.assertEqual(decision.outcome, "adopted")
        self.assertEqual(self._voted(["abstain"] * 6).outcome, "rejected")
        # Two thirds: 2 agree against 1 (66.7 %) pass more than 66 %, not more
        # than 67 %.
        two_thirds = ["agree", "agree", "disagree", "abstain", "abstain"]
        self.assertEqual(self._voted(two_thirds, majority=66).outcome, "adopted")
        self.assertEqual(self._voted(two_thirds, majority=67).outcome, "rejected")

    def test_block_rejects(self):
        decision = self._voted(["agree"] * 9 + ["block"])
        self.assertEqual(decision.block_count, 1)
        self.assertEqual(decision.outcome, "rejected")
        decision.action_close()
        self.assertEqual(decision.outcome, "rejected")
        with self.assertRefused(UserError, "Only a closed, adopted decision"):
            decision.action_apply()

    def test_change_of_position_counts_once(self):
        decision = self._voted(["agree"] * 5)
        self._vote(decision, {self.voters[0]: "disagree"})
        self.assertEqual(
            (decision.agree_count, decision.disagree_count, decision.given_count),
            (4, 1, 5),
        )

    def test_quorum_and_majority_from_adopted_rule(self):
        self.coop_vote.write({"decision_quorum": 50, "decision_majority": 50})
        opened_before = self._open(self._decision(self.coop_vote, name="Before"))
        rule = self.env["kpa.rule"].create(
            {
                "name": "Functioning Test",
                "cooperative_id": self.coop_vote.id,
                "sets_voting_rules": True,
                "quorum": 80,
                "majority": 66,
            }
        )
        self._adopt(self._decision(self.coop_vote, "rule", rule_id=rule.id))
        self.assertEqual(self.coop_vote.voting_rule_id, rule)
        self.assertEqual(
            (self.coop_vote.effective_quorum, self.coop_vote.effective_majority),
            (80, 66),
        )
        opened_after = self._open(self._decision(self.coop_vote, name="After"))
        self.assertEqual((opened_after.quorum, opened_after.majority), (80, 66))
        # A vote already open keeps the rules it opened with.
        self.assertEqual((opened_before.quorum, opened_before.majority), (50, 50))
        self._vote(opened_after, dict.fromkeys(self.voters[:7], "agree"))
        self.assertEqual(opened_after.outcome, "rejected")
        self._vote(opened_after, {self.voters[7]: "agree"})
        self.assertEqual(opened_after.outcome, "adopted")

    def test_only_one_rule_sets_voting_rules(self):
        first, second = self.env["kpa.rule"].create(
            [
                {
                    "name": name,
                    "cooperative_id": self.coop_vote.id,
                    "sets_voting_rules": True,
                    "quorum": 60,
                }
                for name in ("Voting One Test", "Voting Two Test")
            ]
        )
        self._adopt(self._decision(self.coop_vote, "rule", rule_id=first.id))
        decision = self._decision(self.coop_vote, "rule", rule_id=second.id)
        with self.assertRefused(ValidationError, "already has an adopted rule"):
            self._adopt(decision)

    def test_voting_settings_range(self):
        with self.assertRefused(ValidationError, "at least 50 %"):
            self.coop_vote.decision_majority = 40
        with self.assertRefused(ValidationError, "between 0 and 100"):
            self.coop_vote.decision_quorum = 120


@tagged("post_install", "-at_install")
class TestDecisionApply(KpaGovernanceCommon):
    """Applying adopted decisions: admission, exclusion, rule adoption; each
    idempotent, tracked, and confined to its own cooperative."""

    def test_admission(self):
        decision = self._decision(
            decision_type="admission",
            name="Admission of Carl",
            membership_id=self.membership_carl.id,
            date=date(2025, 2, 3),
        )
        self._open(decision)
        self.assertEqual(
            decision.position_ids.partner_id,
            self.member_anna | self.member_bob | self.member_paula,
        )
        self._vote(decision, {self.member_anna: "agree", self.member_bob: "agree"})
        decision.action_close()
        self.assertEqual(decision.outcome, "adopted")
        decision.action_apply()
        self.assertRecordValues(
            self.membership_carl,
            [
                {
                    "state": "member",
                    "date_start": date(2025, 2, 3),
                    "admission_decision_id": decision.id,
                }
            ],
        )
        self.assertTrue(decision.date_applied)
        messages = decision.message_ids
        # Idempotent: a second application changes and posts nothing.
        decision.action_apply()
        self.assertEqual(self.membership_carl.state, "member")
        self.assertEqual(decision.message_ids, messages)
        bodies = " ".join(messages.mapped("body"))
        self.assertIn("Vote opened: 3 participants", bodies)
        self.assertIn("Vote closed on 02/03/2025: adopted", bodies)
        self.assertIn("Admitted: Carl Test is a member of Coop Alpha", bodies)
        self.assertIn(
            "Admitted by the decision",
            " ".join(self.membership_carl.message_ids.mapped("body")),
        )

    def test_exclusion(self):
        decision = self._decision(
            decision_type="exclusion",
            name="Exclusion of Bob",
            membership_id=self.membership_bob.id,
            date=date(2025, 3, 1),
        )
        self._open(decision)
        # The person an exclusion is about does not take part.
        self.assertNotIn(self.member_bob, decision.position_ids.partner_id)
        self._adopt(decision)
        self.assertRecordValues(
            self.membership_bob,
            [
                {
                    "state": "excluded",
                    "date_end": date(2025, 3, 1),
                    "exclusion_decision_id": decision.id,
                }
            ],
        )
        self.assertIn("Exclusion of Bob", self.membership_bob.end_reason)
        messages = decision.message_ids
        decision.action_apply()
        self.assertEqual(decision.message_ids, messages)
        self.assertEqual(self.membership_bob.date_end, date(2025, 3, 1))

    def test_rule_adoption_and_new_version(self):
        rule = self.env["kpa.rule"].create(
            {
                "name": "Welcome Test",
                "cooperative_id": self.coop_a.id,
                "category": "welcome",
                "body": "<p>Version one</p>",
            }
        )
        with self.assertRefused(UserError, "only through a decision"):
            rule.write({"state": "adopted"})
        decision = self._adopt(
            self._decision(decision_type="rule", rule_id=rule.id),
            date_decision=date(2024, 5, 6),
        )
        self.assertRecordValues(
            rule,
            [{"state": "adopted", "date_adopted": date(2024, 5, 6), "version": 1}],
        )
        self.assertEqual(rule.decision_id, decision)
        decision.action_apply()  # idempotent
        self.assertEqual(rule.state, "adopted")
        # Its text no longer changes: a new version does.
        with self.assertRefused(UserError, "Create a new version"):
            rule.body = "<p>Changed in place</p>"
        action = rule.action_new_version()
        new_version = self.env["kpa.rule"].browse(action["res_id"])
        self.assertRecordValues(
            new_version,
            [{"state": "draft", "version": 2, "previous_id": rule.id}],
        )
        # Asking again opens the same draft.
        self.assertEqual(rule.action_new_version()["res_id"], new_version.id)
        new_version.body = "<p>Version two</p>"
        proposal = new_version.action_propose_adoption()
        second = self.env["kpa.decision"].browse(proposal["res_id"])
        self.assertEqual(second.decision_type, "rule")
        self._adopt(second, date_decision=date(2025, 1, 6))
        self.assertRecordValues(
            rule + new_version,
            [
                {"state": "archived", "date_archived": date(2025, 1, 6)},
                {"state": "adopted", "date_archived": False},
            ],
        )
        self.assertEqual(new_version.date_adopted, date(2025, 1, 6))
        self.assertEqual(new_version.version_count, 2)
        self.assertEqual(rule.version_count, 2)
        second.action_apply()
        self.assertEqual((rule + new_version).mapped("state"), ["archived", "adopted"])

    def test_rejected_decision_changes_nothing(self):
        decision = self._open(
            self._decision(
                decision_type="admission", membership_id=self.membership_carl.id
            )
        )
        self._vote(decision, {self.member_anna: "agree", self.member_bob: "block"})
        decision.action_close()
        with self.assertRefused(UserError, "Only a closed, adopted decision"):
            decision.action_apply()
        self.assertEqual(self.membership_carl.state, "candidate")

    def test_subject_frozen_once_open(self):
        decision = self._open(
            self._decision(
                decision_type="admission", membership_id=self.membership_carl.id
            )
        )
        with self.assertRefused(UserError, "has started"):
            decision.proposal = "<p>Another proposal</p>"
        with self.assertRefused(UserError, "already voting on the same question"):
            self._open(
                self._decision(
                    decision_type="admission", membership_id=self.membership_carl.id
                )
            )

    def test_isolation_between_cooperatives(self):
        rule_a = self.env["kpa.rule"].create(
            {"name": "Rule of A Test", "cooperative_id": self.coop_a.id}
        )
        count = self.env["kpa.decision"].search_count([])
        with self.assertRefused(ValidationError, "a decision of Coop Beta cannot"):
            self._decision(
                self.coop_b, "exclusion", membership_id=self.membership_anna.id
            )
        with self.assertRefused(ValidationError, "a decision of Coop Beta cannot"):
            self._decision(self.coop_b, "rule", rule_id=rule_a.id)
        self.assertEqual(self.env["kpa.decision"].search_count([]), count)
        # Nor by changing the subject of a draft afterwards.
        decision_b = self._decision(
            self.coop_b, "admission", membership_id=self.membership_dina.id
        )
        with self.assertRefused(ValidationError, "a decision of Coop Beta cannot"):
            decision_b.membership_id = self.membership_carl
        # A coordinator of B can neither see nor decide for A.
        decision_a = self._decision(
            decision_type="admission", membership_id=self.membership_carl.id
        )
        with self.assertRaises(AccessError):
            decision_a.with_user(self.coordinator_b).action_open()
        with self.assertRaises(AccessError):
            self._decision(decision_type="other", name="Intruder").with_user(
                self.coordinator_b
            ).read(["name"])
        with self.assertRaises(AccessError):
            self.env["kpa.decision"].with_user(self.coordinator_b).create(
                {"name": "Intruder", "cooperative_id": self.coop_a.id}
            )
        # A member of B is no participant of A.
        self._open(decision_a)
        with self.assertRaises(AccessError):
            self.env["kpa.decision.position"].create(
                {"decision_id": decision_a.id, "partner_id": self.member_dina.id}
            )
        with self.assertRefused(ValidationError, "only the members of Coop Alpha"):
            self.env["kpa.decision.position"].sudo().create(
                {"decision_id": decision_a.id, "partner_id": self.member_dina.id}
            )
        self.assertEqual(self.membership_carl.state, "candidate")

    def test_coordinator_runs_decisions_of_own_cooperative(self):
        decision = self._decision(
            decision_type="admission", membership_id=self.membership_carl.id
        ).with_user(self.coordinator_a)
        decision.action_open()
        # The coordinator does not give the members' positions.
        for line in decision.position_ids:
            with self.assertRaises(AccessError), self.env.cr.savepoint():
                line.write({"position": "agree"})
        self.assertFalse(any(decision.sudo().position_ids.mapped("position")))
        self._vote(decision, dict.fromkeys(decision.position_ids.partner_id, "agree"))
        decision.action_close()
        decision.action_apply()
        self.assertEqual(self.membership_carl.state, "member")
        self.assertIn(
            "Anna Test: agree.", " ".join(decision.message_ids.mapped("body"))
        )

    def test_subject_of_another_cooperative_is_named(self):
        """One message for a record that refers to one of another cooperative:
        a decision about its rule, a new version of its rule."""
        rule_a = self.env["kpa.rule"].create(
            {"name": "Rule of A Test", "cooperative_id": self.coop_a.id}
        )
        with self.assertRefused(
            ValidationError,
            "^“Rule of A Test” belongs to Coop Alpha: a decision of Coop Beta "
            "cannot refer to it[.]$",
        ):
            self._decision(self.coop_b, "rule", rule_id=rule_a.id)
        # Versions are linked by action_new_version only (as superuser): the
        # link is refused as data, and checked all the same.
        with self.assertRefused(UserError, "not written directly"):
            self.env["kpa.rule"].create(
                {
                    "name": "Rule of B Test",
                    "cooperative_id": self.coop_b.id,
                    "previous_id": rule_a.id,
                }
            )
        with self.assertRefused(
            ValidationError,
            "^“Rule of A Test” belongs to Coop Alpha: a rule of Coop Beta cannot "
            "refer to it[.]$",
        ):
            self.env["kpa.rule"].sudo().create(
                {
                    "name": "Rule of B Test",
                    "cooperative_id": self.coop_b.id,
                    "previous_id": rule_a.id,
                }
            )


@tagged("post_install", "-at_install")
class TestDecisionBadInputs(KpaGovernanceCommon):
    """Bad inputs: each gets a clear error and writes nothing."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.decision = cls.env["kpa.decision"].create(
            {
                "name": "Admission of Carl",
                "cooperative_id": cls.coop_a.id,
                "decision_type": "admission",
                "membership_id": cls.membership_carl.id,
            }
        )
        cls.decision.action_open()

    def _positions(self):
        return self.decision.position_ids.read(["partner_id", "position"])

    def test_vote_by_non_member(self):
        before = self._positions()
        with self.assertRefused(UserError, "Carl Test does not take part"):
            self.decision._set_position(self.candidate_carl, "agree")
        with self.assertRefused(UserError, "Dina Test does not take part"):
            self.decision._set_position(self.member_dina, "agree")
        # Through their own rights, they cannot even read the decision.
        with self.assertRaises(AccessError):
            self.decision.with_user(self.candidate_user).action_set_position("agree")
        self.assertEqual(self._positions(), before)

    def test_vote_after_member_left(self):
        self.membership_bob._close("left", date(2025, 1, 1), "Moved away")
        with self.assertRefused(UserError, "Bob Test does not take part"):
            self.decision._set_position(self.member_bob, "agree")

    def test_vote_after_closing(self):
        self.decision.with_user(self.member_user).action_set_position("agree")
        self.decision.action_close()
        before = self._positions()
        with self.assertRefused(UserError, "is closed: positions no longer change"):
            self.decision.with_user(self.member_user).action_set_position("block")
        with self.assertRefused(UserError, "is closed: positions no longer change"):
            self.decision.position_ids.write({"position": "block"})
        self.assertEqual(self._positions(), before)
        self.assertEqual(self.decision.outcome, "rejected")  # 1 of 3: no quorum

    def test_unknown_position(self):
        with self.assertRefused(UserError, "Choose a position"):
            self.decision.with_user(self.member_user).action_set_position("maybe")
        self.assertFalse(any(self.decision.position_ids.mapped("position")))

    def test_exclusion_without_decision(self):
        wizard = Form(
            self.env["kpa.membership.end"].with_context(
                active_model="kpa.membership", active_ids=self.membership_bob.ids
            )
        )
        wizard.end_type = "excluded"
        wizard.reason = "Not respectful"
        wizard = wizard.save()
        with self.assertRefused(UserError, "An exclusion is decided by the members"):
            wizard.action_confirm()
        self.assertRecordValues(
            self.membership_bob, [{"state": "member", "date_end": False}]
        )
        # Governance refuses it first, with its own word; the data itself
        # refuses an exclusion without its decision.
        with self.assertRefused(UserError, "An exclusion is decided by the members"):
            self.membership_bob.write(
                {"state": "excluded", "date_end": date(2025, 1, 1), "end_reason": "x"}
            )
        with self.assertRefused(
            ValidationError, "An exclusion is decided by the members"
        ):
            self.membership_bob.sudo().write(
                {"state": "excluded", "date_end": date(2025, 1, 1), "end_reason": "x"}
            )
        # A departure still goes through the wizard.
        wizard = Form(
            self.env["kpa.membership.end"].with_context(
                active_model="kpa.membership", active_ids=self.membership_bob.ids
            )
        )
        wizard.end_type = "left"
        wizard.save().action_confirm()
        self.assertEqual(self.membership_bob.state, "left")

    def test_exclusion_needs_a_decision(self):
        """Members decide exclusions (see test_decision): no one is excluded
        from a form or by a coordinator alone, whatever the reason given."""
        for reason in (False, "Broke the rule of welcome, twice."):
            with (
                self.subTest(reason=reason),
                self.assertRaises(UserError) as caught,
                self.env.cr.savepoint(),
            ):
                self.membership_bob.with_user(self.coordinator_a)._close(
                    "excluded", date(2024, 9, 1), reason
                )
            self.assertEqual(
                caught.exception.args[0],
                "An exclusion is decided by the members: propose an exclusion "
                "decision about Bob Test; once adopted, applying it closes the "
                "membership.",
            )
        self.assertRecordValues(
            self.membership_bob, [{"state": "member", "date_end": False}]
        )

    def test_coordinator_cannot_exclude_without_a_decision(self):
        """The end wizard of kpa_cooperative, as the coordinator uses it."""
        wizard = (
            self.env["kpa.membership.end"]
            .with_user(self.coordinator_a)
            .create(
                {
                    "membership_ids": [Command.set(self.membership_bob.ids)],
                    "end_type": "excluded",
                    "date_end": date(2024, 9, 1),
                    "reason": "Broke the rules.",
                }
            )
        )
        with self.assertRefused(
            UserError,
            "An exclusion is decided by the members: propose an exclusion "
            "decision about Bob Test",
        ):
            wizard.action_confirm()
        self.assertRecordValues(
            self.membership_bob,
            [{"state": "member", "date_end": False, "end_reason": False}],
        )

    def test_exclusion_needs_a_reason(self):
        """Even with its adopted decision, an exclusion says why."""
        decision = self._decision(
            decision_type="exclusion",
            membership_id=self.membership_bob.id,
            date=date(2025, 3, 1),
        )
        self._open(decision)
        give_positions(decision)
        decision.action_close()
        for reason in (False, "", "   "):
            with (
                self.subTest(reason=reason),
                self.assertRefused(ValidationError, "An exclusion needs a reason"),
            ):
                # As the decision's application does it.
                self.membership_bob.sudo()._close(
                    "excluded", date(2025, 3, 1), reason, decision=decision
                )
        self.assertEqual(self.membership_bob.state, "member")

    def test_exclusion_by_another_decision(self):
        """A decision about someone else cannot exclude Bob."""
        other = self._adopt(
            self._decision(
                decision_type="exclusion",
                membership_id=self.membership_anna.id,
                date=date(2025, 1, 1),
            )
        )
        with self.assertRefused(ValidationError, "is not an adopted exclusion"):
            self.membership_bob.sudo()._close(
                "excluded", date(2025, 1, 1), "Reason", decision=other
            )
        self.assertEqual(self.membership_bob.state, "member")

    def test_member_cannot_run_decisions(self):
        with self.assertRaises(AccessError):
            self.decision.with_user(self.member_user).action_close()
        with self.assertRaises(AccessError):
            self.env["kpa.rule"].with_user(self.member_user).create(
                {"name": "Member rule", "cooperative_id": self.coop_a.id}
            )
        self.assertEqual(self.decision.state, "open")
