"""Fixtures of the organisations tests."""

from __future__ import annotations

import pytest

from candidates.views import case as case_views


@pytest.fixture
def draws(monkeypatch) -> list[int]:
    """How often the case page was drawn (not served kept)."""
    counted: list[int] = []
    draw = case_views._case_page

    def counting(*args, **kwargs):
        counted.append(1)
        return draw(*args, **kwargs)

    monkeypatch.setattr(case_views, "_case_page", counting)
    return counted
