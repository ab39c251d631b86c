import re
from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.osv import expression
from odoo.tools import SQL
from odoo.tools.translate import html_translate

SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SLUG_MAX_LENGTH = 64
# Who sets what on a cooperative (issue 9), as positive lists: a field in
# none of them is set by the server's own flows only. Other add-ons extend
# them through _kpa_presentation_fields(), _kpa_books_fields() and
# _kpa_network_fields().
# Its presentation, set by its coordinators: texts, logo, activities, contact
# details, and whether its page is published.
PRESENTATION_FIELDS = frozenset(
    {
        "short_description",
        "website_description",
        "image_1920",
        "activity_ids",
        "street",
        "street2",
        "zip",
        "city",
        "country_id",
        "email",
        "phone",
        "color",
        "is_published",
        "website_published",
    }
)
# Its fields kept on its contact (written there with sudo once allowed: the
# coordinator role has no right on contacts in general).
PARTNER_FIELDS = frozenset(
    {"street", "street2", "zip", "city", "country_id", "email", "phone", "image_1920"}
)
# The books belong to the host: network managers and host accountants.
BOOKS_FIELDS = frozenset(
    {
        "journal_id",
        "analytic_account_id",
        "partner_id",
        "host_fee_rate",
        "state",
        "company_id",
    }
)
# The network manager's acts: its identity, its coordinators, its licence.
NETWORK_FIELDS = frozenset({"name", "slug", "coordinator_ids", "licence"})
COORDINATOR_GROUP = "kpa_cooperative.group_kpa_coordinator"
MANAGER_GROUP = "kpa_cooperative.group_kpa_manager"
ACCOUNTANT_GROUP = "kpa_cooperative.group_kpa_accountant"


