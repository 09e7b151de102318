"""Every URL of the employers app × every role, with the designed status code.

302 = anonymous sent to the login (or a successful POST redirect), 403 = the role never uses this
page, 404 = the object exists but lies outside the user's scope.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from employers.models import Employment, Introduction, SpeedDatingCandidate
from employers.services import acquisition_token
from organisations.models import OrganisationKind
from tests.factories import (
    CaseFactory,
    EmploymentFactory,
    IntroductionFactory,
    OrganisationFactory,
    PlacementAcquisitionFactory,
    SavedSearchFactory,
    ShortlistEntryFactory,
    SpeedDatingBusinessFactory,
    SpeedDatingCandidateFactory,
    SpeedDatingFactory,
    SpeedDatingMeetingFactory,
    make_candidate,
    make_placement,
    make_profile,
)

ROLES = [
    "anonymous",
    "candidate",
    "case_manager",
    "job_coach",
    "volunteer",
    "employer_own",
    "employer_other_org",
    "employer_elsewhere",
    "unverified_employer",
    "chamber_editor",
    "coordinator",
    "employer_service",
]

# url name → (method, {role: status}); roles not named get `default`.
EMPLOYER_ONLY = {"employer_own": 200, "employer_other_org": 200, "employer_elsewhere": 200}
OWN_ONLY = {"employer_own": 200, "employer_other_org": 404, "employer_elsewhere": 404}
OWN_ONLY_POST = {"employer_own": 302, "employer_other_org": 404, "employer_elsewhere": 404}
ORGANISERS = {"case_manager": 200, "coordinator": 200}
ORGANISERS_POST = {"case_manager": 302, "coordinator": 302}
BUSINESS_STAFF = {"case_manager": 200, "job_coach": 200, "coordinator": 200, "employer_service": 200}
BUSINESS_STAFF_POST = dict.fromkeys(BUSINESS_STAFF, 302)

MATRIX: dict[str, tuple[str, dict[str, int], int]] = {
    "home": ("get", {**EMPLOYER_ONLY, "unverified_employer": 200}, 403),
    "register": (
        "get",
        {
            "employer_own": 302,
            "employer_other_org": 302,
            "employer_elsewhere": 302,
            "unverified_employer": 302,
        },
        403,
    ),
    "verification_list": ("get", {"chamber_editor": 200, "coordinator": 200}, 403),
    "verification_decide": ("post", {"chamber_editor": 302, "coordinator": 302}, 403),
    "placement_create": ("get", EMPLOYER_ONLY, 403),
    # Case staff record placements they found with businesses (issue 14) and use the same fragment.
    "placement_skill_suggestions": (
        "get",
        {**EMPLOYER_ONLY, "case_manager": 200, "job_coach": 200, "employer_service": 200},
        403,
    ),
    "placement_detail": ("get", OWN_ONLY, 403),
    "placement_edit": ("get", OWN_ONLY, 403),
    "placement_matches": ("get", OWN_ONLY, 403),
    "shortlist_add": ("post", OWN_ONLY_POST, 403),
    "shortlist_remove": ("post", OWN_ONLY_POST, 403),
    "browse": ("get", EMPLOYER_ONLY, 403),
    "browse_export": ("get", EMPLOYER_ONLY, 403),
    # The listed candidate lives in the team's municipality: an employer elsewhere cannot reach them.
    "select_candidate": (
        "get",
        {"employer_own": 200, "employer_other_org": 200, "employer_elsewhere": 404},
        403,
    ),
    "saved_search_create": (
        "post",
        {"employer_own": 302, "employer_other_org": 302, "employer_elsewhere": 302},
        403,
    ),
    "saved_search_delete": ("post", OWN_ONLY_POST, 403),
    "introduction_detail": ("get", OWN_ONLY, 403),
    "introduction_action": ("post", OWN_ONLY_POST, 403),
    # The candidate themself and the case manager responsible for their case; a job coach of another
    # organisation does not reach this candidate.
    # A coordinator answers only what was escalated to them (tests/employers/test_introduction_escalation.py).
    "introduction_answer": (
        "post",
        {"candidate": 302, "case_manager": 302, "job_coach": 404, "coordinator": 404},
        403,
    ),
    "my_introductions": ("get", {"candidate": 200}, 403),
    "staff_introductions": ("get", {"case_manager": 200, "job_coach": 200, "coordinator": 200}, 403),
    # The old address of the notices leads everyone to the one inbox (tests/notifications).
    "notifications": ("get", {}, 301),
    # The employer's own staff and the candidate's case manager end an employment; nobody else reaches it.
    "employment_end": ("post", {**OWN_ONLY_POST, "case_manager": 302, "job_coach": 404}, 403),
    # "Jobs for me": the candidate's own page; staff who read that candidate's file (case manager of the
    # case) open it for them; a job coach of another organisation does not. A coordinator of the
    # municipality sees the case metadata only, not the profile a match is made of (issue 11): 403.
    "my_jobs": ("get", {"candidate": 200}, 403),
    "candidate_jobs": ("get", {"candidate": 200, "case_manager": 200, "job_coach": 404}, 403),
    # "Interessiert mich" on one of the person's own jobs: the candidate only.
    "job_interest": ("post", {"candidate": 302}, 403),
    # Proposing: the case manager of the person's case; the person themself may open their jobs but
    # not propose (403); a job coach of another organisation does not reach the person (404).
    "propose": ("post", {"case_manager": 302, "job_coach": 404}, 403),
    # Placements found by case staff (issue 14): their team's list and form; the found placement
    # belongs to the case manager's organisation, so a job coach of another organisation gets 404.
    # The Jobcenter's employer service (Arbeitgeber-Service) finds placements too.
    "acquisition_list": ("get", {"case_manager": 200, "job_coach": 200, "employer_service": 200}, 403),
    "acquisition_create": ("get", {"case_manager": 200, "job_coach": 200, "employer_service": 200}, 403),
    "acquisition_resend": ("post", {"case_manager": 302, "job_coach": 404, "employer_service": 404}, 403),
    # The business's signed link: no login, everybody holding it sees the placement.
    "acquisition_confirm": ("get", {"anonymous": 200}, 200),
    # Speed dating (issue 15): the municipality's coordinators and case managers organise it; another
    # municipality's session is a 404 (tests/employers/test_speed_dating.py). Inviting and turning an
    # outcome into an introduction is for the person's case manager only (the coordinator: 403).
    "speed_dating_list": ("get", ORGANISERS, 403),
    "speed_dating_create": ("get", ORGANISERS, 403),
    "speed_dating_detail": ("get", ORGANISERS, 403),
    "speed_dating_business_add": ("post", ORGANISERS_POST, 403),
    "speed_dating_propose": ("post", ORGANISERS_POST, 403),
    "speed_dating_decide": ("post", {"case_manager": 302}, 403),
    "speed_dating_schedule": ("post", ORGANISERS_POST, 403),
    "speed_dating_outcome": ("post", ORGANISERS_POST, 403),
    "speed_dating_introduce": ("post", {"case_manager": 302}, 403),
    # The invited person's own page and calendar file.
    "my_speed_dating": ("get", {"candidate": 200}, 403),
    "my_speed_dating_ics": ("get", {"candidate": 200}, 403),
    # The shared company record (issue 15 §1; the full matrix with chambers' members and the other
    # municipality: tests/employers/test_business_access.py). No chamber membership here: 404.
    "business_list": ("get", {**BUSINESS_STAFF, "chamber_editor": 200}, 403),
    "business_create": ("get", BUSINESS_STAFF, 403),
    "business_detail": ("get", {**BUSINESS_STAFF, "chamber_editor": 404}, 403),
    "business_log": ("post", {**BUSINESS_STAFF_POST, "chamber_editor": 404}, 403),
    "business_contact_add": ("post", {**BUSINESS_STAFF_POST, "chamber_editor": 404}, 403),
    "business_relation_edit": ("post", {**BUSINESS_STAFF_POST, "chamber_editor": 404}, 403),
    "business_merge": ("get", {"coordinator": 200, "employer_service": 200, "chamber_editor": 404}, 403),
    "business_registration_link": ("post", {**BUSINESS_STAFF_POST, "chamber_editor": 404}, 403),
    # The business's side of a speed dating: every verified employer (each sees only its own tables,
    # tests/employers/test_speed_dating.py); an unverified one and every other role: 403.
    "employer_speed_dating": ("get", EMPLOYER_ONLY, 403),
}


@pytest.fixture
def world(team, employer, cook_taxonomy, municipality):
    """One of everything, owned by the employer team's own organisation."""
    teams = {
        name: team(name)
        for name in (
            "candidate",
            "case_manager",
            "job_coach",
            "volunteer",
            "unverified_employer",
            "chamber_editor",
            "coordinator",
            "employer_service",
        )
    }
    profile = make_profile(employer.organisation)
    placement = make_placement(profile, cook_taxonomy.cook)
    candidate = make_candidate(municipality, occupation=cook_taxonomy.cook, user=teams["candidate"].own)
    case_manager = teams["case_manager"]
    CaseFactory(
        candidate=candidate,
        municipality=municipality,
        responsible_organisation=case_manager.organisation,
        case_manager=case_manager.own,
    )
    intro = IntroductionFactory(placement=placement, candidate=candidate, created_by=employer.own)
    entry = ShortlistEntryFactory(placement=placement, candidate=candidate, added_by=employer.own)
    search = SavedSearchFactory(user=employer.own, name="Köche", query="german=B1")
    pending = OrganisationFactory(municipality=municipality, kind=OrganisationKind.EMPLOYER, unverified=True)
    users = {
        "anonymous": None,
        "employer_own": employer.own,
        "employer_other_org": employer.outsider,
        "employer_elsewhere": employer.elsewhere,
        **{name: t.own for name, t in teams.items()},
    }
    args = {
        "verification_decide": [pending.pk],
        "placement_detail": [placement.pk],
        "placement_edit": [placement.pk],
        "placement_matches": [placement.pk],
        "shortlist_add": [placement.pk],
        "shortlist_remove": [placement.pk, entry.pk],
        "select_candidate": [candidate.public_ref],
        "saved_search_delete": [search.pk],
        "introduction_detail": [intro.reference],
        "introduction_action": [intro.reference, "offer"],
        "introduction_answer": [intro.reference],
        "candidate_jobs": [candidate.pk],
    }
    data = {
        "verification_decide": {"decision": "verify"},
        "shortlist_add": {"candidate": candidate.public_ref, "note": "x"},
        "saved_search_create": {"name": "Suche", "query": "german=A2"},
        "introduction_answer": {"answer": "decline"},
        "introduction_action": {"note": ""},
    }
    # The offer needs an accepted introduction; accept it without the pipeline (the matrix tests access).
    Introduction.objects.filter(pk=intro.pk).update(stage=Introduction.Stage.ACCEPTED)
    answer_intro = IntroductionFactory(
        placement=make_placement(profile, cook_taxonomy.cook, title="Zweite Stelle"),
        candidate=candidate,
    )
    args["introduction_answer"] = [answer_intro.reference]
    free = make_placement(profile, cook_taxonomy.cook, title="Dritte Stelle")
    args["job_interest"] = [free.pk]
    args["propose"] = [candidate.pk, free.pk]
    data["propose"] = {"agreed": "on"}
    employment = EmploymentFactory(
        candidate=candidate, employer=profile, placement=placement, start_date=date(2025, 3, 1)
    )
    found = PlacementAcquisitionFactory(
        placement=make_placement(profile, cook_taxonomy.cook, title="Gefunden", status="draft"),
        found_by_organisation=case_manager.organisation,
        created_by=case_manager.own,
        sent_to="chefin@betrieb.example",
    )
    args["acquisition_resend"] = [found.pk]
    args["acquisition_confirm"] = [found.placement_id, acquisition_token(acquisition=found)]
    args["employment_end"] = [employment.reference]
    data["employment_end"] = {"end_date": "2025-06-30", "end_reason": "mutual"}
    session = SpeedDatingFactory(
        municipality=municipality,
        title="Speed-Dating",
        starts_at=timezone.now() + timedelta(days=7),
        place="Rathaus",
    )
    business = SpeedDatingBusinessFactory(session=session, employer=profile)
    business.placements.add(placement)
    participant = SpeedDatingCandidateFactory(
        session=session, candidate=candidate, status=SpeedDatingCandidate.Status.INVITED
    )
    meeting = SpeedDatingMeetingFactory(
        session=session,
        round=1,
        table=1,
        business=business,
        participant=participant,
        placement=placement,
        score=0.8,
    )
    for name in (
        "speed_dating_detail",
        "speed_dating_business_add",
        "speed_dating_propose",
        "speed_dating_schedule",
    ):
        args[name] = [session.pk]
    args["speed_dating_decide"] = [session.pk, participant.pk]
    args["speed_dating_outcome"] = args["speed_dating_introduce"] = [session.pk, meeting.pk]
    args["my_speed_dating_ics"] = [participant.pk]
    data["speed_dating_business_add"] = {"placement": free.pk, "tables": "2"}
    data["speed_dating_decide"] = {"decision": "invite"}
    data["speed_dating_outcome"] = {"candidate_interest": "yes", "business_interest": "no"}
    business_pk = employer.organisation.pk
    for name in (
        "business_detail",
        "business_log",
        "business_contact_add",
        "business_relation_edit",
        "business_merge",
    ):
        args[name] = [business_pk]
    # No such registration: the link is refused with a message (a redirect), nothing else happens.
    args["business_registration_link"] = [business_pk, 999999]
    data["business_log"] = {"kind": "call", "happened_on": "2026-02-01"}
    data["business_contact_add"] = {"name": "Petra Pohl", "preferred_channel": "phone"}
    data["business_relation_edit"] = {"partner_level": "active"}
    return users, args, data


