from collections import defaultdict

from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL, float_round, format_list

from odoo.addons.kpa_cooperative.models.flow import Flow

from .account_move import SALESPERSONS_AT_ONCE

# What a cooperative's coordinators write themselves on its confirmed orders
# (besides their lines): the follow-up with the customer. The network
# managers also hand an order to another salesperson. Everything else of a
# confirmed order is written by its flows (confirm, cancel, lock, invoice...).
ORDER_FOLLOW_UP = frozenset(
    {"client_order_ref", "note", "commitment_date", "tag_ids", "order_line"}
)
ORDER_HANDOVER = frozenset({"user_id"})
# Fields whose change can take an order into a cooperative.
ORDER_COOPERATIVE_FIELDS = frozenset({"order_line", "kpa_cooperative_id", "company_id"})
# The flows of the orders (confirm, cancel, lock, invoice...): what they write
# on confirmed orders is not checked against ORDER_FOLLOW_UP.
order_flow = Flow("kpa_sale_order_flow")


# Lines are grouped by the id of their cooperative; this key groups the lines
# that go to the host structure's own order.
HOST = 0
# Context key of the confirmation of the orders split off a quotation.
SPLIT_CONFIRM = "kpa_split_confirm"
# Fields a split order takes from the quotation it comes from.
SPLIT_COPIED_FIELDS = (
    "company_id",
    "partner_id",
    "partner_invoice_id",
    "partner_shipping_id",
    "pricelist_id",
    "fiscal_position_id",
    "payment_term_id",
    "user_id",
    "team_id",
    "note",
    "client_order_ref",
    "date_order",
    "validity_date",
    "commitment_date",
    "require_signature",
    "require_payment",
    "prepayment_percent",
    "signature",
    "signed_by",
    "signed_on",
    "campaign_id",
    "medium_id",
    "source_id",
    "website_id",
)


# Stored fields of the order lines that depend on their order, and that moving
# them to a split order (same customer, company, currency, pricelist, fiscal
# position) must not change: neither the taxes and analytic distribution typed
# by the salesperson, nor the amounts. Not computing them again also keeps the
# split's queries independent of the number of lines. (The salesperson of the
# lines, `salesman_id`, does follow their new order.)
LINE_FIELDS_KEPT_ON_SPLIT = (
    "tax_id",
    "analytic_distribution",
    "company_id",
    "currency_id",
    "order_partner_id",
    "state",
    "price_subtotal",
    "price_tax",
    "price_total",
    "price_reduce_taxexcl",
    "price_reduce_taxinc",
    "invoice_status",
    "qty_to_invoice",
    "untaxed_amount_to_invoice",
)


