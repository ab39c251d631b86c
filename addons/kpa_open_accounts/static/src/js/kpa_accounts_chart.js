/** @odoo-module **/

import { loadBundle } from "@web/core/assets";
import { sprintf } from "@web/core/utils/strings";
import publicWidget from "@web/legacy/js/public/public_widget";

// Each colour has a contrast of at least 4.5:1 on white (WCAG 2.1 AA), and each
// series has a fill of its own (solid, stripes, dots): the chart does not
// speak by colour alone. Its figures are also in the table under it.
const COLORS = {
    revenue: "#2e7d32",
    expenses: "#c62828",
    host_fee: "#8a5100",
    result: "#1565c0",
    closing_balance: "#6a1b9a",
};
// Series drawn as lines (the others are bars); the balance is dashed, so that
// it does not rest on its colour alone.
const LINES = {
    result: {},
    closing_balance: { borderDash: [6, 4], pointStyle: "rectRot", pointRadius: 4 },
};
const FILLS = {
    revenue: "solid",
    expenses: "stripes",
    host_fee: "dots",
};

function fill(color, kind) {
    if (kind === "solid") {
        return color;
    }
    const size = 8;
    const tile = document.createElement("canvas");
    tile.width = tile.height = size;
    const context = tile.getContext("2d");
    context.fillStyle = "#ffffff";
    context.fillRect(0, 0, size, size);
    context.strokeStyle = context.fillStyle = color;
    if (kind === "stripes") {
        context.lineWidth = 2;
        context.beginPath();
        context.moveTo(0, size);
        context.lineTo(size, 0);
        context.moveTo(-size / 2, size / 2);
        context.lineTo(size / 2, -size / 2);
        context.moveTo(size / 2, size * 1.5);
        context.lineTo(size * 1.5, size / 2);
        context.stroke();
    } else {
        context.beginPath();
        context.arc(size / 2, size / 2, 2, 0, 2 * Math.PI);
        context.fill();
    }
    return context.createPattern(tile, "repeat");
}

/**
 * The chart of a cooperative's published accounts: revenue, expenses and host
 * fee as bars, the result and the balance at the host (end of period) as
 * lines, over the published periods. Periods published without a balance are
 * gaps in its line. Chart.js is the copy Odoo ships (web.chartjs_lib), loaded
 * from this server only.
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
                    type: serie.key in LINES ? "line" : "bar",
                    label: serie.label,
                    data: serie.values,
                    backgroundColor:
                        serie.key in LINES
                            ? COLORS[serie.key]
                            : fill(COLORS[serie.key], FILLS[serie.key]),
                    borderColor: COLORS[serie.key],
                    borderWidth: 2,
                    pointStyle: "rectRot",
                    pointRadius: 5,
                    order: serie.key in LINES ? 0 : 1,
                    ...LINES[serie.key],
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