@pytest.mark.parametrize("url_name", list(MATRIX))
@pytest.mark.parametrize("role", ROLES)
def test_access_matrix(world, signed_in, role, url_name):
    users, args, data = world
    method, statuses, default = MATRIX[url_name]
    expected = statuses.get("anonymous", 302) if role == "anonymous" else statuses.get(role, default)
    user = users[role]
    client = Client() if user is None else signed_in(user)
    url = reverse(f"employers:{url_name}", args=args.get(url_name, []))
    response = client.post(url, data.get(url_name, {})) if method == "post" else client.get(url)
    assert response.status_code == expected, f"{role} {method.upper()} {url}"
    if role == "anonymous" and expected == 302:
        assert "/accounts/login/" in response["Location"]


def test_every_url_of_the_app_is_in_the_matrix():
    from django.urls import get_resolver

    names = {p.name for p in get_resolver("employers.urls").url_patterns if getattr(p, "name", None)}
    assert names == set(MATRIX)


# Candidates and introductions are named by random references; their database ids lead nowhere, for
# every role (own employer, another organisation, another municipality, the candidate, case staff).
ID_ROUTES = {
    "select_candidate": "/app/employers/candidates/{candidate}/select/",
    "introduction_detail": "/app/employers/introductions/{intro}/",
    "introduction_action": "/app/employers/introductions/{intro}/offer/",
    "introduction_answer": "/app/employers/introductions/{intro}/answer/",
    "employment_end": "/app/employers/employments/{employment}/end/",
}


@pytest.mark.parametrize("url_name", list(ID_ROUTES))
@pytest.mark.parametrize("role", ROLES)
def test_database_ids_are_no_address(world, signed_in, role, url_name):
    users, args, data = world
    intro = Introduction.objects.get(reference=args["introduction_detail"][0])
    employment = Employment.objects.get(reference=args["employment_end"][0])
    path = ID_ROUTES[url_name].format(candidate=intro.candidate_id, intro=intro.pk, employment=employment.pk)
    assert reverse(f"employers:{url_name}", args=args[url_name]) != path
    user = users[role]
    client = Client() if user is None else signed_in(user)
    before = list(Introduction.objects.order_by("pk").values_list("pk", "stage"))
    method, _statuses, _default = MATRIX[url_name]
    response = client.post(path, data.get(url_name, {})) if method == "post" else client.get(path)
    assert response.status_code == 404, f"{role} {path}"
    assert list(Introduction.objects.order_by("pk").values_list("pk", "stage")) == before
    employment.refresh_from_db()
    assert employment.is_running
