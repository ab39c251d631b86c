from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.osv import expression

ADULT_AGE = 18
# The contact details of a person of the network, which the coordinators of
# their cooperatives keep, and the network managers of their host.
CONTACT_FIELDS = frozenset(
    {
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
)
# Kept by the server only: when and by whom the consent was recorded.
CONSENT_TRACE_FIELDS = frozenset(
    {"kpa_public_profile_date", "kpa_public_profile_user_id", "kpa_birthdate_value"}
)


class ResPartner(models.Model):
    _inherit = "res.partner"

    # The birthdate is readable only by the person, the coordinators of their
    # cooperatives and the network managers of their host: stored in a field
    # no one but the superuser's code reads, shown through a computed one.
    kpa_birthdate_value = fields.Date(
        string="Birthdate (stored)", groups="base.group_system", copy=False
    )
    kpa_birthdate = fields.Date(
        string="Birthdate",
        compute="_compute_kpa_birthdate",
        inverse="_inverse_kpa_birthdate",
        search="_search_kpa_birthdate",
        help="Needed to join a cooperative (16 or older); never published. Seen "
        "only by the person, the coordinators of their cooperatives and the "
        "network managers.",
    )
    kpa_membership_ids = fields.One2many(
        "kpa.membership", "partner_id", string="Memberships"
    )
    kpa_skill_ids = fields.One2many("kpa.partner.skill", "partner_id", string="Skills")
    kpa_public_profile = fields.Boolean(
        string="Public profile",
        help="Consent to appear on the public pages of the cooperatives: name, photo "
        "and skills only, never birthdate or contact details. Given or withdrawn "
        "by the person, or recorded on their behalf by a coordinator of their "
        "cooperative. Never shown for a minor.",
    )
    kpa_public_profile_date = fields.Datetime(
        string="Consent recorded on", readonly=True, copy=False
    )
    kpa_public_profile_user_id = fields.Many2one(
        "res.users", string="Consent recorded by", readonly=True, copy=False
    )
    kpa_membership_count = fields.Integer(
        compute="_compute_kpa_membership_count", string="Membership count"
    )

    # === COMPUTE METHODS === #

    @api.depends("kpa_birthdate_value")
    @api.depends_context("uid")
    def _compute_kpa_birthdate(self):
        visible = self._kpa_birthdate_readers_filter()
        for partner in self:
            partner.kpa_birthdate = (
                partner.sudo().kpa_birthdate_value if partner in visible else False
            )

    def _inverse_kpa_birthdate(self):
        for partner in self:
            partner.sudo().kpa_birthdate_value = partner.kpa_birthdate

    def _search_kpa_birthdate(self, operator, value):
        # Searched with sudo (the stored field is no one's to read), among
        # the partners whose birthdate the user reads only.
        partners = (
            self.sudo()
            .with_context(active_test=False)
            .search(
                expression.AND(
                    [
                        [("kpa_birthdate_value", operator, value)],
                        self._kpa_birthdate_readers_domain(),
                    ]
                )
            )
        )
        return [("id", "in", partners.ids)]

    def _compute_kpa_membership_count(self):
        counts = dict(
            self.env["kpa.membership"]._read_group(
                [("partner_id", "in", self.ids)], ["partner_id"], ["__count"]
            )
        )
        for partner in self:
            partner.kpa_membership_count = counts.get(partner, 0)

    # === CONSTRAINT METHODS === #

    @api.constrains("kpa_birthdate_value")
    def _check_kpa_birthdate(self):
        self.sudo().kpa_membership_ids._check_member_age()

    # === CRUD METHODS === #

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if not self.env.su and CONSENT_TRACE_FIELDS.intersection(vals):
                self._kpa_refuse_fields(CONSENT_TRACE_FIELDS.intersection(vals))
            if "kpa_public_profile" in vals:
                vals.update(self._kpa_consent_trace())
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su:
            self._kpa_check_writable(vals)
        if "kpa_public_profile" in vals:
            vals = {**vals, **self._kpa_consent_trace()}
        return super().write(vals)

    # === BUSINESS METHODS === #

    def _kpa_consent_trace(self):
        return {
            "kpa_public_profile_date": fields.Datetime.now(),
            "kpa_public_profile_user_id": self.env.uid,
        }

    def _kpa_birthdate_readers_domain(self):
        """The partners whose birthdate the current user reads: their own,
        those of the people of the cooperatives they coordinate, and, for a
        network manager, those of the people of their hosts; anyone's, the
        people they recorded before their candidacy."""
        if self.env.su:
            return []
        user = self.env.user
        domains = [
            [("id", "=", user.partner_id.id)],
            [
                (
                    "kpa_membership_ids",
                    "any",
                    [("cooperative_id.coordinator_ids", "in", user.id)],
                )
            ],
            [("create_uid", "=", user.id), ("kpa_membership_ids", "=", False)],
        ]
        if user.has_group("kpa_cooperative.group_kpa_manager"):
            domains.append(
                [
                    (
                        "kpa_membership_ids",
                        "any",
                        [("company_id", "in", user.company_ids.ids)],
                    )
                ]
            )
        return expression.OR(domains)

    def _kpa_birthdate_readers_filter(self):
        """Those of these partners whose birthdate the current user reads."""
        if self.env.su or not self.ids:
            return self if self.env.su else self.browse()
        return self.browse(
            self.sudo()
            .with_context(active_test=False)
            .search(
                expression.AND(
                    [[("id", "in", self.ids)], self._kpa_birthdate_readers_domain()]
                )
            )
            .ids
        )

    def _kpa_people(self):
        """Those of these partners who are people of the network: they have
        (or had) a membership."""
        return self.sudo().filtered("kpa_membership_ids").with_env(self.env)

    def _kpa_writable_fields(self):
        """The fields the current user may write on this person of the
        network: their contact details and birthdate for the coordinators of
        their cooperatives and the network managers of their host, their
        consent for the person and their coordinators."""
        self.ensure_one()
        user = self.env.user
        memberships = self.sudo().kpa_membership_ids
        allowed = set()
        # Their skills and memberships, as lists on the contact's form: each
        # line is then checked by its own model.
        lines = {"kpa_skill_ids", "kpa_membership_ids"}
        if self == user.partner_id:
            allowed |= CONTACT_FIELDS | {"kpa_public_profile", "kpa_skill_ids"}
        if user in memberships.filtered("is_open").cooperative_id.coordinator_ids:
            allowed |= CONTACT_FIELDS | lines | {"kpa_birthdate", "kpa_public_profile"}
        if (
            user.has_group("kpa_cooperative.group_kpa_manager")
            and memberships.company_id & user.company_ids
        ):
            allowed |= CONTACT_FIELDS | lines | {"kpa_birthdate"}
        return allowed

    def _kpa_check_writable(self, vals):
        """Refuse what the current user may not write on these partners: the
        consent's trace always; on the people of the network, every field
        but those of :meth:`_kpa_writable_fields`; the consent and the
        birthdate of anyone else only with the rights on contacts."""
        refused = CONSENT_TRACE_FIELDS.intersection(vals)
        if refused:
            self._kpa_refuse_fields(refused)
        for person in self._kpa_people():
            refused = set(vals) - person._kpa_writable_fields()
            if refused:
                self._kpa_refuse_fields(refused, person)

    def _kpa_refuse_fields(self, fnames, person=None):
        labels = ", ".join(
            sorted(
                f"“{self._fields[f]._description_string(self.env)}”"
                if f in self._fields
                else f
                for f in fnames
            )
        )
        if person:
            message = self.env._(
                "You may not change %(fields)s of %(person)s: the contact details "
                "of a person of the network are kept by the coordinators of their "
                "cooperatives and the network managers of their host; their "
                "consent is theirs, or recorded on their behalf by a coordinator "
                "of their cooperative.",
                fields=labels,
                person=person.sudo().name,
            )
        else:
            message = self.env._(
                "%(fields)s are recorded by the server only.", fields=labels
            )
        raise AccessError(message)

    @api.model
    def _kpa_adult_birthdate_limit(self):
        """The latest birthdate of an adult today."""
        return fields.Date.context_today(self) - relativedelta(years=ADULT_AGE)

    def _kpa_is_adult(self):
        """Whether this person is known to be of age (a person without
        birthdate is not): minors never appear in public (issue 9)."""
        self.ensure_one()
        birthdate = self.sudo().kpa_birthdate_value
        return bool(birthdate) and birthdate <= self._kpa_adult_birthdate_limit()
