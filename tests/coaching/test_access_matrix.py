"""Every URL of the coaching app × every role → the designed status.

302 = anonymous sent to the login (or a POST that did its work and redirected), 403 = the role
may never use the page, 404 = the object lies outside the user's scope (nobody learns it exists).
"""

from __future__ import annotations

import uuid

import pytest
from django.urls import reverse

from accounts.roles import Role
from coaching import services
from tests.clock import TODAY, berlin
from tests.coaching.helpers import handover_to_jobcenter
from tests.factories import CaseFactory, ServiceFactory, ServiceOrganisationFactory
from tests.fixtures.users import login_with_mfa, new_member

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]

ROLES = [
    "anonymous",
    "candidate",
    "case_manager",
    "coach",
    "coach_other_org",
    "coach_elsewhere",
    "volunteer",
    "volunteer_other",
    "employer",
    "employer_other",
    "employer_unverified",
    "chamber",
    "coordinator",
    "coordinator_responsible",
    "coordinator_elsewhere",
]


def _row(
    *,
    own,
    staff_other=404,
    coordinator=403,
    coordinator_elsewhere=None,
    coordinator_responsible=None,
    volunteer=403,
    volunteer_other=None,
    employer=403,
    employer_other=None,
    employer_unverified=403,
    coach_elsewhere=None,
    anonymous=302,
):
    """Statuses by role from a few choices; the rest is 403.

    Coordinators in three columns: of the municipality but not responsible for the case (metadata
    only, so the pages that consist of the case file answer 403), responsible for it (the assigned
    case manager of one of the person's cases: they read the file), and of another municipality (404).
    """
    return {
        "coordinator_responsible": coordinator
        if coordinator_responsible is None
        else coordinator_responsible,
        "anonymous": anonymous,
        "candidate": 403,
        "case_manager": own,
        "coach": own,
        "coach_other_org": staff_other,
        "coach_elsewhere": staff_other if coach_elsewhere is None else coach_elsewhere,
        "volunteer": volunteer,
        "volunteer_other": volunteer if volunteer_other is None else volunteer_other,
        "employer": employer,
        "employer_other": employer if employer_other is None else employer_other,
        "employer_unverified": employer_unverified,
        "chamber": 403,
        "coordinator": coordinator,
        "coordinator_elsewhere": coordinator if coordinator_elsewhere is None else coordinator_elsewhere,
    }


STAFF_EDIT = _row(own=200)
STAFF_POST = _row(own=302)

