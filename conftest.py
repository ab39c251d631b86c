"""pytest-odoo runs every test but the HttpCase ones.

HttpCase tests (URL checks, Chromium tours) need the HTTP server that Odoo's
own runner starts: `./kpa test` runs them there, selected by the `kpa_http`
tag. A HttpCase class without that tag would run nowhere, so it is an error.
"""

import pytest

HTTP_TAG = "kpa_http"


def pytest_collection_modifyitems(config, items):
    try:
        from odoo.tests import HttpCase
    except ImportError:  # plain pytest without Odoo: nothing to sort out
        return
    keep, http_items, untagged = [], [], set()
    for item in items:
        cls = getattr(item, "cls", None)
        if cls is not None and issubclass(cls, HttpCase):
            http_items.append(item)
            if HTTP_TAG not in getattr(cls, "test_tags", set()):
                untagged.add(f"{cls.__module__}.{cls.__qualname__}")
        else:
            keep.append(item)
    if untagged:
        raise pytest.UsageError(
            f"HttpCase classes must be tagged {HTTP_TAG!r} so that Odoo's runner "
            f"runs them: {', '.join(sorted(untagged))}"
        )
    if http_items:
        config.hook.pytest_deselected(items=http_items)
        items[:] = keep
