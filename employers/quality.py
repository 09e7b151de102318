"""Job-quality helpers (issue 20): the statutory minimum wage valid on a date and the ISCO skill
levels of a job and of a person. Plain reads; the write is employers.services.employment_quality_set."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.conf import settings

from candidates.models import Candidate, QualificationKind
from taxonomy.isco import skill_level

from .models import Employment

# A declared qualification's ISCO-08 skill level (ISCO-08 vol. 1, table 2 against ISCED):
# a vocational qualification (Berufsausbildung) is level 2, a degree level 4.
QUALIFICATION_LEVEL = {
    QualificationKind.SCHOOL: 1,
    QualificationKind.VOCATIONAL: 2,
    QualificationKind.UNIVERSITY: 4,
}


def minimum_wage_on(day: date) -> tuple[Decimal, date]:
    """The statutory minimum wage valid on ``day`` and the date it applies from (settings)."""
    found = None
    for since, value in sorted(settings.LOTSE_MINIMUM_WAGE):
        since_date = date.fromisoformat(since)
        if since_date <= day or found is None:
            found = (Decimal(value), since_date)
    assert found is not None, "LOTSE_MINIMUM_WAGE is empty"
    return found


def job_skill_level(employment: Employment) -> int | None:
    """The ISCO skill level of the employment's occupation (from its placement), if known."""
    placement = employment.placement
    return skill_level(placement.occupation.isco_code) if placement else None


def person_skill_level(candidate: Candidate) -> int | None:
    """The highest level among the person's declared qualifications (None if none is declared)."""
    levels = [
        QUALIFICATION_LEVEL.get(kind) for kind in candidate.qualifications.values_list("kind", flat=True)
    ]
    levels = [level for level in levels if level]
    return max(levels) if levels else None
