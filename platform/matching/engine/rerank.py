"""Learning from employers' decisions: a logistic-regression re-ranker over the
explained components of the base score.

The features are exactly the base score's components (skills, occupation, language,
distance, hours, start, permit category). Nationality, gender, age, religion and residence
status beyond the permit category never reach the engine, so they cannot become features.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .records import RankedMatch
from .scoring import WEIGHTS

FEATURES: tuple[str, ...] = tuple(WEIGHTS)
MIN_SAMPLES = 40  # below this, or with too few of either outcome, the base score stays
MIN_PER_CLASS = 10
RERANK_DEPTH = 200  # the learned model reorders only the base score's best pairs


@dataclass(frozen=True)
class RerankerParams:
    features: tuple[str, ...]
    coefficients: tuple[float, ...]
    intercept: float
    samples: int
    positives: int
    auc: float | None

    def probability(self, components: dict[str, float]) -> float:
        x = np.array([components.get(name, 0.0) for name in self.features])
        z = float(np.dot(self.coefficients, x) + self.intercept)
        return float(1.0 / (1.0 + np.exp(-z)))


BASE_SHARE = 0.5  # the re-ranked score: half transparent base score, half learned likelihood


def rescore(base_score: float, components: dict[str, float], params: RerankerParams) -> float:
    """The score of a pair under the re-ranker (its explanation, the base components, still holds)."""
    return round(BASE_SHARE * base_score + (1.0 - BASE_SHARE) * params.probability(components), 4)


def apply(
    ranked: list[RankedMatch], params: RerankerParams, *, version: int | None = None
) -> list[RankedMatch]:
    """A base ranking reordered by the re-ranker: its best RERANK_DEPTH rescored, the rest kept."""
    head, tail = ranked[:RERANK_DEPTH], ranked[RERANK_DEPTH:]
    rescored = [
        dataclasses.replace(
            match,
            score=rescore(match.score, match.explanation.components, params),
            base_score=match.score,
            model_version=version,
        )
        for match in head
    ]
    rescored.sort(key=lambda m: (-m.score, m.candidate_id, m.placement_id))
    return rescored + tail


def enough_data(labels: Sequence[int]) -> bool:
    positives = sum(1 for y in labels if y)
    return (
        len(labels) >= MIN_SAMPLES and positives >= MIN_PER_CLASS and len(labels) - positives >= MIN_PER_CLASS
    )


def train(samples: Sequence[tuple[dict[str, float], int]], *, seed: int = 0) -> RerankerParams | None:
    """samples: (components of the pair when it was decided, 1 = selected/hired, 0 = declined/closed)."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import roc_auc_score
    from sklearn.model_selection import cross_val_predict

    labels = [int(bool(y)) for _, y in samples]
    if not enough_data(labels):
        return None
    x = np.array([[components.get(name, 0.0) for name in FEATURES] for components, _ in samples])
    y = np.array(labels)
    model = LogisticRegression(C=1.0, max_iter=1000, random_state=seed)
    folds = min(5, int(min(y.sum(), len(y) - y.sum())))
    auc = None
    if folds >= 2:
        predicted = cross_val_predict(model, x, y, cv=folds, method="predict_proba")[:, 1]
        auc = float(roc_auc_score(y, predicted))
    model.fit(x, y)
    return RerankerParams(
        features=FEATURES,
        coefficients=tuple(float(c) for c in model.coef_[0]),
        intercept=float(model.intercept_[0]),
        samples=len(y),
        positives=int(y.sum()),
        auc=auc,
    )
