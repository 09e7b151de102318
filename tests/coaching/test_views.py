"""Pages as a user meets them: caseload with constant queries, quick entry with bad input kept,
replayed posts, the employer's request round trip, the coordinator's figures and grouped needs."""

from __future__ import annotations

import datetime
import re
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from coaching import services
from coaching.models import FollowUp, FollowUpDue, LanguageSupportNeed, SupportRequest
from organisations.kept_page import forget_pages
from tests.clock import TODAY
from tests.factories import (
    CaseFactory,
    HandoverFactory,
    OrganisationFactory,
    RiskFlagFactory,
    SupportRequestFactory,
    make_employment,
)

# Dates are built from TODAY: the clock stands at noon in Berlin that day (tests/clock.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]


def _more_employments(world, n: int) -> None:
    for i in range(n):
        case = CaseFactory(
            responsible_organisation=world.office,
            candidate__municipality=world.municipality,
            case_manager=world.case_manager,
        )
        employer = OrganisationFactory(municipality=world.municipality, kind="employer", name=f"Betrieb {i}")
        employment = make_employment(case, employer, start=TODAY - datetime.timedelta(days=30 * (i + 1)))
        services.follow_along_start(employment_id=employment.pk)
        services.risk_raise(
            employment=employment, actor=world.coach, kind="health", severity="low", token=uuid.uuid4()
        )


def test_caseload_shows_due_follow_ups_and_costs_the_same_queries_for_more_cases(
    world, signed_in, django_assert_max_num_queries
):
    client = signed_in(world.coach)
    client.get(reverse("coaching:home"))  # warm caches (sessions, content types)
    forget_pages()  # a drawing is measured, not the kept page (organisations.kept_page)
    with django_assert_max_num_queries(30) as few:
        response = client.get(reverse("coaching:home"))
    assert response.status_code == 200
    assert world.candidate.full_name in response.content.decode()
    assert "überfällig" in response.content.decode()
    _more_employments(world, 8)
    with django_assert_max_num_queries(len(few.captured_queries)) as many:
        response = client.get(reverse("coaching:home"))
    assert response.content.decode().count("Betrieb ") >= 8
    print(f"caseload queries: {len(few.captured_queries)} with 1 case, {len(many.captured_queries)} with 9")


def test_the_caseload_comes_25_a_page_overdue_first_with_every_employment_counted(world, signed_in):
    _more_employments(world, 26)  # 27 in all, started 1 to 26 months ago
    client = signed_in(world.coach)
    first = client.get(reverse("coaching:home")).content.decode().split('id="h-caseload"')[1]
    assert "Meine Begleitungen (27)" in first and "Seite 1 von 2" in first
    second = client.get(reverse("coaching:home") + "?seite=2").content.decode().split('id="h-caseload"')[1]
    assert "Seite 2 von 2" in second
    tables = [page.split("<tbody>")[1].split("</tbody>")[0] for page in (first, second)]
    lines = [line for table in tables for line in table.split("</tr>")[:-1]]
    assert [table.count("<tr>") for table in tables] == [25, 2]
    shown = [re.search(r"/employments/(\d+)/", line).group(1) for line in lines]
    assert len(set(shown)) == 27  # every employment on one of the pages, none twice
    overdue = ["(überfällig)" in line for line in lines]
    assert any(overdue) and overdue == sorted(overdue, reverse=True)  # overdue first, across pages


@pytest.mark.parametrize(
    ("asked", "shown", "lines"),
    [
        ("9", "Seite 2 von 2", 2),
        ("abc", "Seite 1 von 2", 25),
        ("0", "Seite 2 von 2", 2),
        ("", "Seite 1 von 2", 25),
    ],
)
def test_a_caseload_page_out_of_range_or_not_a_number_shows_a_page_of_it(
    world, signed_in, asked, shown, lines
):
    _more_employments(world, 26)  # 27 in all
    client = signed_in(world.coach)
    page = client.get(reverse("coaching:home"), {"seite": asked}).content.decode().split('id="h-caseload"')[1]
    assert "Meine Begleitungen (27)" in page and shown in page
    assert page.split("<tbody>")[1].split("</tbody>")[0].count("<tr>") == lines


