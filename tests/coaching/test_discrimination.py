"""Reporting discrimination (issue 15 §3): who may report and read what, anonymity that holds in the
database, the referral to a counselling service with consent and its signed link, the coordinator's
counts with small cells suppressed, and that no employer — least of all the business concerned —
ever sees a report."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from coaching.discrimination_selectors import first_of_month, report_counts, reporter_of
from coaching.discrimination_services import referral_token, report_create
from coaching.models import DiscriminationReport, Service
from privacy.models import AuditEntry
from privacy.registry import registry
from tests.clock import TODAY
from tests.factories import DiscriminationReportFactory, ServiceFactory, ServiceOrganisationFactory
from tests.fixtures.users import login_with_mfa

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]

TEXT = "Der Chef sagte, Leute wie mich stelle er nicht ein."


@pytest.fixture
def counselling(world) -> Service:
    provider = ServiceOrganisationFactory(municipality=world.municipality, name="ADN Dortmund")
    return ServiceFactory(
        organisation=provider,
        municipality=world.municipality,
        name="Antidiskriminierungsberatung",
        category="anti_discrimination",
        email="beratung@adn.example",
    )


def _form(**extra) -> dict:
    return {
        "setting": "business",
        "occurred_on": (TODAY - datetime.timedelta(days=10)).isoformat(),
        "description": TEXT,
        "ground": "ethnic",
        **extra,
    }


def _report(world, *, who="candidate", **kwargs) -> DiscriminationReport:
    user = world.people[who]
    data = {"setting": "business", "occurred_on": TODAY, "description": TEXT, **kwargs}
    return report_create(actor=user, reporter=reporter_of(user=user), **data)


# --- reporting -------------------------------------------------------------------------------------


def test_a_candidate_reports_by_name_and_her_case_staff_read_it(world, client):
    login_with_mfa(client, world.people["candidate"])
    response = client.post(reverse("coaching:discrimination_report"), _form(business=world.employer_org.pk))
    assert response.status_code == 302
    report = DiscriminationReport.objects.get()
    assert report.reporter == world.people["candidate"] and report.candidate == world.candidate
    assert report.reporter_kind == "candidate" and report.municipality == world.municipality
    assert report.occurred_on.day == 1  # the month only
    page = client.get(reverse("coaching:discrimination_list")).content.decode()
    assert reverse("coaching:discrimination_detail", args=[report.pk]) in page
    for who in ("case_manager", "coach"):
        login_with_mfa(client, world.people[who])
        detail = client.get(reverse("coaching:discrimination_detail", args=[report.pk]))
        assert detail.status_code == 200 and TEXT in detail.content.decode()
    # Each read is audited.
    for who in ("case_manager", "coach"):
        assert AuditEntry.objects.filter(
            action="view",
            record_type="coaching.discriminationreport",
            record_id=str(report.pk),
            actor_id=world.people[who].pk,
        ).exists()


def test_an_anonymous_report_links_to_nobody_and_nobody_reads_it(world, client):
    login_with_mfa(client, world.people["candidate"])
    before_id = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    response = client.post(reverse("coaching:discrimination_report"), _form(anonymous="on"))
    assert response.status_code == 302
    report = DiscriminationReport.objects.get()
    assert report.anonymous and report.reporter_id is None and report.candidate_id is None
    assert report.reported_on == first_of_month(TODAY)
    # No audit entry names the writer of an anonymous report.
    assert not AuditEntry.objects.filter(record_type="coaching.discriminationreport").exists()
    assert (
        not AuditEntry.objects.filter(pk__gt=before_id, actor_id=world.people["candidate"].pk)
        .exclude(action="view")
        .exists()
    )
    for who in ("candidate", "case_manager", "coach", "coordinator"):
        login_with_mfa(client, world.people[who])
        assert client.get(reverse("coaching:discrimination_detail", args=[report.pk])).status_code in (
            403,
            404,
        )
        assert TEXT not in client.get(reverse("coaching:discrimination_list")).content.decode()


def test_the_database_refuses_an_anonymous_report_with_a_link_to_a_person(world):
    # A direct create: the database constraint itself is what this test checks.
    with pytest.raises(IntegrityError), transaction.atomic():
        DiscriminationReport.objects.create(
            municipality=world.municipality,
            reporter_kind="candidate",
            reporter=world.people["candidate"],
            anonymous=True,
            setting="office",
            occurred_on=TODAY.replace(day=1),
            reported_on=TODAY,
        )


@pytest.mark.parametrize("who", ["case_manager", "coach", "volunteer"])
def test_staff_and_volunteers_report_and_read_only_their_own(world, client, who):
    login_with_mfa(client, world.people[who])
    response = client.post(reverse("coaching:discrimination_report"), _form(setting="office", ground=""))
    assert response.status_code == 302
    report = DiscriminationReport.objects.get()
    assert report.reporter == world.people[who] and report.candidate is None
    assert report.reporter_kind == ("volunteer" if who == "volunteer" else "staff")
    assert client.get(reverse("coaching:discrimination_detail", args=[report.pk])).status_code == 200
    other = "volunteer_other" if who == "volunteer" else "coach_other_org"
    login_with_mfa(client, world.people[other])
    assert client.get(reverse("coaching:discrimination_detail", args=[report.pk])).status_code == 404


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"occurred_on": "2999-01-01"}, "Bitte ein Datum zwischen"),
        ({"occurred_on": "1990-01-01"}, "Bitte ein Datum zwischen"),
        ({"setting": "moon"}, "keine gültige Auswahl"),
        ({"description": "x" * 3001}, "höchstens 3000 Zeichen"),
        ({"description": ""}, "kern-error"),
    ],
)
def test_bad_input_gets_a_clear_error_and_the_input_back(world, client, change, message):
    login_with_mfa(client, world.people["candidate"])
    data = _form(**change)
    response = client.post(reverse("coaching:discrimination_report"), data, HTTP_ACCEPT_LANGUAGE="de")
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert not DiscriminationReport.objects.exists()


def test_a_business_of_another_municipality_is_refused(world, client):
    from tests.factories import OrganisationFactory

    elsewhere = OrganisationFactory(kind="employer")
    login_with_mfa(client, world.people["candidate"])
    response = client.post(reverse("coaching:discrimination_report"), _form(business=elsewhere.pk))
    assert response.status_code == 400
    assert not DiscriminationReport.objects.exists()


# --- referral to a counselling service --------------------------------------------------------------


def test_no_referral_without_consent(world, client, counselling):
    login_with_mfa(client, world.people["candidate"])
    response = client.post(
        reverse("coaching:discrimination_report"), _form(refer_to=counselling.pk, contact="0171 555")
    )
    assert response.status_code == 400
    assert "Ohne Ihre Einwilligung" in response.content.decode()
    assert "0171 555" in response.content.decode()  # the input comes back
    assert not DiscriminationReport.objects.exists()


def test_an_anonymous_report_referred_with_consent_reaches_the_service_by_its_signed_link(
    world, client, counselling, django_capture_on_commit_callbacks
):
    login_with_mfa(client, world.people["candidate"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("coaching:discrimination_report"),
            _form(anonymous="on", refer_to=counselling.pk, consent="on", contact="0171 5550000"),
        )
    assert response.status_code == 302
    report = DiscriminationReport.objects.get()
    assert report.anonymous and report.reporter_id is None
    referral = report.referrals.get()
    assert referral.service == counselling and referral.contact == "0171 5550000"
    # The mail carries the link only, nothing of the report.
    sent = [m for m in mail.outbox if "beratung@adn.example" in m.to]
    assert len(sent) == 1 and TEXT not in sent[0].body and "0171" not in sent[0].body
    link = reverse("coaching:discrimination_referral", kwargs={"token": referral_token(referral=referral)})
    assert link in sent[0].body
    client.logout()
    page = client.get(link)
    html = page.content.decode()
    assert page.status_code == 200 and TEXT in html and "0171 5550000" in html
    # Nothing else of the person: not her name, not her case.
    assert world.candidate.last_name not in html
    assert client.post(link, {"status": "accepted"}).status_code == 302
    referral.refresh_from_db()
    assert referral.status == "accepted"
    # A step that does not follow is refused with a message, not a 500.
    assert client.post(link, {"status": "sent"}, follow=True).status_code == 200
    referral.refresh_from_db()
    assert referral.status == "accepted"


def test_a_forged_or_foreign_link_is_404(world, client, counselling):
    report = _report(world, refer_to=counselling, consent=True)
    token = referral_token(referral=report.referrals.get())
    assert (
        client.get(
            reverse("coaching:discrimination_referral", kwargs={"token": token[:-2] + "xx"})
        ).status_code
        == 404
    )
    from django.core import signing

    other_salt = signing.dumps({"r": report.referrals.get().pk}, salt="employers.acquisition")
    assert (
        client.get(reverse("coaching:discrimination_referral", kwargs={"token": other_salt})).status_code
        == 404
    )


def test_only_anti_discrimination_services_of_the_municipality_are_offered(
    world, language_school, counselling
):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        _report(world, refer_to=language_school, consent=True)
    user = world.people["candidate"]
    from coaching.discrimination_forms import DiscriminationReportForm
    from coaching.discrimination_selectors import business_choices, counselling_services

    form = DiscriminationReportForm(
        businesses=business_choices(municipality_id=world.municipality.pk),
        services=counselling_services(municipality_id=reporter_of(user=user).municipality.pk),
    )
    assert list(form.fields["refer_to"].queryset) == [counselling]


# --- the coordinator's counts ----------------------------------------------------------------------


def _bulk(world, setting: str, day: datetime.date, n: int) -> None:
    DiscriminationReportFactory.create_batch(
        n,
        municipality=world.municipality,
        reporter_kind="candidate",
        anonymous=True,
        setting=setting,
        occurred_on=day.replace(day=1),
        reported_on=day.replace(day=1),
        description=TEXT,
    )


def test_counts_by_setting_and_month_with_small_cells_suppressed(world):
    month = datetime.date(2026, 3, 1)
    _bulk(world, "business", month, 7)
    _bulk(world, "housing", month, 6)
    _bulk(world, "office", month, 2)
    table = report_counts(municipality_id=world.municipality.pk, start=month, end=month)
    assert table.period == "month" and [c.label for c in table.columns] == ["03/2026"]
    cells = table.columns[0].cells
    # 2 is suppressed, and one more cell so it cannot be worked out from the total of 15.
    assert cells["office"] is None and cells["housing"] is None and cells["business"] == 7
    assert table.columns[0].total == 15


def test_a_period_over_a_year_is_counted_by_quarter(world):
    _bulk(world, "business", datetime.date(2025, 2, 1), 3)
    _bulk(world, "business", datetime.date(2025, 3, 1), 3)
    table = report_counts(
        municipality_id=world.municipality.pk, start=datetime.date(2025, 1, 1), end=datetime.date(2026, 3, 1)
    )
    assert table.period == "quarter"
    assert [c.label for c in table.columns][:2] == ["1. Quartal 2025", "2. Quartal 2025"]
    assert len(table.columns) == 5
    assert table.columns[0].cells["business"] == 6


def test_the_coordinator_sees_counts_never_texts(world, client):
    today = TODAY
    _bulk(world, "business", today, 6)
    _report(world, setting="business")
    login_with_mfa(client, world.coordinator)
    response = client.get(reverse("coaching:discrimination_overview"))
    html = response.content.decode()
    assert response.status_code == 200 and TEXT not in html
    assert ">7<" in html  # six anonymous and one named, this month at businesses
    assert world.candidate.last_name not in html
    # Another municipality's coordinator counts their own (none of these).
    login_with_mfa(client, world.people["coordinator_elsewhere"])
    assert ">7<" not in client.get(reverse("coaching:discrimination_overview")).content.decode()


@pytest.mark.parametrize(
    "query",
    [
        {"von": "garbage", "bis": "2026-01"},
        {"von": "2026-05", "bis": "2026-01"},
        {"von": "1000-01", "bis": "9999-12"},
    ],
)
def test_a_bad_period_gets_a_clear_error(world, client, query):
    login_with_mfa(client, world.coordinator)
    response = client.get(reverse("coaching:discrimination_overview"), query)
    assert response.status_code == 400
    assert "Zeitraum" in response.content.decode()


def test_a_chosen_period_over_a_year_shows_quarters(world, client):
    login_with_mfa(client, world.coordinator)
    response = client.get(reverse("coaching:discrimination_overview"), {"von": "2025-01", "bis": "2026-06"})
    assert response.status_code == 200 and "Meldungen nach Ort und Quartal" in response.content.decode()


# --- no employer ever sees a report (hostile) -------------------------------------------------------


EMPLOYERS = ("employer", "employer_other", "employer_unverified")


@pytest.mark.parametrize("who", EMPLOYERS)
def test_the_business_concerned_and_every_employer_never_reach_a_report(world, client, counselling, who):
    report = _report(world, business=world.employer_org, refer_to=counselling, consent=True)
    login_with_mfa(client, world.people[who])
    for name, kwargs in (
        ("discrimination_list", None),
        ("discrimination_report", None),
        ("discrimination_detail", {"pk": report.pk}),
        ("discrimination_overview", None),
    ):
        response = client.get(reverse(f"coaching:{name}", kwargs=kwargs))
        assert response.status_code == 403, name
        assert TEXT not in response.content.decode()
    # Nor on any employer page the business opens, nor in its inbox.
    for url in ("/app/", "/app/employers/", "/app/notifications/", "/app/coaching/requests/"):
        response = client.get(url, follow=True)
        assert TEXT not in response.content.decode(), url
        assert "Diskriminierung" not in response.content.decode(), url


def test_no_employer_page_or_api_reads_reports():
    """The employers app never touches a report: no import of the model or its selectors."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "employers"
    for path in root.rglob("*.py"):
        text = path.read_text()
        assert "Discrimination" not in text and "discrimination" not in text, path


