"""Transparent base score: ranked and explained matches, in both directions.

Every component lies in [0, 1] and the score is their weighted sum, so an explanation
can say exactly why one person ranks above another. Hard filters (no work permission,
German too far below the minimum) remove a pair before scoring.

The component formulas are written once over NumPy arrays and used both for whole pools
(vectorised ranking) and for a single pair (the explanation), so the two cannot drift.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
from scipy import sparse

from .records import CEFR_LEVELS, CandidateRecord, Explanation, PlacementRecord, RankedMatch
from .taxonomy import TaxonomyIndex

Coordinates = Callable[[str], tuple[float, float] | None]

WEIGHTS: dict[str, float] = {
    "skills": 0.45,
    "occupation": 0.20,
    "language": 0.10,
    "distance": 0.12,
    "hours": 0.05,
    "start": 0.04,
    "permit": 0.04,
}
ESSENTIAL_WEIGHT = 2.0  # an essential skill counts twice an optional one
OPTIONAL_WEIGHT = 1.0
DISTANCE_HALF_KM = 25.0  # the distance score halves every 25 km
LATE_START_DAYS = 90  # availability this many days after the start scores zero
HOURS_TOLERANCE = 20  # a difference of 20 hours a week scores zero
BRIDGED_LANGUAGE_SCORE = 0.6  # one level below the minimum, with employer language support
OCCUPATION_LEVELS = (("same", 1.0), ("isco4", 0.75), ("isco3", 0.5), ("isco2", 0.25))
PERMIT_SCORE = {"may_work": 1.0, "needs_approval": 0.7}


def cefr_rank(level: str | None) -> int:
    return CEFR_LEVELS.index(level) + 1 if level else 0


def implied_skill_weight(years: float) -> float:
    """How sure we are a person has an occupation's essential skill, from years in it."""
    return min(1.0, 0.5 + 0.1 * max(years, 0.0))


def candidate_skill_weights(candidate: CandidateRecord, taxonomy: TaxonomyIndex) -> dict[str, float]:
    """Skills named by the person count fully; skills implied by their occupations by years."""
    weights: dict[str, float] = {}
    for occupation in candidate.occupations:
        strength = implied_skill_weight(occupation.years)
        for skill in taxonomy.occupation_optional.get(occupation.uri, ()):
            weights[skill] = max(weights.get(skill, 0.0), strength * 0.5)
        for skill in taxonomy.occupation_essential.get(occupation.uri, ()):
            weights[skill] = max(weights.get(skill, 0.0), strength)
    for skill in candidate.skills:
        weights[skill] = 1.0
    return weights


def placement_skill_weights(placement: PlacementRecord, taxonomy: TaxonomyIndex) -> dict[str, float]:
    """Essential skills count double; rarer skills (higher IDF) count more.

    A placement that lists no skills is read as asking for its occupation's ESCO skills.
    """
    essential, optional = placement.essential, placement.optional
    if not essential and not optional and placement.occupation:
        essential = tuple(taxonomy.occupation_essential.get(placement.occupation, ()))
        optional = tuple(taxonomy.occupation_optional.get(placement.occupation, ()))
    weights = {skill: OPTIONAL_WEIGHT * taxonomy.idf(skill) for skill in optional}
    weights.update({skill: ESSENTIAL_WEIGHT * taxonomy.idf(skill) for skill in essential})
    return weights


# --- component formulas (arrays in, arrays out) -------------------------------------------


def language_component(cand_rank: np.ndarray, required_rank: np.ndarray, support: np.ndarray):
    """Returns (score, qualifies, gap). No minimum → everyone qualifies fully."""
    gap = np.maximum(required_rank - cand_rank, 0)
    qualifies = (gap == 0) | ((gap == 1) & support)
    score = np.where(gap == 0, 1.0, np.where(qualifies, BRIDGED_LANGUAGE_SCORE, 0.0))
    return score, qualifies, gap


def haversine_km(lat1, lon1, lat2, lon2) -> np.ndarray:
    lat1, lon1, lat2, lon2 = (np.radians(np.asarray(x, dtype=float)) for x in (lat1, lon1, lat2, lon2))
    a = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0088 * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def distance_component(km: np.ndarray) -> np.ndarray:
    # Unknown postcode (NaN): neutral, neither rewarded nor punished.
    return np.where(np.isnan(km), 0.5, 0.5 ** (np.nan_to_num(km) / DISTANCE_HALF_KM))


def hours_component(cand_hours: np.ndarray, placement_hours: np.ndarray) -> np.ndarray:
    known = ~np.isnan(cand_hours) & ~np.isnan(placement_hours)
    diff = np.abs(np.nan_to_num(cand_hours) - np.nan_to_num(placement_hours))
    return np.where(known, 1.0 - np.minimum(diff / HOURS_TOLERANCE, 1.0), 0.75)


def start_component(available_ordinal: np.ndarray, start_ordinal: np.ndarray) -> np.ndarray:
    late = np.maximum(available_ordinal - start_ordinal, 0)
    return np.maximum(0.0, 1.0 - late / LATE_START_DAYS)


