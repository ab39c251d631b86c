from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from odoo.addons.kpa_marketplace.tests.common import KpaMarketplaceCommon


class KpaLoyaltyCommon(KpaMarketplaceCommon):
    """The marketplace's network, with a promotion code of the host.

    promo_program: 10 % on the whole order with the code BIENVENUE.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_payment_provider()
        # Only this test's programs apply (the database may hold others).
        cls.env["loyalty.program"].search([]).active = False
        cls.promo_program = cls.env["loyalty.program"].create(
            {
                "name": "Welcome 10 %",
                "program_type": "promo_code",
                "trigger": "with_code",
                "applies_on": "current",
                "company_id": cls.host.id,
                "rule_ids": [
                    Command.create(
                        {
                            "mode": "with_code",
                            "code": "BIENVENUE",
                            "reward_point_amount": 1,
                            "reward_point_mode": "order",
                        }
                    )
                ],
                "reward_ids": [
                    Command.create(
                        {
                            "reward_type": "discount",
                            "discount": 10,
                            "discount_mode": "percent",
                            "discount_applicability": "order",
                            "required_points": 1,
                        }
                    )
                ],
            }
        )

    def _apply_code(self, order, code):
        """Apply a code as the e-shop's cart does; return the reward lines."""
        status = order._try_apply_code(code)
        self.assertNotIn("error", status, status)
        ((coupon, rewards),) = status.items()
        result = order._apply_program_reward(rewards[:1], coupon)
        self.assertNotIn("error", result, result)
        return order.order_line.filtered("reward_id")


