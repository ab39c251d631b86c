from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import Form, tagged

from .common import KpaMarketplaceCommon


@tagged("post_install", "-at_install")
class TestServiceCatalogue(KpaMarketplaceCommon):
    with_other_host = True

    def test_service_belongs_to_the_host_of_its_cooperative(self):
        service = self.env["product.template"].create(
            {"name": "Hemming", "kpa_cooperative_id": self.coop_a.id}
        )
        self.assertEqual(service.company_id, self.host)
        # The only activity of the cooperative is the service's by default.
        self.assertEqual(service.kpa_activity_id, self.activity_sewing)

    def test_cooperative_of_another_host_is_refused(self):
        with self.assertRefused(ValidationError, "hosted by Other Host Test"):
            self.env["product.template"].create(
                {
                    "name": "Hemming",
                    "kpa_cooperative_id": self.coop_other.id,
                    "company_id": self.host.id,
                }
            )
        with self.assertRefused(ValidationError, "hosted by Host Structure Test"):
            self.service_a1.company_id = self.other_host
        self.assertEqual(self.service_a1.company_id, self.host)
        with self.assertRefused(ValidationError, "hosted by Host Structure Test"):
            self.service_a1.company_id = False

    def test_provider_must_be_a_current_member(self):
        # Dina is a member of Coop Beta, Carl only a candidate of Coop Alpha.
        for stranger in (self.member_dina, self.candidate_carl):
            with self.assertRefused(
                ValidationError,
                f"{stranger.name} cannot provide “Sewing workshop”: only current "
                "members of Coop Alpha",
            ):
                self.service_a1.kpa_provider_ids = [Command.link(stranger.id)]
        self.assertEqual(self.service_a1.kpa_provider_ids, self.member_anna)
        self.service_a1.kpa_provider_ids = [Command.link(self.member_bob.id)]
        self.assertEqual(
            self.service_a1.kpa_provider_ids, self.member_anna | self.member_bob
        )

    def test_changing_cooperative_checks_the_providers(self):
        with self.assertRefused(ValidationError, "only current members of Coop"):
            self.service_a1.kpa_cooperative_id = self.coop_b

    def test_member_who_leaves_stops_providing(self):
        self.membership_anna._close("left", "2025-01-31", "Moved away")
        self.assertFalse(self.service_a1.kpa_provider_ids)

    def test_activity_must_be_one_of_the_cooperative(self):
        with self.assertRefused(
            ValidationError, "“Catering.*” is not an activity of Coop Alpha"
        ):
            self.service_a1.kpa_activity_id = self.activity_catering

    def test_coordinator_creates_a_service_of_their_cooperative(self):
        Template = (
            self.env["product.template"]
            .with_user(self.coordinator_a)
            .with_context(kpa_service_of_my_cooperative=True, default_type="service")
        )
        with Form(Template) as form:
            form.name = "Curtains made to measure"
            form.list_price = 80.0
            self.assertEqual(form.kpa_cooperative_id, self.coop_a)
        service = form.record
        self.assertEqual(service.kpa_cooperative_id, self.coop_a)
        self.assertEqual(service.company_id, self.host)

    def test_cooperative_counts_its_services(self):
        self.assertEqual(self.coop_a.service_count, 2)
        self.assertEqual(self.coop_b.service_count, 1)
        action = self.coop_a.action_view_services()
        self.assertEqual(
            self.env["product.template"].search(action["domain"]),
            self.service_a1 | self.service_a2,
        )
