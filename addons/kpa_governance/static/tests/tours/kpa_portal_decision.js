import { registry } from "@web/core/registry";

// A member opens the collective decisions from the portal home, and gives
// their position on the open decision about a candidate's admission.
registry.category("web_tour.tours").add("kpa_portal_decision_position", {
    url: "/my",
    steps: () => [
        {
            content: "Open the collective decisions from the portal home",
            trigger: ".o_portal_index_card a[href='/my/decisions']",
            run: "click",
        },
        {
            content: "Open the decision being voted on",
            trigger: ".o_kpa_portal_decision a:contains('Admission of Tour Candidate')",
            run: "click",
        },
        {
            content: "The proposal is shown",
            trigger: ".o_kpa_proposal:contains('joined us for three workshops')",
        },
        {
            content: "Choose: agree",
            trigger: "label[for='o_kpa_position_agree']",
            run: "click",
        },
        {
            content: "Explain why",
            trigger: "input[name='comment']",
            run: "edit Welcome aboard!",
        },
        {
            content: "Give my position",
            trigger: "button.o_kpa_position_submit",
            run: "click",
        },
        {
            content: "The position is recorded",
            trigger: ".o_kpa_position_saved",
        },
        {
            content: "My position now reads: agree",
            trigger: ".o_kpa_my_position .o_kpa_position_badge[data-position='agree']",
        },
    ],
});