class SaleOrder(models.Model):
    _inherit = "sale.order"

    kpa_cooperative_id = fields.Many2one(
        "kpa.cooperative",
        string="Cooperative",
        compute="_compute_kpa_cooperative_id",
        store=True,
        readonly=False,
        precompute=True,
        index="btree_not_null",
        check_company=True,
        help="The cooperative whose services this order sells; its coordinators "
        "handle it. A quotation mixing several cooperatives has none: it becomes "
        "one order per cooperative when it is confirmed.",
    )
    kpa_several_cooperatives = fields.Boolean(
        compute="_compute_kpa_several_cooperatives",
        store=True,
        string="Several cooperatives",
        help="The quotation holds services of several cooperatives.",
    )
    kpa_cooperative_name = fields.Char(
        related="kpa_cooperative_id.name", string="Cooperative name"
    )
    kpa_cooperative_url = fields.Char(
        compute="_compute_kpa_cooperative_url",
        compute_sudo=True,
        string="Cooperative page",
    )
    kpa_split_origin_id = fields.Many2one(
        "sale.order",
        string="Split from",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="set null",
        help="The quotation (or cart) this order was split from, one order per "
        "cooperative.",
    )
    kpa_split_order_ids = fields.One2many(
        "sale.order", "kpa_split_origin_id", string="Orders split off", readonly=True
    )
    kpa_linked_order_ids = fields.Many2many(
        "sale.order",
        compute="_compute_kpa_linked_order_ids",
        string="Ordered together with",
        help="The other orders of the same cart or quotation.",
    )
    kpa_linked_order_count = fields.Integer(
        compute="_compute_kpa_linked_order_ids", string="Linked orders"
    )

    # === COMPUTE METHODS === #

    @api.depends("order_line.product_id")
    def _compute_kpa_cooperative_id(self):
        for order in self:
            if order.state not in ("draft", "sent"):
                # A confirmed (or cancelled) order keeps the cooperative it was
                # confirmed for, and so its journal.
                order.kpa_cooperative_id = order.kpa_cooperative_id
                continue
            # A quotation is its only cooperative's; one mixing cooperatives,
            # or selling none (the host's own products), has none.
            cooperatives = order.order_line.product_id.kpa_cooperative_id
            order.kpa_cooperative_id = cooperatives if len(cooperatives) == 1 else False

    @api.depends("order_line.product_id")
    def _compute_kpa_several_cooperatives(self):
        for order in self:
            order.kpa_several_cooperatives = (
                len(order.order_line.product_id.kpa_cooperative_id) > 1
            )

    def _compute_kpa_cooperative_url(self):
        for order in self:
            order.kpa_cooperative_url = order.kpa_cooperative_id._published_url()

    @api.depends("kpa_split_origin_id", "kpa_split_order_ids")
    def _compute_kpa_linked_order_ids(self):
        for order in self:
            origin = order.kpa_split_origin_id or order
            linked = (origin | origin.kpa_split_order_ids) - order
            if not order.kpa_split_order_ids and not order.kpa_split_origin_id:
                linked = self.browse()
            order.kpa_linked_order_ids = linked
            order.kpa_linked_order_count = len(linked)

    def _compute_amount_paid(self):
        """A payment that covers several split orders pays each of them in turn
        (oldest first), instead of counting its whole amount on each."""
        shared = self.transaction_ids.filtered(
            lambda tx: tx.state in ("authorized", "done") and len(tx.sale_order_ids) > 1
        )
        if not shared:
            return super()._compute_amount_paid()
        shares = defaultdict(float)
        for tx in shared:
            remaining = tx.amount
            for order in tx.sale_order_ids.sorted("id"):
                part = min(remaining, order.amount_total) if remaining > 0 else 0.0
                shares[tx.id, order.id] = part
                remaining -= part
        for order in self:
            order.amount_paid = sum(
                shares[tx.id, order.id] if tx in shared else tx.amount
                for tx in order.transaction_ids
                if tx.state in ("authorized", "done")
            )

    # === CONSTRAINT AND CHECK METHODS === #

    def _confirmation_error_message(self):
        error = super()._confirmation_error_message()
        if error or self.env.context.get(SPLIT_CONFIRM):
            # An order split off a quotation holds lines checked with it.
            return error
        # The cooperative's state as stored on the service (read at once).
        closed = self.order_line.product_id.product_tmpl_id.filtered(
            lambda template: template.kpa_cooperative_state == "closed"
        )
        closed_lines = self.order_line.filtered(
            lambda line: line.product_id.product_tmpl_id in closed
        )
        if closed_lines:
            cooperatives = closed_lines.product_id.kpa_cooperative_id.sudo()
            return self.env._(
                "%(cooperatives)s is closed: its services (%(services)s) cannot be "
                "sold anymore. Remove them from %(order)s before confirming it.",
                cooperatives=format_list(self.env, cooperatives.mapped("name")),
                services=format_list(self.env, closed_lines.product_id.mapped("name")),
                order=self.name,
            )
        return False

    def _check_cart_is_ready_to_be_paid(self):
        """A cart that could not be split between its cooperatives is not paid:
        the customer reads why in the cart, before paying."""
        for order in self:
            errors = order._kpa_split_errors()
            if errors:
                raise ValidationError("\n".join(errors))
        return super()._check_cart_is_ready_to_be_paid()

    # === CRUD METHODS === #

    @api.model_create_multi
    def create(self, vals_list):
        orders = super().create(vals_list)
        orders._kpa_check_cooperative_entry()
        return orders

    def write(self, vals):
        if not self.env.is_system() and not order_flow.running():
            self._kpa_check_confirmed_order_fields(vals)
        res = super().write(vals)
        if ORDER_COOPERATIVE_FIELDS.intersection(vals):
            self._kpa_check_cooperative_entry()
        return res

    def _kpa_check_confirmed_order_fields(self, vals):
        """On a cooperative's confirmed (or cancelled) order, those who act in
        the cooperative write only the follow-up (:data:`ORDER_FOLLOW_UP`), and
        a network manager hands it to another salesperson; others write
        nothing directly. The rest is written by its flows."""
        confirmed = self.sudo().filtered(
            lambda order: order.kpa_cooperative_id and order.state in ("sale", "cancel")
        )
        if not confirmed:
            return
        cooperatives = confirmed.kpa_cooperative_id.with_env(self.env)
        allowed = frozenset()
        if cooperatives._kpa_filtered_acted_in() == cooperatives:
            allowed = ORDER_FOLLOW_UP
            if self.env.user.has_group("kpa_cooperative.group_kpa_manager"):
                allowed |= ORDER_HANDOVER
        refused = sorted(set(vals) - allowed)
        if refused:
            raise AccessError(
                self.env._(
                    "%(orders)s is confirmed: change it through its actions "
                    "(cancel, lock, invoice...). Only its follow-up with the "
                    "customer is written directly, not: %(fields)s.",
                    orders=format_list(self.env, confirmed.mapped("name")),
                    fields=format_list(
                        self.env,
                        [
                            self._fields[name]._description_string(self.env)
                            if name in self._fields
                            else name
                            for name in refused
                        ],
                    ),
                )
            )

    def _kpa_check_may_confirm(self):
        """The quotations of the cooperatives are confirmed by those who sell
        in their name (salespeople: the coordinators and network managers
        among them), or by the customer's payment or signature (as superuser):
        not by the host's accountants, whom Odoo lets write the orders they
        invoice."""
        if self.env.su or self.env.user.has_group("sales_team.group_sale_salesman"):
            return
        if self.sudo().order_line.product_id.kpa_cooperative_id:
            raise AccessError(
                self.env._(
                    "The quotations of the cooperatives are confirmed by their "
                    "coordinators and the network managers, or by the customer: "
                    "%(orders)s cannot be confirmed by you.",
                    orders=format_list(self.env, self.mapped("name")),
                )
            )

    def _kpa_check_cooperative_entry(self):
        """An order never enters a cooperative its writer does not act in
        (checked after the write: the record rules are checked before). The
        host's "all documents" salespeople, its network managers among them,
        act in every cooperative of their host structures (the companies'
        rules keep them there)."""
        if self.env.is_system() or self.env.user.has_group(
            "sales_team.group_sale_salesman_all_leads"
        ):
            return
        for order in self.sudo():
            cooperatives = (
                order.kpa_cooperative_id
                | order.order_line.product_id.kpa_cooperative_id
            )
            cooperatives.with_env(self.env)._kpa_check_acted_in(
                self.env._("the order %(order)s", order=order.name)
            )

    # === ACTION METHODS === #

    @order_flow
    def action_cancel(self):
        return super().action_cancel()

    @order_flow
    def _action_cancel(self):
        return super()._action_cancel()

    @order_flow
    def action_draft(self):
        return super().action_draft()

    @order_flow
    def action_lock(self):
        return super().action_lock()

    @order_flow
    def action_unlock(self):
        return super().action_unlock()

    @order_flow
    def action_confirm(self):
        """Confirm each quotation as one order per cooperative."""
        if self.env.context.get(SPLIT_CONFIRM):
            # Orders split off a quotation, confirmed with it: not split again.
            return super().action_confirm()
        self._kpa_check_may_confirm()
        for order in self:
            error = order._confirmation_error_message()
            if error:
                raise UserError(error)
        split_orders = self._kpa_split_by_cooperative()
        if split_orders:
            (self | split_orders)._kpa_subscribe_customers()
        res = super().action_confirm()
        split_orders._kpa_confirm_split_orders()
        (self | split_orders)._kpa_notify_coordinators()
        return res

    def action_view_kpa_linked_orders(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("sale.action_orders")
        action["domain"] = [("id", "in", (self | self.kpa_linked_order_ids).ids)]
        action["context"] = {"create": False}
        return action

    # === BUSINESS METHODS === #

    def _get_invoice_grouping_keys(self):
        """Never group the orders of different cooperatives in one invoice."""
        return [*super()._get_invoice_grouping_keys(), "kpa_cooperative_id"]

    @order_flow
    def _create_invoices(self, grouped=False, final=False, date=None):
        """The coordinators follow their cooperatives' invoices without an
        assignment email for each (the host's accountants handle invoices),
        each coordinator's invoices at once."""
        if self.sudo().kpa_cooperative_id and not self.env.context.get(
            SALESPERSONS_AT_ONCE
        ):
            moves = self.with_context(
                mail_auto_subscribe_no_notify=True, **{SALESPERSONS_AT_ONCE: True}
            )._create_invoices(grouped=grouped, final=final, date=date)
            moves._kpa_subscribe_salespersons()
            return moves.with_context(**{SALESPERSONS_AT_ONCE: False})
        return super()._create_invoices(grouped=grouped, final=final, date=date)

    def _prepare_invoice(self):
        values = super()._prepare_invoice()
        cooperative = self.kpa_cooperative_id
        values["kpa_cooperative_id"] = cooperative.id
        if cooperative:
            # A cooperative's invoices are numbered in its own journal,
            # whatever invoicing journal the order names.
            journal = cooperative.sudo().journal_id
            values["journal_id"] = journal.id or values.get("journal_id")
        return values

    def _kpa_split_plan(self):
        """Sort the lines of this quotation into the orders it becomes.

        The rule is documented in the module's README ("Orders mixing
        cooperatives"):

        - a product of a cooperative goes to that cooperative's order;
        - a product of no cooperative (the host's own) goes to the host's order;
        - a line of no cooperative that adjusts the others (a delivery, a
          discount: see :meth:`_kpa_is_adjustment`) is shared by the owners of
          the lines it adjusts, pro rata (see :meth:`_kpa_adjustment_weights`):
          each order gets its share, in a line of its own;
        - a line linked to another one (combo item, option) follows it; a
          section or note goes with the product line that follows it (or, at
          the end, the one before).

        :return: (groups, shares): groups maps each owner (a cooperative id, or
            HOST) to its lines, in the order of the quotation, a shared line
            with its first owner; shares maps each line shared by several
            owners to {owner: unit price of its share}, its first owner first
        """
        self.ensure_one()
        Line = self.env["sale.order.line"]
        lines = self.order_line.sorted(lambda line: (line.sequence, line.id))
        keys = {}
        adjustments = Line
        for line in lines:
            if line.display_type or line.linked_line_id:
                continue
            cooperative = line.product_id.kpa_cooperative_id
            if cooperative:
                keys[line] = cooperative.id
            elif self._kpa_is_adjustment(line):
                adjustments |= line
            else:
                keys[line] = HOST
        for line in lines.filtered("linked_line_id"):
            keys[line] = keys.get(line.linked_line_id, HOST)
        owned = dict(keys)
        owners = list(dict.fromkeys(owned.values()))
        shares = {}
        for line in adjustments:
            weights = self._kpa_adjustment_weights(line, owned)
            weights = {
                key: weights[key]
                for key in sorted(
                    weights,
                    key=lambda k: owners.index(k) if k in owners else len(owners),
                )
                if self.currency_id.compare_amounts(weights[key], 0.0) > 0
            } or {HOST: 1.0}
            keys[line] = next(iter(weights))
            if len(weights) > 1:
                shares[line] = self._kpa_share_prices(line, weights)
        pending, last_key = [], None
        for line in lines:
            if line.display_type:
                pending.append(line)
                continue
            last_key = keys.get(line, HOST)
            for display_line in pending:
                keys[display_line] = last_key
            pending = []
        for display_line in pending:
            keys[display_line] = last_key or HOST
        groups = {}
        for line in lines:
            groups.setdefault(keys[line], Line)
            groups[keys[line]] |= line
        return groups, shares

    def _kpa_is_adjustment(self, line):
        """Whether a line of no cooperative adjusts the others instead of
        selling something: a delivery, a discount (negative amount)."""
        return (
            line.is_delivery
            or line.currency_id.compare_amounts(line.price_subtotal, 0.0) < 0
        )

    def _kpa_adjustment_weights(self, line, owned):
        """How a line adjusting the others is shared by their owners.

        - a delivery by the owners of the goods it delivers, pro rata of their
          untaxed amount; with no goods, it is the only owner's, or else the
          host's (who delivers services?);
        - a discount by the owners of the lines with the same taxes (of every
          line when none has them), pro rata of their untaxed amount: each
          order keeps its VAT right.

        :param owned: {product line: owner} of the lines that sell something
        :return: {owner: weight}
        """
        if line.is_delivery:
            base = {
                sold: key
                for sold, key in owned.items()
                if sold.product_id.type == "consu"
            }
            if not base:
                owners = set(owned.values())
                return {owners.pop() if len(owners) == 1 else HOST: 1.0}
        else:
            base = {
                sold: key for sold, key in owned.items() if sold.tax_id == line.tax_id
            } or owned
        weights = defaultdict(float)
        for sold, key in base.items():
            weights[key] += max(sold.price_subtotal, 0.0)
        return weights

    def _kpa_share_prices(self, line, weights):
        """Unit prices of the shares of `line`, pro rata of `weights`.

        The shares add up to the line: their unit prices to its unit price,
        and, taxes rounded per line, their totals to its total (a cent moves
        from one share to another when rounding would make them differ).

        :return: {owner: unit price}, in the order of `weights`
        """
        digits = self.env["decimal.precision"].precision_get("Product Price")
        keys = list(weights)
        total_weight = sum(weights.values())
        prices = {
            key: float_round(
                line.price_unit * weights[key] / total_weight, precision_digits=digits
            )
            for key in keys[:-1]
        }
        prices[keys[-1]] = float_round(
            line.price_unit - sum(prices.values()), precision_digits=digits
        )
        target = self._kpa_totals([[(line, line.price_unit)]])[0]

        def difference(trial):
            totals = self._kpa_totals([[(line, price)] for price in trial.values()])
            return self.currency_id.round(target - sum(totals))

        if not self.currency_id.is_zero(difference(prices)):
            unit = 10**-digits
            for steps in range(1, 6):
                for key in keys[:-1]:
                    for sign in (1, -1):
                        trial = dict(prices)
                        trial[key] = float_round(
                            trial[key] + sign * steps * unit, precision_digits=digits
                        )
                        trial[keys[-1]] = float_round(
                            trial[keys[-1]] - sign * steps * unit,
                            precision_digits=digits,
                        )
                        if self.currency_id.is_zero(difference(trial)):
                            return trial
        return prices

    def _kpa_totals(self, orders):
        """Total amounts (taxes included) of would-be orders, computed as the
        orders compute theirs.

        :param orders: a list of [(line, unit price)] per order
        :return: a list of amounts
        """
        AccountTax = self.env["account.tax"]
        totals = []
        for priced_lines in orders:
            base_lines = [
                line._prepare_base_line_for_taxes_computation(price_unit=price)
                for line, price in priced_lines
            ]
            AccountTax._add_tax_details_in_base_lines(base_lines, self.company_id)
            AccountTax._round_base_lines_tax_details(base_lines, self.company_id)
            totals.append(
                AccountTax._get_tax_totals_summary(
                    base_lines, self.currency_id, self.company_id
                )["total_amount_currency"]
            )
        return totals

    def _kpa_split_errors(self, plan=None):
        """Why this quotation cannot be split between its owners, in the
        user's words; empty when it can (or when it needs no split).

        :param plan: the quotation's :meth:`_kpa_split_plan`, when known
        """
        self.ensure_one()
        groups, shares = plan or self._kpa_split_plan()
        if len(groups) < 2 or not any(
            self._kpa_is_adjustment(line)
            for line in self.order_line
            if not line.display_type and not line.product_id.kpa_cooperative_id
        ):
            # Only what adjusts the others (discounts) can make an order negative.
            return []
        owners = list(groups)
        priced = {key: [] for key in owners}
        for key, lines in groups.items():
            for line in lines.filtered(lambda line: not line.display_type):
                if line not in shares:
                    priced[key].append((line, line.price_unit))
        for line, prices in shares.items():
            for key, price in prices.items():
                priced[key].append((line, price))
        amounts = self._kpa_totals([priced[key] for key in owners])
        totals = dict(zip(owners, amounts, strict=True))
        negative = [
            key
            for key in owners
            if self.currency_id.compare_amounts(totals[key], 0.0) < 0
        ]
        if not negative:
            return []
        Cooperative = self.env["kpa.cooperative"].sudo()
        adjustments = [
            line
            for key in negative
            for line, _price in priced[key]
            if self._kpa_is_adjustment(line)
        ]
        return [
            self.env._(
                "%(order)s mixes several cooperatives, and its discounts or "
                "delivery charges (%(lines)s) cannot be shared between them: the "
                "order of %(owners)s would be negative. Give the discount on the "
                "lines instead (Discount %% column), or sell them apart.",
                order=self.name,
                lines=format_list(
                    self.env,
                    list(
                        dict.fromkeys(
                            (line.name or "").split("\n")[0] for line in adjustments
                        )
                    ),
                ),
                owners=format_list(
                    self.env,
                    [
                        Cooperative.browse(key).name if key else self.company_id.name
                        for key in negative
                    ],
                ),
            )
        ]

    def _kpa_is_paid(self):
        """Whether a payment of the customer covers the quotation: its
        confirmation must then never fail."""
        self.ensure_one()
        return any(tx.state in ("authorized", "done") for tx in self.transaction_ids)

    def _kpa_split_by_cooperative(self):
        """Split each quotation mixing owners (cooperatives, host) into one
        quotation per owner. The quotation itself keeps the host's lines, or
        else those of its first cooperative, with its number and payments; the
        new quotations are linked to it by `kpa_split_origin_id`.

        The lines move with one write per new order, so the number of queries
        grows with the number of cooperatives, not with lines × cooperatives.
        A shared line (a discount, a delivery) gets its share's price, and the
        other owners a line of their own.

        A quotation that cannot be split (see :meth:`_kpa_split_errors`) is
        refused, unless the customer paid it: it is then split all the same,
        and its salesperson gets a to-do to settle it.

        :return: the new quotations, in the environment of the quotations
        """
        plans = []
        for order in self.filtered(lambda o: o.state in ("draft", "sent")):
            plan = order._kpa_split_plan()
            groups, _shares = plan
            if len(groups) < 2:
                continue
            errors = order._kpa_split_errors(plan)
            if errors:
                if not order._kpa_is_paid():
                    raise UserError("\n".join(errors))
                order._kpa_report_split_errors(errors)
            main_key = HOST if HOST in groups else next(iter(groups))
            plans.append((order, main_key, plan))
        if not plans:
            return self.browse()
        cooperatives = (
            self.env["kpa.cooperative"]
            .sudo()
            .browse(
                {key for _order, _main, (groups, _s) in plans for key in groups if key}
            )
        )
        cooperatives.fetch(["coordinator_ids"])
        vals_list = [
            order._kpa_prepare_split_order_vals(key, order._kpa_lines_of(key, plan))
            for order, main_key, plan in plans
            for key in plan[0]
            if key != main_key
        ]
        self._kpa_name_split_orders(vals_list)
        # The split orders are announced by a message on the quotation and a
        # to-do for their coordinators, who then follow them (see
        # _kpa_notify_coordinators); the customer follows them on confirmation.
        # No creation message, assignment email or follower each, here.
        # Superuser: the user confirms a quotation they may confirm; the orders
        # of its other cooperatives belong to those cooperatives' coordinators,
        # whom the user may not reach (record rules), and get its lines.
        new_orders = iter(
            self.env["sale.order"]
            .sudo()
            .with_context(tracking_disable=True)
            .create(vals_list)
        )
        created = self.browse().sudo()
        # The new orders have the same customer, company, pricelist and fiscal
        # position: the lines keep their taxes and analytic distribution (as
        # typed by the salesperson) instead of having them computed again.
        Line = self.env["sale.order.line"]
        kept_fields = [
            Line._fields[name]
            for name in LINE_FIELDS_KEPT_ON_SPLIT
            if name in Line._fields
        ]
        share_prices, share_vals, split_messages = [], [], {}
        for order, main_key, (groups, shares) in plans:
            options = defaultdict(lambda: self.env["sale.order.option"].sudo())
            for option in order.sale_order_option_ids:
                options[option.product_id.kpa_cooperative_id.id] |= option
            order_of = {main_key: order.sudo()}
            moved_lines = order.order_line
            for key, lines in groups.items():
                if key == main_key:
                    continue
                order_of[key] = new_order = next(new_orders)
                with self.env.protecting(kept_fields, moved_lines):
                    lines.sudo().write({"order_id": new_order.id})
                if key != HOST and options[key]:
                    options[key].write({"order_id": new_order.id})
            for line, prices in shares.items():
                first, *others = prices
                share_prices.append((line, prices[first]))
                share_vals += [
                    order._kpa_prepare_shared_line_vals(
                        line, order_of[key], prices[key]
                    )
                    for key in others
                ]
            order.sudo().kpa_cooperative_id = main_key or False
            splits = (
                self.browse()
                .sudo()
                .union(*(order_of[key] for key in groups if key != main_key))
            )
            split_messages[order.id] = order._kpa_split_message(splits)
            created |= splits
        # A note on each quotation split, without notification: the orders
        # are announced to their coordinators by a to-do.
        self.browse(list(split_messages))._message_log_batch(bodies=split_messages)
        # A shared line keeps its first owner's share; the others get theirs
        # in lines of their own (a few per cart: one per discount and tax).
        for line, price in share_prices:
            line.sudo().price_unit = price
        if share_vals:
            Line.sudo().create(share_vals)
        # An order left without delivery has no delivery method.
        (self | created).filtered(
            lambda order: order.carrier_id
            and not order.order_line.filtered("is_delivery")
        ).sudo().write({"carrier_id": False, "pickup_location_data": False})
        # The payments of the quotation now cover the split orders too.
        (self | created).invalidate_recordset(["amount_paid"])
        # Each order computes its amounts again, line by line: their taxes are
        # read at once here rather than one line at a time there.
        (self | created).sudo().order_line.fetch(["tax_id"])
        created = created.with_env(self.env)
        self.browse([order.id for order, _main, _plan in plans])._kpa_after_split(
            created
        )
        return created

    def _kpa_subscribe_customers(self):
        """Make the customers follow the orders about to be confirmed, the
        orders of each customer at once: sale.order.action_confirm subscribes
        them order by order (five queries each), and skips the orders they
        already follow. Superuser, as for the split orders' confirmation: the
        user may not reach the other cooperatives' orders."""
        for partner, orders in self.grouped("partner_id").items():
            if partner:
                orders.sudo().message_subscribe(partner.ids)

    def _kpa_confirm_split_orders(self):
        """Confirm the orders just split off the quotations being confirmed,
        each through the whole confirmation of sale.order (every module's own:
        event registrations, deliveries, loyalty points...), as the user who
        confirms the quotations."""
        orders = self.with_context(**{SPLIT_CONFIRM: True})
        if not orders:
            return
        allowed = orders._filtered_access("write")
        allowed.action_confirm()
        others = orders - allowed
        if others:
            # A coordinator confirms a quotation they handle, which also sold
            # other cooperatives' services: the orders of those cooperatives,
            # split off it for their own coordinators, are confirmed with it
            # although the coordinator may not handle them.
            others.sudo().action_confirm()

    def _kpa_name_split_orders(self, vals_list):
        """Give the new orders their numbers from the sales orders' sequence
        of their company, drawn at once (sale.order.create draws them one by
        one, two queries each). Left to sale.order.create when the sequence
        has no gaps or dated ranges."""
        by_company = defaultdict(list)
        for vals in vals_list:
            by_company[vals["company_id"]].append(vals)
        for company_id, company_vals in by_company.items():
            # The numbers of sales orders, which sale.order.create draws for
            # whoever creates an order.
            sequence = (
                self.env["ir.sequence"]
                .sudo()
                .search(
                    [
                        ("code", "=", "sale.order"),
                        ("company_id", "in", [company_id, False]),
                    ],
                    order="company_id",
                    limit=1,
                )
            )
            if sequence.implementation != "standard" or sequence.use_date_range:
                continue
            self.env.cr.execute(
                SQL(
                    "SELECT nextval(%s) FROM generate_series(1, %s)",
                    f"ir_sequence_{sequence.id:03d}",
                    len(company_vals),
                )
            )
            numbers = [number for (number,) in self.env.cr.fetchall()]
            for vals, number in zip(company_vals, numbers, strict=True):
                vals["name"] = sequence.get_next_char(number)

    def _kpa_lines_of(self, key, plan):
        """The lines the order of `key` will hold, its shares included."""
        groups, shares = plan
        lines = groups.get(key, self.env["sale.order.line"])
        return lines.union(*(line for line, prices in shares.items() if key in prices))

    def _kpa_report_split_errors(self, errors):
        """A paid quotation that cannot be split as it should is split all the
        same: its salesperson (or the host's e-shop's) gets a to-do to settle
        it with the customer and the cooperatives."""
        self.ensure_one()
        body = Markup("<br/>").join(errors)
        self.message_post(body=body)
        user = self.user_id or self.website_id.salesperson_id
        if user:
            self.sudo().activity_schedule(
                "mail.mail_activity_data_todo",
                user_id=user.id,
                summary=self.env._("Paid order to settle between the cooperatives"),
                note=body,
            )

    def _kpa_prepare_split_order_vals(self, key, lines):
        """Values of the new quotation of `key` (a cooperative id or HOST),
        which will hold `lines` (shared lines included)."""
        self.ensure_one()
        cooperative = self.env["kpa.cooperative"].sudo().browse(key)
        vals = {
            name: self._fields[name].convert_to_write(self[name], self)
            for name in SPLIT_COPIED_FIELDS
            if name in self._fields
        }
        if cooperative and self.user_id not in cooperative.coordinator_ids:
            # Each cooperative's order is handled by its coordinators.
            vals["user_id"] = cooperative.coordinator_ids[:1].id
        if lines.filtered("is_delivery"):
            vals["carrier_id"] = self.carrier_id.id
        vals.update(
            {
                "kpa_cooperative_id": cooperative.id,
                "kpa_split_origin_id": self.id,
                "origin": self.name,
                "tag_ids": [Command.set(self.tag_ids.ids)],
                "transaction_ids": [Command.set(self.transaction_ids.ids)],
                "order_line": [],
            }
        )
        return vals

    def _kpa_prepare_shared_line_vals(self, line, order, price_unit):
        """Values of the line that gives `order` its share of `line`."""
        vals = line.copy_data(
            {
                "order_id": order.id,
                "price_unit": price_unit,
                "name": line.name,
                "product_uom_qty": line.product_uom_qty,
                "product_uom": line.product_uom.id,
                "discount": line.discount,
                "tax_id": [Command.set(line.tax_id.ids)],
                "analytic_distribution": line.analytic_distribution,
                "sequence": line.sequence,
            }
        )[0]
        return vals

    def _kpa_after_split(self, split_orders):
        """Hook: the quotations in `self` were just split into themselves and
        `split_orders`, before any of them is confirmed (the bridges to Odoo's
        apps move what follows the lines: registrations, pickup points,
        loyalty points)."""

    def _kpa_split_message(self, split_orders):
        """The note that tells which orders this quotation was split into."""
        self.ensure_one()
        links = Markup(", ").join(
            Markup('<a href="#" data-oe-model="sale.order" data-oe-id="%s">%s</a> (%s)')
            % (
                order.id,
                order.name,
                order.kpa_cooperative_id.sudo().name or self.company_id.name,
            )
            for order in split_orders
        )
        return Markup("%s %s") % (
            self.env._(
                "This quotation mixed several cooperatives: it was split into "
                "one order per cooperative:"
            ),
            links,
        )

    def _kpa_notify_coordinators(self):
        """Give each coordinator of the cooperative a to-do on its new order,
        and make them followers of it."""
        activity_type = self.env.ref(
            "mail.mail_activity_data_todo", raise_if_not_found=False
        )
        model = self.env["ir.model"]._get_id("sale.order")
        today = fields.Date.context_today(self)
        # In the coordinator's language, not the customer's.
        env_of_lang = {}
        vals_list = []
        for order in self.filtered("kpa_cooperative_id"):
            cooperative = order.kpa_cooperative_id.sudo()
            for user in cooperative.coordinator_ids - self.env.user:
                if user.lang not in env_of_lang:
                    env_of_lang[user.lang] = self.with_context(lang=user.lang).env
                vals_list.append(
                    {
                        "res_model_id": model,
                        "res_id": order.id,
                        "user_id": user.id,
                        "activity_type_id": activity_type.id
                        if activity_type
                        else False,
                        "summary": env_of_lang[user.lang]._(
                            "New order %(order)s for %(cooperative)s",
                            order=order.name,
                            cooperative=cooperative.name,
                        ),
                        "date_deadline": today,
                    }
                )
        if vals_list:
            # A to-do in their activities (and their order followed), without
            # one more email: the order itself is the news.
            self.env["mail.activity"].sudo().with_context(
                mail_activity_quick_update=True
            ).create(vals_list)
