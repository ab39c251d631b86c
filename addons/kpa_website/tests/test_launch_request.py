from datetime import timedelta

from odoo import fields, http
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import SQL

from odoo.addons.kpa_cooperative.tests.common import KpaCooperativeCommon
from odoo.addons.kpa_cooperative.tests.i18n_common import load_french

GOOD_FORM = {
    "neighbourhood": "Wazemmes",
    "town": "Lille",
    "contact_name": "Karima Test",
    "email": "karima.test@example.org",
    "phone": "06 12 34 56 78",
    "motivation": "We cook for the neighbourhood parties <b>every month</b>.",
    "consent": "1",
}


class KpaLaunchRequestCommon(KpaCooperativeCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.website = cls._setup_host_website()
        cls.team = cls.env.ref("kpa_website.crm_team_launch")
        cls.team.user_id = cls.manager
        cls.salesman = new_test_user(
            cls.env,
            login="kpa_salesman",
            groups="sales_team.group_sale_salesman_all_leads",
            company_id=cls.host.id,
        )

    def launch_requests(self):
        return self.env["crm.lead"].search([("kpa_launch_request", "=", True)])


@tagged("post_install", "-at_install", "kpa_http")
class TestLaunchRequestForm(KpaLaunchRequestCommon, HttpCase):
    """“Envie de démarrer un KPA-Cité ?”: the form on /launch, over HTTP."""

    def setUp(self):
        super().setUp()
        self.authenticate(None, None)  # a visitor's session, for its CSRF token

    def post(self, form, csrf=True):
        data = dict(form)
        if csrf:
            data["csrf_token"] = http.Request.csrf_token(self)
        return self.url_open("/launch", data=data, allow_redirects=False)

    def assert_refused(self, form, message):
        before = self.launch_requests()
        response = self.post(form)
        self.assertEqual(response.status_code, 200)
        self.assertIn(message, response.text)
        self.assertIn("o_kpa_launch_errors", response.text)
        self.assertEqual(self.launch_requests(), before, "nothing is written")
        return response

    def test_form_page(self):
        response = self.url_open("/launch")
        self.assertEqual(response.status_code, 200)
        for name in ("neighbourhood", "town", "contact_name", "email", "phone"):
            self.assertIn(f'name="{name}"', response.text)
        self.assertIn('name="csrf_token"', response.text)
        self.assertIn('class="o_kpa_launch_hp" aria-hidden="true"', response.text)

    def test_request_becomes_a_lead_of_the_launch_team(self):
        response = self.post(GOOD_FORM)
        self.assertEqual(response.status_code, 303)
        self.assertTrue(response.headers["Location"].endswith("/launch/thanks"))
        lead = self.launch_requests()
        self.assertRecordValues(
            lead,
            [
                {
                    "name": "Launch a KPA-Cité in Wazemmes (Lille)",
                    "type": "opportunity",
                    "kpa_neighbourhood": "Wazemmes",
                    "city": "Lille",
                    "contact_name": "Karima Test",
                    "email_from": "karima.test@example.org",
                    "team_id": self.team.id,
                    "user_id": False,
                    "company_id": self.host.id,
                    "kpa_cooperative_id": False,
                }
            ],
        )
        # The motivation is kept as text: the markup typed in is not markup.
        self.assertIn("&lt;b&gt;every month&lt;/b&gt;", lead.description)
        self.assertEqual(lead.activity_ids.user_id, self.manager)
        thanks = self.url_open(response.headers["Location"])
        self.assertIn("Your request has arrived.", thanks.text)

    def test_a_phone_number_is_enough(self):
        response = self.post(dict(GOOD_FORM, email=""))
        self.assertEqual(response.status_code, 303)
        self.assertEqual(self.launch_requests().email_from, False)

    def test_bad_inputs_write_nothing(self):
        cases = [
            (dict(GOOD_FORM, neighbourhood=" "), "Tell us in which neighbourhood."),
            (dict(GOOD_FORM, town=""), "Tell us in which town."),
            (dict(GOOD_FORM, contact_name=""), "Tell us your name."),
            (
                dict(GOOD_FORM, motivation="Yes"),
                "Tell us in a few words why you want to start a KPA-Cité.",
            ),
            (
                dict(GOOD_FORM, email="", phone=""),
                "Give an e-mail address or a phone number",
            ),
            (dict(GOOD_FORM, email="karima@"), "This e-mail address does not look"),
            (dict(GOOD_FORM, phone="call me"), "This phone number does not look"),
            (dict(GOOD_FORM, consent=""), "Tick the box"),
            (dict(GOOD_FORM, town="L" * 81), "80 characters at most"),
            (dict(GOOD_FORM, motivation="m" * 3001), "3000 characters at most"),
        ]
        for form, message in cases:
            with self.subTest(message=message):
                response = self.assert_refused(form, message)
                if form["contact_name"]:
                    # What was typed is kept, so that it can be corrected.
                    self.assertIn('value="Karima Test"', response.text)

    def test_errors_are_marked_on_their_fields(self):
        response = self.assert_refused(
            dict(GOOD_FORM, town=""), "Tell us in which town."
        )
        self.assertIn('aria-invalid="true"', response.text)
        self.assertIn('aria-describedby="kpa_launch_town_error"', response.text)
        self.assertIn('href="#kpa_launch_town"', response.text)

    def test_robot_trap(self):
        response = self.post(dict(GOOD_FORM, url="http://spam.example.com"))
        self.assertEqual(response.status_code, 303)
        self.assertFalse(self.launch_requests(), "a robot's request is not recorded")

    def test_without_csrf_token(self):
        response = self.post(GOOD_FORM, csrf=False)
        self.assertLess(response.status_code, 500)
        self.assertNotEqual(response.status_code, 303)
        self.assertFalse(self.launch_requests())

    def test_same_person_twice_a_day(self):
        self.assertEqual(self.post(GOOD_FORM).status_code, 303)
        self.assert_refused(
            dict(GOOD_FORM, phone=""), "We already received your request today."
        )
        self.assert_refused(
            dict(GOOD_FORM, email="other@example.org"),
            "We already received your request today.",
        )
        self.assertEqual(len(self.launch_requests()), 1)

    def test_flood_waits(self):
        self.env["crm.lead"].create(
            [
                {
                    "name": f"Request {index}",
                    "kpa_launch_request": True,
                    "email_from": f"someone{index}@example.org",
                }
                for index in range(30)
            ]
        )
        self.assert_refused(GOOD_FORM, "Many requests arrived within the last hour.")
        # An hour later, requests are welcome again.
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "UPDATE crm_lead SET create_date = %s WHERE id IN %s",
                fields.Datetime.now() - timedelta(hours=2),
                tuple(self.launch_requests().ids),
            )
        )
        self.assertEqual(self.post(GOOD_FORM).status_code, 303)

    def test_errors_read_in_french(self):
        load_french(self.env, ["kpa_cooperative", "kpa_website"])
        french = self.env.ref("base.lang_fr")
        self.website.write(
            {
                "language_ids": [(4, french.id)],
                "default_lang_id": french.id,
            }
        )
        self.opener.cookies["frontend_lang"] = "fr_FR"
        response = self.assert_refused(
            dict(GOOD_FORM, town="", email="karima@"),
            "Dites-nous dans quelle ville.",
        )
        self.assertIn("Cette adresse e-mail ne semble pas juste.", response.text)
        self.assertIn("Votre demande n'est pas partie.", response.text)


