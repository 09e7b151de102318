"""The monitoring world and a builder for data of any size (plain functions; the fixtures using
them are in conftest.py).

``build_world`` is Dortmund with an office (its team lead, a case manager, a job coach), a
Jobcenter, a coordinator, and people of every other role; ``populate(world, n)`` adds ``n``
candidates with cases, introductions, employments, follow-ups, needs, requests, referrals and
handovers. ``Bochum`` (``other_municipality``) has its own coordinator and team lead.
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass

from django.utils import timezone

from accounts.roles import Role
from candidates.models import Case, LanguageSkill
from coaching.models import (
    FollowAlong,
    FollowUpDue,
    HandoverKind,
    Service,
)
from employers.models import EmployerProfile, Introduction, Placement
from organisations.models import Municipality, Organisation, OrganisationKind
from tests.factories import (
    CaseFactory,
    EmployerProfileFactory,
    EmploymentFactory,
    FollowUpDueFactory,
    HandoverFactory,
    HandoverKindFactory,
    IntroductionFactory,
    LanguageSkillFactory,
    LanguageSupportNeedFactory,
    OccupationFactory,
    OrganisationFactory,
    PlacementFactory,
    ReferralFactory,
    ServiceFactory,
    ServiceOrganisationFactory,
    SupportRequestFactory,
)
from tests.fixtures.users import new_member
from tests.monitoring.helpers import bare_candidate

PHASES = ["intake", "assessment", "planning", "linking", "monitoring", "closed"]
CIRCLES = ["asylblg", "sgb2", "sgb3", "none"]
KINDS = ["job", "ausbildung", "praktikum", "eq"]


@dataclass
class MonitoringWorld:
    municipality: Municipality
    office: Organisation
    jobcenter: Organisation
    employer_profile: EmployerProfile
    placement: Placement
    service: Service
    handover_kind: HandoverKind
    people: dict

    def __getitem__(self, name):
        return self.people[name]


def build_world(municipality, other_municipality) -> MonitoringWorld:
    office = OrganisationFactory(
        municipality=municipality,
        kind=OrganisationKind.MUNICIPALITY_OFFICE,
        name="Integrationsmanagement Dortmund",
    )
    jobcenter = OrganisationFactory(
        municipality=municipality, kind=OrganisationKind.JOBCENTER, name="Jobcenter Dortmund"
    )
    employer_org = OrganisationFactory(
        municipality=municipality, kind=OrganisationKind.EMPLOYER, name="Bäckerei Korn"
    )
    profile = EmployerProfileFactory(organisation=employer_org, sector="handwerk", contact_name="")
    occupation = OccupationFactory(
        uri=f"http://esco.test/occupation/{uuid.uuid4()}",
        label_de="Bäcker/in",
        label_en="baker",
        isco_code="7512",
    )
    placement = PlacementFactory(
        employer=profile,
        municipality=municipality,
        title="Bäcker*in",
        occupation=occupation,
        postcode="44135",
        status="open",
        min_german_spoken=None,
        hours_per_week=None,
    )
    provider = ServiceOrganisationFactory(municipality=municipality, name="VHS Dortmund")
    service = ServiceFactory(
        organisation=provider, municipality=municipality, name="Berufssprachkurs", category="language_course"
    )
    kind = HandoverKindFactory(slug="monitoring-test", name="Rechtskreiswechsel")
    other_office = OrganisationFactory(
        municipality=other_municipality, kind=OrganisationKind.MUNICIPALITY_OFFICE
    )
    people = {
        "candidate": new_member(Role.CANDIDATE),
        "case_manager": new_member(Role.CASE_MANAGER, organisation=office),
        "job_coach": new_member(Role.JOB_COACH, organisation=office),
        "lead": new_member(Role.CASE_MANAGER, organisation=office, lead=True),
        "lead_other_org": new_member(Role.CASE_MANAGER, organisation=jobcenter, lead=True),
        "lead_elsewhere": new_member(Role.CASE_MANAGER, organisation=other_office, lead=True),
        "volunteer": new_member(Role.VOLUNTEER, municipality=municipality),
        "employer": new_member(Role.EMPLOYER, organisation=employer_org),
        "chamber_editor": new_member(Role.CHAMBER_EDITOR, municipality=municipality),
        "coordinator": new_member(Role.COORDINATOR, municipality=municipality),
        "coordinator_elsewhere": new_member(Role.COORDINATOR, municipality=other_municipality),
    }
    return MonitoringWorld(municipality, office, jobcenter, profile, placement, service, kind, people)


def forget_dashboards() -> None:
    """A new cache namespace for the monitoring figures: the next page is cold.

    Never cache.clear(): on the Redis that CI shares, that would wipe other runs' entries too.
    """
    from monitoring import cache as monitoring_cache

    monitoring_cache.VERSION = f"test-{uuid.uuid4().hex}"


def populate(
    world: MonitoringWorld,
    n: int,
    *,
    today: datetime.date | None = None,
    organisation: Organisation | None = None,
    case_manager=None,
    coach=None,
    municipality=None,
) -> list[Case]:
    """Add ``n`` candidates with a case each and the rest of the story, spread over this year."""
    today = today or timezone.localdate()
    now = timezone.now()
    municipality = municipality or world.municipality
    organisation = organisation or world.office
    case_manager = case_manager if case_manager is not None else world["case_manager"]
    coach = coach if coach is not None else world["job_coach"]
    cases = []
    for i in range(n):
        candidate = bare_candidate(municipality=municipality, first_name=f"Geheim{i}", last_name=f"Person{i}")
        LanguageSkillFactory(
            candidate=candidate, language="de", spoken=["A1", "A2", "B1"][i % 3], written=None
        )
        days_ago = 5 + (i * 7) % 300
        opened = now - datetime.timedelta(days=days_ago)
        phase = PHASES[i % len(PHASES)]
        case = CaseFactory(
            candidate=candidate,
            municipality=municipality,
            responsible_organisation=organisation,
            case_manager=case_manager,
            phase=phase,
            legal_circle=CIRCLES[i % len(CIRCLES)],
            opened_at=opened,
            closed_at=now if phase == "closed" else None,
        )
        cases.append(case)
        # A later, better German level: "now" differs from "at intake".
        if i % 2 == 0:
            LanguageSkill.objects.filter(candidate=candidate).update(spoken="B2")
        if i % 3 == 2:
            continue  # no employer contact yet
        intro = IntroductionFactory(placement=world.placement, candidate=candidate, stage="hired")
        Introduction.objects.filter(pk=intro.pk).update(
            created_at=opened + datetime.timedelta(days=3 + i % 40)
        )
        start = opened.date() + datetime.timedelta(days=4 + i % 40)
        if start > today:
            continue
        ended = i % 5 == 4
        employment = EmploymentFactory(
            candidate=candidate,
            employer=world.employer_profile,
            placement=None,
            kind=KINDS[i % 4],
            start_date=start,
            end_date=start + datetime.timedelta(days=20)
            if ended and start + datetime.timedelta(days=20) <= today
            else None,
            end_reason="candidate_resigned" if ended and start + datetime.timedelta(days=20) <= today else "",
        )
        # Outside a test transaction the hire signal already made a plan: replace it by a known one
        # (an update of the app's own row where there is one, so no factory).
        FollowAlong.objects.update_or_create(
            employment=employment,
            defaults={"coach": coach, "organisation": organisation, "municipality": municipality},
        )
        FollowUpDue.objects.filter(employment=employment).delete()
        FollowUpDueFactory(
            employment=employment,
            sequence=1,
            label="nach 1 Woche",
            due_date=start + datetime.timedelta(days=7),
        )
        LanguageSupportNeedFactory(
            employment=employment,
            municipality=municipality,
            area="workplace",
            current_level="A2",
            target_level="B1",
            measure="berufssprachkurs",
        )
        SupportRequestFactory(
            employer_organisation=world.employer_profile.organisation,
            employment=employment,
            municipality=municipality,
            topic="language",
            message="Frage",
            due_date=today - datetime.timedelta(days=1),
            assigned_to=coach,
            **({"status": "answered", "answer": "ok", "answered_at": now} if i % 2 else {}),
        )
    for i, case in enumerate(cases):
        if i % 4 == 0:
            ReferralFactory(case=case, service=world.service, status=["sent", "accepted", "completed"][i % 3])
        if i % 4 == 1 and case.responsible_organisation_id != world.jobcenter.pk:
            HandoverFactory(
                case=case,
                kind=world.handover_kind,
                from_organisation=case.responsible_organisation,
                to_organisation=world.jobcenter,
                status="accepted",
                joint_appointment_at=now if i % 8 == 1 else None,
            )
    return cases
