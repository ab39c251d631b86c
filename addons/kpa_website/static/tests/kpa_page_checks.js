/** @odoo-module **/

import { loadJS } from "@web/core/assets";

/**
 * Checks of a public page, for the tours of the KPA-Cité website:
 *
 * - accessibility: axe-core (vendored, test-only: loaded by the tour, never by
 *   the site) with the WCAG 2.0 and 2.1 rules of levels A and AA; any
 *   violation fails the tour, with its rule id and its nodes;
 * - layout: the page does not scroll sideways, and every button and link
 *   styled as a button lies within the screen, not covered by anything.
 *
 * A tour starts with startChecks() and ends with reportProblems(): it fails
 * there with every problem of every page it went through. The same tours run
 * at 1280 px and at 375 px wide (tests/test_public_face.py).
 */

export const AXE_VERSION = "4.14.1";
export const AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];
const AXE_URL = "/kpa_website/static/lib/axe-core/axe.min.js";
const CONTROLS = [
    "a.btn",
    "button",
    "input[type='submit']",
    "input[type='button']",
    "[role='button']",
].join(", ");

async function loadAxe() {
    if (!window.axe) {
        await loadJS(AXE_URL);
    }
    if (window.axe.version !== AXE_VERSION) {
        throw new Error(`axe-core ${window.axe.version} loaded, ${AXE_VERSION} expected`);
    }
    return window.axe;
}

function describeNode(node) {
    const summary = (node.failureSummary || "").replace(/\s+/g, " ").trim();
    return `    - ${node.target.join(" ")}\n      ${node.html.slice(0, 300)}\n      ${summary}`;
}

/**
 * Run axe-core on the whole document: a report of each violation.
 */
export async function accessibilityProblems(pageName) {
    const axe = await loadAxe();
    const rules = axe.getRules(AXE_TAGS);
    // axe-core reads the style sheets itself (for css-orientation-lock); it
    // warns when it cannot read one, such as the fonts of another server that
    // the tests' server answers empty: said once, as information.
    const warnings = [];
    const warn = console.warn;
    console.warn = (...args) => warnings.push(args.join(" "));
    let results;
    try {
        results = await axe.run(document, {
            runOnly: { type: "tag", values: AXE_TAGS },
            resultTypes: ["violations"],
        });
    } finally {
        console.warn = warn;
    }
    if (warnings.length) {
        console.log(`kpa_a11y: axe-core says: ${warnings.join(" ").trim()}`);
    }
    console.log(
        `kpa_a11y: ${pageName} (${window.location.pathname}): axe-core ${axe.version}, ` +
            `${rules.length} rules (${AXE_TAGS.join(", ")}), ` +
            `${results.violations.length} violation(s)`
    );
    return results.violations.map(
        (violation) =>
            `WCAG 2.1 AA on ${pageName} (${window.location.pathname}): ` +
            `${violation.id} (${violation.impact}): ${violation.help}\n` +
            violation.nodes.map(describeNode).join("\n")
    );
}

function isShown(element) {
    if (!element.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true })) {
        return false;
    }
    const rect = element.getBoundingClientRect();
    if (rect.width < 2 || rect.height < 2) {
        return false; // visually hidden (skip links until focused)
    }
    return true;
}

function label(element) {
    const text = (element.innerText || element.value || element.getAttribute("aria-label") || "")
        .replace(/\s+/g, " ")
        .trim();
    return `${element.tagName.toLowerCase()}${element.id ? "#" + element.id : ""} "${text.slice(0, 60)}"`;
}

/**
 * The page does not scroll sideways, and each visible button is within the
 * width of the screen and on top (nothing covers its middle): a report of
 * each problem.
 */
export function layoutProblems(pageName) {
    const width = window.innerWidth;
    const problems = [];
    for (const scroller of [document.scrollingElement, document.body, document.getElementById("wrapwrap")]) {
        if (scroller && scroller.scrollWidth > scroller.clientWidth + 1) {
            const style = window.getComputedStyle(scroller);
            if (scroller === document.scrollingElement || !["hidden", "clip"].includes(style.overflowX)) {
                problems.push(
                    `the page scrolls sideways: ${scroller.tagName.toLowerCase()} is ` +
                        `${scroller.scrollWidth} px wide for ${scroller.clientWidth} px`
                );
            }
        }
    }
    const scrollY = window.scrollY;
    for (const control of document.querySelectorAll(CONTROLS)) {
        if (!isShown(control)) {
            continue;
        }
        control.scrollIntoView({ block: "center", inline: "nearest" });
        const rect = control.getBoundingClientRect();
        if (rect.left < -1 || rect.right > width + 1) {
            problems.push(
                `${label(control)} is out of the screen: from ${Math.round(rect.left)} ` +
                    `to ${Math.round(rect.right)} px on a ${width} px screen`
            );
            continue;
        }
        const x = Math.min(Math.max(rect.left + rect.width / 2, 0), width - 1);
        const y = rect.top + rect.height / 2;
        const hit = document.elementFromPoint(x, y);
        if (hit && !control.contains(hit) && !hit.contains(control)) {
            problems.push(`${label(control)} cannot be reached: ${label(hit)} covers it`);
        }
    }
    window.scrollTo(0, scrollY);
    console.log(`kpa_layout: ${pageName} at ${width} px: ${problems.length} problem(s)`);
    return problems.map(
        (problem) => `Layout at ${width} px on ${pageName} (${window.location.pathname}): ${problem}`
    );
}

// The problems found so far, kept across the pages of a tour.
const STORE = "kpa_page_checks";

function recordProblems(problems) {
    const all = JSON.parse(window.sessionStorage.getItem(STORE) || "[]");
    window.sessionStorage.setItem(STORE, JSON.stringify([...all, ...problems]));
}

/**
 * The first step of a tour of checked pages.
 */
export function startChecks() {
    return {
        content: "Start checking pages",
        trigger: "body",
        run() {
            window.sessionStorage.removeItem(STORE);
        },
    };
}

/**
 * The last step of a tour of checked pages: the tour fails with every problem
 * found on every page.
 */
export function reportProblems() {
    return {
        content: "No page has an accessibility or layout problem",
        trigger: "body",
        run() {
            const all = JSON.parse(window.sessionStorage.getItem(STORE) || "[]");
            window.sessionStorage.removeItem(STORE);
            if (all.length) {
                throw new Error(`${all.length} problem(s):\n\n${all.join("\n\n")}`);
            }
        },
    };
}

/**
 * A tour step that checks the current page once `trigger` is there.
 */
export function checkPage(pageName, trigger) {
    return {
        content: `Check the page: ${pageName}`,
        trigger,
        async run() {
            recordProblems([
                ...layoutProblems(pageName),
                ...(await accessibilityProblems(pageName)),
            ]);
        },
    };
}

/**
 * A tour step that opens `url` (a page the visitor reaches from the menu).
 */
export function openPage(url) {
    return {
        content: `Open ${url}`,
        trigger: "body",
        run() {
            window.location.href = url;
        },
    };
}
