"""The coaching demo in `manage.py seed_demo`: the demo job coach has a real caseload with due follow-ups."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from django.utils.html import escape

from candidates.models import Consent, ConsentScope
from coaching.models import (
    FollowAlong,
    FollowUp,
    FollowUpDue,
    Handover,
    LanguageSupportNeed,
    Referral,
    RiskFlag,
    Service,
    ServiceLocation,
    SupportRequest,
    TutoringSession,
    VolunteerAssignment,
)
from demo.accounts import DEMO_LOGINS
from demo.organisations import MUNICIPALITY_SLUG
from employers.models import Employment, Introduction
from organisations.models import Municipality, OrganisationKind
from taxonomy.models import Occupation
from tests.clock import TODAY
from tests.fixtures.demo import clear_demo
from tests.fixtures.taxonomy import esco_ensure

# The demo is seeded, and its dates checked, on one frozen day (tests/clock.py).
pytestmark = pytest.mark.usefixtures("frozen_today_module")


@pytest.fixture(scope="module")
def seeded(frozen_today_module, django_db_setup, django_db_blocker, request):
    """The whole `seed_demo`, committed as `make demo` does, removed afterwards."""
    esco_ensure(request, django_db_blocker)  # a flush in this worker may have emptied it
    with django_db_blocker.unblock():
        assert Occupation.objects.exists()
        out = StringIO()
        call_command("seed_demo", stdout=out)
        yield {
            "output": out.getvalue(),
            "municipality": Municipality.objects.get(slug=MUNICIPALITY_SLUG),
            "coach": get_user_model().objects.get(email=DEMO_LOGINS["job_coach"]),
        }
        clear_demo()


def _counts(municipality) -> dict[str, int]:
    in_town = {"employment__candidate__municipality": municipality}
    return {
        "employments": Employment.objects.filter(candidate__municipality=municipality).count(),
        "follow_alongs": FollowAlong.objects.filter(municipality=municipality).count(),
        "dues": FollowUpDue.objects.filter(**in_town).count(),
        "follow_ups": FollowUp.objects.filter(**in_town).count(),
        "needs": LanguageSupportNeed.objects.filter(municipality=municipality).count(),
        "risks": RiskFlag.objects.filter(**in_town).count(),
        "requests": SupportRequest.objects.filter(municipality=municipality).count(),
        "services": Service.objects.filter(municipality=municipality).count(),
        "locations": ServiceLocation.objects.filter(organisation__municipality=municipality).count(),
        "referrals": Referral.objects.filter(case__municipality=municipality).count(),
        "assignments": VolunteerAssignment.objects.filter(candidate__municipality=municipality).count(),
        "sessions": TutoringSession.objects.filter(assignment__candidate__municipality=municipality).count(),
        "handovers": Handover.objects.filter(case__municipality=municipality).count(),
        "consents": Consent.objects.filter(candidate__municipality=municipality).count(),
    }


def test_the_demo_job_coach_follows_twelve_hires_over_fourteen_months(seeded, esco):
    municipality, coach = seeded["municipality"], seeded["coach"]
    # The hires followed along (the other teams' earlier, ended placements have no plan: issue 20).
    employments = Employment.objects.filter(candidate__municipality=municipality, follow_along__isnull=False)
    assert employments.count() == 12
    # Every one of them was hired through the pipeline and is coached by the demo job coach.
    assert set(FollowAlong.objects.filter(municipality=municipality).values_list("coach", flat=True)) == {
        coach.pk
    }
    assert not employments.exclude(introduction__stage=Introduction.Stage.HIRED).exists()
    today = TODAY
    starts = sorted(employments.values_list("start_date", flat=True))
    assert today - starts[0] > timedelta(days=365) and starts[0] >= today - timedelta(days=14 * 31)
    assert today - starts[-1] < timedelta(days=30)

    open_dues = FollowUpDue.objects.filter(employment__in=employments, done_at__isnull=True)
    assert open_dues.filter(due_date__lt=today).count() >= 3  # overdue
    assert open_dues.filter(due_date__gte=today, due_date__lte=today + timedelta(days=7)).count() >= 3  # due
    assert FollowUp.objects.filter(employment__in=employments, author=coach).count() >= 12
    assert "Begleitung: 12 Beschäftigungen" in seeded["output"]


def test_needs_risks_requests_services_referrals_volunteer_and_handover(seeded, esco):
    municipality, coach = seeded["municipality"], seeded["coach"]
    today = TODAY
    needs = LanguageSupportNeed.objects.filter(municipality=municipality)
    assert needs.count() == 3 and len(set(needs.values_list("measure", flat=True))) == 3

    risks = RiskFlag.objects.filter(employment__candidate__municipality=municipality)
    assert risks.count() == 2 and risks.filter(escalated_at__isnull=False).count() == 1

    employer_user = get_user_model().objects.get(email=DEMO_LOGINS["employer"])
    requests = SupportRequest.objects.filter(requested_by=employer_user)
    assert requests.count() == 2
    assert requests.filter(status=SupportRequest.Status.ANSWERED).exclude(answer="").count() == 1
    open_request = requests.exclude(status=SupportRequest.Status.ANSWERED).get()
    assert open_request.assigned_to == coach and open_request.due_date <= today

    directory = Service.objects.filter(municipality=municipality)
    # With the anti-discrimination counselling (issue 15 §3) and a Teilqualifizierung (issue 20).
    assert directory.count() == 8
    for service in directory:
        assert service.locations.exists() and service.languages, service.name
    assert Referral.objects.filter(case__municipality=municipality).count() == 3
    # The Teilqualifizierung teaches what a hired person misses for their first proposed occupation.
    from candidates.pathways import person_pathway

    training = directory.get(category="training")
    taught = set(training.skills.values_list("pk", flat=True))
    assert taught
    target = training.name.removeprefix("Teilqualifizierung: ")
    hired = [
        e.candidate
        for e in Employment.objects.filter(
            candidate__municipality=municipality, follow_along__isnull=False
        ).select_related("candidate")
    ]
    assert any(
        taught
        <= {s.pk for s in person_pathway(candidate=c, target=Occupation.objects.get(label_de=target)).missing}
        for c in hired
    )

    volunteer = get_user_model().objects.get(email=DEMO_LOGINS["volunteer"])
    assignment = VolunteerAssignment.objects.get(volunteer=volunteer, ended_at__isnull=True)
    assert (
        Consent.objects.live()
        .filter(candidate=assignment.candidate, scope=ConsentScope.VOLUNTEER, recipient_user=volunteer)
        .exists()
    )
    assert assignment.sessions.count() == 2

    handover = Handover.objects.get(case__municipality=municipality)
    assert handover.status == Handover.Status.PROPOSED
    assert handover.from_organisation.kind == OrganisationKind.WELFARE
    assert handover.to_organisation.kind == OrganisationKind.JOBCENTER
    assert (
        Consent.objects.live()
        .filter(
            candidate=handover.case.candidate,
            scope=ConsentScope.CASE_DATA,
            recipient_organisation=handover.to_organisation,
        )
        .exists()
    )
    assert handover.items.filter(done_at__isnull=False).exists()
    assert handover.items.filter(required=True, done_at__isnull=True).exists()  # still in progress


def test_the_demo_job_coach_is_responsible_for_every_demo_hire_and_answers_the_request(
    seeded, esco, signed_in
):
    """Issue 12: the demo request reached the case manager and the demo job coach got 404 on it."""
    municipality, coach = seeded["municipality"], seeded["coach"]
    employments = Employment.objects.filter(candidate__municipality=municipality, follow_along__isnull=False)
    assert set(employments.values_list("job_coach", flat=True)) == {coach.pk}
    case_manager = get_user_model().objects.get(email=DEMO_LOGINS["case_manager"])
    assert not SupportRequest.objects.filter(assigned_to=case_manager).exists()
    open_request = SupportRequest.objects.filter(municipality=municipality).exclude(status="answered").get()
    assert open_request.assigned_to == coach == open_request.employment.job_coach
    client = signed_in(coach)
    url = reverse("coaching:support_request_detail", args=[open_request.pk])
    assert client.get(url).status_code == 200
    assert (
        client.get(reverse("coaching:employment_detail", args=[open_request.employment_id])).status_code
        == 200
    )
    # Answering (a POST) is exercised in test_responsibility; here the page offers the form.
    assert 'name="answer"' in client.get(url).content.decode()


def test_running_seed_demo_again_adds_nothing(seeded, esco):
    before = _counts(seeded["municipality"])
    call_command("seed_demo", stdout=StringIO())
    assert _counts(seeded["municipality"]) == before


def test_the_demo_job_coachs_caseload_page_shows_due_and_overdue_follow_ups(seeded, esco, signed_in):
    coach = seeded["coach"]
    today = TODAY
    client = signed_in(coach)
    response = client.get(reverse("coaching:home"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Meine Begleitungen (12)" in page
    assert "überfällig" in page
    overdue = FollowUpDue.objects.filter(
        employment__follow_along__coach=coach, done_at__isnull=True, due_date__lt=today
    ).select_related("employment__candidate")
    assert overdue.exists()
    for due in overdue:
        assert due.due_date.strftime("%d.%m.%Y") in page
        assert escape(due.employment.candidate.full_name) in page
    # The open employer request is on the coach's page too.
    assert (
        reverse(
            "coaching:support_request_detail",
            args=[SupportRequest.objects.filter(assigned_to=coach).exclude(status="answered").get().pk],
        )
        in page
    )


def test_the_case_page_of_the_candidates_app_links_to_the_coaching_case_page(world, signed_in):
    """The demo walk-through goes from a case to its referrals and handovers by URL name (no import)."""
    page = signed_in(world.case_manager).get(reverse("candidates:case_detail", args=[world.case.pk]))
    assert page.status_code == 200
    assert f'href="{reverse("coaching:case_detail", args=[world.case.pk])}"' in page.content.decode()


def test_the_demo_directory_exports_as_valid_hsds_3(seeded, esco):
    """Issue 17: what `make demo` seeds is exchangeable as HSDS 3.0 as it stands."""
    from coaching import hsds

    document = hsds.hsds_document(municipality=seeded["municipality"])
    assert hsds.validate(document) == []
    assert (
        sum(len(org["services"]) for org in document)
        == Service.objects.filter(municipality=seeded["municipality"]).count()
    )


def test_earlier_placements_give_the_equity_figures_cells_of_five_and_more(seeded, esco):
    """Issue 20: after `make demo` the equity tables by legal circle show figures, not only dashes."""
    import datetime

    from monitoring import quality
    from monitoring.selectors import Filters, Scope

    municipality = seeded["municipality"]
    history = Employment.objects.filter(candidate__municipality=municipality, follow_along__isnull=True)
    assert history.count() >= 60
    assert not history.filter(end_reason="").exists()  # ended: nobody's caseload
    assert not history.filter(quality__isnull=True).exists()
    today = TODAY
    filters = Filters(start=today - datetime.timedelta(days=730), end=today)
    tables = quality.equity_tables(scope=Scope("municipality", municipality.pk), filters=filters, today=today)
    circle = next(t for t in tables if t.key == "legal_circle")
    shown = {row["key"]: row["cells"] for row in circle.rows}
    for key in ("sgb2", "sgb3", "asylblg"):
        assert (shown[key]["placements"] or 0) >= 5, key
    assert any((cells["retained_12"] or 0) >= 5 for cells in shown.values())
    assert any((cells["below"] or 0) >= 5 for cells in shown.values())
