from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError

# What a cooperative's coordinators (and the network managers) write on its
# services: their presentation, price, e-shop page and providers. The host's
# books on a product (taxes, income and expense accounts, cost, host
# structure) are the accounting managers'. A positive list: a field added by
# another module is not theirs until it is listed here.
SERVICE_FIELDS = frozenset(
    {
        "name",
        "sequence",
        "description",
        "description_sale",
        "description_purchase",
        "description_ecommerce",
        "website_description",
        "type",
        "categ_id",
        "list_price",
        "compare_list_price",
        "volume",
        "weight",
        "sale_ok",
        "purchase_ok",
        "uom_id",
        "uom_po_id",
        "active",
        "color",
        "default_code",
        "barcode",
        "is_favorite",
        "product_tag_ids",
        "image_1920",
        "is_published",
        "website_published",
        "website_meta_title",
        "website_meta_description",
        "website_meta_keywords",
        "website_meta_og_img",
        "seo_name",
        "website_ribbon_id",
        "website_sequence",
        "website_size_x",
        "website_size_y",
        "public_categ_ids",
        "optional_product_ids",
        "alternative_product_ids",
        "accessory_product_ids",
        "combo_ids",
        "base_unit_count",
        "base_unit_id",
        "invoice_policy",
        "expense_policy",
        "service_type",
        "sale_line_warn",
        "sale_line_warn_msg",
        "product_properties",
        "kpa_provider_ids",
        "kpa_activity_id",
        "kpa_cooperative_id",
    }
)


