/** @odoo-module **/

import { registry } from "@web/core/registry";
import * as tourUtils from "@website_sale/js/tours/tour_utils";

function addServiceOf(cooperativeName, serviceName) {
    return [
        {
            content: `Open the page of ${cooperativeName} from the network page`,
            trigger: `.o_kpa_cooperative_card a:contains("${cooperativeName}")`,
            run: "click",
        },
        {
            content: `Add "${serviceName}" to the cart`,
            trigger: `#o_kpa_services .o_kpa_service_card[data-kpa-service="${serviceName}"] .o_kpa_add_to_cart button`,
            run: "click",
        },
        {
            content: "The service is in the cart",
            trigger: `#cart_products h6:contains("${serviceName}")`,
        },
    ];
}

registry.category("web_tour.tours").add("kpa_marketplace_two_cooperatives", {
    url: "/cooperatives",
    steps: () => [
        {
            content: "The network page counts the services of each cooperative",
            trigger: '.o_kpa_cooperative_card[data-kpa-slug="coop-alpha"] .o_kpa_service_count:contains("2")',
        },
        ...addServiceOf("Coop Alpha", "Sewing workshop"),
        {
            content: "Back to the network page",
            trigger: 'header a[href="/cooperatives"]',
            run: "click",
        },
        ...addServiceOf("Coop Beta", "Buffet for ten"),
        {
            content: "The cart tells that each cooperative gets its own order",
            trigger: ".o_kpa_cart_split_notice",
        },
        {
            content: "Each line shows its cooperative",
            trigger: '.o_kpa_cart_line_cooperative:contains("Coop Beta")',
        },
        tourUtils.goToCheckout(),
        {
            content: "Pay with the demo payment provider",
            trigger: 'input[name="o_payment_radio"][data-payment-method-code="demo"]',
            run: "click",
        },
        {
            content: "Enter a card number",
            trigger: 'input[name="customer_input"]',
            run: "edit 4242424242424242",
        },
        tourUtils.pay(),
        {
            content: "The payment covers the whole cart: no warning",
            trigger: ".oe_website_sale_tx_status .card.alert-success",
        },
        {
            content: "The confirmation lists one order per cooperative",
            trigger: ".o_kpa_confirmation_orders tr.o_kpa_confirmation_order:nth-child(2)",
        },
        {
            content: "... and the total of the orders, which the payment covered",
            trigger: ".o_kpa_confirmation_orders tfoot .o_kpa_confirmation_total",
        },
        {
            content: "Go to my orders",
            trigger: ".o_kpa_confirmation_orders",
            run() {
                window.location.href = "/my/orders";
            },
        },
        {
            content: "The order of Coop Alpha is in the portal",
            trigger: '.o_kpa_portal_order_cooperative:contains("Coop Alpha")',
        },
        {
            content: "The order of Coop Beta is in the portal",
            trigger: '.o_kpa_portal_order_cooperative:contains("Coop Beta")',
        },
        {
            content: "Open the order of Coop Beta",
            trigger: 'tr:has(.o_kpa_portal_order_cooperative:contains("Coop Beta")) a',
            run: "click",
        },
        {
            content: "It links to the order of Coop Alpha",
            trigger: ".o_kpa_portal_linked_orders .o_kpa_portal_linked_order",
        },
    ],
});
