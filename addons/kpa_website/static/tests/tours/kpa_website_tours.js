/** @odoo-module **/

import { registry } from "@web/core/registry";
import { checkPage, openPage, reportProblems, startChecks } from "@kpa_website/../tests/kpa_page_checks";

// A visitor of the demo network goes through the network's public pages; each
// page is checked for accessibility and for its layout on the screen's width.
registry.category("web_tour.tours").add("kpa_website_visitor_pages", {
    url: "/",
    steps: () => [
        startChecks(),
        checkPage("home", "#wrap.o_kpa_home .o_kpa_cooperative_card"),
        {
            content: "Open the network from the home page",
            trigger: "a.o_kpa_home_see_cooperatives",
            run: "click",
        },
        checkPage("the network", "#wrap.o_kpa_cooperatives .o_kpa_cooperative_card"),
        {
            content: "Open the page of La Cape",
            trigger: ".o_kpa_cooperative_card[data-kpa-slug='la-cape'] h3 a",
            run: "click",
        },
        checkPage("a cooperative", "#wrap.o_kpa_cooperative[data-kpa-slug='la-cape']"),
        {
            content: "Read its rules",
            trigger: "#o_kpa_rules_link a",
            run: "click",
        },
        checkPage("its rules", "#wrap.o_kpa_cooperative_rules"),
        {
            content: "Back to the cooperative",
            trigger: ".breadcrumb a[href$='/cooperatives/la-cape']",
            run: "click",
        },
        {
            content: "See its accounts",
            trigger: "a.o_kpa_accounts_link",
            run: "click",
        },
        checkPage("its accounts", "#wrap.o_kpa_accounts .o_kpa_accounts_chart.o_kpa_chart_ready"),
        openPage("/accounts"),
        checkPage("the open accounts of the network", "#wrap.o_kpa_network_accounts"),
        openPage("/launch"),
        checkPage("the launch request form", "#wrap.o_kpa_launch form"),
        {
            content: "Send the form without filling it in",
            trigger: "button.o_kpa_launch_submit",
            run: "click",
        },
        checkPage("the launch request form, with errors", ".o_kpa_launch_errors"),
        openPage("/contactus"),
        checkPage("the contact form", "#wrap form#contactus_form"),
        reportProblems(),
    ],
});

// A member of La Cape goes through their portal: memberships, contributions,
// and a collective decision to vote on.
registry.category("web_tour.tours").add("kpa_website_member_pages", {
    url: "/my",
    steps: () => [
        startChecks(),
        checkPage("my account", ".o_portal_my_home"),
        openPage("/my/cooperatives"),
        checkPage("my memberships", ".o_kpa_portal_membership"),
        openPage("/my/contributions"),
        checkPage("my contributions", ".o_kpa_portal_contribution"),
        openPage("/my/contributions/new"),
        checkPage("a new contribution", "form.o_kpa_contribution_form"),
        openPage("/my/decisions"),
        checkPage("the collective decisions", ".o_kpa_portal_decision"),
        {
            content: "Open a decision whose vote is open",
            trigger: ".o_kpa_portal_decision:has(.badge.text-bg-info) a",
            run: "click",
        },
        checkPage("a decision to vote on", ".o_kpa_portal_decision_page .o_kpa_position_form"),
        reportProblems(),
    ],
});
