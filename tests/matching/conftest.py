"""Fixtures shared by the matching tests."""

import pytest

from matching.engine.taxonomy import TaxonomyIndex
from taxonomy.services import DATA_DIR


@pytest.fixture(scope="module")
def esco_files():
    return TaxonomyIndex.from_esco_csv(DATA_DIR)