class ProductTemplate(models.Model):
    _inherit = "product.template"

    kpa_cooperative_id = fields.Many2one(
        "kpa.cooperative",
        string="Cooperative",
        index="btree_not_null",
        check_company=True,
        ondelete="restrict",
        default=lambda self: self._default_kpa_cooperative_id(),
        help="The cooperative that offers this service. The host structure invoices "
        "it on the cooperative's behalf, in the cooperative's books.",
    )
    # A service of a cooperative belongs to the cooperative's host structure.
    company_id = fields.Many2one(
        compute="_compute_company_id", store=True, readonly=False, precompute=True
    )
    kpa_provider_ids = fields.Many2many(
        "res.partner",
        "product_template_kpa_provider_rel",
        "product_tmpl_id",
        "partner_id",
        string="Provided by",
        domain="[('kpa_membership_ids', 'any', [('cooperative_id', '=', "
        "kpa_cooperative_id), ('state', '=', 'member')])]",
        help="The members of the cooperative who provide this service.",
    )
    kpa_activity_id = fields.Many2one(
        "kpa.activity",
        string="Activity",
        index="btree_not_null",
        ondelete="restrict",
        compute="_compute_kpa_activity_id",
        store=True,
        readonly=False,
        precompute=True,
        domain="[('cooperative_ids', 'in', kpa_cooperative_id or [])]",
        help="The activity of the cooperative this service belongs to, used by the "
        "e-shop's filters.",
    )
    # Stored copies of the cooperative's state, so that the e-shop filters
    # services on their own columns (no join, no access to the cooperatives).
    kpa_cooperative_state = fields.Selection(
        related="kpa_cooperative_id.state", store=True, string="Cooperative state"
    )
    kpa_cooperative_published = fields.Boolean(
        related="kpa_cooperative_id.is_published",
        store=True,
        string="Cooperative published",
    )
    kpa_cooperative_name = fields.Char(
        related="kpa_cooperative_id.name", string="Cooperative name"
    )
    kpa_cooperative_url = fields.Char(
        compute="_compute_kpa_cooperative_url",
        compute_sudo=True,
        string="Cooperative page",
        help="Address of the cooperative's public page, when it is published.",
    )

    # === DEFAULT METHODS === #

    @api.model
    def _default_kpa_cooperative_id(self):
        """In the coordinators' service menu, a coordinator of a single
        cooperative creates services for it."""
        if not self.env.context.get("kpa_service_of_my_cooperative"):
            return False
        cooperatives = self.env["kpa.cooperative"].search(
            [
                ("coordinator_ids", "in", self.env.uid),
                ("state", "!=", "closed"),
                ("company_id", "in", self.env.companies.ids),
            ],
            limit=2,
        )
        return cooperatives if len(cooperatives) == 1 else False

    # === COMPUTE METHODS === #

    @api.depends("kpa_cooperative_id")
    def _compute_company_id(self):
        for template in self:
            template.company_id = (
                template.kpa_cooperative_id.company_id or template.company_id
            )

    @api.depends("kpa_cooperative_id")
    def _compute_kpa_activity_id(self):
        for template in self:
            activities = template.kpa_cooperative_id.activity_ids
            if not template.kpa_cooperative_id:
                template.kpa_activity_id = False
            elif template.kpa_activity_id not in activities:
                template.kpa_activity_id = activities if len(activities) == 1 else False

    def _compute_kpa_cooperative_url(self):
        for template in self:
            template.kpa_cooperative_url = template.kpa_cooperative_id._published_url()

    # === CONSTRAINT METHODS === #

    @api.constrains("kpa_cooperative_id", "company_id")
    def _check_kpa_cooperative_company(self):
        for template in self.sudo().filtered("kpa_cooperative_id"):
            cooperative = template.kpa_cooperative_id
            if template.company_id != cooperative.company_id:
                raise ValidationError(
                    self.env._(
                        "The service “%(service)s” cannot belong to %(cooperative)s: "
                        "the cooperative is hosted by %(host)s, so the service must "
                        "belong to %(host)s too (it belongs to %(company)s).",
                        service=template.name,
                        cooperative=cooperative.name,
                        host=cooperative.company_id.name,
                        company=template.company_id.name or self.env._("every company"),
                    )
                )

    @api.constrains("kpa_provider_ids", "kpa_cooperative_id")
    def _check_kpa_providers(self):
        templates = self.sudo().filtered("kpa_provider_ids")
        if not templates:
            return
        members = defaultdict(set)
        for cooperative, partner in (
            self.env["kpa.membership"]
            .sudo()
            ._read_group(
                [
                    ("cooperative_id", "in", templates.kpa_cooperative_id.ids),
                    ("partner_id", "in", templates.kpa_provider_ids.ids),
                    ("state", "=", "member"),
                ],
                ["cooperative_id", "partner_id"],
            )
        ):
            members[cooperative.id].add(partner.id)
        for template in templates:
            if not template.kpa_cooperative_id:
                raise ValidationError(
                    self.env._(
                        "The service “%(service)s” has providers but no cooperative: "
                        "choose the cooperative whose members provide it.",
                        service=template.name,
                    )
                )
            strangers = template.kpa_provider_ids.filtered(
                lambda p, t=template: p.id not in members[t.kpa_cooperative_id.id]
            )
            if strangers:
                raise ValidationError(
                    self.env._(
                        "%(people)s cannot provide “%(service)s”: only current "
                        "members of %(cooperative)s provide its services.",
                        people=", ".join(strangers.mapped("name")),
                        service=template.name,
                        cooperative=template.kpa_cooperative_id.name,
                    )
                )

    @api.constrains("kpa_activity_id", "kpa_cooperative_id")
    def _check_kpa_activity(self):
        for template in self.sudo().filtered(
            lambda t: t.kpa_activity_id and t.kpa_cooperative_id
        ):
            cooperative = template.kpa_cooperative_id
            if template.kpa_activity_id not in cooperative.activity_ids:
                raise ValidationError(
                    self.env._(
                        "“%(activity)s” is not an activity of %(cooperative)s: pick "
                        "one of its activities for “%(service)s”, or add the activity "
                        "to the cooperative first.",
                        activity=template.kpa_activity_id.name,
                        cooperative=cooperative.name,
                        service=template.name,
                    )
                )

    # === CRUD METHODS === #

    @api.model_create_multi
    def create(self, vals_list):
        templates = super().create(vals_list)
        templates._kpa_check_cooperative_entry()
        return templates

    def write(self, vals):
        moving = "kpa_cooperative_id" in vals or "company_id" in vals
        if not self.env.is_system():
            self._kpa_check_service_fields(vals)
            if moving:
                self._kpa_check_same_host(vals)
        res = super().write(vals)
        if moving:
            # Checked after the write too: the record rules are checked before
            # it (a service must not leave its cooperative for the host either).
            self._kpa_check_cooperative_entry()
            self.check_access("write")
        return res

    # === BUSINESS METHODS === #

    def _kpa_check_cooperative_entry(self):
        """A service never enters a cooperative its writer does not act in."""
        if self.env.is_system():
            return
        for template in self:
            template.sudo().kpa_cooperative_id.with_env(self.env)._kpa_check_acted_in(
                self.env._("the service “%(service)s”", service=template.sudo().name)
            )

    def _kpa_check_service_fields(self, vals):
        """On a cooperative's services, the coordinators and network managers
        write only the fields of :data:`SERVICE_FIELDS`; the rest is the
        accounting managers'."""
        if not self.sudo().kpa_cooperative_id or self.env.user.has_group(
            "account.group_account_manager"
        ):
            return
        refused = sorted(set(vals) - SERVICE_FIELDS)
        if refused:
            raise AccessError(
                self.env._(
                    "The services of a cooperative are presented and priced by its "
                    "coordinators; their accounting (%(fields)s) is set by the host "
                    "structure's accounting managers.",
                    fields=", ".join(
                        self._fields[name]._description_string(self.env)
                        if name in self._fields
                        else name
                        for name in refused
                    ),
                )
            )

    def _kpa_check_same_host(self, vals):
        """A service that belongs to a cooperative stays in its host
        structure's books: it moves only to another cooperative of that host."""
        cooperative = (
            self.env["kpa.cooperative"].sudo().browse(vals.get("kpa_cooperative_id"))
        )
        for template in self.sudo().filtered("kpa_cooperative_id"):
            company_id = (
                cooperative.company_id.id
                if "kpa_cooperative_id" in vals and cooperative
                else vals.get("company_id", template.company_id.id)
            )
            if company_id != template.company_id.id:
                raise AccessError(
                    self.env._(
                        "The service “%(service)s” is in the books of %(host)s: it "
                        "can only move to another cooperative of %(host)s.",
                        service=template.name,
                        host=template.company_id.name,
                    )
                )

    def _search_get_detail(self, website, order, options):
        """Filter the e-shop search on the cooperative and activity facets."""
        detail = super()._search_get_detail(website, order, options)
        domain = self._kpa_shop_filter_domain(
            options.get("kpa_cooperative_id"), options.get("kpa_activity_id")
        )
        if domain:
            detail["base_domain"] = [*detail["base_domain"], domain]
        return detail

    @api.model
    def _kpa_shop_filter_domain(self, cooperative_id=None, activity_id=None):
        domain = []
        if cooperative_id:
            domain.append(("kpa_cooperative_id", "=", int(cooperative_id)))
        if activity_id:
            domain.append(("kpa_activity_id", "=", int(activity_id)))
        return domain