@pytest.mark.parametrize(("asked", "statements"), [("1", 1), ("2", 1), ("9", 3), ("abc", 1)])
def test_the_caseload_page_asked_for_is_counted_by_the_statement_that_reads_it(
    world, asked, statements, django_assert_num_queries
):
    """Every kept serve of the coach's home page runs its statements again: a page in range is one
    statement (its lines and the count of all), a page past the end is counted on its own and the
    last page read."""
    from coaching import selectors

    _more_employments(world, 26)  # 27 in all
    coach = type(world.coach).objects.get(pk=world.coach.pk)
    selectors.caseload_page(user=coach, page=asked)  # compiled once per worker (organisations.kept)
    with django_assert_num_queries(statements) as ran:
        page = selectors.caseload_page(user=coach, page=asked)
    assert page.paginator.count == 27
    assert len(page.object_list) == (2 if page.number == 2 else 25)
    caseload = [q["sql"] for q in ran.captured_queries if "coaching_followalong" in q["sql"]]
    assert len(caseload) == statements and "OVER ()" in caseload[-1]


def test_coordinator_sees_cases_per_coach_and_retention_with_constant_queries(
    world, signed_in, django_assert_max_num_queries
):
    client = signed_in(world.coordinator)
    client.get(reverse("coaching:home"))
    forget_pages()  # a drawing is measured, not the kept page (organisations.kept_page)
    with django_assert_max_num_queries(30) as few:
        client.get(reverse("coaching:home"))
    _more_employments(world, 8)
    # Five began more than 91 days ago (120…240 days); the oldest ended after 20 days.
    from employers.models import Employment

    ended = Employment.objects.order_by("start_date").first()
    ended.end_reason, ended.end_date = "probation", ended.start_date + datetime.timedelta(days=20)
    ended.save()
    with django_assert_max_num_queries(len(few.captured_queries)) as many:
        response = client.get(reverse("coaching:home"))
    page = response.content.decode()
    assert "Jonas Coach: 8" in page
    three, six, twelve = response.context["figures"]["retention"]
    assert (three.eligible, three.retained, three.percent) == (5, 4, 80)
    assert (six.eligible, six.retained) == (2, 1)
    assert (twelve.eligible, twelve.percent) == (0, None)
    print(f"coordinator queries: {len(few.captured_queries)} / {len(many.captured_queries)}")


