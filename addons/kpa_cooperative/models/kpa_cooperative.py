import re
from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.osv import expression
from odoo.tools import SQL
from odoo.tools.translate import html_translate

SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SLUG_MAX_LENGTH = 64
# Decisions of the network, not of the cooperative's coordinators.
MANAGER_FIELDS = {"state", "host_fee_rate"}


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
    analytic_account_id = fields.Many2one(
        "account.analytic.account",
        string="Analytic account",
        readonly=True,
        copy=False,
        check_company=True,
        ondelete="restrict",
        help="The cooperative's books inside the host's: every invoice, bill and "
        "host fee of the cooperative carries this analytic account.",
    )
    journal_id = fields.Many2one(
        "account.journal",
        string="Sales journal",
        readonly=True,
        copy=False,
        check_company=True,
        ondelete="restrict",
        help="Journal of the cooperative's invoices, with its own numbering.",
    )
    host_fee_rate = fields.Float(
        string="Host fee (%)",
        digits=(5, 2),
        default=0.0,
        tracking=True,
        help="Share of the untaxed amount of each invoice that goes to the host "
        "structure (frais de portage), between 0 and 100.",
    )
    color = fields.Integer()
    analytic_balance = fields.Monetary(
        string="Balance of the books",
        compute="_compute_analytic_balance",
        currency_field="currency_id",
        help="Balance of the cooperative's analytic account: revenue minus expenses "
        "minus host fees, from posted documents.",
    )
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
            slug, suffix = base, 2
            while slug in taken:
                slug = f"{base[: SLUG_MAX_LENGTH - len(str(suffix)) - 1]}-{suffix}"
                suffix += 1
            taken.add(slug)
            coop.slug = slug

    @api.model
    def _slugify_name(self, name):
        slug = self.env["ir.http"]._slugify(name or "", max_length=SLUG_MAX_LENGTH)
        return slug.strip("-") or "cooperative"

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

    def _compute_analytic_balance(self):
        column = self.env.ref(
            "kpa_cooperative.analytic_plan_cooperatives"
        )._column_name()
        balances = dict(
            self.env["account.analytic.line"]
            .sudo()
            ._read_group(
                [(column, "in", self.analytic_account_id.ids)], [column], ["amount:sum"]
            )
        )
        for coop in self:
            coop.analytic_balance = balances.get(coop.analytic_account_id, 0.0)

    def _compute_website_url(self):
        for coop in self:
            coop.website_url = f"/cooperatives/{coop.slug}" if coop.slug else False

    def _compute_can_publish(self):
        is_manager = self.env.user.has_group("kpa_cooperative.group_kpa_manager")
        for coop in self:
            coop.can_publish = is_manager or self.env.user in coop.coordinator_ids

    # === CONSTRAINT METHODS === #

    @api.constrains("slug")
    def _check_slug(self):
        for coop in self:
            if not SLUG_PATTERN.match(coop.slug or ""):
                raise ValidationError(
                    self.env._(
                        "The web address “%(slug)s” may only contain lowercase "
                        "letters, digits and single hyphens (e.g. la-cape).",
                        slug=coop.slug,
                    )
                )
        # The SQL constraint guards it too; this names the other cooperative. Read
        # without flushing, or the SQL constraint would answer first.
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

    @api.constrains("company_id", "journal_id", "analytic_account_id")
    def _check_books_company(self):
        for coop in self:
            if (coop.journal_id and coop.journal_id.company_id != coop.company_id) or (
                coop.analytic_account_id.company_id
                and coop.analytic_account_id.company_id != coop.company_id
            ):
                raise ValidationError(
                    self.env._(
                        "The host structure of %(cooperative)s cannot change: its "
                        "books (journal and analytic account) belong to %(company)s.",
                        cooperative=coop.name,
                        company=coop.journal_id.company_id.name,
                    )
                )

    # === CRUD METHODS === #

    @api.model_create_multi
    def create(self, vals_list):
        partner_vals = [
            self._prepare_partner_vals(vals)
            for vals in vals_list
            if not vals.get("partner_id")
        ]
        partners = iter(self.env["res.partner"].sudo().create(partner_vals))
        for vals in vals_list:
            if not vals.get("partner_id"):
                vals["partner_id"] = next(partners).id
        cooperatives = super().create(vals_list)
        cooperatives._create_books()
        return cooperatives

    def write(self, vals):
        if (
            MANAGER_FIELDS.intersection(vals)
            and not self.env.su
            and not self.env.user.has_group("kpa_cooperative.group_kpa_manager")
        ):
            raise AccessError(
                self.env._(
                    "Only network managers may change the status or the host fee "
                    "rate of a cooperative."
                )
            )
        res = super().write(vals)
        if "name" in vals:
            self._sync_books_name()
        return res

    def unlink(self):
        books = (
            self.sudo().mapped("journal_id"),
            self.sudo().mapped("analytic_account_id"),
        )
        res = super().unlink()
        journals, accounts = books
        used_journals = (
            self.env["account.move"]
            .sudo()
            ._read_group([("journal_id", "in", journals.ids)], ["journal_id"])
        )
        (
            journals - self.env["account.journal"].union(*(j for (j,) in used_journals))
        ).unlink()
        column = self.env.ref(
            "kpa_cooperative.analytic_plan_cooperatives"
        )._column_name()
        used_accounts = (
            self.env["account.analytic.line"]
            .sudo()
            ._read_group([(column, "in", accounts.ids)], [column])
        )
        (
            accounts
            - self.env["account.analytic.account"].union(*(a for (a,) in used_accounts))
        ).unlink()
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
        self._check_state_transition(("launching",), "active")
        self.write({"state": "active"})

    def action_close(self):
        self._check_state_transition(("launching", "active"), "closed")
        self.write({"state": "closed", "is_published": False})

    def action_reopen(self):
        self._check_state_transition(("closed",), "active")
        self.write({"state": "active"})

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

    def action_view_books(self):
        """The cooperative's analytic items: invoices, bills and host fees."""
        self.ensure_one()
        column = self.env.ref(
            "kpa_cooperative.analytic_plan_cooperatives"
        )._column_name()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Books of %(cooperative)s", cooperative=self.name),
            "res_model": "account.analytic.line",
            "view_mode": "pivot,list,graph,form",
            "domain": [(column, "=", self.analytic_account_id.id)],
            "context": {
                "pivot_row_groupby": ["category"],
                "pivot_column_groupby": ["date:month"],
            },
        }

    # === BUSINESS METHODS === #

    def _check_state_transition(self, allowed, target):
        labels = dict(self._fields["state"]._description_selection(self.env))
        for coop in self:
            if coop.state not in allowed:
                raise UserError(
                    self.env._(
                        "%(cooperative)s is %(state)s: it cannot become %(target)s.",
                        cooperative=coop.name,
                        state=labels[coop.state].lower(),
                        target=labels[target].lower(),
                    )
                )

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

    def _create_books(self):
        """Give each new cooperative its analytic account and sales journal."""
        plan = self.env.ref("kpa_cooperative.analytic_plan_cooperatives")
        accounts = (
            self.env["account.analytic.account"]
            .sudo()
            .create(
                [
                    {
                        "name": coop.name,
                        "code": coop.slug,
                        "plan_id": plan.id,
                        "company_id": coop.company_id.id,
                    }
                    for coop in self
                ]
            )
        )
        journals = (
            self.env["account.journal"].sudo().create(self._prepare_journal_vals())
        )
        for coop, account, journal in zip(self, accounts, journals, strict=True):
            coop.sudo().write(
                {"analytic_account_id": account.id, "journal_id": journal.id}
            )

    def _prepare_journal_vals(self):
        """Sales journal values; the code comes from the slug, unique per company."""
        Journal = self.env["account.journal"].sudo().with_context(active_test=False)
        taken = defaultdict(set)
        for company, codes in Journal._read_group(
            [("company_id", "in", self.company_id.ids)],
            ["company_id"],
            ["code:array_agg"],
        ):
            taken[company.id].update(codes)
        templates = {
            company.id: Journal.search(
                [("company_id", "=", company.id), ("type", "=", "sale")], limit=1
            )
            for company in self.company_id
        }
        vals_list = []
        for coop in self:
            code = self._journal_code(coop.slug, taken[coop.company_id.id])
            taken[coop.company_id.id].add(code)
            template = templates[coop.company_id.id]
            vals_list.append(
                {
                    "name": self.env._("Sales %(cooperative)s", cooperative=coop.name),
                    "code": code,
                    "type": "sale",
                    "company_id": coop.company_id.id,
                    "default_account_id": template.default_account_id.id,
                    "refund_sequence": True,
                    "show_on_dashboard": True,
                    "kpa_cooperative_id": coop.id,
                    # From the unique slug: names alike ("Élan", "elan") would
                    # give the same alias.
                    "alias_name": f"sales-{coop.slug}",
                }
            )
        return vals_list

    @api.model
    def _journal_code(self, slug, taken):
        """Up to 5 uppercase characters from the slug, numbered when taken."""
        letters = re.sub(r"[^A-Z0-9]", "", (slug or "").upper()) or "COOP"
        words = [w for w in re.split(r"-+", (slug or "").upper()) if w]
        initials = "".join(w[0] for w in words) if len(words) > 1 else ""
        for candidate in (letters[:5], (initials + letters)[:5]):
            if candidate not in taken:
                return candidate
        for number in range(2, 1000):
            candidate = f"{letters[: 5 - len(str(number))]}{number}"
            if candidate not in taken:
                return candidate
        raise UserError(
            self.env._("No free journal code is left for %(slug)s.", slug=slug)
        )

    def _sync_books_name(self):
        for coop in self.sudo():
            coop.partner_id.name = coop.name
            coop.analytic_account_id.name = coop.name
            coop.journal_id.name = self.env._(
                "Sales %(cooperative)s", cooperative=coop.name
            )