# --- pools -----------------------------------------------------------------------------------


@dataclass
class _SideArrays:
    german: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    hours: np.ndarray
    day: np.ndarray  # available_from / start as ordinal


def _coords(postcodes: Sequence[str | None], coordinates: Coordinates | None) -> tuple[np.ndarray, np.ndarray]:
    lat = np.full(len(postcodes), np.nan)
    lon = np.full(len(postcodes), np.nan)
    if coordinates is None:
        return lat, lon
    for i, postcode in enumerate(postcodes):
        point = coordinates(postcode) if postcode else None
        if point is not None:
            lat[i], lon[i] = point
    return lat, lon


def _hours(values: Sequence[int | None]) -> np.ndarray:
    return np.array([np.nan if v is None else float(v) for v in values], dtype=float)


class Matcher:
    """Ranks candidates for a placement and placements for a candidate."""

    def __init__(
        self,
        taxonomy: TaxonomyIndex,
        *,
        coordinates: Coordinates | None = None,
        today: date | None = None,
    ) -> None:
        self.taxonomy = taxonomy
        self.coordinates = coordinates
        self.today = today or date.today()
        self._skill_column: dict[str, int] = {}

    # skill columns are shared by both sides so that sparse products line up
    def _column(self, skill: str) -> int:
        column = self._skill_column.get(skill)
        if column is None:
            column = self._skill_column[skill] = len(self._skill_column)
        return column

    def _matrix(self, rows: Sequence[dict[str, float]]) -> sparse.csr_matrix:
        indptr, indices, data = [0], [], []
        for weights in rows:
            for skill, weight in weights.items():
                indices.append(self._column(skill))
                data.append(weight)
            indptr.append(len(indices))
        return sparse.csr_matrix(
            (np.array(data, dtype=float), np.array(indices, dtype=np.int64), np.array(indptr)),
            shape=(len(rows), max(len(self._skill_column), 1)),
        )

    def _candidate_arrays(self, candidates: Sequence[CandidateRecord]) -> _SideArrays:
        lat, lon = _coords([c.postcode for c in candidates], self.coordinates)
        today = self.today.toordinal()
        return _SideArrays(
            german=np.array([cefr_rank(c.german) for c in candidates]),
            lat=lat,
            lon=lon,
            hours=_hours([c.hours for c in candidates]),
            day=np.array([(c.available_from.toordinal() if c.available_from else today) for c in candidates]),
        )

    def _placement_arrays(self, placements: Sequence[PlacementRecord]) -> _SideArrays:
        lat, lon = _coords([p.postcode for p in placements], self.coordinates)
        today = self.today.toordinal()
        return _SideArrays(
            german=np.array([cefr_rank(p.min_german) for p in placements]),
            lat=lat,
            lon=lon,
            hours=_hours([p.hours for p in placements]),
            day=np.array([max(p.start.toordinal(), today) if p.start else today for p in placements]),
        )

    def _occupation_closeness(
        self, candidates: Sequence[CandidateRecord], placements: Sequence[PlacementRecord]
    ) -> np.ndarray:
        """Best ISCO closeness of any of a candidate's occupations to the placement's (broadcast)."""
        isco = self.taxonomy.occupation_isco
        n = max(len(candidates), len(placements))
        result = np.zeros(n)
        for i in range(n):
            c = candidates[i if len(candidates) > 1 else 0]
            p = placements[i if len(placements) > 1 else 0]
            result[i] = occupation_closeness(c, p, isco)[1]
        return result

    def _components(
        self,
        candidates: Sequence[CandidateRecord],
        placements: Sequence[PlacementRecord],
        skills: np.ndarray,
    ) -> tuple[dict[str, np.ndarray], np.ndarray]:
        ca, pa = self._candidate_arrays(candidates), self._placement_arrays(placements)
        support = np.array([p.language_support for p in placements], dtype=bool)
        language, qualifies, _gap = language_component(ca.german, pa.german, support)
        permit = np.array([PERMIT_SCORE.get(c.permit, 0.0) for c in candidates])
        components = {
            "skills": skills,
            "occupation": self._occupation_closeness(candidates, placements),
            "language": language,
            "distance": distance_component(haversine_km(ca.lat, ca.lon, pa.lat, pa.lon)),
            "hours": hours_component(ca.hours, pa.hours),
            "start": start_component(ca.day, pa.day),
            "permit": permit * np.ones_like(skills),
        }
        eligible = qualifies & (permit > 0)
        return components, np.broadcast_to(eligible, skills.shape)

    def _skill_scores(
        self, candidates: Sequence[CandidateRecord], placements: Sequence[PlacementRecord]
    ) -> np.ndarray:
        p_rows = [placement_skill_weights(p, self.taxonomy) for p in placements]
        c_rows = [candidate_skill_weights(c, self.taxonomy) for c in candidates]
        p_matrix, c_matrix = self._matrix(p_rows), self._matrix(c_rows)
        width = len(self._skill_column)
        p_matrix.resize((p_matrix.shape[0], width))
        c_matrix.resize((c_matrix.shape[0], width))
        # Candidate weights above 1 never occur; dot / total placement weight ∈ [0, 1].
        totals = np.asarray(p_matrix.sum(axis=1)).ravel()
        overlap = (c_matrix @ p_matrix.T).toarray()  # candidates × placements
        with np.errstate(invalid="ignore", divide="ignore"):
            scores = np.where(totals > 0, overlap / totals, 0.5)
        return scores.ravel()

    def _rank(
        self,
        candidates: Sequence[CandidateRecord],
        placements: Sequence[PlacementRecord],
        top: int | None,
    ) -> list[RankedMatch]:
        if not candidates or not placements:
            return []
        skills = self._skill_scores(candidates, placements)
        components, eligible = self._components(candidates, placements, skills)
        total = sum(WEIGHTS[name] * values for name, values in components.items())
        order = sorted(
            (i for i in range(len(total)) if eligible[i]),
            key=lambda i: (-round(float(total[i]), 6), *(r.id for r in self._pair(candidates, placements, i))),
        )
        if top is not None:
            order = order[:top]
        results = []
        for i in order:
            c, p = self._pair(candidates, placements, i)
            parts = {name: float(values[i]) for name, values in components.items()}
            results.append(
                RankedMatch(
                    candidate_id=c.id,
                    placement_id=p.id,
                    score=round(float(total[i]), 4),
                    explanation=self.explain(c, p, components=parts),
                )
            )
        return results

    @staticmethod
    def _pair(candidates, placements, i):
        c = candidates[i if len(candidates) > 1 else 0]
        p = placements[i if len(placements) > 1 else 0]
        return c, p

    def rank_candidates(
        self, placement: PlacementRecord, candidates: Sequence[CandidateRecord], *, top: int | None = None
    ) -> list[RankedMatch]:
        """Candidates for one placement, best first (employers and coaches)."""
        return self._rank(list(candidates), [placement], top)

    def rank_placements(
        self, candidate: CandidateRecord, placements: Sequence[PlacementRecord], *, top: int | None = None
    ) -> list[RankedMatch]:
        """Open placements for one candidate, best first (case managers, 'jobs for me')."""
        return self._rank([candidate], list(placements), top)

    def score_pair(self, candidate: CandidateRecord, placement: PlacementRecord) -> RankedMatch | None:
        ranked = self._rank([candidate], [placement], None)
        return ranked[0] if ranked else None

    def explain(
        self, candidate: CandidateRecord, placement: PlacementRecord, *, components: dict[str, float]
    ) -> Explanation:
        c_weights = candidate_skill_weights(candidate, self.taxonomy)
        essential = placement.essential
        optional = placement.optional
        if not essential and not optional and placement.occupation:
            essential = tuple(sorted(self.taxonomy.occupation_essential.get(placement.occupation, ())))
            optional = tuple(sorted(self.taxonomy.occupation_optional.get(placement.occupation, ())))
        has = set(c_weights)
        c_rank, p_rank = cefr_rank(candidate.german), cefr_rank(placement.min_german)
        gap = max(p_rank - c_rank, 0)
        km = None
        if self.coordinates and candidate.postcode and placement.postcode:
            a, b = self.coordinates(candidate.postcode), self.coordinates(placement.postcode)
            if a and b:
                km = float(haversine_km(a[0], a[1], b[0], b[1]))
        start = placement.start or self.today
        return Explanation(
            essential_met=[s for s in essential if s in has],
            essential_missing=[s for s in essential if s not in has],
            other_relevant=[s for s in optional if s in has],
            occupation=occupation_closeness(candidate, placement, self.taxonomy.occupation_isco)[0],
            german=candidate.german,
            german_required=placement.min_german,
            language_gap=gap,
            bridged_by_language_support=gap == 1 and placement.language_support,
            distance_km=km,
            permit=candidate.permit,
            hours_fit=None
            if candidate.hours is None or placement.hours is None
            else abs(candidate.hours - placement.hours) <= 5,
            available_in_time=candidate.available_from is None or candidate.available_from <= max(start, self.today),
            components=components,
        )


def occupation_closeness(
    candidate: CandidateRecord, placement: PlacementRecord, isco: dict[str, str]
) -> tuple[str, float]:
    """('same'|'isco4'|'isco3'|'isco2'|'none', score): the closest of the person's occupations."""
    if not placement.occupation:
        return "none", 0.0
    target = isco.get(placement.occupation, "")
    best = ("none", 0.0)
    for occupation in candidate.occupations:
        if occupation.uri == placement.occupation:
            return OCCUPATION_LEVELS[0]
        code = isco.get(occupation.uri, "")
        for level, digits in (("isco4", 4), ("isco3", 3), ("isco2", 2)):
            if len(code) >= digits and len(target) >= digits and code[:digits] == target[:digits]:
                score = dict(OCCUPATION_LEVELS)[level]
                if score > best[1]:
                    best = (level, score)
                break
    return best