def test_follow_up_quick_entry_keeps_input_on_a_bad_date_and_saves_once(world, signed_in):
    client = signed_in(world.coach)
    url = reverse("coaching:follow_up_create", args=[world.employment.pk])
    form = client.get(url).context["form"]
    token = form.initial["token"]
    too_early = (world.employment.start_date - datetime.timedelta(days=3)).isoformat()
    data = {
        "token": token,
        "date": too_early,
        "mode": "workplace",
        "with_whom": "both",
        "topics": ["exam"],
        "notes": "Prüfungsangst besprochen",
        "place": "Backstube",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "vor dem Beginn der Beschäftigung" in page
    assert "Prüfungsangst besprochen" in page and "Backstube" in page
    assert not FollowUp.objects.exists()
    data["date"] = TODAY.isoformat()
    assert client.post(url, data).status_code == 302
    replay = client.post(url, data)
    assert "bereits gespeichert" in replay.content.decode()
    assert FollowUp.objects.count() == 1


def test_tampered_ids_are_404(world, signed_in):
    client = signed_in(world.coach)
    assert client.get(reverse("coaching:follow_up_create", args=[999999])).status_code == 404
    assert client.post(reverse("coaching:risk_escalate", args=[999999])).status_code == 404


def test_language_need_form_refuses_target_below_current_and_keeps_input(world, signed_in):
    client = signed_in(world.coach)
    url = reverse("coaching:language_need_create", args=[world.employment.pk])
    token = client.get(url).context["form"].initial["token"]
    response = client.post(
        url,
        {
            "token": token,
            "area": "exam",
            "current_level": "B2",
            "target_level": "B1",
            "measure": "volunteer_tutoring",
            "funding": "free",
            "status": "open",
            "note": "Abschlussprüfung Juni",
        },
    )
    assert "Zielniveau muss über dem jetzigen" in response.content.decode()
    assert "Abschlussprüfung Juni" in response.content.decode()
    assert not LanguageSupportNeed.objects.exists()


def test_coordinator_plans_courses_from_needs_grouped_by_measure_and_place(
    world, signed_in, django_assert_max_num_queries
):
    for current, target in [("A2", "B1"), ("B1", "B2")]:
        services.language_need_create(
            employment=world.employment,
            actor=world.coach,
            token=uuid.uuid4(),
            area="workplace",
            current_level=current,
            target_level=target,
            measure="berufssprachkurs",
            provider=None,
            status="open",
            funding="bamf",
            note="",
        )
    client = signed_in(world.coordinator)
    client.get(reverse("coaching:language_needs_overview"))
    with django_assert_max_num_queries(12):
        response = client.get(reverse("coaching:language_needs_overview"))
    rows = response.context["by_measure"]["Berufssprachkurs (DeuFöV)"]
    assert [(r["place"], r["n"], r["lowest"], r["highest"]) for r in rows] == [("Dortmund", 2, "A2", "B2")]


def test_employer_asks_coach_answers_employer_sees_the_answer(world, signed_in):
    employer = signed_in(world.people["employer"])
    form = employer.get(reverse("coaching:support_request_create")).context["form"]
    response = employer.post(
        reverse("coaching:support_request_create"),
        {
            "token": form.initial["token"],
            "organisation": world.employer_org.pk,
            "employment": world.employment.pk,
            "topic": "language",
            "message": "Wie erklären wir die Hygieneregeln?",
        },
    )
    request = SupportRequest.objects.get()
    assert response.status_code == 302 and request.assigned_to == world.coach
    coach = signed_in(world.coach)
    coach.post(reverse("coaching:support_request_detail", args=[request.pk]), {"answer": "Mit Bildkarten."})
    page = employer.get(reverse("coaching:support_request_detail", args=[request.pk])).content.decode()
    assert "Mit Bildkarten." in page and "beantwortet" in page
    # The employer cannot answer their own request.
    assert (
        employer.post(
            reverse("coaching:support_request_detail", args=[request.pk]), {"answer": "x"}
        ).status_code
        == 403
    )


def test_employer_cannot_ask_about_another_companys_employee(world, signed_in):
    other = signed_in(world.people["employer_other"])
    form = other.get(reverse("coaching:support_request_create")).context["form"]
    org = world.people["employer_other"].memberships.get().organisation
    response = other.post(
        reverse("coaching:support_request_create"),
        {
            "token": form.initial["token"],
            "organisation": org.pk,
            "employment": world.employment.pk,
            "topic": "other",
            "message": "?",
        },
    )
    assert response.status_code == 200 and not SupportRequest.objects.exists()


def test_volunteer_sees_only_consented_fields(world, signed_in):
    assignment = services.volunteer_assign(
        candidate=world.candidate,
        volunteer=world.people["volunteer"],
        actor=world.case_manager,
        focus="language",
    )
    page = (
        signed_in(world.people["volunteer"])
        .get(reverse("coaching:volunteer_assignment", args=[assignment.pk]))
        .content.decode()
    )
    assert world.candidate.first_name in page
    assert world.candidate.phone not in page and world.candidate.email not in page
    assert "1990" not in page  # no birth date


def test_handover_to_the_same_organisation_is_a_form_error(world, signed_in):
    client = signed_in(world.case_manager)
    from tests.coaching.helpers import handover_kind

    response = client.post(
        reverse("coaching:handover_create", args=[world.case.pk]),
        {"kind": handover_kind().pk, "to_organisation": world.office.pk, "note": "Bitte übernehmen"},
    )
    assert response.status_code == 200
    # The responsible organisation is not among the choices (issue 11: the list offers only what
    # may be named), so the answer is the form's own error, with the input kept.
    assert "kann den Fall nicht übernehmen" in response.content.decode()
    assert "Bitte übernehmen" in response.content.decode()
    assert not world.case.handovers.exists()


# --- journey 5 (issue 12): a handover is started by clicking -------------------------------------


def _jobcenter_elsewhere(other_municipality):
    from organisations.models import OrganisationKind

    return OrganisationFactory(
        municipality=other_municipality, kind=OrganisationKind.JOBCENTER, name="Jobcenter Bochum"
    )


def test_the_employment_page_leads_the_coach_to_the_case_and_its_handover(world, signed_in):
    page = (
        signed_in(world.coach)
        .get(reverse("coaching:employment_detail", args=[world.employment.pk]))
        .content.decode()
    )
    assert reverse("coaching:case_detail", args=[world.case.pk]) in page
    assert reverse("coaching:handover_create", args=[world.case.pk]) in page


def test_the_handover_list_has_a_new_action_that_lists_the_users_open_cases(world, signed_in):
    client = signed_in(world.coach)
    listing = client.get(reverse("coaching:handover_list")).content.decode()
    assert reverse("coaching:handover_start") in listing
    start = client.get(reverse("coaching:handover_start")).content.decode()
    assert reverse("coaching:handover_create", args=[world.case.pk]) in start
    assert world.case.candidate.full_name in start


def test_the_form_lists_other_municipalities_offices_but_no_people(world, signed_in, other_municipality):
    elsewhere = _jobcenter_elsewhere(other_municipality)
    page = (
        signed_in(world.coach).get(reverse("coaching:handover_create", args=[world.case.pk])).content.decode()
    )
    assert f'<optgroup label="{other_municipality.name}">' in page
    assert f'value="{elsewhere.pk}"' in page
    assert world.case_manager.email not in page


def test_a_missing_consent_is_a_form_error_that_links_to_the_consent_page(
    world, signed_in, other_municipality
):
    from tests.coaching.helpers import handover_kind

    elsewhere = _jobcenter_elsewhere(other_municipality)
    kind = handover_kind()
    response = signed_in(world.coach).post(
        reverse("coaching:handover_create", args=[world.case.pk]),
        {"kind": kind.pk, "to_organisation": elsewhere.pk, "note": "Umzug nach Bochum"},
    )
    page = response.content.decode()
    assert response.status_code == 200 and not world.case.handovers.exists()
    assert "nicht zugestimmt" in page and "Umzug nach Bochum" in page
    link = reverse("candidates:consents", args=[world.case.candidate_id])
    assert f'href="{link}?scope=case_data&amp;recipient_organisation={elsewhere.pk}&amp;next=' in page
    # The consent page prefills the grant and offers the way back to the form.
    back = reverse("coaching:handover_create", args=[world.case.pk])
    consent_page = signed_in(world.coach).get(
        link, {"scope": "case_data", "recipient_organisation": elsewhere.pk, "next": back}
    )
    assert consent_page.context["form"]["recipient_organisation"].value() == str(elsewhere.pk)
    assert f'href="{back}"' in consent_page.content.decode()


def test_the_consent_page_follows_no_way_back_off_the_site(world, signed_in):
    link = reverse("candidates:consents", args=[world.case.candidate_id])
    for bad in ("https://evil.example/", "//evil.example/x", "javascript:alert(1)"):
        response = signed_in(world.case_manager).get(link, {"next": bad})
        assert response.context["back"] == "", bad


def test_the_receiving_offices_staff_get_the_proposal_in_their_inbox(world, signed_in, other_municipality):
    from accounts.roles import Role
    from candidates.models import ConsentScope
    from candidates.services import consent_grant
    from notifications.models import Notification
    from tests.coaching.helpers import handover_kind
    from tests.fixtures.users import new_member

    elsewhere = _jobcenter_elsewhere(other_municipality)
    receiver = new_member(Role.CASE_MANAGER, organisation=elsewhere)
    bystander = new_member(Role.CASE_MANAGER, municipality=other_municipality)
    consent_grant(
        candidate=world.case.candidate,
        scope=ConsentScope.CASE_DATA,
        actor=world.coach,
        recipient_organisation=elsewhere,
    )
    response = signed_in(world.coach).post(
        reverse("coaching:handover_create", args=[world.case.pk]),
        {"kind": handover_kind().pk, "to_organisation": elsewhere.pk, "note": ""},
    )
    handover = world.case.handovers.get()
    assert response.status_code == 302
    assert Notification.objects.filter(recipient=receiver, kind="coaching.handover_proposed").count() == 1
    assert not Notification.objects.filter(recipient=bystander).exists()
    assert not Notification.objects.filter(recipient=world.coach, kind="coaching.handover_proposed").exists()
    assert handover.to_organisation == elsewhere


def test_the_case_page_of_the_file_leads_to_the_handover(world, signed_in):
    page = (
        signed_in(world.case_manager)
        .get(reverse("candidates:case_detail", args=[world.case.pk]))
        .content.decode()
    )
    assert reverse("coaching:handover_create", args=[world.case.pk]) in page


def test_the_employment_page_explains_the_follow_along_schedule(world, signed_in):
    page = (
        signed_in(world.coach)
        .get(reverse("coaching:employment_detail", args=[world.employment.pk]))
        .content.decode()
    )
    assert "danach alle drei Monate" in page
    assert "Ein vereinbarter nächster Termin wird der nächste fällige Kontakt" in page


def test_the_cached_caseload_table_shows_every_change_to_a_line(world, signed_in):
    """The table is cached as rendered HTML under a hash of its lines (coaching/views.py): a risk
    raised or resolved changes the line, so the next page shows it, never the cached table."""
    from coaching import selectors

    client = signed_in(world.coach)
    url = reverse("coaching:home")
    (line,) = [r for r in selectors.caseload_rows(user=world.coach) if r.employment_id == world.employment.pk]
    full = selectors.coach_caseload(user=world.coach).get(employment=world.employment)
    assert (line.full_name, line.employer) == (
        full.employment.candidate.full_name,
        str(full.employment.employer),
    )
    assert (line.next_due, line.last_contact, line.has_overdue) == (
        full.next_due,
        full.last_contact,
        full.has_overdue,
    )

    def risks_cell() -> str:
        """The line's "offene Risiken" cell (the fifth of six)."""
        table = client.get(url).content.decode().split('id="h-caseload"')[1]
        start = table.index(f'href="{reverse("coaching:employment_detail", args=[world.employment.pk])}"')
        return table[start:].split("</tr>")[0].split("<td>")[-2].split("</td>")[0]

    before = risks_cell()
    assert risks_cell() == before  # the cached table, the same
    flag = RiskFlagFactory(employment=world.employment, kind="dropout", raised_by=world.coach)
    assert int(risks_cell()) == int(before) + 1
    flag.resolved_at, flag.resolution_note = flag.raised_at, "geklärt"
    flag.save()
    assert risks_cell() == before


def test_the_home_page_lists_open_handovers_and_requests_with_what_a_coach_needs(world, signed_in):
    """Each line names the person or the business, where it goes and when it is due (the home page
    reads only these columns: coaching.selectors.open_requests, proposed_handovers)."""
    jobcenter = OrganisationFactory(
        municipality=world.case.municipality, kind="jobcenter", name="Jobcenter Dortmund-Mitte"
    )
    handover = HandoverFactory(case=world.case, to_organisation=jobcenter, status="proposed")
    request = SupportRequestFactory(employment=world.employment, assigned_to=world.coach, topic="language")
    page = signed_in(world.coach).get(reverse("coaching:home")).content.decode()
    handovers = page.split('id="h-handovers"')[1].split("</section>")[0]
    assert reverse("coaching:handover_detail", args=[handover.pk]) in handovers
    assert (
        f"{world.case.candidate.full_name}</a>: Integrationsmanagement Dortmund → Jobcenter Dortmund-Mitte"
        in handovers
    )
    requests = page.split('id="h-requests"')[1].split("</section>")[0]
    assert reverse("coaching:support_request_detail", args=[request.pk]) in requests
    assert f"Bäckerei Korn: {request.get_topic_display()}</a>" in requests
    assert request.due_date.strftime("%d.%m.%Y") in requests and request.get_status_display() in requests


def test_more_open_handovers_and_requests_cost_no_more_queries(world, signed_in):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = signed_in(world.coach)

    def queries() -> int:
        client.get(reverse("coaching:home"))  # the cached caseload table is the same both times
        forget_pages()  # a drawing is measured, not the kept page (organisations.kept_page)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("coaching:home")).status_code == 200
        return len(ctx.captured_queries)

    def more() -> None:
        case = CaseFactory(
            responsible_organisation=world.case.responsible_organisation,
            candidate__municipality=world.case.municipality,
        )
        HandoverFactory(case=case, status="proposed")
        SupportRequestFactory(employment=world.employment, assigned_to=world.coach)

    more()
    one = queries()
    more()
    more()
    assert queries() == one


def test_overdue_lines_are_exactly_those_whose_next_date_has_passed(world, signed_in):
    """The caseload reads no "overdue" of its own: a line is overdue when its next open follow-up
    lies before today, and ordering by that date puts those lines first. Checked against the
    question asked directly (any open follow-up before today) for lines overdue, due later, and
    with nothing open."""
    from coaching import selectors

    _more_employments(world, 6)
    employments = [row.employment_id for row in selectors.caseload_rows(user=world.coach)]
    FollowUpDue.objects.filter(employment_id=employments[1]).update(
        done_at=datetime.datetime.now(datetime.UTC)
    )
    FollowUpDue.objects.filter(employment_id=employments[2], due_date__lt=TODAY).update(
        done_at=datetime.datetime.now(datetime.UTC)
    )
    rows = selectors.caseload_rows(user=world.coach)
    asked = {
        e: FollowUpDue.objects.filter(employment_id=e, done_at__isnull=True, due_date__lt=TODAY).exists()
        for e in employments
    }
    assert {row.employment_id: row.has_overdue for row in rows} == asked
    assert any(asked.values()) and not all(asked.values())
    expected = sorted(
        rows,
        key=lambda r: (not asked[r.employment_id], r.next_due or datetime.date.max, r.full_name.split()[-1]),
    )
    assert [r.employment_id for r in rows][: sum(asked.values())] == [
        r.employment_id for r in expected if asked[r.employment_id]
    ]
    assert [r.has_overdue for r in rows] == sorted((r.has_overdue for r in rows), reverse=True)
    assert next(r for r in rows if r.employment_id == employments[1]).next_due is None
    assert [r.employment_id for r in selectors.coach_caseload(user=world.coach)] == [
        r.employment_id for r in rows
    ]
    page = signed_in(world.coach).get(reverse("coaching:home")).content.decode().split('id="h-caseload"')[1]
    assert page.count("(überfällig)") == sum(asked.values())


def test_the_cached_due_list_shows_every_change_to_a_line(world, signed_in, monkeypatch):
    """The follow-ups due are cached as rendered HTML under a hash of their lines and the day
    (coaching/views.py): a label changed, a date moved into the past or a follow-up done shows on
    the next page, never the cached list."""
    client = signed_in(world.coach)
    url = reverse("coaching:home")

    def due_list() -> str:
        return client.get(url).content.decode().split('id="h-due"')[1].split("</section>")[0]

    first = due_list()
    assert world.candidate.full_name in first
    assert due_list() == first  # drawn from the cache, the same
    due = (
        FollowUpDue.objects.filter(employment=world.employment, done_at__isnull=True)
        .order_by("due_date")
        .first()
    )
    FollowUpDue.objects.filter(pk=due.pk).update(label="Gespräch mit der Anleiterin")
    assert "Gespräch mit der Anleiterin" in due_list()
    FollowUpDue.objects.filter(employment=world.employment, done_at__isnull=True).update(
        due_date=TODAY + datetime.timedelta(days=2)
    )
    assert "coaching-overdue" not in due_list()
    later = TODAY + datetime.timedelta(days=3)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: later)
    assert 'class="coaching-overdue"' in due_list()  # the same line, a day later overdue
    FollowUpDue.objects.filter(employment=world.employment).update(
        done_at=datetime.datetime.now(datetime.UTC)
    )
    assert world.candidate.full_name not in due_list()


