"""`./kpa test --peer` reads Odoo's test logs and compares two runs: these
tests feed it log lines as Odoo writes them. No Odoo and no database needed."""

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def tool():
    spec = importlib.util.spec_from_file_location("kpa_tool", ROOT / "tools" / "kpa.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def log(*entries):
    """Odoo log lines: (level, logger, message)."""
    return "\n".join(
        f"2026-11-28 10:00:0{i % 10},123 4242 {level} kpa_peer_with {logger}: {message}"
        for i, (level, logger, message) in enumerate(entries)
    )


SALE = "odoo.addons.sale.tests.test_sale_order"
SHOP = "odoo.addons.website_sale.tests.test_cart"

WITH_US = log(
    ("INFO", "odoo.modules.loading", "loading 42 modules..."),
    ("INFO", SALE, "Starting TestSaleOrder.test_confirm ... "),
    ("INFO", SALE, "Starting TestSaleOrder.test_cancel ..."),
    ("INFO", "odoo.tests.common", "====================================="),
    ("ERROR", SALE, "FAIL: TestSaleOrder.test_cancel"),
    ("INFO", SALE, "Starting TestSaleOrder.test_print ..."),
    ("INFO", SALE, "skipped TestSaleOrder.test_print : no wkhtmltopdf"),
    ("INFO", SHOP, "Starting TestCart.test_add ..."),
    ("ERROR", SHOP, "FAIL: Subtest TestCart.test_add (qty=2)"),
    ("ERROR", SHOP, "FAIL: Subtest TestCart.test_add (qty=3)"),
    ("INFO", SHOP, "Starting TestCart.test_tour ..."),
    ("ERROR", SHOP, "ERROR: TestCart.test_tour"),
    ("ERROR", "odoo.http", "ERROR: not a test result, a request failing"),
    (
        "ERROR",
        "odoo.tests.suite",
        "ERROR: setUpClass (odoo.addons.website_sale.tests.test_cart.TestCheckout)",
    ),
    ("INFO", "odoo.tests.result", "3 failed, 2 error(s) of 5 tests when loading"),
)
WITHOUT_US = log(
    ("INFO", SALE, "Starting TestSaleOrder.test_confirm ..."),
    ("INFO", SALE, "Starting TestSaleOrder.test_cancel ..."),
    ("INFO", SALE, "Starting TestSaleOrder.test_print ..."),
    ("INFO", SHOP, "Starting TestCart.test_add ..."),
    ("INFO", SHOP, "Starting TestCart.test_tour ..."),
    ("ERROR", SHOP, "ERROR: TestCart.test_tour"),
    ("INFO", "odoo.tests.suite", "Starting TestCheckout.test_pay ..."),
    ("INFO", "odoo.tests.result", "0 failed, 1 error(s) of 6 tests when loading"),
)


def test_parse_counts_runs_failures_errors_and_skips(tool):
    results, summary = tool.parse_peer_log(WITH_US)
    assert summary == (3, 2, 5)
    assert tool.peer_counts(results) == {
        # run, passed, failed, errors, skipped
        "sale": (3, 1, 1, 0, 1),
        "website_sale": (2, 0, 1, 2, 0),
    }
    assert tool.peer_failing(results) == {
        ("sale", "TestSaleOrder.test_cancel"): "FAIL",
        ("website_sale", "TestCart.test_add"): "FAIL",
        ("website_sale", "TestCart.test_tour"): "ERROR",
        ("website_sale", "TestCheckout.setUpClass"): "ERROR",
    }


def test_a_log_without_odoo_report_has_no_summary(tool):
    _results, summary = tool.parse_peer_log(WITH_US.rsplit("\n", 1)[0])
    assert summary is None


def test_report_lists_the_tests_failing_only_with_us(tool):
    with_us, _ = tool.parse_peer_log(WITH_US)
    without_us, _ = tool.parse_peer_log(WITHOUT_US)
    lines, confirmed = tool.format_peer_report(
        with_us, without_us, ["sale", "website_sale"]
    )
    text = "\n".join(lines)
    assert confirmed == [
        ("sale", "TestSaleOrder.test_cancel"),
        ("website_sale", "TestCart.test_add"),
        ("website_sale", "TestCheckout.setUpClass"),
    ]
    assert "Tests that fail only with our add-ons: 3" in text
    assert "Tests that fail with and without our add-ons: 1" in text
    assert "ERROR website_sale: TestCart.test_tour" in text
    rows = {line.split()[0]: line.split()[1:] for line in lines[2:5]}
    assert rows["sale"] == ["3", "1", "1", "0", "1", "3", "3", "0", "0", "0"]
    assert rows["website_sale"] == ["2", "0", "1", "2", "0", "2", "1", "0", "1", "0"]
    assert rows["total"] == ["5", "1", "2", "2", "1", "5", "4", "0", "1", "0"]


def test_report_sets_apart_what_passed_when_run_again(tool):
    with_us, _ = tool.parse_peer_log(WITH_US)
    without_us, _ = tool.parse_peer_log(WITHOUT_US)
    retried = {
        ("sale", "TestSaleOrder.test_cancel"): False,
        ("website_sale", "TestCart.test_add"): True,
        ("website_sale", "TestCheckout.setUpClass"): True,
    }
    lines, confirmed = tool.format_peer_report(
        with_us, without_us, ["sale", "website_sale"], retried
    )
    assert ("sale", "TestSaleOrder.test_cancel") not in confirmed
    assert len(confirmed) == 2
    assert any(line.startswith("Tests that failed only with our") for line in lines)


def test_one_test_or_class_is_run_again_by_its_tag(tool):
    assert (
        tool.peer_test_tag("sale", "TestSaleOrder.test_cancel")
        == "/sale:TestSaleOrder.test_cancel"
    )
    assert (
        tool.peer_test_tag("website_sale", "TestCheckout.setUpClass")
        == "/website_sale:TestCheckout"
    )


def test_both_databases_get_the_odoo_modules_ours_need(tool):
    manifests = {
        "kpa_a": {"depends": ["contacts", "website"]},
        "kpa_b": {"depends": ["kpa_a", "payment_demo", "sale"]},
    }
    modules = tool.peer_odoo_modules(manifests)
    assert {"contacts", "website", "payment_demo", *tool.PEER_SUITES} == set(modules)
    assert not {"kpa_a", "kpa_b"} & set(modules)
