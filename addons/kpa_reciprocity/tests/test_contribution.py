from datetime import date

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from odoo.addons.kpa_cooperative.tests.common import KpaPortalMemberCommon


@tagged("post_install", "-at_install")
class TestContribution(KpaPortalMemberCommon):
    """The reciprocity ledger: members record, coordinators validate;
    balances and totals count validated hours only."""

    def _contribution(self, giver, receiver, hours, **vals):
        return self.env["kpa.contribution"].create(
            {
                "name": vals.pop("name", "Help Test"),
                "cooperative_id": vals.pop("cooperative_id", self.coop_a.id),
                "giver_partner_id": giver.id,
                "receiver_partner_id": receiver.id,
                "quantity": hours,
                **vals,
            }
        )

    def test_member_records_coordinator_validates(self):
        Contribution = self.env["kpa.contribution"].with_user(self.portal_member_user)
        contribution = Contribution.create(
            {"name": "Buffet for the open day", "quantity": 3.5}
        )
        # Defaults: the member gives to their cooperative, to be validated.
        self.assertRecordValues(
            contribution,
            [
                {
                    "giver_partner_id": self.member_paula.id,
                    "receiver_partner_id": self.coop_a.partner_id.id,
                    "cooperative_id": self.coop_a.id,
                    "contribution_type": "work",
                    "state": "draft",
                }
            ],
        )
        # Not validated: the balance does not move yet.
        self.assertEqual(self.member_paula.kpa_hours_given, 0.0)
        with self.assertRefused(UserError, "Validate or refuse"):
            contribution.write({"state": "validated"})
        with self.assertRefused(AccessError, "Only the coordinators of Coop Alpha"):
            contribution.action_validate()
        with self.assertRaises(AccessError):
            contribution.with_user(self.coordinator_b).action_validate()
        contribution.with_user(self.coordinator_a).action_validate()
        self.assertRecordValues(
            contribution,
            [{"state": "validated", "validated_by_id": self.coordinator_a.id}],
        )
        self.member_paula.invalidate_recordset()
        self.assertEqual(self.member_paula.kpa_hours_given, 3.5)
        # Once validated, the member no longer changes it.
        with self.assertRefused(UserError, "has been reviewed"):
            contribution.write({"quantity": 10})
        with self.assertRefused(UserError, "A contribution is recorded to be"):
            Contribution.create(
                {"name": "Self-validated", "quantity": 1, "state": "validated"}
            )

    def test_member_records_only_their_own(self):
        Contribution = self.env["kpa.contribution"].with_user(self.portal_member_user)
        with self.assertRaises(AccessError):
            Contribution.create(
                {
                    "name": "On behalf of Bob",
                    "giver_partner_id": self.member_bob.id,
                    "quantity": 2,
                }
            )
        # They may record what they received from another member.
        received = Contribution.create(
            {
                "name": "Bob repaired my sewing machine",
                "giver_partner_id": self.member_bob.id,
                "receiver_partner_id": self.member_paula.id,
                "quantity": 1,
            }
        )
        self.assertEqual(received.state, "draft")
        # Members of another cooperative do not see it.
        with self.assertRaises(AccessError):
            received.with_user(self.coordinator_b).read(["name"])

    def test_bad_inputs_write_nothing(self):
        count = self.env["kpa.contribution"].search_count([])
        with self.assertRefused(ValidationError, "positive number of hours"):
            self._contribution(self.member_anna, self.coop_a.partner_id, -2)
        with self.assertRefused(ValidationError, "positive number of hours"):
            self._contribution(self.member_anna, self.coop_a.partner_id, 0)
        with self.assertRefused(ValidationError, "to themselves"):
            self._contribution(self.member_anna, self.member_anna, 2)
        stranger = self.env["res.partner"].create({"name": "Stranger Test"})
        with self.assertRefused(ValidationError, "Stranger Test is neither"):
            self._contribution(self.member_anna, stranger, 2)
        with self.assertRefused(ValidationError, "Neither Dina Test nor Coop Beta"):
            self._contribution(self.member_dina, self.coop_b.partner_id, 2)
        self.assertEqual(self.env["kpa.contribution"].search_count([]), count)

    def test_balances_and_totals(self):
        coop_partner = self.coop_a.partner_id
        entries = [
            (self.member_anna, coop_partner, 4.0, "work", date(2025, 1, 10)),
            (self.member_anna, self.member_bob, 2.0, "skill", date(2025, 1, 20)),
            (self.member_bob, coop_partner, 3.0, "work", date(2025, 2, 5)),
            (coop_partner, self.member_anna, 1.5, "other", date(2025, 2, 6)),
        ]
        contributions = self.env["kpa.contribution"].create(
            [
                {
                    "name": f"Entry {index}",
                    "cooperative_id": self.coop_a.id,
                    "giver_partner_id": giver.id,
                    "receiver_partner_id": receiver.id,
                    "quantity": hours,
                    "contribution_type": kind,
                    "date": day,
                }
                for index, (giver, receiver, hours, kind, day) in enumerate(entries)
            ]
        )
        contributions.action_validate()
        # Neither drafts nor refused entries count.
        self._contribution(self.member_anna, coop_partner, 100, date=date(2025, 1, 1))
        self._contribution(
            self.member_bob, coop_partner, 50, date=date(2025, 1, 1)
        ).action_refuse()
        partners = self.member_anna | self.member_bob
        partners.invalidate_recordset()
        self.assertRecordValues(
            partners,
            [
                {
                    "kpa_hours_given": 6.0,
                    "kpa_hours_received": 1.5,
                    "kpa_reciprocity_balance": 4.5,
                },
                {
                    "kpa_hours_given": 3.0,
                    "kpa_hours_received": 2.0,
                    "kpa_reciprocity_balance": 1.0,
                },
            ],
        )
        self.assertEqual(
            partners._kpa_reciprocity_balances(date_from=date(2025, 2, 1)),
            {self.member_anna.id: (0.0, 1.5), self.member_bob.id: (3.0, 0.0)},
        )
        totals = (self.coop_a | self.coop_b)._contribution_totals()
        self.assertEqual(
            totals[self.coop_a],
            {
                (date(2025, 1, 1), "work"): 4.0,
                (date(2025, 1, 1), "skill"): 2.0,
                (date(2025, 2, 1), "work"): 3.0,
                (date(2025, 2, 1), "other"): 1.5,
            },
        )
        self.assertEqual(totals[self.coop_b], {})
        self.assertEqual(
            self.coop_a._contribution_totals(
                date_from=date(2025, 2, 1), granularity="year"
            )[self.coop_a],
            {(date(2025, 1, 1), "work"): 3.0, (date(2025, 1, 1), "other"): 1.5},
        )
        self.assertEqual(self.coop_a.contribution_hours, 10.5)
        # One grouped query per side, whatever the number of partners.
        partners.invalidate_recordset()
        with self.assertQueryCount(2):
            partners._kpa_reciprocity_balances()


