/** @odoo-module **/

import { registry } from "@web/core/registry";
import * as tourUtils from "@website_sale/js/tours/tour_utils";

/**
 * The demo network's mixed cart, with Odoo's apps: a seat of a workshop of
 * Moulins, a table of La Cape collected at the Labo 140, a service of
 * Illicoop, a promotion code, and one payment with the demo provider.
 */
registry.category("web_tour.tours").add("kpa_demo_mixed_cart", {
    url: "/en/cooperatives/moulins",
    steps: () => [
        // --- A seat of a workshop of Moulins ---
        {
            content: "Moulins' page lists the sessions of its sewing workshop",
            trigger: '#o_kpa_workshops .o_kpa_workshop_session[data-kpa-session="Atelier couture débutant"] a.o_kpa_session_book',
            run: "click",
        },
        {
            content: "Open the registration of the session",
            trigger: 'button[data-bs-target="#modal_ticket_registration"]',
            run: "click",
        },
        {
            content: "One seat, then register",
            trigger: "#modal_ticket_registration .modal-footer button.a-submit:not([disabled])",
            run: "click",
        },
        {
            content: "The attendee is the customer, as the form fills it in",
            trigger: ".modal.modal_shown.show form#attendee_registration input[name*='1-email']",
        },
        {
            content: "Go on to the cart",
            trigger: ".modal.modal_shown.show form#attendee_registration button[type=submit]",
            run: "click",
        },
        {
            content: "The seat is in the cart",
            trigger: "sup.my_cart_quantity:contains(/^1$/)",
            run() {
                window.location.href = "/en/cooperatives/la-cape";
            },
        },
        // --- A table of La Cape, collected at the Labo 140 ---
        {
            content: "Open La Cape's table in the e-shop",
            trigger: '#o_kpa_services .o_kpa_service_card[data-kpa-service="Table basse en bois de récupération"] h3 a',
            run: "click",
        },
        {
            content: "The e-shop shows the table's stock at the Labo 140",
            trigger: ".o_click_and_collect_availability",
            run: "click",
        },
        {
            content: "The Labo 140 is the pickup point offered",
            trigger: "#submit_location_large",
            run: "click",
        },
        {
            content: "Add the table to the cart",
            trigger: "#add_to_cart",
            run: "click",
        },
        {
            content: "The table is in the cart",
            trigger: "sup.my_cart_quantity:contains(/^2$/)",
            run() {
                window.location.href = "/en/cooperatives/illicoop";
            },
        },
        // --- A service of Illicoop ---
        {
            content: "Add a service of Illicoop from its page",
            trigger: '#o_kpa_services .o_kpa_service_card[data-kpa-service="Série de 20 affiches sérigraphiées"] .o_kpa_add_to_cart button',
            run: "click",
        },
        {
            content: "The cart holds the three cooperatives",
            trigger: '.o_kpa_cart_line_cooperative:contains("Illicoop")',
        },
        {
            trigger: '.o_kpa_cart_line_cooperative:contains("La Cape")',
        },
        {
            trigger: '.o_kpa_cart_line_cooperative:contains("Moulins")',
        },
        // --- The promotion code ---
        {
            content: "Enter the promotion code",
            trigger: 'form[name="coupon_code"] input[name="promo"]',
            run: "edit BIENVENUE",
        },
        {
            trigger: 'form[name="coupon_code"] .a-submit',
            run: "click",
        },
        {
            content: "The promotion applies to the whole cart",
            trigger: "#cart_products .o_cart_product:contains(10 % de bienvenue)",
        },
        {
            content: "The cart can be split between the cooperatives",
            trigger: "body:not(:has(.o_kpa_cart_split_error))",
        },
        {
            content: "Checkout",
            trigger: 'a[href*="/shop/checkout"]',
            run: "click",
        },
        {
            content: "Collected in store",
            trigger: 'input[name="o_delivery_radio"][data-delivery-type="in_store"]:checked',
        },
        {
            content: "Each cooperative's order is collected at its place: the Labo 140",
            trigger: 'b[name="o_pickup_location_name"]:contains("Labo 140")',
        },
        {
            content: "Confirm the order",
            trigger: 'a[href*="/shop/confirm_order"]',
            run: "click",
        },
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
            content: "The payment covers the three orders",
            trigger: ".oe_website_sale_tx_status .card.alert-success",
        },
        {
            content: "The confirmation lists one order per cooperative",
            trigger: ".o_kpa_confirmation_orders tr.o_kpa_confirmation_order:nth-child(3)",
        },
    ],
});
