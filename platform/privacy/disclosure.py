"""Small-cell suppression: the one rule for every count that leaves its municipality or could point
at a few people (the monitoring comparison and quality tables, the network level's barrier counts).

A count of 1 to 4 is suppressed (primary). So that it cannot be recovered by subtracting the visible
cells from the column total, more cells of the same column are suppressed (secondary, smallest
first) until at least two are hidden, the hidden cells together count at least 5 and no hidden cell
can be pinned down even by someone who knows which hidden cells are the small ones; if that needs
every cell, the total is hidden too. A column whose total is below 5 is hidden entirely.
Plain Python, no app import (moved here from monitoring.comparison, which re-exports it).
"""

from __future__ import annotations

THRESHOLD = 5


def _pinned(cells: dict[str, int], hidden: set[str], small: set[str], threshold: int) -> bool:
    """Could someone who knows the total, the visible cells and even which hidden cells are the small
    ones (1..threshold-1) work out any hidden cell exactly? Interval reasoning over the hidden cells."""
    rest = sum(cells[k] for k in hidden)
    bounds = {k: (1, threshold - 1) if k in small else (0, rest) for k in hidden}
    for key in hidden:
        lowest = max(bounds[key][0], rest - sum(bounds[k][1] for k in hidden if k != key))
        highest = min(bounds[key][1], rest - sum(bounds[k][0] for k in hidden if k != key))
        if lowest == highest:
            return True
    return False


def suppress(cells: dict[str, int], threshold: int = THRESHOLD) -> tuple[dict[str, int | None], int | None]:
    """Cells with None where suppressed, and the column total (None if the whole column is hidden)."""
    total = sum(cells.values())
    if 0 < total < threshold:
        return dict.fromkeys(cells), None
    small = {k for k, v in cells.items() if 0 < v < threshold}
    hidden = set(small)
    while hidden and (
        len(hidden) < 2
        or sum(cells[k] for k in hidden) < threshold
        or _pinned(cells, hidden, small, threshold)
    ):
        visible = sorted((v, k) for k, v in cells.items() if k not in hidden)
        if not visible:
            return dict.fromkeys(cells), None
        hidden.add(visible[0][1])
    return {k: (None if k in hidden else v) for k, v in cells.items()}, total
