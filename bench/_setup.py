"""Shared set-up for benchmarks: platform/ on the path, the ESCO index from the project's files."""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.append(str(ROOT / "platform"))

from matching.engine.taxonomy import TaxonomyIndex  # noqa: E402
from taxonomy.postcodes import coordinates  # noqa: E402

ESCO_DIR = ROOT / "platform" / "taxonomy" / "data" / "esco"


def esco_index() -> TaxonomyIndex:
    return TaxonomyIndex.from_esco_csv(ESCO_DIR)


__all__ = ["coordinates", "esco_index"]