class KpaCooperative(models.Model):
    _name = "kpa.cooperative"
    _description = "Open cooperative"
    # No mail.activity.mixin: its activity_ids field would clash with the
    # contract's activity_ids (kinds of activity); scheduled activities live
    # on memberships and, later, on decisions and publications.
    _inherit = ["mail.thread", "website.published.mixin"]
    _order = "name, id"
    _check_company_auto = True

    name = fields.Char(required=True, tracking=True, translate=False)
    slug = fields.Char(
        string="Web address",
        compute="_compute_slug",
        store=True,
        readonly=False,
        precompute=True,
        required=True,
        copy=False,
        tracking=True,
        help="Last part of the public address /cooperatives/<web address>: "
        "lowercase letters, digits and hyphens.",
    )
    company_id = fields.Many2one(
        "res.company",
        string="Host structure",
        required=True,
        index=True,
        tracking=True,
        default=lambda self: self.env.company,
        help="The structure that hosts the cooperative: it invoices on its behalf "
        "and keeps its books.",
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Contact",
        ondelete="restrict",
        copy=False,
        check_company=True,
        help="The cooperative's own contact: address, email, phone and logo. "
        "Created with the cooperative when left empty.",
    )
    street = fields.Char(related="partner_id.street", readonly=False)
    street2 = fields.Char(related="partner_id.street2", readonly=False)
    zip = fields.Char(related="partner_id.zip", readonly=False)
    city = fields.Char(related="partner_id.city", readonly=False, store=True)
    country_id = fields.Many2one(related="partner_id.country_id", readonly=False)
    email = fields.Char(related="partner_id.email", readonly=False)
    phone = fields.Char(related="partner_id.phone", readonly=False)
    image_1920 = fields.Image(
        related="partner_id.image_1920", readonly=False, string="Logo"
    )
    image_128 = fields.Image(related="partner_id.image_128", string="Logo (small)")
    state = fields.Selection(
        [("launching", "Launching"), ("active", "Active"), ("closed", "Closed")],
        required=True,
        default="launching",
        copy=False,
        tracking=True,
        index=True,
    )
    short_description = fields.Text(
        string="Summary",
        translate=True,
        help="One or two sentences shown on the network page.",
    )
    website_description = fields.Html(
        string="Presentation",
        translate=html_translate,
        sanitize_overridable=True,
        sanitize_attributes=False,
        sanitize_form=False,
        help="Public presentation of the cooperative, editable with the website "
        "builder.",
    )
    activity_ids = fields.Many2many(
        "kpa.activity",
        "kpa_activity_cooperative_rel",
        "cooperative_id",
        "activity_id",
        string="Activities",
    )
    coordinator_ids = fields.Many2many(
        "res.users",
        "kpa_cooperative_coordinator_rel",
        "cooperative_id",
        "user_id",
        string="Coordinators",
        domain="[('share', '=', False), ('company_ids', 'in', company_id)]",
        help="Users who manage the cooperative: members, services, orders.",
    )
    membership_ids = fields.One2many(
        "kpa.membership", "cooperative_id", string="Memberships"
    )
    member_count = fields.Integer(compute="_compute_member_counts", string="Members")
    candidate_count = fields.Integer(
        compute="_compute_member_counts", string="Candidates"
    )
    skill_count = fields.Integer(compute="_compute_skill_count", string="Skills")
    host_fee_rate = fields.Float(
        string="Host fee (%)",
        digits=(5, 2),
        default=0.0,
        tracking=True,
        help="Share of the untaxed amount of each invoice that goes to the host "
        "structure (frais de portage), between 0 and 100.",
    )
    color = fields.Integer()
    currency_id = fields.Many2one(related="company_id.currency_id")
    licence = fields.Char(
        default="CC BY-SA 4.0",
        required=True,
        tracking=True,
        help="Free licence of the content the cooperative publishes: its rules and "
        "its accounts.",
    )

    _sql_constraints = [
        (
            "slug_unique",
            "unique(slug)",
            "This web address is already used by another cooperative: choose "
            "another one.",
        ),
        (
            "slug_format",
            "CHECK(slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$')",
            "The web address may only contain lowercase letters, digits and single "
            "hyphens (e.g. la-cape).",
        ),
        (
            "host_fee_rate_range",
            "CHECK(host_fee_rate >= 0 AND host_fee_rate <= 100)",
            "The host fee rate must be between 0 and 100 %.",
        ),
    ]

    # === COMPUTE METHODS === #

    @api.depends("name")
    def _compute_slug(self):
        """Derive a free web address from the name (kept once set)."""
        todo = self.filtered(lambda coop: not coop.slug and coop.name)
        if not todo:
            return
        bases = {coop: self._slugify_name(coop.name) for coop in todo}
        domain = expression.OR(
            [[("slug", "=like", f"{base}%")] for base in set(bases.values())]
        )
        taken = set(
            self.sudo()
            .search_fetch(
                expression.AND([domain, [("id", "not in", todo.ids)]]), ["slug"]
            )
            .mapped("slug")
        )
        for coop, base in bases.items():
            coop.slug = self._free_slug(base, taken)
            taken.add(coop.slug)

    @api.model
    def _slugify_name(self, name):
        slug = self.env["ir.http"]._slugify(name or "", max_length=SLUG_MAX_LENGTH)
        return slug.strip("-") or "cooperative"

    @api.model
    def _free_slug(self, base, taken):
        """``base``, or ``base-2``, ``base-3``… the first one not ``taken``."""
        slug, suffix = base, 2
        while slug in taken:
            slug = f"{base[: SLUG_MAX_LENGTH - len(str(suffix)) - 1]}-{suffix}"
            suffix += 1
        return slug

    def _compute_member_counts(self):
        # Counts only: also shown to readers without access to memberships (the
        # host accountant).
        counts = defaultdict(int)
        for cooperative, state, count in (
            self.env["kpa.membership"]
            .sudo()
            ._read_group(
                [
                    ("cooperative_id", "in", self.ids),
                    ("state", "in", ("member", "candidate")),
                ],
                ["cooperative_id", "state"],
                ["__count"],
            )
        ):
            counts[cooperative.id, state] = count
        for coop in self:
            coop.member_count = counts[coop.id, "member"]
            coop.candidate_count = counts[coop.id, "candidate"]

    def _compute_skill_count(self):
        skills = self._member_skills()
        for coop in self:
            coop.skill_count = len(skills[coop.id])

    def _compute_website_url(self):
        for coop in self:
            coop.website_url = coop._public_url()

    def _compute_can_publish(self):
        is_manager = self.env.su or self.env.user.has_group(MANAGER_GROUP)
        for coop in self:
            coop.can_publish = is_manager or self.env.user in coop.coordinator_ids

    # === CONSTRAINT METHODS === #

    @api.constrains("slug")
    def _check_slug(self):
        self._check_slug_format()
        self._check_slug_free()

    def _check_slug_format(self):
        for coop in self:
            if not SLUG_PATTERN.match(coop.slug or ""):
                raise ValidationError(
                    self.env._(
                        "The web address “%(slug)s” may only contain lowercase "
                        "letters, digits and single hyphens (e.g. la-cape).",
                        slug=coop.slug,
                    )
                )

    def _check_slug_free(self):
        """The SQL constraint guards it too; this names the other cooperative.
        Read without flushing, or the SQL constraint would answer first."""
        self.env.cr.execute(
            SQL(
                "SELECT slug, name FROM kpa_cooperative "
                "WHERE slug IN %s AND id NOT IN %s LIMIT 1",
                tuple(self.mapped("slug")),
                tuple(self.ids) or (0,),
            )
        )
        if row := self.env.cr.fetchone():
            raise ValidationError(
                self.env._(
                    "The web address “%(slug)s” is already used by %(cooperative)s: "
                    "choose another one.",
                    slug=row[0],
                    cooperative=row[1],
                )
            )

    @api.constrains("host_fee_rate")
    def _check_host_fee_rate(self):
        for coop in self:
            if not 0 <= coop.host_fee_rate <= 100:
                raise ValidationError(
                    self.env._(
                        "The host fee rate of %(cooperative)s must be between 0 "
                        "and 100 %%.",
                        cooperative=coop.name,
                    )
                )

    @api.constrains("coordinator_ids", "company_id")
    def _check_coordinator_company(self):
        for coop in self:
            outsiders = coop.coordinator_ids.filtered("share")
            if outsiders:
                raise ValidationError(
                    self.env._(
                        "%(users)s cannot coordinate %(cooperative)s: coordinators "
                        "are internal users, not portal or public ones.",
                        users=", ".join(outsiders.mapped("name")),
                        cooperative=coop.name,
                    )
                )
            strangers = coop.coordinator_ids.filtered(
                lambda user, coop=coop: coop.company_id not in user.company_ids
            )
            if strangers:
                raise ValidationError(
                    self.env._(
                        "%(users)s cannot coordinate %(cooperative)s: they have no "
                        "access to its host structure %(company)s.",
                        users=", ".join(strangers.mapped("name")),
                        cooperative=coop.name,
                        company=coop.company_id.name,
                    )
                )

    # === CRUD METHODS === #

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._kpa_check_values(vals)
            self._check_name_given(vals)
        self._create_partners(vals_list)
        cooperatives = super().create(vals_list)
        if any(vals.get("coordinator_ids") for vals in vals_list):
            cooperatives.coordinator_ids._kpa_sync_coordinator_role()
        return cooperatives

    def write(self, vals):
        self._kpa_check_values(vals)
        self._check_name_given(vals)
        self._kpa_check_writable(vals)
        former_coordinators = (
            self.sudo().coordinator_ids if "coordinator_ids" in vals else None
        )
        partner_vals = {}
        if not self.env.su:
            # Allowed above: their contact is written with sudo.
            partner_vals = {f: vals[f] for f in PARTNER_FIELDS.intersection(vals)}
            vals = {f: v for f, v in vals.items() if f not in partner_vals}
        res = super().write(vals) if vals or not partner_vals else True
        if partner_vals:
            self.sudo().partner_id.write(partner_vals)
        if "name" in vals:
            self._sync_partner_name()
        if former_coordinators is not None:
            (
                former_coordinators | self.sudo().coordinator_ids
            )._kpa_sync_coordinator_role()
        return res

    @api.ondelete(at_uninstall=False)
    def _unlink_except_with_history(self):
        if self.env["kpa.membership"].search_count(
            [("cooperative_id", "in", self.ids), ("state", "!=", "candidate")], limit=1
        ):
            raise UserError(
                self.env._(
                    "A cooperative that has had members keeps its history: close it "
                    "instead of deleting it."
                )
            )

    # === ACTION METHODS === #

    def action_activate(self):
        self._kpa_check_writable({"state": "active"})
        self._check_state_transition(("launching",), "active")
        self.sudo().write({"state": "active"})
        return True

    def action_close(self):
        """Close the cooperatives, and unpublish their pages (the host's act:
        its staff may, even without the right to publish)."""
        self._kpa_check_writable({"state": "closed"})
        self._check_state_transition(("launching", "active"), "closed")
        self.sudo().write({"state": "closed", "is_published": False})
        return True

    def action_reopen(self):
        self._kpa_check_writable({"state": "active"})
        self._check_state_transition(("closed",), "active")
        self.sudo().write({"state": "active"})
        return True

    def action_view_members(self):
        return self._action_view_memberships("member", self.env._("Members"))

    def action_view_candidates(self):
        return self._action_view_memberships("candidate", self.env._("Candidates"))

    def action_view_skills(self):
        self.ensure_one()
        partners = self.membership_ids.filtered(
            lambda m: m.state == "member"
        ).partner_id
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Skills of %(cooperative)s", cooperative=self.name),
            "res_model": "kpa.partner.skill",
            "view_mode": "list,form",
            "domain": [("partner_id", "in", partners.ids)],
            "context": {"search_default_group_by_skill": 1},
        }

    # === BUSINESS METHODS === #

    def _kpa_acting_cooperatives(self):
        """Those of these cooperatives the current user acts in: those they
        coordinate, and, for a network manager, those of the host structures
        they may access (all of them for the superuser)."""
        if self.env.su:
            return self
        user = self.env.user
        coops = self.sudo()
        if user.has_group(MANAGER_GROUP):
            return self.browse(
                coops.filtered(lambda c: c.company_id in user.company_ids).ids
            )
        return self.browse(coops.filtered(lambda c: user in c.coordinator_ids).ids)

    def _kpa_member_cooperatives(self):
        """Those of these cooperatives the current user is a member of."""
        memberships = (
            self.env["kpa.membership"]
            .sudo()
            .search(
                [
                    ("cooperative_id", "in", self.ids),
                    ("partner_id", "=", self.env.user.partner_id.id),
                    ("state", "=", "member"),
                ]
            )
        )
        return self.browse(memberships.cooperative_id.ids)

    def _kpa_presentation_fields(self):
        """The fields of its presentation, which its coordinators set."""
        return set(PRESENTATION_FIELDS)

    def _kpa_books_fields(self):
        """The fields of its books, which the host's staff (network managers
        and host accountants) set."""
        return set(BOOKS_FIELDS)

    def _kpa_network_fields(self):
        """The fields only network managers set."""
        return set(NETWORK_FIELDS)

    def _kpa_writable_fields(self):
        """The fields the current user may set on this cooperative."""
        self.ensure_one()
        user = self.env.user
        allowed = set()
        if user.has_group(MANAGER_GROUP):
            allowed |= (
                self._kpa_presentation_fields()
                | self._kpa_books_fields()
                | self._kpa_network_fields()
            )
        if user.has_group(ACCOUNTANT_GROUP):
            allowed |= self._kpa_books_fields()
        if user in self.sudo().coordinator_ids:
            allowed |= self._kpa_presentation_fields()
        return allowed

    def _kpa_check_writable(self, vals):
        """Refuse a write of fields the current user may not set (the access
        rights and record rules are checked too: they say which cooperatives
        the user reaches, this says what they may set there)."""
        if self.env.su:
            return
        self.check_access("write")
        for coop in self:
            refused = set(vals) - coop._kpa_writable_fields()
            if refused:
                raise AccessError(
                    self.env._(
                        "You may not change %(fields)s of %(cooperative)s: its "
                        "presentation is set by its coordinators, its books by the "
                        "host structure, its name and coordinators by the network "
                        "managers.",
                        fields=", ".join(
                            sorted(
                                f"“{self._fields[f]._description_string(self.env)}”"
                                if f in self._fields
                                else f
                                for f in refused
                            )
                        ),
                        cooperative=coop.name,
                    )
                )

    @api.model
    def _check_name_given(self, vals):
        if "name" in vals and not (vals["name"] or "").strip():
            raise ValidationError(
                self.env._("A cooperative needs a name: it cannot be left blank.")
            )

    def _check_state_transition(self, allowed, target):
        for coop in self:
            if coop.state not in allowed:
                raise UserError(
                    self.env._(
                        "%(cooperative)s is %(state)s: it cannot become %(target)s.",
                        cooperative=coop.name,
                        state=coop._selection_label("state").lower(),
                        target=coop._selection_label("state", target).lower(),
                    )
                )

    def _public_url(self, suffix=""):
        """The address of the cooperative's public page, or of one of its
        pages (``suffix``: "/rules"); False while it has no web address. Built
        here only: pages and models read ``website_url``."""
        self.ensure_one()
        return f"/cooperatives/{self.slug}{suffix}" if self.slug else False

    def _published_url(self):
        """The address of the cooperative's page for links everyone may follow:
        False while it is not published (or for no cooperative)."""
        return self.website_url if self.is_published else False

    def _action_view_memberships(self, state, title):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": f"{title} · {self.name}",
            "res_model": "kpa.membership",
            "view_mode": "list,form",
            "domain": [("cooperative_id", "=", self.id), ("state", "=", state)],
            "context": {"default_cooperative_id": self.id, "default_state": state},
        }

    @api.model
    def _create_partners(self, vals_list):
        """Give a contact of its own to each new cooperative that has none."""
        todo = [vals for vals in vals_list if not vals.get("partner_id")]
        partners = (
            self.env["res.partner"]
            .sudo()
            .create([self._prepare_partner_vals(vals) for vals in todo])
        )
        for vals, partner in zip(todo, partners, strict=True):
            vals["partner_id"] = partner.id

    @api.model
    def _prepare_partner_vals(self, vals):
        return {
            "name": vals.get("name"),
            "is_company": True,
            "company_id": vals.get("company_id") or self.env.company.id,
        }

    def _member_skills(self):
        """{cooperative id: skills held by its current members}, in two queries
        (counts only: read with sudo)."""
        members = (
            self.env["kpa.membership"]
            .sudo()
            .search_fetch(
                [("cooperative_id", "in", self.ids), ("state", "=", "member")],
                ["cooperative_id", "partner_id"],
            )
        )
        skills_by_partner = defaultdict(set)
        for partner, skill in (
            self.env["kpa.partner.skill"]
            .sudo()
            ._read_group(
                [("partner_id", "in", members.partner_id.ids)],
                ["partner_id", "skill_id"],
            )
        ):
            skills_by_partner[partner.id].add(skill.id)
        result = defaultdict(set)
        for membership in members:
            result[membership.cooperative_id.id] |= skills_by_partner[
                membership.partner_id.id
            ]
        return result

    def _sync_partner_name(self):
        for coop in self.sudo():
            coop.partner_id.name = coop.name
