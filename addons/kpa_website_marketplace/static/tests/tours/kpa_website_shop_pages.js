/** @odoo-module **/

import { registry } from "@web/core/registry";
import {
    checkPage,
    openPage,
    reportProblems,
    startChecks,
} from "@kpa_website/../tests/kpa_page_checks";

// A visitor of the demo network buys a service as a guest: the shop, a
// service, the cart, the address form and the checkout are each checked for
// accessibility and for their layout on the screen's width.
registry.category("web_tour.tours").add("kpa_website_shop_pages", {
    url: "/shop",
    steps: () => [
        startChecks(),
        checkPage("the shop", "#products_grid .oe_product"),
        {
            content: "Open a service",
            trigger: "#products_grid .oe_product a.oe_product_image_link",
            run: "click",
        },
        checkPage("a service", "#product_detail #add_to_cart"),
        {
            content: "Add it to the cart",
            trigger: "#add_to_cart",
            run: "click",
        },
        {
            content: "It is in the cart",
            trigger: "sup.my_cart_quantity:contains(/^1$/)",
        },
        openPage("/shop/cart"),
        checkPage("the cart", "#cart_products .o_cart_product"),
        {
            content: "Go to the checkout",
            trigger: "a[name='website_sale_main_button'][href^='/shop/checkout']",
            run: "click",
        },
        checkPage("the address form", "form.checkout_autoformat"),
        ...[
            ["name", "Camille Martin"],
            ["email", "camille.martin@example.org"],
            ["phone", "06 12 34 56 78"],
            ["street", "12 rue de l'Épeule"],
            ["city", "Roubaix"],
            ["zip", "59100"],
        ].map(([name, value]) => ({
            content: `Fill in the address: ${name}`,
            trigger: `form.checkout_autoformat input[name='${name}']`,
            run: `edit ${value}`,
        })),
        {
            content: "Fill in the address: country",
            trigger: "form.checkout_autoformat select[name='country_id']",
            run: "selectByLabel France",
        },
        {
            content: "Save the address",
            trigger: "#save_address",
            run: "click",
        },
        checkPage("the checkout", "#address_on_payment, #shop_checkout"),
        reportProblems(),
    ],
});