def test_a_joint_appointment_with_a_wrong_date_comes_back_with_it_and_its_error(world, signed_in):
    """The date as typed and what is wrong with it, on the handover page (it went back to the page
    with a general message, and the date was gone)."""
    from tests.coaching.helpers import handover_to_jobcenter

    handover = handover_to_jobcenter(world)
    client = signed_in(world.case_manager)
    url = reverse("coaching:handover_appointment", args=[handover.pk])
    response = client.post(url, {"joint_appointment_at": "1999-03-04T10:30"})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'value="1999-03-04T10:30"' in page
    assert 'id="id_joint_appointment_at_error"' in page
    handover.refresh_from_db()
    assert handover.joint_appointment_at is None
    # corrected, it is saved and the page says so
    when = timezone.localtime().replace(second=0, microsecond=0) - datetime.timedelta(days=1)
    response = client.post(url, {"joint_appointment_at": when.strftime("%Y-%m-%dT%H:%M")}, follow=True)
    assert "Gemeinsamer Termin eingetragen" in response.content.decode()
    handover.refresh_from_db()
    assert handover.joint_appointment_at == when


def test_a_joint_appointment_for_a_decided_handover_is_refused_and_the_page_says_why(world, signed_in):
    """A form left open while the other side decided: the decision's record is not rewritten."""
    from tests.coaching.helpers import handover_to_jobcenter

    handover = handover_to_jobcenter(world)
    services.handover_decide(handover=handover, actor=world.case_manager, accept=False, reason="kein Platz")
    client = signed_in(world.case_manager)
    when = timezone.localtime() - datetime.timedelta(days=1)
    response = client.post(
        reverse("coaching:handover_appointment", args=[handover.pk]),
        {"joint_appointment_at": when.strftime("%Y-%m-%dT%H:%M")},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("coaching:handover_detail", args=[handover.pk])
    assert "Diese Übergabe ist schon entschieden." in response.content.decode()
    handover.refresh_from_db()
    assert handover.status == "rejected" and handover.joint_appointment_at is None
