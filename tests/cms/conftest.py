"""Fixtures for the website tests. The pages and chambers themselves are in tests/fixtures/cms.py."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _fresh_figures_cache(fresh_figures_cache):
    # The live figures are cached; every test counts afresh.
    return None
