"""Playwright drives Debian's Chromium (apt package ``chromium``), never a downloaded browser."""

from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
AXE_SCRIPT = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


def pytest_collection_modifyitems(config, items):
    if CHROMIUM.exists():
        return
    skip = pytest.mark.skip(reason=f"{CHROMIUM} is missing: install Debian's chromium package (apt)")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args():
    return {
        "executable_path": str(CHROMIUM),
        "headless": True,
        "args": [
            "--no-sandbox",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-gpu",
            "--no-first-run",
            "--disable-sync",
        ],
    }


@pytest.fixture
def home_page(transactional_db):
    """Transactional tests flush the database, and with it the migration's home page: rebuild it."""
    from cms.services import home_page_ensure

    return home_page_ensure()


@pytest.fixture
def axe(page):
    """Run axe-core on the current page; return the violations a person would be hurt by."""

    def run() -> list[dict]:
        # Evaluated through DevTools, not added as an inline <script>: the page's CSP forbids those.
        page.evaluate(AXE_SCRIPT.read_text())
        results = page.evaluate("async () => await axe.run(document)")
        return [v for v in results["violations"] if v["impact"] in ("serious", "critical")]

    return run


@pytest.fixture
def axe_on():
    """axe-core on any page (``axe`` knows only the ``page`` fixture's): the serious violations."""
    script = AXE_SCRIPT.read_text()

    def run(page) -> list[dict]:
        page.evaluate(script)
        results = page.evaluate("async () => await axe.run(document)")
        return [v for v in results["violations"] if v["impact"] in ("serious", "critical")]

    return run
