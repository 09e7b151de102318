"""GDPR export and erasure through a registry that each app fills with its own functions.

The shared platform never imports an app; apps register from their AppConfig.ready().
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Exporter = Callable[[Any], Any]
Eraser = Callable[[Any], int]


class PrivacyRegistry:
    def __init__(self) -> None:
        self._exporters: dict[str, Exporter] = {}
        self._erasers: dict[str, Eraser] = {}

    def register(self, name: str, *, exporter: Exporter | None = None, eraser: Eraser | None = None) -> None:
        if exporter is not None:
            self._exporters[name] = exporter
        if eraser is not None:
            self._erasers[name] = eraser

    def names(self) -> list[str]:
        return sorted(set(self._exporters) | set(self._erasers))

    def export(self, user: Any) -> dict[str, Any]:
        return {name: exporter(user) for name, exporter in sorted(self._exporters.items())}

    def erase(self, user: Any) -> dict[str, int]:
        return {name: eraser(user) for name, eraser in sorted(self._erasers.items())}


registry = PrivacyRegistry()


# --- names of audited records ---------------------------------------------------------------------
# The audit log names what was touched ("Amira Haddad (7KQ2M-9XD3A)"), not "candidates.candidate
# #17"; the app that owns a record type tells how to name its rows and how to find them by a
# person's name or reference. Both functions get many ids / one query at a time (no N+1).

Describer = Callable[[list[str]], dict[str, str]]
Finder = Callable[[str, set[int]], list[str]]


class RecordTypes:
    def __init__(self) -> None:
        self._types: dict[str, tuple[Any, Describer, Finder | None]] = {}

    def register(
        self, record_type: str, *, label: Any, describe: Describer, find: Finder | None = None
    ) -> None:
        self._types[record_type] = (label, describe, find)

    def label(self, record_type: str) -> str:
        known = self._types.get(record_type)
        return str(known[0]) if known else record_type

    def describe(self, entries: list[Any]) -> None:
        """Set ``record_name`` and ``record_label`` on each entry (one call per record type)."""
        by_type: dict[str, set[str]] = {}
        for entry in entries:
            by_type.setdefault(entry.record_type, set()).add(entry.record_id)
        names: dict[tuple[str, str], str] = {}
        for record_type, ids in by_type.items():
            known = self._types.get(record_type)
            if known is None:
                continue
            for record_id, name in known[1](sorted(ids)).items():
                names[(record_type, record_id)] = name
        for entry in entries:
            entry.record_label = self.label(entry.record_type)
            entry.record_name = names.get((entry.record_type, entry.record_id), f"#{entry.record_id}")

    def find(self, query: str, municipality_ids: set[int]) -> list[tuple[str, str]]:
        """(record_type, record_id) of the records whose person matches ``query``."""
        found: list[tuple[str, str]] = []
        for record_type, (_label, _describe, finder) in sorted(self._types.items()):
            if finder is not None:
                found.extend((record_type, record_id) for record_id in finder(query, municipality_ids))
        return found


record_types = RecordTypes()