@tagged("post_install", "-at_install")
class TestPromotionOnMixedCart(KpaLoyaltyCommon):
    def test_paid_mixed_cart_with_promotion_is_confirmed(self):
        order = self._quotation([(self.service_a1, 1), (self.service_b1, 1)])
        self._apply_code(order, "BIENVENUE")
        total = order.amount_total
        tx = self._pay(order)
        orders = order | order.kpa_split_order_ids
        self.assertEqual(set(orders.mapped("state")), {"sale"})
        self.assertEqual(orders.kpa_cooperative_id, self.coop_a | self.coop_b)
        self.assertAlmostEqual(sum(orders.mapped("amount_total")), total)
        self.assertEqual(tx.sale_order_ids, orders)

    def _program(self, name, code, reward, rule=None, **values):
        return self.env["loyalty.program"].create(
            {
                "name": name,
                "program_type": "promo_code",
                "trigger": "with_code",
                "applies_on": "current",
                "company_id": self.host.id,
                "rule_ids": [
                    Command.create(
                        {
                            "mode": "with_code",
                            "code": code,
                            "reward_point_amount": 1,
                            "reward_point_mode": "order",
                            **(rule or {}),
                        }
                    )
                ],
                "reward_ids": [
                    Command.create(
                        {"reward_type": "discount", "required_points": 1, **reward}
                    )
                ],
                **values,
            }
        )

    def _discounts(self, orders):
        """{cooperative name or 'host': untaxed discount of its order}"""
        return {
            (order.kpa_cooperative_id.name or "host"): round(
                sum(order.order_line.filtered("reward_id").mapped("price_subtotal")),
                2,
            )
            for order in orders
        }

    def test_promotion_is_shared_pro_rata_on_orders_and_invoices(self):
        self.env["ir.config_parameter"].sudo().set_param("sale.automatic_invoice", True)
        order = self._quotation(
            [(self.service_a1, 1), (self.service_b1, 2), (self.host_product, 1)]
        )
        rewards = self._apply_code(order, "BIENVENUE")
        self.assertAlmostEqual(sum(rewards.mapped("price_subtotal")), -63.0)
        untaxed, total = order.amount_untaxed, order.amount_total
        tx = self._pay(order)
        orders = order | order.kpa_split_order_ids
        self.assertEqual(set(orders.mapped("state")), {"sale"})
        # 10 % of 100 (A), 500 (B) and 30 (the host's own product).
        self.assertEqual(
            self._discounts(orders),
            {"Coop Alpha": -10.0, "Coop Beta": -50.0, "host": -3.0},
        )
        compare = order.currency_id.compare_amounts
        self.assertEqual(compare(sum(orders.mapped("amount_untaxed")), untaxed), 0)
        self.assertEqual(compare(sum(orders.mapped("amount_total")), total), 0)
        # Each cooperative bears its share on its own invoice, paid by the one
        # payment.
        invoices = tx.invoice_ids
        self.assertEqual(len(invoices), 3)
        self.assertEqual(
            {
                (invoice.kpa_cooperative_id.name or "host"): invoice.amount_untaxed
                for invoice in invoices
            },
            {"Coop Alpha": 90.0, "Coop Beta": 450.0, "host": 27.0},
        )
        for each in orders:
            self.assertTrue(each._is_paid())
        # The promotion's coupon is used once, by the order keeping its cost.
        coupon = rewards.coupon_id
        self.assertEqual(len(coupon), 1)
        self.assertEqual(coupon.points, 0.0)
        self.assertEqual(len(orders.coupon_point_ids), 1)
        self.assertEqual(
            orders.coupon_point_ids.order_id,
            orders.order_line.filtered("points_cost").order_id,
        )

    def test_fixed_discount_is_shared_not_given_to_each_order(self):
        self._program(
            "15 euros off",
            "QUINZE",
            {
                "discount": 15,
                "discount_mode": "per_order",
                "discount_applicability": "order",
            },
            rule={"minimum_amount": 200},
        )
        order = self._quotation([(self.service_a1, 1), (self.service_b1, 1)])
        self._apply_code(order, "QUINZE")
        total = order.amount_total
        self._pay(order)
        orders = order | order.kpa_split_order_ids
        # 15 euros taxes included, shared on 100 and 250: neither order alone
        # reaches the minimum of 200 nor gets 15 euros of its own.
        discounts = self._discounts(orders)
        self.assertAlmostEqual(
            sum(discounts.values()), round(-15 / (1 + self.tax_sale.amount / 100), 2)
        )
        self.assertAlmostEqual(
            discounts["Coop Alpha"] * 2.5, discounts["Coop Beta"], delta=0.03
        )
        self.assertEqual(
            order.currency_id.compare_amounts(
                sum(orders.mapped("amount_total")), total
            ),
            0,
        )
        self.assertEqual(set(orders.mapped("state")), {"sale"})

    def test_discount_on_products_is_borne_by_their_cooperative(self):
        self._program(
            "Sewing month",
            "COUTURE",
            {
                "discount": 20,
                "discount_mode": "percent",
                "discount_applicability": "specific",
                "discount_product_ids": [
                    Command.set(self.service_a1.product_variant_ids.ids)
                ],
            },
        )
        order = self._quotation([(self.service_a1, 2), (self.service_b1, 1)])
        self._apply_code(order, "COUTURE")
        self._pay(order)
        orders = order | order.kpa_split_order_ids
        self.assertEqual(self._discounts(orders), {"Coop Alpha": -40.0, "Coop Beta": 0})

    def test_cheapest_product_discount_is_borne_by_its_cooperative(self):
        self._program(
            "Cheapest free",
            "MOINSCHER",
            {
                "discount": 100,
                "discount_mode": "percent",
                "discount_applicability": "cheapest",
            },
        )
        order = self._quotation(
            [(self.service_a1, 1), (self.service_b1, 1), (self.service_a2, 1)]
        )
        self._apply_code(order, "MOINSCHER")
        self._pay(order)
        orders = order | order.kpa_split_order_ids
        self.assertEqual(self._discounts(orders), {"Coop Alpha": -40.0, "Coop Beta": 0})

    def test_cancelling_one_order_gives_back_only_its_share(self):
        order = self._quotation([(self.service_a1, 1), (self.service_b1, 1)])
        self._apply_code(order, "BIENVENUE")
        self._pay(order)
        orders = order | order.kpa_split_order_ids
        other = orders.filtered(lambda each: not each.coupon_point_ids)
        other._action_cancel()
        self.assertEqual(other.state, "cancel")
        keeper = orders - other
        self.assertEqual(keeper.state, "sale")
        self.assertTrue(keeper.order_line.filtered("reward_id"))
        self.assertTrue(keeper.order_line.coupon_id.exists())

    def test_loyalty_points_are_earned_and_spent_once(self):
        program = self.env["loyalty.program"].create(
            {
                "name": "Loyalty",
                "program_type": "loyalty",
                "trigger": "auto",
                "applies_on": "both",
                "company_id": self.host.id,
                "rule_ids": [
                    Command.create(
                        {"reward_point_mode": "money", "reward_point_amount": 1}
                    )
                ],
                "reward_ids": [
                    Command.create(
                        {
                            "reward_type": "discount",
                            "discount": 20,
                            "discount_mode": "per_order",
                            "discount_applicability": "order",
                            "required_points": 100,
                        }
                    )
                ],
            }
        )
        card = self.env["loyalty.card"].create(
            {"program_id": program.id, "partner_id": self.customer.id, "points": 150}
        )
        order = self._quotation([(self.service_a1, 1), (self.service_b1, 1)])
        order._update_programs_and_rewards()
        claimable = order._get_claimable_rewards()
        self.assertIn(card, claimable)
        order._apply_program_reward(claimable[card], card)
        earned = order.coupon_point_ids.filtered(
            lambda entry: entry.coupon_id == card
        ).points
        self.assertTrue(earned)
        self._pay(order)
        orders = order | order.kpa_split_order_ids
        self.assertEqual(set(orders.mapped("state")), {"sale"})
        self.assertAlmostEqual(card.points, 150 + earned - 100)
        self.assertAlmostEqual(
            sum(self._discounts(orders).values()),
            round(-20 / (1 + self.tax_sale.amount / 100), 2),
        )


