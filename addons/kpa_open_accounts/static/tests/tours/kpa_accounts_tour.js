/** @odoo-module **/

import { registry } from "@web/core/registry";

// An anonymous visitor opens a cooperative's accounts: the chart is drawn,
// with the balance at the host, the publications and their fingerprints are
// listed, the open data linked.
registry.category("web_tour.tours").add("kpa_accounts_public_page", {
    steps: () => [
        {
            content: "The chart of the published periods is drawn",
            trigger: ".o_kpa_accounts_chart.o_kpa_chart_ready canvas",
        },
        {
            content: "The balance at the host is a line of the chart, with its values",
            trigger: ".o_kpa_accounts_chart.o_kpa_chart_ready canvas",
            run() {
                const data = JSON.parse(this.anchor.parentElement.dataset.chart);
                const serie = data.series.find((s) => s.key === "closing_balance");
                const dataset = window.Chart.getChart(this.anchor).data.datasets.find(
                    (d) => d.label === serie.label
                );
                if (
                    !dataset ||
                    dataset.type !== "line" ||
                    JSON.stringify(dataset.data) !== JSON.stringify(serie.values) ||
                    !serie.values.some((value) => value !== null)
                ) {
                    throw new Error("The chart does not draw the balance at the host");
                }
            },
        },
        {
            content: "Each publication shows its fingerprint",
            trigger: ".o_kpa_publication_details .o_kpa_content_hash",
        },
        {
            content: "Open the details of the latest publication",
            trigger: ".o_kpa_publication_details summary",
            run: "click",
        },
        {
            content: "The open data is linked",
            trigger: "a.o_kpa_accounts_json[href$='/accounts.json']",
        },
        {
            content: "The spreadsheet is linked",
            trigger: "a.o_kpa_accounts_csv[href$='/accounts.csv']",
        },
    ],
});
