/** @odoo-module **/

import { loadBundle } from "@web/core/assets";
import { sprintf } from "@web/core/utils/strings";
import publicWidget from "@web/legacy/js/public/public_widget";

const COLORS = {
    revenue: "#2e7d32",
    expenses: "#c62828",
    host_fee: "#f9a825",
    result: "#1565c0",
};

/**
 * The chart of a cooperative's published accounts: revenue, expenses and host
 * fee as bars, the result as a line, over the published periods. Chart.js is
 * the copy Odoo ships (web.chartjs_lib), loaded from this server only.
 */
publicWidget.registry.KpaAccountsChart = publicWidget.Widget.extend({
    selector: ".o_kpa_accounts_chart",
    disabledInEditableMode: false,

    async willStart() {
        await this._super(...arguments);
        await loadBundle("web.chartjs_lib");
    },

    start() {
        const data = JSON.parse(this.el.dataset.chart || "{}");
        const canvas = this.el.querySelector("canvas");
        if (!canvas || !data.labels || !window.Chart) {
            return this._super(...arguments);
        }
        const lang = document.documentElement.lang || undefined;
        const money = new Intl.NumberFormat(lang, {
            style: "currency",
            currency: data.currency || "EUR",
        });
        this.chart = new window.Chart(canvas, {
            type: "bar",
            data: {
                labels: data.labels,
                datasets: data.series.map((serie) => ({
                    type: serie.key === "result" ? "line" : "bar",
                    label: serie.label,
                    data: serie.values,
                    backgroundColor: COLORS[serie.key],
                    borderColor: COLORS[serie.key],
                    borderWidth: serie.key === "result" ? 2 : 1,
                    order: serie.key === "result" ? 0 : 1,
                })),
            },
            options: {
                maintainAspectRatio: false,
                animation: false,
                interaction: { mode: "index", intersect: false },
                plugins: {
                    tooltip: {
                        callbacks: {
                            label: (item) =>
                                sprintf(data.tooltip || "%(series)s: %(amount)s", {
                                    series: item.dataset.label,
                                    amount: money.format(item.raw),
                                }),
                        },
                    },
                },
                scales: {
                    y: { ticks: { callback: (value) => money.format(value) } },
                },
            },
        });
        this.el.classList.add("o_kpa_chart_ready");
        return this._super(...arguments);
    },

    destroy() {
        if (this.chart) {
            this.chart.destroy();
        }
        this._super(...arguments);
    },
});

export default publicWidget.registry.KpaAccountsChart;