@tagged("post_install", "-at_install")
class TestGiftCardOnMixedCart(KpaLoyaltyCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.gift_program = cls.env["loyalty.program"].create(
            {
                "name": "Gift card",
                "program_type": "gift_card",
                "applies_on": "future",
                "trigger": "auto",
                "company_id": cls.host.id,
                "rule_ids": [
                    Command.create(
                        {
                            "reward_point_amount": 1,
                            "reward_point_mode": "money",
                            "reward_point_split": True,
                        }
                    )
                ],
                "reward_ids": [
                    Command.create(
                        {
                            "reward_type": "discount",
                            "discount": 1,
                            "discount_mode": "per_point",
                            "discount_applicability": "order",
                        }
                    )
                ],
            }
        )
        cls.gift_card = cls.env["loyalty.card"].create(
            {"program_id": cls.gift_program.id, "points": 50, "code": "CADEAU50"}
        )

    def test_gift_card_is_refused_on_a_mixed_cart(self):
        order = self._quotation([(self.service_a1, 1), (self.service_b1, 1)])
        status = order._try_apply_code("CADEAU50")
        ((coupon, rewards),) = status.items()
        result = order._apply_program_reward(rewards, coupon)
        self.assertRegex(
            result.get("error", ""),
            "Gift card pays like money that Host Structure Test holds for you: it "
            "cannot be shared between the cooperatives",
        )
        self.assertFalse(order.order_line.filtered("reward_id"))

    def test_gift_card_of_a_cart_that_became_mixed_blocks_the_payment(self):
        order = self._quotation([(self.service_a1, 1)])
        self._apply_code(order, "CADEAU50")
        order.order_line = [
            Command.create({"product_id": self.service_b1.product_variant_id.id})
        ]
        self.assertTrue(order._kpa_split_errors())
        with self.assertRefused(ValidationError, "Gift card pays like money"):
            order._check_cart_is_ready_to_be_paid()
        with self.assertRefused(UserError, "Gift card pays like money"):
            order.action_confirm()
        self.assertEqual(order.state, "draft")
        self.assertFalse(order.kpa_split_order_ids)

    def test_paid_mixed_cart_with_a_gift_card_is_confirmed_all_the_same(self):
        order = self._quotation([(self.service_a1, 1)], user_id=self.coordinator_a.id)
        self._apply_code(order, "CADEAU50")
        order.order_line = [
            Command.create({"product_id": self.service_b1.product_variant_id.id})
        ]
        total = order.amount_total
        self._pay(order)
        orders = order | order.kpa_split_order_ids
        self.assertEqual(set(orders.mapped("state")), {"sale"})
        self.assertEqual(
            order.currency_id.compare_amounts(
                sum(orders.mapped("amount_total")), total
            ),
            0,
        )
        # The host, who holds the gift card's money, bears it; its salesperson
        # settles the orders.
        host_order = orders.filtered(lambda each: not each.kpa_cooperative_id)
        self.assertAlmostEqual(host_order.amount_total, -50.0)
        self.assertTrue(
            host_order.activity_ids.filtered(
                lambda activity: activity.user_id == self.coordinator_a
            )
        )
