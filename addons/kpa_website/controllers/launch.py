import re
from datetime import timedelta

from odoo import fields, http
from odoo.http import request
from odoo.tools import email_normalize, plaintext2html

# Longest accepted answer of each field of the form (characters).
MAX_LENGTHS = {
    "neighbourhood": 80,
    "town": 80,
    "contact_name": 100,
    "email": 120,
    "phone": 30,
    "motivation": 3000,
}
MIN_MOTIVATION = 10
PHONE = re.compile(r"^\+?[0-9 .()-]{6,30}$")
# Not a field of the form: a field that people never see nor fill in, that
# robots fill in.
HONEYPOT = "url"
# At most so many requests from the whole website within an hour: a flood of
# requests waits, whoever sends it.
MAX_REQUESTS_PER_HOUR = 30


class KpaLaunchRequest(http.Controller):
    """“Envie de démarrer un KPA-Cité ?”: the form that records a request to
    launch a KPA-Cité, as a lead for the network managers."""

    # === HELPERS === #

    def _form_values(self, params):
        return {
            name: (params.get(name) or "").strip() for name in (*MAX_LENGTHS, "consent")
        }

    def _check_values(self, values):
        """{field: French message} for each wrong answer; none when all is
        right."""
        _ = request.env._
        errors = {}
        required = {
            "neighbourhood": _("Tell us in which neighbourhood."),
            "town": _("Tell us in which town."),
            "contact_name": _("Tell us your name."),
            "motivation": _("Tell us in a few words why you want to start a KPA-Cité."),
        }
        for name, message in required.items():
            if not values[name]:
                errors[name] = message
        for name, length in MAX_LENGTHS.items():
            if name not in errors and len(values[name]) > length:
                errors[name] = _(
                    "This answer is too long: %(length)s characters at most.",
                    length=length,
                )
        if "motivation" not in errors and len(values["motivation"]) < MIN_MOTIVATION:
            errors["motivation"] = _(
                "Tell us in a few words why you want to start a KPA-Cité."
            )
        if not values["email"] and not values["phone"]:
            errors["email"] = _(
                "Give an e-mail address or a phone number, so that we can answer you."
            )
        if "email" not in errors and values["email"]:
            if not email_normalize(values["email"]):
                errors["email"] = _(
                    "This e-mail address does not look right. Check it, for "
                    "example: prenom.nom@exemple.fr."
                )
        if "phone" not in errors and values["phone"]:
            if not PHONE.match(values["phone"]):
                errors["phone"] = _(
                    "This phone number does not look right. Write it with digits, "
                    "for example: 06 12 34 56 78."
                )
        if not values["consent"]:
            errors["consent"] = _(
                "Tick the box, so that the network may keep your request and "
                "contact you."
            )
        return errors

    def _check_not_sent_yet(self, values):
        """A French message when the same person already asked today, or when
        too many requests came within the last hour; None otherwise."""
        leads_sudo = request.env["crm.lead"].sudo()
        now = fields.Datetime.now()
        same_person = []
        if email := email_normalize(values["email"]):
            same_person.append([("email_normalized", "=", email)])
        if values["phone"]:
            same_person.append([("phone", "=", values["phone"])])
        domain = [
            ("kpa_launch_request", "=", True),
            ("create_date", ">=", now - timedelta(days=1)),
        ]
        for condition in same_person:
            if leads_sudo.search_count(domain + condition, limit=1):
                return request.env._(
                    "We already received your request today. The network will "
                    "contact you soon."
                )
        if (
            leads_sudo.search_count(
                [
                    ("kpa_launch_request", "=", True),
                    ("create_date", ">=", now - timedelta(hours=1)),
                ],
                limit=MAX_REQUESTS_PER_HOUR,
            )
            >= MAX_REQUESTS_PER_HOUR
        ):
            return request.env._(
                "Many requests arrived within the last hour. Please send yours "
                "again later."
            )
        return None

    def _render_form(self, values=None, errors=None, form_error=None):
        return request.render(
            "kpa_website.launch_request_page",
            {
                "values": values or {},
                "errors": errors or {},
                "form_error": form_error,
                "max_lengths": MAX_LENGTHS,
                "honeypot": HONEYPOT,
            },
        )

    # === ROUTES === #

    @http.route(
        "/launch",
        type="http",
        auth="public",
        website=True,
        methods=["GET", "POST"],
        sitemap=True,
        # Showing the form writes nothing: a read replica may serve it.
        readonly=lambda controller: request.httprequest.method == "GET",
    )
    def launch_request(self, **params):
        if request.httprequest.method != "POST":
            return self._render_form()
        if params.get(HONEYPOT):
            # A robot: it is told the same as a person, and nothing is recorded.
            return request.redirect("/launch/thanks", code=303)
        values = self._form_values(params)
        errors = self._check_values(values)
        form_error = None if errors else self._check_not_sent_yet(values)
        if errors or form_error:
            return self._render_form(values, errors, form_error)
        values["phone"] = values["phone"] or False
        values["email"] = values["email"] or False
        values["motivation_html"] = plaintext2html(values["motivation"])
        Lead = request.env["crm.lead"]
        # Visitors have no rights on leads: the checked values only are written.
        lead_sudo = Lead.sudo().create(
            Lead._kpa_launch_request_vals(values, request.website)
        )
        lead_sudo._kpa_notify_launch_request()
        return request.redirect("/launch/thanks", code=303)

    @http.route(
        "/launch/thanks",
        type="http",
        auth="public",
        website=True,
        sitemap=False,
        readonly=True,
    )
    def launch_request_thanks(self, **params):
        return request.render("kpa_website.launch_request_thanks_page")
