from odoo.tests import tagged

from odoo.addons.kpa_marketplace.tests.test_http import KpaMarketplaceHttpCommon

from .common import KpaWorkshopCommon


@tagged("post_install", "-at_install", "kpa_http")
class TestWorkshopPages(KpaWorkshopCommon, KpaMarketplaceHttpCommon):
    def test_cooperative_page_lists_the_sessions_to_book(self):
        self.env["event.registration"].create(
            [{"event_id": self.session_1.id, "name": name} for name in ("Ana", "Ben")]
        )
        page = self._page("/cooperatives/coop-alpha")
        sessions = self._find(page, "#o_kpa_workshops", "div.o_kpa_workshop_session")
        self.assertEqual(
            [session.get("data-kpa-session") for session in sessions],
            ["Sewing class 1", "Sewing class 2"],
        )
        # The first session is full: no booking; the second has its 5 seats.
        self.assertTrue(self._find(sessions[0], "span.o_kpa_session_full"))
        self.assertFalse(self._find(sessions[0], "a.o_kpa_session_book"))
        book = self._find(sessions[1], "a.o_kpa_session_book")[0]
        self.assertEqual(book.get("href"), f"{self.session_2.website_url}/register")
        self.assertIn(
            "5 seats left", self._texts(sessions[1], "span.o_kpa_session_seats")
        )
        # The workshop's card leads to its page, without "Add to cart".
        card = [
            card
            for card in self._find(page, "#o_kpa_services", "div.o_kpa_service_card")
            if card.get("data-kpa-service") == "Sewing class"
        ][0]
        self.assertFalse(self._find(card, "form.o_kpa_add_to_cart"))
        self.assertEqual(self.url_open(book.get("href")).status_code, 200)

    def test_unpublished_session_is_not_shown(self):
        self.session_2.is_published = False
        page = self._page("/cooperatives/coop-alpha")
        sessions = self._find(page, "#o_kpa_workshops", "div.o_kpa_workshop_session")
        self.assertEqual(
            [session.get("data-kpa-session") for session in sessions],
            ["Sewing class 1"],
        )

    def test_shop_page_of_the_workshop_shows_its_sessions(self):
        page = self._page(self.workshop.website_url)
        self.assertFalse(self._find(page, "#add_to_cart"))
        sessions = self._find(
            page, "#o_kpa_workshop_sessions", "div.o_kpa_workshop_session"
        )
        self.assertEqual(len(sessions), 2)
