"""The access matrix of what kpa_marketplace adds (issue 9): the
cooperatives' services (product.template), their orders (sale.order) and the
invoices of those orders (account.move; the fields of invoices are in
kpa_cooperative's matrix). The engine and the roles are kpa_cooperative's
(tests/access_matrix.py)."""

from odoo import Command
from odoo.tests import tagged

from odoo.addons.kpa_cooperative.tests.access_matrix import (
    HOST_OF,
    AccessMatrixCase,
    Call,
    Create,
    ModelSpec,
    Move,
    WriteTarget,
)

# A cooperative's coordinators (and the host's network managers) present and
# price its services, and choose who provides them. The host's books on a
# product (taxes, income and expense accounts, account tags, cost) are not
# theirs: they belong to Odoo's accounting managers, a role none of the
# matrix's users holds. (service_tracking is not in the list: without the
# project apps it has one option, there is nothing to choose.)
SERVICE = {
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
    "kpa_provider_ids",
    "kpa_activity_id",
}
# On a confirmed order, its coordinators follow up with the customer.
ORDER_FOLLOW_UP = {"client_order_ref", "note", "commitment_date", "tag_ids"}


def moves_services(role, destination):
    """A service enters another cooperative only with a writer who acts in
    both, and of the same host: what it has sold is in its host's books."""
    return (
        role.acts_in(role.home)
        and role.acts_in(destination)
        and HOST_OF[destination] == HOST_OF[role.home]
    )