@tagged("post_install", "-at_install")
class TestResourceAndTraining(KpaPortalMemberCommon):
    """Pooled resources lent across the network, and peer trainings."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.printer = cls.env["kpa.resource"].create(
            {
                "name": "3D printer Test",
                "cooperative_id": cls.coop_a.id,
                "resource_type": "machine",
                "hours_per_day": 2.0,
            }
        )

    def _loan(self, start, end, borrower=None):
        return self.env["kpa.resource.loan"].create(
            {
                "resource_id": self.printer.id,
                "borrower_partner_id": (borrower or self.coop_b.partner_id).id,
                "date_start": start,
                "date_end": end,
            }
        )

    def test_loan_is_a_contribution(self):
        loan = self._loan(date(2025, 3, 3), date(2025, 3, 5))
        self.assertEqual(loan.hours, 6.0)
        self.assertRecordValues(
            loan.contribution_id,
            [
                {
                    "cooperative_id": self.coop_a.id,
                    "giver_partner_id": self.coop_a.partner_id.id,
                    "receiver_partner_id": self.coop_b.partner_id.id,
                    "contribution_type": "resource",
                    "quantity": 6.0,
                    "state": "validated",
                    "loan_id": loan.id,
                }
            ],
        )
        loan.date_end = date(2025, 3, 3)
        self.assertEqual(loan.contribution_id.quantity, 2.0)
        loan.action_cancel()
        self.assertEqual(loan.contribution_id.state, "refused")

    def test_overlapping_loans_refused(self):
        self._loan(date(2025, 3, 3), date(2025, 3, 5))
        count = self.env["kpa.resource.loan"].search_count([])
        contributions = self.env["kpa.contribution"].search_count([])
        for start, end in (
            (date(2025, 3, 5), date(2025, 3, 7)),  # shares the last day
            (date(2025, 3, 1), date(2025, 3, 3)),  # shares the first day
            (date(2025, 3, 4), date(2025, 3, 4)),  # inside
            (date(2025, 2, 1), date(2025, 4, 1)),  # around
        ):
            with self.assertRefused(
                ValidationError, "3D printer Test is already lent to Coop Beta"
            ):
                self._loan(start, end, borrower=self.member_anna)
        self.assertEqual(self.env["kpa.resource.loan"].search_count([]), count)
        self.assertEqual(self.env["kpa.contribution"].search_count([]), contributions)
        # Right before and right after: fine; a cancelled loan frees its dates.
        self._loan(date(2025, 3, 6), date(2025, 3, 6), borrower=self.member_anna)
        self._loan(date(2025, 3, 2), date(2025, 3, 2), borrower=self.member_anna)
        cancelled = self._loan(date(2025, 4, 1), date(2025, 4, 2))
        cancelled.action_cancel()
        self._loan(date(2025, 4, 1), date(2025, 4, 2), borrower=self.member_anna)
        # Two overlapping loans created together are refused too.
        with self.assertRefused(ValidationError, "already lent"):
            self.env["kpa.resource.loan"].create(
                [
                    {
                        "resource_id": self.printer.id,
                        "borrower_partner_id": partner.id,
                        "date_start": date(2025, 5, 1),
                        "date_end": date(2025, 5, 2),
                    }
                    for partner in (self.member_anna, self.coop_b.partner_id)
                ]
            )

    def test_loan_rules(self):
        with self.assertRefused(ValidationError, "cannot end"):
            self._loan(date(2025, 3, 5), date(2025, 3, 3))
        with self.assertRefused(ValidationError, "belongs to Coop Alpha"):
            self._loan(
                date(2025, 3, 5), date(2025, 3, 6), borrower=self.coop_a.partner_id
            )
        self.printer.is_available = False
        with self.assertRefused(UserError, "not available for loans"):
            self._loan(date(2025, 3, 5), date(2025, 3, 6))
        # Coordinators lend the resources of their own cooperatives only.
        self.printer.is_available = True
        with self.assertRaises(AccessError):
            self.env["kpa.resource.loan"].with_user(self.coordinator_b).create(
                {
                    "resource_id": self.printer.id,
                    "borrower_partner_id": self.coop_b.partner_id.id,
                    "date_start": date(2025, 6, 1),
                    "date_end": date(2025, 6, 1),
                }
            )
        # Members of the whole network see the pooled resources.
        self.assertTrue(
            self.env["kpa.resource"]
            .with_user(self.member_user)
            .search([("id", "=", self.printer.id)])
        )

    def test_training_session(self):
        sewing = self.env["kpa.skill"].create({"name": "Sewing Test"})
        self.env["kpa.partner.skill"].create(
            [
                {
                    "partner_id": self.member_anna.id,
                    "skill_id": sewing.id,
                    "level": "teaching",
                },
                {
                    "partner_id": self.member_bob.id,
                    "skill_id": sewing.id,
                    "level": "teaching",
                },
            ]
        )
        training = self.env["kpa.training"].create(
            {
                "name": "Sewing basics",
                "cooperative_id": self.coop_a.id,
                "skill_id": sewing.id,
                "teacher_partner_id": self.member_anna.id,
                "learner_partner_ids": [
                    (6, 0, (self.member_bob | self.member_dina).ids)
                ],
                "hours": 3.0,
                "level_reached": "practising",
            }
        )
        training.action_done()
        self.assertEqual(training.state, "done")
        self.assertRecordValues(
            training.contribution_ids.sorted("receiver_partner_id"),
            [
                {
                    "giver_partner_id": self.member_anna.id,
                    "receiver_partner_id": partner.id,
                    "quantity": 3.0,
                    "contribution_type": "skill",
                    "state": "validated",
                }
                for partner in (self.member_bob | self.member_dina).sorted("id")
            ],
        )
        levels = {
            line.partner_id: line.level
            for line in self.env["kpa.partner.skill"].search(
                [("skill_id", "=", sewing.id)]
            )
        }
        # Bob could already teach: his level is kept; Dina starts practising.
        self.assertEqual(levels[self.member_bob], "teaching")
        self.assertEqual(levels[self.member_dina], "practising")
        training.action_done()  # idempotent
        self.assertEqual(len(training.contribution_ids), 2)

    def test_training_needs_a_teacher_who_can_teach(self):
        carpentry = self.env["kpa.skill"].create({"name": "Carpentry Test"})
        training = self.env["kpa.training"].create(
            {
                "name": "Carpentry basics",
                "cooperative_id": self.coop_a.id,
                "skill_id": carpentry.id,
                "teacher_partner_id": self.member_bob.id,
                "learner_partner_ids": [(6, 0, self.member_anna.ids)],
                "hours": 2.0,
            }
        )
        with self.assertRefused(UserError, "Bob Test cannot teach Carpentry Test"):
            training.action_done()
        self.assertEqual(training.state, "draft")
        self.assertFalse(training.contribution_ids)
        with self.assertRefused(ValidationError, "positive number of hours"):
            training.hours = -1
