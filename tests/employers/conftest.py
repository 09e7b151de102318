"""Fixtures of the employers tests."""

from __future__ import annotations

import pytest

from tests.factories import make_candidate


@pytest.fixture
def cooks(municipality, cook_taxonomy) -> list:
    """Four listed cooks of the placement's municipality, with none to three years of experience."""
    return [
        make_candidate(municipality, occupation=cook_taxonomy.cook, years=i, skills=cook_taxonomy.skills[:2])
        for i in range(4)
    ]
