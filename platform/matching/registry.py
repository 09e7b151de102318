"""Where the re-ranker's training data comes from. The shared platform never imports an
app, so the app that owns introductions registers a provider here from its AppConfig.ready().

A provider returns (components of the pair's base score, outcome) pairs: outcome 1 for
selected/hired, 0 for declined or closed without hire.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

OutcomeProvider = Callable[[], Iterable[tuple[dict[str, float], int]]]

_providers: dict[str, OutcomeProvider] = {}


def register_outcome_provider(name: str, provider: OutcomeProvider) -> None:
    _providers[name] = provider


def outcome_samples() -> list[tuple[dict[str, float], int]]:
    samples: list[tuple[dict[str, float], int]] = []
    for _name, provider in sorted(_providers.items()):
        samples.extend(provider())
    return samples
