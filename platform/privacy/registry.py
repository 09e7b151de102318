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