@tagged("post_install", "-at_install", "kpa_http")
class TestAccessMatrixMarketplace(AccessMatrixCase):
    matrix_module = "kpa_marketplace"

    @classmethod
    def _setup_matrix_records(cls):
        env = cls.env
        sewing = env.ref("kpa_cooperative.activity_sewing")
        catering = env.ref("kpa_cooperative.activity_catering")
        cls.activities = (sewing, catering)
        # A category of the e-shop, for its pages.
        env["product.public.category"].create({"name": "Matrix services"})
        cls.customers = {
            "A": cls.users["portal"].partner_id,
            "B": cls.people["B"],
            "P": cls.users["portal_2"].partner_id,
        }
        cls.services, cls.orders, cls.quotations, cls.invoices = {}, {}, {}, {}
        # A service of each cooperative (Q's too: quotations of the "other"
        # cooperative of P's people sell it), orders of A, B and P.
        for key in ("A", "B", "P", "Q"):
            coop = cls.coops[key]
            coop.activity_ids = [Command.set((sewing | catering).ids)]
            cls.services[key] = (
                env["product.template"]
                .with_company(coop.company_id)
                .create(
                    {
                        "name": f"Buffet of {key} (matrix)",
                        "type": "service",
                        "list_price": 100.0,
                        "invoice_policy": "order",
                        "is_published": True,
                        "kpa_cooperative_id": coop.id,
                        "kpa_activity_id": catering.id,
                        "taxes_id": [Command.clear()],
                    }
                )
            )
        for key in ("A", "B", "P"):
            order, quotation = cls._matrix_orders(key)
            order.action_confirm()
            cls.orders[key], cls.quotations[key] = order, quotation
        # The orders' invoices, posted by the host's accountants; A's order
        # names the host's general sales journal as its invoicing journal.
        for key in ("A", "B", "P"):
            cls.invoices[key] = cls.orders[key]._create_invoices()
            cls.invoices[key].action_post()
        if "loyalty.program" in env:
            # A coupon of the customer of A, for the orders' applied coupons.
            program = env["loyalty.program"].create(
                {
                    "name": "Matrix coupons",
                    "program_type": "coupons",
                    "company_id": cls.coops["A"].company_id.id,
                }
            )
            cls.coupon = env["loyalty.card"].create(
                {
                    "program_id": program.id,
                    "partner_id": cls.customers["A"].id,
                    "points": 1,
                }
            )
        cls.order_with_journal = cls._matrix_orders("A")[0]
        cls.order_with_journal.journal_id = cls.company_data["default_journal_sale"]
        cls.order_with_journal.action_confirm()
        cls.invoice_with_journal = cls.order_with_journal._create_invoices()

    @classmethod
    def _matrix_orders(cls, key):
        coop = cls.coops[key]
        return (
            cls.env["sale.order"]
            .with_company(coop.company_id)
            .create(
                [
                    {
                        "partner_id": cls.customers[key].id,
                        "user_id": coop.coordinator_ids[:1].id,
                        "order_line": [
                            Command.create(
                                {
                                    "product_id": cls.services[
                                        key
                                    ].product_variant_id.id,
                                    "product_uom_qty": 1,
                                }
                            )
                        ],
                    }
                    for _index in range(2)
                ]
            )
        )

    def test_access_matrix(self):
        self._run_matrix()

    def test_fuzz_bad_inputs(self):
        self._run_fuzz()

    def test_hosts_see_nothing_of_each_other(self):
        """The accountants and network managers of one host find no order,
        invoice, journal or service of the other host through the API; a
        user given both hosts finds both."""
        records = {
            host: {
                "sale.order": (self.orders[key] | self.quotations[key]).ids,
                "account.move": self.invoices[key].ids,
                "account.journal": self.env["account.journal"]
                .search([("company_id", "=", self.hosts[host].id)])
                .ids,
                "product.template": self.services[key].ids,
            }
            for host, key in (("H1", "A"), ("H2", "P"))
        }
        for key in ("accountant", "manager", "accountant_2", "manager_2", "both"):
            role = self.matrix_roles[key]
            for host, by_model in records.items():
                for model, ids in by_model.items():
                    status, found, message = self._rpc(
                        role, model, "search", [[("id", "in", ids)]]
                    )
                    self.assertEqual(status, "ok", message)
                    expected = set(ids) if HOST_OF[role.home] == host else set()
                    if key == "both":
                        expected = set(ids)
                    if model in ("sale.order", "account.move") and not expected:
                        self.assertFalse(found, f"{key} finds {model} of {host}")
                    elif model in ("sale.order", "account.move"):
                        self.assertEqual(set(found), expected, f"{key}, {model}")
                    else:
                        self.assertEqual(
                            bool(found), bool(expected), f"{key}, {model} of {host}"
                        )

    def test_closed_cooperative_leaves_the_shop(self):
        """Only the shop of a closed cooperative goes away."""
        self.coops["A"].sudo().action_close()
        slug = self.coops["A"].slug
        self.assertEqual(self.url_open(f"/shop?cooperative={slug}").status_code, 404)
        self.assertNotIn(self.services["A"].name, self.url_open("/shop").text)

    def matrix_specs(self):
        return [self._spec_service(), self._spec_order(), self._spec_invoice()]

    # === product.template === #

    def _spec_service(self):
        def may(role):
            return SERVICE if role.acts_in(role.home) else set()

        return ModelSpec(
            "product.template",
            records={
                key: (lambda case, role, key=key: case.services[key])
                for key in ("A", "B", "P")
            },
            # A published service is on the host's e-shop: anyone of the host
            # reads it; nobody of another host through the API.
            read=lambda role, coop: role.reaches(coop),
            # A service that has been sold stays in the books: it is archived.
            unlink=lambda role, coop: False,
            creates=[
                Create(
                    f"service of {where} cooperative",
                    lambda case, role, where=where: {
                        "name": f"Service of {role.key} (matrix)",
                        "type": "service",
                        "list_price": 10.0,
                        "kpa_cooperative_id": case.coops[getattr(role, where)].id,
                    },
                    lambda role, where=where: role.acts_in(getattr(role, where)),
                )
                for where in ("home", "other", "foreign")
            ],
            writes=[
                WriteTarget(
                    "own service", lambda case, role: case.services[role.home], may
                )
            ],
            skip_fields={
                "product_properties": "holds values only for the properties its "
                "category defines, and no category defines any here",
            },
            moves={"kpa_cooperative_id": Move(moves_services)},
            values={
                "kpa_activity_id": lambda case, record, role: case.activities[0].id,
                "kpa_provider_ids": lambda case, record, role: [
                    Command.link(case.people[role.home].id)
                ],
                "uom_id": lambda case, record, role: case.env.ref(
                    "uom.product_uom_dozen"
                ).id,
                "uom_po_id": lambda case, record, role: case.env.ref(
                    "uom.product_uom_dozen"
                ).id,
                "type": lambda case, record, role: "consu",
                "company_id": lambda case, record, role: case.coops[
                    role.foreign
                ].company_id.id,
                "website_id": lambda case, record, role: case.env["website"]
                .sudo()
                .create(
                    {
                        "name": "Matrix website",
                        "company_id": case.coops[role.home].company_id.id,
                    }
                )
                .id,
                "property_account_income_id": lambda case, record, role: case.env[
                    "account.account"
                ]
                .sudo()
                .search(
                    [
                        ("account_type", "=", "income"),
                        ("company_ids", "in", case.coops[role.home].company_id.ids),
                    ],
                    order="id desc",
                    limit=1,
                )
                .id,
                "property_account_expense_id": lambda case, record, role: case.env[
                    "account.account"
                ]
                .sudo()
                .search(
                    [
                        ("account_type", "=", "expense"),
                        ("company_ids", "in", case.coops[role.home].company_id.ids),
                    ],
                    order="id desc",
                    limit=1,
                )
                .id,
                "taxes_id": lambda case, record, role: [
                    Command.set(
                        case.env["account.tax"]
                        .sudo()
                        .search(
                            [
                                ("type_tax_use", "=", "sale"),
                                (
                                    "company_id",
                                    "=",
                                    case.coops[role.home].company_id.id,
                                ),
                            ],
                            limit=1,
                        )
                        .ids
                    )
                ],
                "supplier_taxes_id": lambda case, record, role: [
                    Command.set(
                        case.env["account.tax"]
                        .sudo()
                        .search(
                            [
                                ("type_tax_use", "=", "purchase"),
                                (
                                    "company_id",
                                    "=",
                                    case.coops[role.home].company_id.id,
                                ),
                                ("id", "not in", record.supplier_taxes_id.ids),
                            ],
                            limit=1,
                        )
                        .ids
                    )
                ],
                "combo_ids": lambda case, record, role: [
                    Command.link(
                        case.env["product.combo"]
                        .sudo()
                        .create(
                            {
                                "name": "Matrix combo",
                                "company_id": case.coops[role.home].company_id.id,
                                "combo_item_ids": [
                                    Command.create(
                                        {
                                            "product_id": case.services[
                                                role.home
                                            ].product_variant_id.id
                                        }
                                    )
                                ],
                            }
                        )
                        .id
                    )
                ],
                "optional_product_ids": lambda case, record, role: [
                    Command.link(case.services["B" if role.home == "A" else "P"].id)
                ],
                "alternative_product_ids": lambda case, record, role: [
                    Command.link(case.services["B" if role.home == "A" else "P"].id)
                ],
                "accessory_product_ids": lambda case, record, role: [
                    Command.link(
                        case.services[
                            "B" if role.home == "A" else "P"
                        ].product_variant_id.id
                    )
                ],
            },
        )

    # === sale.order === #

    def _spec_order(self):
        def may(role):
            coop = role.home
            if role.is_manager(coop):
                # The network manager also hands an order to another of its
                # cooperative's coordinators.
                return ORDER_FOLLOW_UP | {"user_id"}
            if role.is_coordinator(coop):
                return ORDER_FOLLOW_UP
            return set()

        def quotation(where):
            def vals(case, role):
                coop = getattr(role, where)
                return {
                    "partner_id": case.customers["B"].id,
                    "company_id": case.coops[coop].company_id.id,
                    "user_id": case.users[role.key].id,
                    "order_line": [
                        Command.create(
                            {
                                "product_id": case.services[coop].product_variant_id.id,
                                "product_uom_qty": 2,
                            }
                        )
                    ],
                }

            return vals

        return ModelSpec(
            "sale.order",
            records={
                key: (lambda case, role, key=key: case.orders[key])
                for key in ("A", "B", "P")
            },
            # A cooperative's orders are reachable only by its own
            # coordinators, the host's staff and the customer.
            read=lambda role, coop: role.is_coordinator(coop)
            or role.is_staff(coop)
            or (role.key, coop) in (("portal", "A"), ("portal_2", "P")),
            # A confirmed order is cancelled, never deleted.
            unlink=lambda role, coop: False,
            creates=[
                # Selling in a cooperative's name is for those who act in it.
                Create(
                    f"quotation of a service of {where} cooperative",
                    quotation(where),
                    lambda role, where=where: role.acts_in(getattr(role, where)),
                )
                for where in ("home", "other", "foreign")
            ],
            writes=[
                WriteTarget("confirmed", lambda case, role: case.orders[role.home], may)
            ],
            # A confirmed order's cooperative is the one of its services.
            moves={"kpa_cooperative_id": Move(lambda role, destination: False)},
            values={
                "user_id": lambda case, record, role: case.users[
                    "coord_a" if role.home == "A" else "coord_p"
                ].id
                if record.user_id
                != case.users["coord_a" if role.home == "A" else "coord_p"]
                else case.users["manager" if role.home == "A" else "manager_2"].id,
                "partner_id": lambda case, record, role: case.people[role.home].id,
                "partner_invoice_id": lambda case, record, role: case.people[
                    role.home
                ].id,
                "partner_shipping_id": lambda case, record, role: case.people[
                    role.home
                ].id,
                "state": lambda case, record, role: "cancel",
                "journal_id": lambda case, record, role: case.coops[
                    role.other
                ].journal_id.id,
                "company_id": lambda case, record, role: case.coops[
                    role.foreign
                ].company_id.id,
                "pickup_location_data": lambda case, record, role: {"id": 1},
                "applied_coupon_ids": lambda case, record, role: [
                    Command.link(case.coupon.id)
                ],
            },
            calls=[
                Call(
                    f"confirm a quotation of {key}",
                    lambda case, role, key=key: case.quotations[key],
                    "action_confirm",
                    lambda role, key=key: role.acts_in(key),
                    lambda case, order: order.state == "sale",
                )
                for key in ("A", "B")
            ],
        )

    # === account.move: the invoices of the orders === #

    def _spec_invoice(self):
        return ModelSpec(
            "account.move",
            records={
                key: (lambda case, role, key=key: case.invoices[key])
                for key in ("A", "B", "P")
            },
            # Its own coordinators, the host's staff and the customer.
            read=lambda role, coop: role.is_coordinator(coop)
            or role.is_staff(coop)
            or (role.key, coop) in (("portal", "A"), ("portal_2", "P")),
            unlink=lambda role, coop: False,
            calls=[
                # An order's invoicing journal never makes the posting of a
                # cooperative's invoice fail: the cooperative's journal applies.
                Call(
                    "post the invoice of an order of A with another invoicing journal",
                    lambda case, role: case.invoice_with_journal,
                    "action_post",
                    lambda role: role.is_accountant("A"),
                    lambda case, move: move.state == "posted"
                    and move.journal_id == case.coops["A"].journal_id,
                )
            ],
        )
