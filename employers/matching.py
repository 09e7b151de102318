"""The employers side of matching: turns placements into the engine's plain records."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from matching.engine.records import PlacementRecord
from taxonomy.models import OccupationSkill

from .models import Placement, PlacementSkill


def placement_record(placement: Placement) -> PlacementRecord:
    essential, optional = [], []
    for entry in placement.skills.all():
        (essential if entry.relation == OccupationSkill.Relation.ESSENTIAL else optional).append(entry.skill.uri)
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