# name, kwargs key, method, expected
MATRIX = [
    ("home", None, "get", _row(own=200, staff_other=200, coordinator=200)),
    (
        "employment_detail",
        "employment",
        "get",
        _row(own=200, coordinator=403, coordinator_responsible=200, coordinator_elsewhere=404),
    ),
    ("follow_along_take", "employment", "post", STAFF_POST),
    # The responsible job coach is chosen by a case manager on the case or a coordinator of the
    # municipality; a job coach takes an employment over with follow_along_take instead.
    (
        "employment_coach",
        "employment",
        "get",
        {**_row(own=200, staff_other=403, coordinator=200, coordinator_elsewhere=404), "coach": 403},
    ),
    # The list of employments to change the coach of: the same people (a coordinator elsewhere sees
    # an empty list of their own municipality).
    (
        "employment_list",
        None,
        "get",
        {**_row(own=200, staff_other=403, coordinator=200), "coach": 403},
    ),
    # Job quality: only a job coach who may edit the employment (not the case manager, not a
    # coordinator; a coach of another organisation does not learn it exists).
    ("employment_quality", "employment", "get", {**STAFF_EDIT, "case_manager": 403}),
    ("follow_up_create", "employment", "get", STAFF_EDIT),
    ("language_need_create", "employment", "get", STAFF_EDIT),
    ("risk_create", "employment", "get", STAFF_EDIT),
    ("language_needs_overview", None, "get", _row(own=403, staff_other=403, coordinator=200)),
    ("language_need_status", "need", "post", STAFF_POST),
    ("risk_escalate", "risk", "post", STAFF_POST),
    ("risk_resolve", "risk", "get", STAFF_EDIT),
    ("support_request_list", None, "get", _row(own=200, staff_other=200, coordinator=200, employer=200)),
    ("support_request_create", None, "get", _row(own=403, staff_other=403, employer=200)),
    (
        "support_request_detail",
        "request",
        "get",
        _row(own=200, coordinator=200, coordinator_elsewhere=404, employer=200, employer_other=404),
    ),
    ("volunteer_home", None, "get", _row(own=403, staff_other=403, volunteer=200)),
    (
        "volunteer_assignment",
        "assignment",
        "get",
        _row(own=403, staff_other=403, volunteer=200, volunteer_other=404),
    ),
    (
        "case_detail",
        "case",
        "get",
        _row(own=200, coordinator=403, coordinator_responsible=200, coordinator_elsewhere=404),
    ),
    ("volunteer_assign", "case", "get", STAFF_EDIT),
    ("referral_create", "case", "get", STAFF_EDIT),
    # issue 14: the proposals for open needs hold the Art. 9 domains: the responsible staff only
    ("assessment_proposals", "case", "get", STAFF_EDIT),
    ("handover_create", "case", "get", STAFF_EDIT),
    ("referral_update", "referral", "post", STAFF_POST),
    ("handover_list", None, "get", _row(own=200, staff_other=200)),
    # The list's "new" action: every case staff member sees their own open cases (perhaps none).
    ("handover_start", None, "get", _row(own=200, staff_other=200)),
    ("handover_detail", "handover", "get", STAFF_EDIT),
    ("handover_item", "item", "post", STAFF_POST),
    ("handover_appointment", "handover", "post", STAFF_POST),
    # The sending side may not decide on its own handover; only the receiving organisation does.
    ("handover_decide", "handover", "get", _row(own=403)),
    ("service_list", None, "get", _row(own=200, staff_other=200, coordinator=200, volunteer=200)),
    ("service_create", None, "get", {**_row(own=403, staff_other=403, coordinator=200), "case_manager": 200}),
    # HSDS exchange of the directory (issue 17): coordinators only, each for their own municipality
    # (another municipality's directory by ?municipality= is 404: tests/coaching/test_hsds_views.py).
    ("hsds_export", None, "get", _row(own=403, staff_other=403, coordinator=200)),
    ("hsds_import", None, "get", _row(own=403, staff_other=403, coordinator=200)),
    (
        "service_detail",
        "service",
        "get",
        _row(
            own=200,
            staff_other=200,
            coach_elsewhere=404,
            coordinator=200,
            coordinator_elsewhere=404,
            volunteer=200,
        ),
    ),
    # The skills an offer teaches (issue 20): whoever may enter offers (case managers, coordinators),
    # each in their own municipality.
    (
        "service_skills",
        "service",
        "get",
        {**_row(own=403, staff_other=403, coordinator=200, coordinator_elsewhere=404), "case_manager": 200},
    ),
    # Editing, opening hours and deactivating an offer (issue 17): the coordinators of its own
    # municipality only; a coordinator elsewhere — even of a municipality it serves — gets 404.
    (
        "service_edit",
        "service",
        "get",
        _row(own=403, staff_other=403, coordinator=200, coordinator_elsewhere=404),
    ),
    (
        "service_hours",
        "service",
        "get",
        _row(own=403, staff_other=403, coordinator=200, coordinator_elsewhere=404),
    ),
    (
        "service_status",
        "service",
        "post",
        _row(own=403, staff_other=403, coordinator=302, coordinator_elsewhere=404),
    ),
    # The candidate's own pathway (issue 20): the candidate only; it reads their own case.
    ("my_pathway", None, "get", {**_row(own=403, staff_other=403), "candidate": 200}),
    # --- messages (issue 22): the candidate and their case staff; a volunteer only on their
    # assignment's conversation; employers, chambers and coordinators never.
    (
        "messages",
        None,
        "get",
        {**_row(own=200, staff_other=200, volunteer=200, coordinator=403), "candidate": 200},
    ),
    ("message_case", "case", "get", {**_row(own=200), "candidate": 200}),
    (
        "message_volunteer",
        "assignment",
        "get",
        {**_row(own=403, staff_other=403, volunteer=200, volunteer_other=404), "candidate": 200},
    ),
    ("message_file", "file", "get", {**_row(own=200, volunteer=404), "candidate": 200}),
    # --- the network level (issue 23): a barrier is flagged from a case by the staff who may change
    # it (another organisation's or municipality's case: 404); the counts are the coordinator's, each
    # of their own municipality (a coordinator elsewhere sees their own, never this one's).
    ("barrier_create", "case", "get", STAFF_EDIT),
    # issue 20: "Weg zum Zielberuf" on the case — the case staff who may change the plan; the goal
    # button posts to its own URL (an empty post: a message, nothing added, back to the page).
    ("pathway", "case", "get", STAFF_EDIT),
    ("pathway_goal", "case", "post", STAFF_POST),
    ("barrier_overview", None, "get", _row(own=403, staff_other=403, coordinator=200)),
    # Coordination rounds: the coordinators of the municipality run them; the case staff of a member
    # organisation read them (and mark their own actions done); everybody else never learns of them.
    ("round_list", None, "get", _row(own=200, staff_other=200, coordinator=200)),
    ("round_create", None, "get", _row(own=403, staff_other=403, coordinator=200)),
    ("round_detail", "round", "get", _row(own=200, coordinator=200, coordinator_elsewhere=404)),
    # The minutes as a PDF: exactly who may open the round's page.
    ("round_minutes_pdf", "round", "get", _row(own=200, coordinator=200, coordinator_elsewhere=404)),
    (
        "round_action_create",
        "round",
        "get",
        _row(own=403, staff_other=403, coordinator=200, coordinator_elsewhere=404),
    ),
    (
        "round_held",
        "round",
        "post",
        _row(own=403, staff_other=403, coordinator=302, coordinator_elsewhere=404),
    ),
    # Only the owner (the case manager) or a coordinator of the municipality marks an action done.
    (
        "round_action_done",
        "action",
        "post",
        {**_row(own=302, coordinator=302, coordinator_elsewhere=404), "coach": 404},
    ),
    # Cooperation agreements: the coordinators of the municipality only (a coordinator elsewhere sees
    # their own list and never learns of this one's agreements); case staff, volunteers, employers and
    # chambers never.
    ("agreement_list", None, "get", _row(own=403, staff_other=403, coordinator=200)),
    ("agreement_create", None, "get", _row(own=403, staff_other=403, coordinator=200)),
    (
        "agreement_detail",
        "agreement",
        "get",
        _row(own=403, staff_other=403, coordinator=200, coordinator_elsewhere=404),
    ),
    (
        "agreement_edit",
        "agreement",
        "get",
        _row(own=403, staff_other=403, coordinator=200, coordinator_elsewhere=404),
    ),
    (
        "agreement_end",
        "agreement",
        "post",
        _row(own=403, staff_other=403, coordinator=302, coordinator_elsewhere=404),
    ),
    # Practice shared between municipalities (issue 23 §4): the coordinators of the municipality write
    # its templates; its case managers and job coaches (any organisation of it) read them; a
    # coordinator elsewhere reads and imports a template only while it is shared (an unshared one is
    # 404, and so is importing one's own); staff elsewhere never see it; nobody else gets in.
    ("practice_list", None, "get", _row(own=200, staff_other=200, coordinator=200)),
    ("practice_create", None, "get", _row(own=403, staff_other=403, coordinator=200)),
    (
        "practice_detail",
        "practice",
        "get",
        _row(own=200, staff_other=200, coach_elsewhere=404, coordinator=200, coordinator_elsewhere=404),
    ),
    (
        "practice_detail",
        "practice_shared",
        "get",
        _row(own=200, staff_other=200, coach_elsewhere=404, coordinator=200, coordinator_elsewhere=200),
    ),
    (
        "practice_edit",
        "practice_shared",
        "get",
        _row(own=403, staff_other=403, coordinator=200, coordinator_elsewhere=404),
    ),
    (
        "practice_share",
        "practice",
        "post",
        _row(own=403, staff_other=403, coordinator=302, coordinator_elsewhere=404),
    ),
    (
        "practice_unshare",
        "practice_shared",
        "post",
        _row(own=403, staff_other=403, coordinator=302, coordinator_elsewhere=404),
    ),
    (
        "practice_import",
        "practice_shared",
        "post",
        _row(own=403, staff_other=403, coordinator=404, coordinator_elsewhere=302),
    ),
    (
        "practice_import",
        "practice",
        "post",
        _row(own=403, staff_other=403, coordinator=404, coordinator_elsewhere=404),
    ),
    # --- reporting discrimination (issue 15 §3): candidates, case staff and volunteers report (each
    # for their own municipality); a named report's text is read by its writer (the candidate) and the
    # staff responsible for her case only; coordinators count; no employer or chamber ever gets in,
    # not even the business the report names ("employer" is that business here).
    ("discrimination_list", None, "get", {**_row(own=200, staff_other=200, volunteer=200), "candidate": 200}),
    (
        "discrimination_report",
        None,
        "get",
        {**_row(own=200, staff_other=200, volunteer=200), "candidate": 200},
    ),
    (
        "discrimination_detail",
        "discrimination",
        "get",
        {**_row(own=200, volunteer=404), "candidate": 200},
    ),
    ("discrimination_overview", None, "get", _row(own=403, staff_other=403, coordinator=200)),
    # The counselling service's signed link: the link is the authority (no login), for anybody holding it.
    (
        "discrimination_referral",
        "discrimination_link",
        "get",
        dict.fromkeys(ROLES, 200),
    ),
    # The receiving provider's signed link of a referral (issue 17): likewise the link is the authority.
    ("referral_answer", "referral_link", "get", dict.fromkeys(ROLES, 200)),
]


