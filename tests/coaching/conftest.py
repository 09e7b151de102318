"""A small world for the coaching tests: one hire in Dortmund and everybody around it.

``world.coach`` and ``world.case_manager`` work in the office responsible for the case; the other
people stand at increasing distance (another organisation, another municipality, another role).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest
from django.utils import timezone

from accounts.roles import Role
from candidates.models import Case, ConsentScope
from candidates.services import consent_grant
from coaching import services
from coaching.models import HandoverKind, Service, ServiceLocation
from employers.models import Employment
from organisations.models import Organisation, OrganisationKind
from tests.factories import (
    CaseFactory,
    HandoverChecklistTemplateFactory,
    HandoverKindFactory,
    OrganisationFactory,
    ServiceFactory,
    ServiceOrganisationFactory,
    make_employment,
)
from tests.fixtures.users import new_member


@dataclass
class World:
    municipality: object
    office: Organisation
    case: Case
    employment: Employment
    employer_org: Organisation
    coach: object
    case_manager: object
    coordinator: object
    people: dict

    @property
    def candidate(self):
        return self.case.candidate


def handover_kind() -> HandoverKind:
    kind = HandoverKind.objects.filter(slug="test-rechtskreiswechsel").first()
    if kind is None:
        kind = HandoverKindFactory(slug="test-rechtskreiswechsel", name="Rechtskreiswechsel AsylbLG → SGB II")
        HandoverChecklistTemplateFactory(kind=kind, label="Bescheid liegt vor", required=True, order=0)
        HandoverChecklistTemplateFactory(kind=kind, label="Termin vereinbart", required=False, order=1)
    return kind


@pytest.fixture
def world(municipality, other_municipality) -> World:
    office = OrganisationFactory(
        municipality=municipality,
        kind=OrganisationKind.MUNICIPALITY_OFFICE,
        name="Integrationsmanagement Dortmund",
    )
    case_manager = new_member(Role.CASE_MANAGER, organisation=office, display_name="Clara Case")
    coach = new_member(Role.JOB_COACH, organisation=office, display_name="Jonas Coach")
    candidate_user = new_member(Role.CANDIDATE)
    case = CaseFactory(
        responsible_organisation=office,
        candidate__municipality=municipality,
        case_manager=case_manager,
        candidate__user=candidate_user,
        candidate__city="Dortmund",
    )
    employer_org = OrganisationFactory(
        municipality=municipality, kind=OrganisationKind.EMPLOYER, name="Bäckerei Korn"
    )
    employment = make_employment(case, employer_org, start=timezone.localdate() - datetime.timedelta(days=40))
    services.follow_along_start(employment_id=employment.pk)
    coordinator = new_member(Role.COORDINATOR, municipality=municipality)
    volunteer = new_member(Role.VOLUNTEER, municipality=municipality)
    consent_grant(
        candidate=case.candidate, scope=ConsentScope.VOLUNTEER, actor=case_manager, recipient_user=volunteer
    )
    other_employer_org = OrganisationFactory(municipality=municipality, kind=OrganisationKind.EMPLOYER)
    people = {
        "candidate": candidate_user,
        "case_manager": case_manager,
        "coach": coach,
        "coach_other_org": new_member(Role.JOB_COACH, municipality=municipality),
        "coach_elsewhere": new_member(Role.JOB_COACH, municipality=other_municipality),
        "volunteer": volunteer,
        "volunteer_other": new_member(Role.VOLUNTEER, municipality=municipality),
        "employer": new_member(Role.EMPLOYER, organisation=employer_org),
        "employer_other": new_member(Role.EMPLOYER, organisation=other_employer_org),
        "employer_unverified": new_member(Role.EMPLOYER, municipality=municipality, verified=False),
        "chamber": new_member(Role.CHAMBER_EDITOR, municipality=municipality),
        "coordinator": coordinator,
        "coordinator_elsewhere": new_member(Role.COORDINATOR, municipality=other_municipality),
    }
    return World(
        municipality=municipality,
        office=office,
        case=case,
        employment=employment,
        employer_org=employer_org,
        coach=coach,
        case_manager=case_manager,
        coordinator=coordinator,
        people=people,
    )


@pytest.fixture
def language_school(world) -> Service:
    provider = ServiceOrganisationFactory(municipality=world.municipality, name="VHS Dortmund")
    return ServiceFactory(
        organisation=provider,
        municipality=world.municipality,
        name="Berufssprachkurs B2",
        category="language_course",
        languages=["de", "ar"],
        eligible_residence_statuses=["aufenthaltserlaubnis", "niederlassungserlaubnis"],
    )


@pytest.fixture
def demo_directory(municipality):
    """The demo's directory, created the way seed_demo creates it."""
    from demo.coaching import _SERVICES

    actor = new_member(Role.COORDINATOR, municipality=municipality)
    for entry in _SERVICES:
        services.service_create(municipality_id=municipality.pk, actor=actor, **dict(entry))
    # One inactive offer and one accessible location, so both travel too.
    first = Service.objects.filter(municipality=municipality).order_by("pk").first()
    first.is_active = False
    first.save()
    ServiceLocation.objects.filter(organisation__municipality=municipality).update(accessible=True)
    return municipality
