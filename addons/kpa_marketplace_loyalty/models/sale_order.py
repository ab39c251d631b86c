from collections import defaultdict

from odoo import models

from odoo.addons.kpa_marketplace.models.sale_order import HOST, SPLIT_CONFIRM


class SaleOrder(models.Model):
    _inherit = "sale.order"

    # === ACTION METHODS === #

    def action_confirm(self):
        """sale_loyalty brings the rewards of an order up to date when it is
        confirmed: a cart to be split between cooperatives has them brought up
        to date as a whole, before it is split; its orders keep their shares."""
        if not self.env.context.get(SPLIT_CONFIRM):
            for order in self:
                if order._kpa_to_be_split():
                    order._update_programs_and_rewards()
        return super().action_confirm()

    # === BUSINESS METHODS === #

    def _kpa_to_be_split(self):
        """Whether this quotation mixes owners (cooperatives, host) and has
        not been split yet."""
        self.ensure_one()
        return (
            self.state in ("draft", "sent")
            and not self.kpa_split_origin_id
            and not self.kpa_split_order_ids
            and len(self._kpa_split_plan()[0]) > 1
        )

    def _update_programs_and_rewards(self):
        """The rewards of a cart split between cooperatives were computed on
        the whole cart, then shared: they are never computed again on one of
        its orders (a fixed discount, or a minimum amount, would not hold)."""
        if self.kpa_split_origin_id or self.kpa_split_order_ids:
            return None
        return super()._update_programs_and_rewards()

    def _apply_program_reward(self, reward, coupon, **kwargs):
        """A gift card or an eWallet cannot pay for a cart mixing owners."""
        if reward.program_id.is_payment_program and self._kpa_to_be_split():
            return {"error": self._kpa_payment_reward_error(reward.program_id)}
        return super()._apply_program_reward(reward, coupon, **kwargs)

    def _kpa_payment_reward_error(self, programs):
        return self.env._(
            "%(programs)s pays like money that %(host)s holds for you: it cannot "
            "be shared between the cooperatives of a cart that mixes them. Use it "
            "on a cart of one cooperative, or remove it.",
            programs=", ".join(programs.mapped("name")),
            host=self.company_id.name,
        )

    def _kpa_split_errors(self, plan=None):
        errors = super()._kpa_split_errors(plan)
        plan = plan or self._kpa_split_plan()
        payments = self.order_line.reward_id.program_id.filtered("is_payment_program")
        if payments and len(plan[0]) > 1:
            errors.append(self._kpa_payment_reward_error(payments))
        return errors

    def _kpa_adjustment_weights(self, line, owned):
        """A reward is shared by the owners of what it rewards:

        - a discount on the order by every owner (pro rata of the lines with
          its taxes), on some products by the owners of those products, on the
          cheapest product by its owner;
        - free shipping by the owners of the delivery;
        - a gift card or eWallet is money the host holds: the host bears it
          (a cart mixing owners refuses them before payment).
        """
        reward = line.reward_id
        if not reward:
            return super()._kpa_adjustment_weights(line, owned)
        if reward.program_id.is_payment_program:
            return {HOST: 1.0}
        if reward.reward_type == "shipping":
            weights = defaultdict(float)
            for delivery in self.order_line.filtered("is_delivery"):
                for key, weight in (
                    super()._kpa_adjustment_weights(delivery, owned).items()
                ):
                    weights[key] += weight
            return weights
        if reward.discount_applicability == "specific":
            domain = reward._get_discount_product_domain()
            owned = {
                sold: key
                for sold, key in owned.items()
                if not sold.reward_id and sold.product_id.filtered_domain(domain)
            }
        elif reward.discount_applicability == "cheapest":
            cheapest = self._cheapest_line() or self.env["sale.order.line"]
            owned = {sold: key for sold, key in owned.items() if sold in cheapest}
        return super()._kpa_adjustment_weights(line, owned)

    def _kpa_prepare_shared_line_vals(self, line, order, price_unit):
        """A reward's points are spent once: by the line that keeps them."""
        vals = super()._kpa_prepare_shared_line_vals(line, order, price_unit)
        vals["points_cost"] = 0.0
        return vals

    def _kpa_after_split(self, split_orders):
        """The points a cart gives to the coupon of a promotion it uses go
        with the order holding the reward's points cost, so that each order
        confirms (and, cancelled, gives back) what it spends."""
        res = super()._kpa_after_split(split_orders)
        family = self | split_orders
        moves = defaultdict(lambda: self.env["sale.order.coupon.points"])
        for entry in self.coupon_point_ids.filtered(
            lambda entry: entry.coupon_id.program_id.applies_on == "current"
        ):
            lines = family.order_line.filtered(
                lambda line, coupon=entry.coupon_id: line.coupon_id == coupon
            )
            target = (lines.filtered("points_cost") or lines)[:1].order_id
            if target and target != entry.order_id:
                moves[target] |= entry
        for target, entries in moves.items():
            entries.sudo().write({"order_id": target.id})
        return res