@pytest.fixture
def objects(world, language_school):
    assignment = services.volunteer_assign(
        candidate=world.candidate,
        volunteer=world.people["volunteer"],
        actor=world.case_manager,
        focus="language",
    )
    need = services.language_need_create(
        employment=world.employment,
        actor=world.coach,
        token=uuid.uuid4(),
        area="workplace",
        current_level="A2",
        target_level="B1",
        measure="berufssprachkurs",
        provider=None,
        status="open",
        funding="unclear",
        note="",
    )
    risk = services.risk_raise(
        employment=world.employment, actor=world.coach, kind="conflict", severity="low", token=uuid.uuid4()
    )
    request = services.support_request_create(
        actor=world.people["employer"],
        organisation=world.employer_org,
        employment=world.employment,
        topic="tasks",
        message="Frage",
        token=uuid.uuid4(),
    )
    referral = services.referral_create(case=world.case, service=language_school, actor=world.case_manager)
    handover = handover_to_jobcenter(world)
    # A coordinator who is also the assigned case manager of (another) case of the same person.
    responsible = new_member(Role.COORDINATOR, municipality=world.municipality)
    CaseFactory(responsible_organisation=world.office, candidate=world.candidate, case_manager=responsible)
    world.people["coordinator_responsible"] = responsible
    from coaching import message_selectors, message_services
    from tests.coaching.helpers import png_upload

    message = message_services.message_send(
        conversation=message_selectors.case_conversation(user=world.case_manager, case_pk=world.case.pk),
        author=world.case_manager,
        body="Bitte Zeugnis mitbringen",
        attachment=png_upload(),
        kind="image/png",
    )
    from coaching import barrier_services

    network = barrier_services.round_create(
        actor=world.coordinator,
        municipality_id=world.municipality.pk,
        name="Bündniskerngruppe",
        kind="core_group",
        members=[world.office],
    )
    action = barrier_services.round_action_create(
        coordination_round=network,
        actor=world.coordinator,
        text="Kita-Plätze mit dem Jugendamt klären",
        owner=world.case_manager,
        deadline=TODAY,
    )
    from coaching import agreement_services

    agreement = agreement_services.agreement_create(
        actor=world.coordinator,
        municipality_id=world.municipality.pk,
        title="Kooperationsvereinbarung Übergang",
        purpose="Übergaben",
        partners=[world.office],
        signed_on=TODAY,
    )
    from coaching.discrimination_selectors import reporter_of
    from coaching.discrimination_services import referral_token, report_create
    from coaching.referral_services import referral_answer_token

    counselling = ServiceFactory(
        organisation=ServiceOrganisationFactory(municipality=world.municipality, name="ADB"),
        municipality=world.municipality,
        name="Antidiskriminierungsberatung",
        category="anti_discrimination",
        email="adb@example.org",
    )
    report = report_create(
        actor=world.people["candidate"],
        reporter=reporter_of(user=world.people["candidate"]),
        setting="business",
        occurred_on=TODAY,
        description="Beim Vorstellungsgespräch abgewiesen",
        business=world.employer_org,
        refer_to=counselling,
        consent=True,
    )
    from coaching import practice_services

    practice = practice_services.practice_create(
        actor=world.coordinator,
        municipality_id=world.municipality.pk,
        kind="handover_checklist",
        title="Übergabe-Checkliste",
        items=["Bescheid liegt vor"],
    )
    practice_shared = practice_services.practice_create(
        actor=world.coordinator,
        municipality_id=world.municipality.pk,
        kind="event_format",
        title="Speed-Dating Handwerk",
        items=["Betriebe einladen"],
    )
    practice_services.practice_share(template=practice_shared, actor=world.coordinator)
    return {
        "practice": {"pk": practice.pk},
        "practice_shared": {"pk": practice_shared.pk},
        "discrimination": {"pk": report.pk},
        "discrimination_link": {"token": referral_token(referral=report.referrals.get())},
        "round": {"pk": network.pk},
        "agreement": {"pk": agreement.pk},
        "action": {"pk": action.pk},
        "file": {"pk": message.pk},
        "employment": {"pk": world.employment.pk},
        "need": {"pk": need.pk},
        "risk": {"pk": risk.pk},
        "request": {"pk": request.pk},
        "assignment": {"pk": assignment.pk},
        "case": {"case_pk": world.case.pk},
        "referral": {"pk": referral.pk},
        "referral_link": {"token": referral_answer_token(referral=referral)},
        "handover": {"pk": handover.pk},
        "item": {"pk": handover.pk, "item_pk": handover.items.first().pk},
        "service": {"pk": language_school.pk},
    }


POST_DATA = {
    "language_need_status": {"status": "planned"},
    "referral_update": {"status": "accepted", "outcome": ""},
    "handover_item": {"done": "1"},
    # The morning of the frozen day (frozen_today: noon): an appointment that has taken place.
    "handover_appointment": {"joint_appointment_at": berlin(TODAY, 9).strftime("%Y-%m-%dT%H:%M")},
    "round_held": {"held_on": TODAY.isoformat()},
    "service_status": {"active": "1"},
}


def test_matrix_covers_every_url_of_the_app():
    from coaching.urls import urlpatterns

    assert {p.name for p in urlpatterns} == {name for name, *_ in MATRIX}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "key", "method", "expected"), MATRIX, ids=[m[0] for m in MATRIX])
def test_access(world, objects, client, role, name, key, method, expected):
    if role != "anonymous":
        login_with_mfa(client, world.people[role])
    url = reverse(f"coaching:{name}", kwargs=objects[key] if key else None)
    response = client.post(url, POST_DATA.get(name, {})) if method == "post" else client.get(url)
    assert response.status_code == expected[role], f"{role} {method.upper()} {url}"
    if role == "anonymous" and response.status_code == 302:
        assert "/login" in response["Location"] or "/accounts/" in response["Location"]
