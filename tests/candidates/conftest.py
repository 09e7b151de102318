"""Fixtures for the candidates tests: a case manager with an open case of their own."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from candidates.models import Candidate, Case
from taxonomy.models import Occupation, Skill
from tests.factories import CaseFactory


@dataclass
class Desk:
    user: object
    case: Case

    @property
    def candidate(self) -> Candidate:
        return self.case.candidate


@pytest.fixture
def desk(case_manager_team) -> Desk:
    """``desk.user`` is a case manager; ``desk.case`` an open case of their organisation that they manage."""
    case = CaseFactory(
        responsible_organisation=case_manager_team.organisation,
        candidate__municipality=case_manager_team.municipality,
        case_manager=case_manager_team.own,
    )
    return Desk(user=case_manager_team.own, case=case)


@pytest.fixture
def welder(db) -> Occupation:
    """A small stand-in ESCO occupation (tests needing the real taxonomy use ``esco``)."""
    return Occupation.objects.create(
        uri="http://data.europa.eu/esco/occupation/test-welder",
        label_de="Schweißer/Schweißerin",
        label_en="welder",
        isco_code="7212",
    )


@pytest.fixture
def forklift(db) -> Skill:
    return Skill.objects.create(
        uri="http://data.europa.eu/esco/skill/test-forklift",
        label_de="Gabelstapler fahren",
        label_en="operate forklift",
    )
