"""Votes, rules and memberships change only through their flows, whatever
the API call (issue 9). Each refusal is checked as the role's user, with the
real write, and leaves the database as it was."""

from datetime import date

from odoo.exceptions import AccessError, UserError

from .common import KpaGovernanceCommon, give_positions


class TestDecisionFlowsOnly(KpaGovernanceCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.question = cls.env["kpa.decision"].create(
            {"name": "Question Flow Test", "cooperative_id": cls.coop_a.id}
        )
        cls.closed = cls.env["kpa.decision"].create(
            {"name": "Closed Question Test", "cooperative_id": cls.coop_a.id}
        )
        cls.closed.action_open()
        give_positions(cls.closed)
        cls.closed.action_close()
        cls.closed.action_apply()

    def _values(self, decision, fnames):
        decision.invalidate_recordset()
        return decision.read(fnames)[0]

    def test_coordinator_writes_only_the_draft_question(self):
        question = self.question.with_user(self.coordinator_a)
        question.write({"name": "Question Flow Test (clearer)", "proposal": "<p>P</p>"})
        self.assertEqual(self.question.name, "Question Flow Test (clearer)")
        for vals in (
            {"state": "closed"},
            {"outcome": "adopted"},
            {"agree_count": 12},
            {"quorum": 1},
            {"date_applied": "2025-01-15 10:00:00"},
        ):
            before = self._values(self.question, list(vals))
            with (
                self.subTest(vals=vals),
                self.assertRefused(UserError, "set by its vote"),
            ):
                question.write(vals)
            self.assertEqual(self._values(self.question, list(vals)), before)

    def test_nobody_creates_a_decided_vote(self):
        count = self.env["kpa.decision"].search_count([])
        for user in (self.coordinator_a, self.manager):
            with self.subTest(user=user.login), self.assertRefused(UserError, "vote"):
                self.env["kpa.decision"].with_user(user).create(
                    {
                        "name": "Decided Test",
                        "cooperative_id": self.coop_a.id,
                        "state": "closed",
                        "outcome": "adopted",
                    }
                )
        self.assertEqual(self.env["kpa.decision"].search_count([]), count)

    def test_closed_vote_is_frozen(self):
        """Reopening a closed vote, rewriting its date of application or its
        outcome: refused to its coordinator and to the network manager."""
        fnames = ["state", "outcome", "date_applied", "date", "name", "agree_count"]
        before = self._values(self.closed, fnames)
        for user in (self.coordinator_a, self.manager):
            closed = self.closed.with_user(user)
            for vals in (
                {"state": "open"},
                {"date_applied": "2020-01-01 00:00:00"},
                {"outcome": "rejected"},
                {"name": "Rewritten"},
            ):
                with (
                    self.subTest(user=user.login, vals=vals),
                    self.assertRefused(UserError, "has started"),
                ):
                    closed.write(vals)
            with self.assertRefused(UserError, "already open or closed"):
                closed.action_open()
        self.assertEqual(self._values(self.closed, fnames), before)

    def test_positions_only_by_their_owner_while_open(self):
        self.question.action_open()
        line = self.question.position_ids.filtered(
            lambda p: p.partner_id == self.member_anna
        )
        for user in (self.coordinator_a, self.manager, self.member_user):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                line.with_user(user).write({"position": "block"})
            with self.assertRaises(AccessError):
                line.with_user(user).unlink()
        with self.assertRaises(AccessError):
            self.env["kpa.decision.position"].with_user(self.coordinator_a).create(
                {"decision_id": self.question.id, "partner_id": self.member_bob.id}
            )
        self.assertFalse(line.position)
        # Its owner gives it, through the vote.
        self.question.with_user(self.member_user).action_set_position("agree")
        self.assertEqual(line.position, "agree")
        self.question.action_close()
        with self.assertRefused(UserError, "is closed"):
            self.question.with_user(self.member_user).action_set_position("block")
        self.assertEqual(line.position, "agree")

    def test_decision_never_moves_out_of_reach(self):
        """The coordinator of A creates in A, then moves the question to B."""
        question = (
            self.env["kpa.decision"]
            .with_user(self.coordinator_a)
            .create({"name": "Moved Test", "cooperative_id": self.coop_a.id})
        )
        with self.assertRaises(AccessError):
            question.write({"cooperative_id": self.coop_b.id})
        self.assertEqual(question.sudo().cooperative_id, self.coop_a)
        rule = (
            self.env["kpa.rule"]
            .with_user(self.coordinator_a)
            .create({"name": "Moved Rule Test", "cooperative_id": self.coop_a.id})
        )
        with self.assertRaises(AccessError):
            rule.write({"cooperative_id": self.coop_b.id})
        self.assertEqual(rule.sudo().cooperative_id, self.coop_a)
        # The network manager acts in both.
        question.with_user(self.manager).write({"cooperative_id": self.coop_b.id})
        self.assertEqual(question.cooperative_id, self.coop_b)

    def test_rule_versions_are_the_flow(self):
        rule = self.env["kpa.rule"].create(
            {"name": "Versioned Test", "cooperative_id": self.coop_a.id}
        )
        other = self.env["kpa.rule"].create(
            {"name": "Other Test", "cooperative_id": self.coop_a.id}
        )
        for vals in (
            {"version": 7},
            {"previous_id": other.id},
            {"origin_id": other.id},
        ):
            with self.subTest(vals=vals), self.assertRefused(UserError, "not written"):
                rule.with_user(self.coordinator_a).write(vals)
        self.assertRecordValues(
            rule, [{"version": 1, "previous_id": False, "origin_id": False}]
        )


class TestMembershipByDecisionOnly(KpaGovernanceCommon):
    def test_candidate_admitted_only_by_decision(self):
        for user in (self.coordinator_a, self.manager):
            with (
                self.subTest(user=user.login),
                self.assertRefused(UserError, "by a decision of the members"),
            ):
                self.membership_carl.with_user(user).write(
                    {"state": "member", "date_start": date(2025, 1, 1)}
                )
            with self.assertRefused(UserError, "by a decision of the members"):
                self.membership_carl.with_user(user).action_admit()
        self.assertRecordValues(
            self.membership_carl, [{"state": "candidate", "admission_decision_id": 0}]
        )
        decision = self._decision(
            decision_type="admission", membership_id=self.membership_carl.id
        ).with_user(self.coordinator_a)
        decision.action_open()
        with self.assertRefused(UserError, "not written directly"):
            self.membership_carl.with_user(self.coordinator_a).write(
                {"admission_decision_id": decision.id}
            )
        self._vote(decision, dict.fromkeys(decision.position_ids.partner_id, "agree"))
        decision.action_close()
        decision.action_apply()
        self.assertRecordValues(
            self.membership_carl,
            [{"state": "member", "admission_decision_id": decision.id}],
        )

    def test_member_excluded_only_by_decision(self):
        with self.assertRefused(UserError, "An exclusion is decided by the members"):
            self.membership_bob.with_user(self.coordinator_a).write(
                {
                    "state": "excluded",
                    "date_end": date(2025, 1, 1),
                    "end_reason": "Written directly.",
                }
            )
        self.assertRecordValues(
            self.membership_bob, [{"state": "member", "date_end": False}]
        )

    def test_founders_admitted_by_network_manager(self):
        """A cooperative with no member yet: its network manager admits its
        founders; its coordinator does not, and once it has members, nobody
        admits without a decision."""
        coop = self.env["kpa.cooperative"].create(
            {"name": "Coop Founders Test", "company_id": self.host.id}
        )
        coop.coordinator_ids = self.coordinator_a
        founder = self.env["kpa.membership"].create(
            {"partner_id": self.member_dina.id, "cooperative_id": coop.id}
        )
        with self.assertRefused(UserError, "by a decision of the members"):
            founder.with_user(self.coordinator_a).action_admit(date(2025, 1, 1))
        self.assertEqual(founder.state, "candidate")
        founder.with_user(self.manager).action_admit(date(2025, 1, 1))
        self.assertEqual(founder.state, "member")
        second = self.env["kpa.membership"].create(
            {"partner_id": self.member_bob.id, "cooperative_id": coop.id}
        )
        with self.assertRefused(UserError, "by a decision of the members"):
            second.with_user(self.manager).action_admit(date(2025, 2, 1))
        self.assertEqual(second.state, "candidate")


class TestLeaversAndHosts(KpaGovernanceCommon):
    with_other_host = True

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.vote = cls.env["kpa.decision"].create(
            {"name": "Open Question Test", "cooperative_id": cls.coop_a.id}
        )
        cls.vote.action_open()

    def test_leaver_loses_the_votes(self):
        """Anna leaves A: she no longer reads its votes nor gives a position."""
        Decision = self.env["kpa.decision"].with_user(self.member_user)
        self.assertIn(self.vote, Decision.search([]))
        self.membership_anna._close("left", date(2025, 4, 1), "Moved away.")
        with self.assertRaises(AccessError):
            self.vote.with_user(self.member_user).read(["name"])
        with self.assertRaises(AccessError):
            self.vote.with_user(self.member_user).action_set_position("block")
        line = self.vote.position_ids.filtered(
            lambda p: p.partner_id == self.member_anna
        )
        self.assertFalse(line.position)

    def test_hosts_see_nothing_of_each_other(self):
        """The network manager of one host reads no decision or rule of the
        other host's cooperatives, and creates none there."""
        other_decision, other_rule = (
            self.env["kpa.decision"].create(
                {
                    "name": "Other Host Question Test",
                    "cooperative_id": self.coop_other.id,
                }
            ),
            self.env["kpa.rule"].create(
                {"name": "Other Host Rule Test", "cooperative_id": self.coop_other.id}
            ),
        )
        manager = self.manager_host_only
        for record in (other_decision, other_rule):
            with self.subTest(model=record._name):
                self.assertNotIn(record, record.with_user(manager).search([]))
                with self.assertRaises(AccessError):
                    record.with_user(manager).read(["name"])
        count = self.env["kpa.decision"].search_count([])
        with self.assertRaises(AccessError):
            self.env["kpa.decision"].with_user(manager).create(
                {"name": "Intruder Test", "cooperative_id": self.coop_other.id}
            )
        self.assertEqual(self.env["kpa.decision"].search_count([]), count)
        # And the way back: a decision of the first host never goes there.
        question = (
            self.env["kpa.decision"]
            .with_user(manager)
            .create({"name": "Stay Test", "cooperative_id": self.coop_a.id})
        )
        with self.assertRaises(AccessError):
            question.write({"cooperative_id": self.coop_other.id})
        self.assertEqual(question.sudo().cooperative_id, self.coop_a)