def test_a_business_that_is_also_a_member_elsewhere_still_cannot_read(world, client, counselling):
    """Even an employer user holding a volunteer role reads only their own reports, never those
    naming their business."""
    from accounts.roles import Role
    from tests.factories import MembershipFactory, OrganisationFactory

    report = _report(world, business=world.employer_org)
    boss = world.people["employer"]
    MembershipFactory(
        user=boss,
        organisation=OrganisationFactory(municipality=world.municipality, kind="volunteer_initiative"),
        role=Role.VOLUNTEER,
    )
    from organisations import access

    access.forget(user=boss)
    login_with_mfa(client, boss)
    assert client.get(reverse("coaching:discrimination_detail", args=[report.pk])).status_code == 404
    assert TEXT not in client.get(reverse("coaching:discrimination_list")).content.decode()


# --- privacy ---------------------------------------------------------------------------------------


def test_export_holds_the_named_report_and_erasure_keeps_the_row_for_the_counts(world, counselling):
    named = _report(world, refer_to=counselling, consent=True, contact="0171 5550000")
    anonymous = _report(world, anonymous=True, setting="housing")
    data = registry.export(world.people["candidate"])["discrimination"]
    assert [r["incident_text"] for r in data] == [TEXT]
    assert data[0]["passed_on_to"][0]["contact_for_counselling"] == "0171 5550000"
    from privacy.document import missing_labels

    assert not missing_labels({"discrimination": data})
    registry.erase(world.people["candidate"])
    named.refresh_from_db()
    anonymous.refresh_from_db()
    assert named.description == "" and named.erased_at and named.reporter_id is None
    assert named.referrals.get().contact == ""
    assert anonymous.description == TEXT  # nobody's: not found by anybody's erasure
    assert DiscriminationReport.objects.count() == 2  # the rows stay for the counts


def test_erasing_the_candidate_erases_her_reports_too(world):
    from candidates.services import candidate_erase

    report = _report(world)
    candidate_erase(candidate=world.candidate, actor=world.case_manager)
    report.refresh_from_db()
    assert report.description == "" and report.erased_at is not None


def test_the_list_page_costs_the_same_queries_for_one_report_or_many(world, client):
    login_with_mfa(client, world.case_manager)
    _report(world)
    url = reverse("coaching:discrimination_list")
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for _i in range(5):
        _report(world, setting="office")
    client.get(url)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(one)
