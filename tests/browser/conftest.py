"""Fixtures for the browser tests. Playwright drives Debian's Chromium (apt package ``chromium``),
never a downloaded browser: tests/fixtures/browser.py says so for every directory."""

import pytest

from tests.browser.helpers import CHROMIUM, serious


def pytest_collection_modifyitems(config, items):
    if CHROMIUM.exists():
        return
    skip = pytest.mark.skip(reason=f"{CHROMIUM} is missing: install Debian's chromium package (apt)")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def home_page(transactional_db):
    """Transactional tests flush the database, and with it the migration's home page: rebuild it."""
    from cms.services import home_page_ensure

    return home_page_ensure()


@pytest.fixture
def axe(page):
    """Run axe-core on the current page; return the violations a person would be hurt by."""

    def run() -> list[dict]:
        return serious(page)

    return run


@pytest.fixture
def axe_on():
    """axe-core on any page (``axe`` knows only the ``page`` fixture's): the serious violations."""
    return serious
