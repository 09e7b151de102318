"""Fixtures of the organisations tests."""

from __future__ import annotations

import pytest

from candidates.views import case as case_views
from tests.organisations.helpers import drawings


@pytest.fixture
def draws(monkeypatch) -> list[int]:
    """How often the case page was drawn (not served kept)."""
    return drawings(monkeypatch, case_views, "_case_page")
