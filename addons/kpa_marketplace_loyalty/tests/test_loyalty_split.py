from odoo import Command
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
