"""The employers side of matching: turns placements into the engine's plain records."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from matching.engine.records import PlacementRecord
from matching.engine.scoring import WEIGHTS
from matching.registry import register_outcome_provider
from taxonomy.models import LABEL_FIELDS, Occupation, OccupationSkill

from .models import Placement, PlacementSkill


@dataclass(frozen=True)
class InferredSkills:
    """Essential skills counted as met from one occupation, not listed by the person."""

    occupation: Any  # the Occupation (its label in the reader's language), or its URI when unknown
    years: int
    recognised: bool  # from a recognised qualification: attested, not guessed
    skills: list[Any]


@dataclass(frozen=True)
class ConstraintNotes:
    """What an explanation says beyond the skill lists (issue 16): which essential skills were listed
    and which inferred, and what hours, start and permit cost. ``*_points`` are the points (of 100)
    the component takes off the score: score = the sum of the explained parts, so they add up."""

    listed: list[Any]  # essential skills met because the person listed them
    inferred: list[InferredSkills]
    essential_total: int
    hours: int | None
    hours_required: int | None
    hours_points: int
    available_from: date | None
    start: date | None
    days_late: int
    start_points: int
    permit: str
    permit_points: int

    @property
    def inferred_count(self) -> int:
        return sum(len(group.skills) for group in self.inferred)


def _points(components: dict[str, float], name: str) -> int:
    return round(100 * WEIGHTS[name] * (1.0 - components.get(name, 1.0)))


def inferred_occupations(ranked: Sequence[Any]) -> dict[str, Occupation]:
    """The occupations the explanations of ``ranked`` infer skills from, in one query."""
    uris = {uri for m in ranked for uri, _years, _rec in m.explanation.essential_inferred.values()}
    if not uris:
        return {}
    return {o.uri: o for o in Occupation.objects.filter(uri__in=uris).only("uri", *LABEL_FIELDS)}


def constraint_notes(
    explanation: Any, *, skills: dict[str, Any], occupations: dict[str, Any]
) -> ConstraintNotes:
    """The notes of one explanation; ``skills`` and ``occupations`` map URIs to what the page shows
    (labels or model instances), read once for the whole page."""
    groups: dict[tuple[str, float, bool], list[Any]] = {}
    for skill in explanation.essential_met:
        source = explanation.essential_inferred.get(skill)
        if source is not None:
            groups.setdefault(source, []).append(skills.get(skill, skill))
    components = explanation.components
    return ConstraintNotes(
        listed=[skills.get(s, s) for s in explanation.essential_listed],
        inferred=[
            InferredSkills(
                occupation=occupations.get(uri, uri), years=round(years), recognised=recognised, skills=found
            )
            for (uri, years, recognised), found in groups.items()
        ],
        essential_total=len(explanation.essential_met) + len(explanation.essential_missing),
        hours=explanation.hours,
        hours_required=explanation.hours_required,
        hours_points=_points(components, "hours"),
        available_from=explanation.available_from,
        start=explanation.start,
        days_late=explanation.days_late,
        start_points=_points(components, "start"),
        permit=explanation.permit,
        permit_points=_points(components, "permit"),
    )


def placement_record(placement: Placement) -> PlacementRecord:
    essential, optional = [], []
    for entry in placement.skills.all():
        (essential if entry.relation == OccupationSkill.Relation.ESSENTIAL else optional).append(
            entry.skill.uri
        )
    return PlacementRecord(
        id=str(placement.pk),
        occupation=placement.occupation.uri if placement.occupation_id else None,
        essential=tuple(sorted(essential)),
        optional=tuple(sorted(optional)),
        min_german=placement.min_german_spoken or None,
        language_support=placement.offers_language_support,
        postcode=placement.postcode or None,
        hours=placement.hours_per_week,
        start=placement.start_date,
    )


def placement_records(*, queryset: QuerySet[Placement]) -> list[PlacementRecord]:
    """Records for many placements in a constant number of queries."""
    return [
        placement_record(p)
        for p in queryset.select_related("occupation").prefetch_related(
            Prefetch("skills", queryset=PlacementSkill.objects.select_related("skill"))
        )
    ]


# --- what the re-ranker learns from ------------------------------------------------------------

# An introduction that got this far was a good match in the employer's eyes.
POSITIVE_STAGES = frozenset({"interview", "offer", "hired"})
# Closed for a reason that says something about the match (not "hired elsewhere" or a filled post).
NEGATIVE_REASONS = frozenset({"not_suitable", "no_response", "offer_declined", "declined_by_candidate"})


def introduction_outcomes() -> list[tuple[dict[str, float], int]]:
    """(components of the pair's base score, 1 = went to interview or further, 0 = did not)."""
    from candidates.matching import candidate_records
    from candidates.models import Candidate
    from matching.engine.scoring import Matcher
    from matching.services import taxonomy_index
    from taxonomy.postcodes import coordinates

    from .models import Introduction, IntroductionStage

    reached = set(
        IntroductionStage.objects.filter(stage__in=POSITIVE_STAGES).values_list("introduction_id", flat=True)
    )
    decided = list(
        Introduction.objects.filter(stage__in=["hired", "closed", "declined"]).values_list(
            "pk", "placement_id", "candidate_id", "stage", "close_reason"
        )
    )
    labelled = []
    for pk, placement_id, candidate_id, stage, reason in decided:
        if pk in reached or stage == "hired":
            labelled.append((placement_id, candidate_id, 1))
        elif stage == "declined" or reason in NEGATIVE_REASONS:
            labelled.append((placement_id, candidate_id, 0))
    if not labelled:
        return []
    placements = {
        r.id: r
        for r in placement_records(queryset=Placement.objects.filter(pk__in={p for p, _c, _y in labelled}))
    }
    candidates = {
        r.id: r
        for r in candidate_records(queryset=Candidate.objects.filter(pk__in={c for _p, c, _y in labelled}))
    }
    matcher = Matcher(taxonomy_index(), coordinates=coordinates, today=timezone.localdate())
    known = [
        (candidates[str(c)], placements[str(p)], label)
        for p, c, label in labelled
        if str(p) in placements and str(c) in candidates
    ]
    # One index for every labelled person, not one per pair (issue 16, "build once, rank many").
    scored = matcher.score_pairs([(c, p) for c, p, _label in known])
    samples = []
    for candidate, placement, label in known:
        match = scored.get((candidate.id, placement.id))
        if match is not None:
            samples.append((match.explanation.components, label))
    return samples


register_outcome_provider("employers.introductions", introduction_outcomes)