@tagged("post_install", "-at_install")
class TestLaunchRequestBackend(KpaLaunchRequestCommon):
    """The network manager turns a request into a cooperative; nobody else
    reads the requests."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.lead = cls.env["crm.lead"].create(
            cls.env["crm.lead"]._kpa_launch_request_vals(
                {
                    "neighbourhood": "Wazemmes",
                    "town": "Lille",
                    "contact_name": "Karima Test",
                    "email": "karima.test@example.org",
                    "phone": False,
                    "motivation_html": "<p>We cook.</p>",
                },
                cls.website,
            )
        )
        cls.other_lead = cls.env["crm.lead"].create(
            {"name": "An ordinary lead", "company_id": cls.host.id}
        )

    def test_manager_creates_the_cooperative(self):
        action = self.lead.with_user(self.manager).action_kpa_create_cooperative()
        cooperative = self.lead.kpa_cooperative_id
        self.assertEqual(action["res_model"], "kpa.cooperative")
        self.assertEqual(action["res_id"], cooperative.id)
        self.assertRecordValues(
            cooperative,
            [
                {
                    "name": "KPA-Cité Wazemmes",
                    "state": "launching",
                    "company_id": self.host.id,
                    "city": "Lille",
                    "is_published": False,
                }
            ],
        )
        self.assertTrue(cooperative.journal_id)
        self.assertTrue(cooperative.analytic_account_id)
        self.assertIn("created, in the launching state", self.lead.message_ids[0].body)

    def test_only_once(self):
        self.lead.with_user(self.manager).action_kpa_create_cooperative()
        with self.assertRaisesRegex(UserError, "was already created"):
            self.lead.with_user(self.manager).action_kpa_create_cooperative()
        self.assertEqual(
            self.env["kpa.cooperative"].search_count(
                [("name", "=", "KPA-Cité Wazemmes")]
            ),
            1,
        )

    def test_not_for_an_ordinary_lead(self):
        # A lead the network manager reads (theirs), whatever CRM rights the
        # other add-ons installed give them.
        self.other_lead.user_id = self.manager
        with self.assertRaisesRegex(UserError, "is not a request to launch"):
            self.other_lead.with_user(self.manager).action_kpa_create_cooperative()

    def test_others_do_not_see_the_requests(self):
        for user in (self.salesman, self.coordinator_a):
            with self.subTest(user=user.login):
                Lead = self.env["crm.lead"].with_user(user)
                # A user of no CRM (a coordinator, without the sales add-on)
                # searches no lead at all.
                if Lead.has_access("read"):
                    self.assertNotIn(self.lead, Lead.search([]))
                with self.assertRaises(AccessError):
                    self.lead.with_user(user).read(["name", "email_from"])
                with self.assertRaises(AccessError):
                    self.lead.with_user(user).action_kpa_create_cooperative()
        # The salesman still sees the ordinary leads.
        self.assertIn(
            self.other_lead, self.env["crm.lead"].with_user(self.salesman).search([])
        )
        self.assertIn(
            self.lead, self.env["crm.lead"].with_user(self.manager).search([])
        )

    def test_others_cannot_make_a_launch_request(self):
        with self.assertRaises(AccessError):
            self.env["crm.lead"].with_user(self.salesman).create(
                {"name": "Fake request", "kpa_launch_request": True}
            )
        with self.assertRaises(AccessError):
            self.other_lead.with_user(self.salesman).write({"kpa_launch_request": True})
        self.assertFalse(self.other_lead.kpa_launch_request)

    def test_cooperative_link_only_through_the_button(self):
        with self.assertRaisesRegex(UserError, "set by the button"):
            self.lead.with_user(self.manager).write(
                {"kpa_cooperative_id": self.coop_a.id}
            )
        self.assertFalse(self.lead.kpa_cooperative_id)
