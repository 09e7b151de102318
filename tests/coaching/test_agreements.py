"""Issue 23: cooperation agreements between the municipality and its partner organisations. The
coordinator keeps them (the next review first, flagged when due within 60 days or overdue), is
reminded once of a review due within 30 days, sees the network figures beside the barriers, and the
consent pages name the signed agreement with the organisation a person lets see their case data."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from accounts.roles import Role
from candidates.models import ConsentScope
from candidates.services import consent_grant
from coaching import agreement_selectors, agreement_services, barrier_services, tasks
from coaching.models import CooperationAgreement
from notifications.models import Notification
from organisations.models import OrganisationKind
from tests.clock import TODAY
from tests.factories import MembershipFactory, OrganisationFactory
from tests.fixtures.users import login_with_mfa, new_member

# Dates are built from TODAY: the clock stands at noon in Berlin that day (tests/clock.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]


def days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


@pytest.fixture
def jobcenter(world):
    return OrganisationFactory(
        municipality=world.municipality, kind=OrganisationKind.JOBCENTER, name="Jobcenter Dortmund"
    )


def _agreement(world, title="Vereinbarung", *, partners=(), **dates):
    return agreement_services.agreement_create(
        actor=world.coordinator,
        municipality_id=world.municipality.pk,
        title=title,
        purpose="Zusammenarbeit",
        partners=list(partners),
        **dates,
    )


# --- the coordinator's pages ------------------------------------------------------------------------


def test_the_coordinator_finds_the_agreements_from_the_network_page_and_creates_one(world, jobcenter, client):
    login_with_mfa(client, world.coordinator)
    network = client.get(reverse("coaching:barrier_overview")).content.decode()
    assert reverse("coaching:agreement_list") in network
    listing = client.get(reverse("coaching:agreement_list")).content.decode()
    assert reverse("coaching:agreement_create") in listing
    form = client.get(reverse("coaching:agreement_create")).content.decode()
    assert "Jobcenter Dortmund" in form and "Bäckerei Korn" not in form  # businesses are no parties

    response = client.post(
        reverse("coaching:agreement_create"),
        {
            "title": "Übergang AsylbLG – SGB II",
            "partners": [jobcenter.pk, world.office.pk],
            "purpose": "Warme Übergabe",
            "data_exchange": "Nur mit Einwilligung",
            "signed_on": days(-100).isoformat(),
            "review_on": days(20).isoformat(),
        },
    )

    agreement = CooperationAgreement.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("coaching:agreement_detail", args=[agreement.pk])
    assert set(agreement.partners.all()) == {jobcenter, world.office}
    assert agreement.status == "signed" and agreement.created_by == world.coordinator
    assert agreement.municipality == world.municipality
    detail = client.get(response["Location"]).content.decode()
    assert "Nur mit Einwilligung" in detail and "Überprüfung bald fällig" in detail


def test_a_review_before_the_signing_is_a_form_error_and_the_input_is_kept(world, jobcenter, client):
    login_with_mfa(client, world.coordinator)
    response = client.post(
        reverse("coaching:agreement_create"),
        {
            "title": "Vereinbarung mit dem Jobcenter",
            "partners": [jobcenter.pk],
            "purpose": "Austausch",
            "signed_on": "2026-05-10",
            "review_on": "2026-05-01",
        },
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "Die Überprüfung kann nicht vor der Unterzeichnung liegen." in html
    assert 'value="Vereinbarung mit dem Jobcenter"' in html and 'value="2026-05-01"' in html
    assert not CooperationAgreement.objects.exists()

    # A partner of another municipality (forged into the POST) is refused the same way.
    foreign = OrganisationFactory(kind=OrganisationKind.JOBCENTER)
    refused = client.post(
        reverse("coaching:agreement_create"),
        {"title": "X", "partners": [foreign.pk], "purpose": "Y"},
    )
    assert refused.status_code == 400 and not CooperationAgreement.objects.exists()


def test_the_services_refuse_what_the_form_refuses_and_the_database_holds_the_dates(world, jobcenter):
    with pytest.raises(ValidationError) as error:
        _agreement(world, partners=[jobcenter], signed_on=days(0), review_on=days(-1))
    assert "review_on" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        _agreement(world, partners=[world.employer_org])
    assert "partners" in error.value.message_dict
    with pytest.raises(ValidationError):
        _agreement(world, partners=[OrganisationFactory(kind=OrganisationKind.JOBCENTER)])
    assert not CooperationAgreement.objects.exists()

    # A direct create: the database constraint itself is what this is checking.
    with pytest.raises(IntegrityError), transaction.atomic():
        CooperationAgreement.objects.create(
            municipality=world.municipality, title="t", purpose="p", signed_on=days(0), review_on=days(-1)
        )


def test_editing_signs_a_draft_and_ending_takes_it_out_of_review(world, jobcenter, client):
    draft = _agreement(world, "Entwurf", partners=[jobcenter])
    assert draft.status == "draft"
    login_with_mfa(client, world.coordinator)
    edit = reverse("coaching:agreement_edit", args=[draft.pk])
    assert 'value="Entwurf"' in client.get(edit).content.decode()  # the form starts from the agreement

    bad = client.post(
        edit,
        {
            "title": "Unterzeichnet",
            "partners": [jobcenter.pk],
            "purpose": "p",
            "signed_on": days(0).isoformat(),
            "review_on": days(-3).isoformat(),
        },
    )
    assert bad.status_code == 400 and 'value="Unterzeichnet"' in bad.content.decode()
    draft.refresh_from_db()
    assert draft.title == "Entwurf" and draft.signed_on is None

    client.post(
        edit,
        {
            "title": "Unterzeichnet",
            "partners": [jobcenter.pk],
            "purpose": "p",
            "signed_on": days(-10).isoformat(),
            "review_on": days(5).isoformat(),
        },
    )
    draft.refresh_from_db()
    assert draft.status == "signed" and draft.review_on == days(5)
    assert agreement_selectors.agreements_due_for_review(today=TODAY).filter(pk=draft.pk).exists()

    response = client.post(reverse("coaching:agreement_end", args=[draft.pk]))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == "ended" and draft.ended_on == TODAY
    assert not agreement_selectors.agreements_due_for_review(today=TODAY).exists()
    detail = client.get(reverse("coaching:agreement_detail", args=[draft.pk])).content.decode()
    assert "beendet" in detail and "Vereinbarung beenden" not in detail


def test_the_list_puts_the_next_review_first_and_flags_those_due_within_60_days(
    world, jobcenter, client, django_assert_max_num_queries
):
    later = _agreement(world, "Später", partners=[jobcenter], signed_on=days(-400), review_on=days(200))
    overdue = _agreement(world, "Überfällig", partners=[jobcenter], signed_on=days(-400), review_on=days(-3))
    soon = _agreement(
        world, "Bald", partners=[jobcenter, world.office], signed_on=days(-9), review_on=days(59)
    )
    undated = _agreement(world, "Ohne Termin", partners=[jobcenter])
    ended = _agreement(world, "Beendet", partners=[jobcenter], signed_on=days(-400), review_on=days(-30))
    agreement_services.agreement_end(agreement=ended, actor=world.coordinator)

    rows = agreement_selectors.agreement_rows(user=world.coordinator)
    assert [(r.agreement.pk, r.flag) for r in rows] == [
        (overdue.pk, "overdue"),
        (soon.pk, "due"),
        (later.pk, ""),
        (undated.pk, ""),
        (ended.pk, ""),
    ]
    login_with_mfa(client, world.coordinator)
    html = client.get(reverse("coaching:agreement_list")).content.decode()
    assert html.count("Überprüfung überfällig") == 1 and html.count("Überprüfung bald fällig") == 1
    assert html.index("Überfällig") < html.index("Bald") < html.index("Später") < html.index("Beendet")

    # Another municipality's coordinator sees none of them.
    assert agreement_selectors.agreement_rows(user=world.people["coordinator_elsewhere"]) == []

    # Flat in the number of agreements and partners.
    with django_assert_max_num_queries(20) as few:
        client.get(reverse("coaching:agreement_list"))
    for i in range(15):
        extra = OrganisationFactory(municipality=world.municipality, kind=OrganisationKind.WELFARE)
        _agreement(world, f"Weitere {i}", partners=[jobcenter, extra], signed_on=days(-1), review_on=days(i))
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("coaching:agreement_list"))
    assert response.content.decode().count('data-testid="agreement-') == 20


# --- the review reminder -----------------------------------------------------------------------------


def test_a_review_due_within_30_days_is_reminded_once_to_the_coordinators(
    world, jobcenter, other_municipality
):
    assert settings.CELERY_BEAT_SCHEDULE["coaching-remind-agreement-reviews"]["task"] == (
        "coaching.tasks.remind_agreement_reviews"
    )
    second = new_member(Role.COORDINATOR, municipality=world.municipality)
    due = _agreement(world, "Fällig", partners=[jobcenter], signed_on=days(-300), review_on=days(30))
    _agreement(world, "Noch nicht", partners=[jobcenter], signed_on=days(-300), review_on=days(31))
    _agreement(world, "Ohne Datum", partners=[jobcenter])
    ended = _agreement(world, "Beendet", partners=[jobcenter], review_on=days(3))
    agreement_services.agreement_end(agreement=ended, actor=world.coordinator)

    assert tasks.remind_agreement_reviews() == 1
    assert tasks.remind_agreement_reviews() == 0  # never twice
    # Ten days on, the one due in 31 days comes within 30 days: it alone is reminded.
    assert agreement_services.agreement_reviews_remind(today=days(10)) == 1
    assert agreement_services.agreement_reviews_remind(today=days(11)) == 0

    notices = Notification.objects.filter(kind="coaching.agreement_review_due", target_id=due.pk)
    assert {n.recipient for n in notices} == {world.coordinator, second}  # not the other municipality's
    assert Notification.objects.filter(kind="coaching.agreement_review_due").count() == 4  # 2 each
    notice = notices.get(recipient=world.coordinator)
    assert notice.url_name == "coaching:agreement_detail" and notice.url_kwargs == {"pk": due.pk}
    client = login_with_mfa(Client(), world.coordinator)
    inbox = client.get(reverse("notifications:inbox")).content.decode()
    assert "Eine Kooperationsvereinbarung ist zur Überprüfung fällig" in inbox and "Fällig" in inbox

    # Reviewed and given the next review date: that one is reminded when it comes close, once.
    agreement_services.agreement_update(
        agreement=due,
        actor=world.coordinator,
        title=due.title,
        purpose=due.purpose,
        partners=[jobcenter],
        signed_on=due.signed_on,
        review_on=days(400),
    )
    assert agreement_services.agreement_reviews_remind(today=days(380)) == 1
    assert agreement_services.agreement_reviews_remind(today=days(381)) == 0


def test_an_overdue_review_is_reminded_too(world, jobcenter):
    _agreement(world, "Überfällig", partners=[jobcenter], signed_on=days(-800), review_on=days(-5))
    assert agreement_services.agreement_reviews_remind() == 1
    assert agreement_services.agreement_reviews_remind() == 0


# --- the network figures -----------------------------------------------------------------------------


def test_the_network_figures_count_open_and_overdue_actions_and_agreements_due(
    world, jobcenter, other_municipality, client, django_assert_max_num_queries
):
    def round_in(municipality_id, actions):
        current = barrier_services.round_create(
            actor=world.coordinator,
            municipality_id=municipality_id,
            name="Runde",
            kind="core_group",
            members=[],
        )
        made = [
            barrier_services.round_action_create(
                coordination_round=current,
                actor=world.coordinator,
                text="t",
                owner=world.case_manager,
                deadline=days(d),
            )
            for d in actions
        ]
        return current, made

    _round, made = round_in(world.municipality.pk, [-10, -1, 0, 5, -20])
    barrier_services.round_action_done(action=made[-1], actor=world.case_manager)  # done: not open
    round_in(other_municipality.pk, [-3, -3, 4])  # not theirs
    _agreement(world, "Überfällig", partners=[jobcenter], signed_on=days(-800), review_on=days(-5))
    _agreement(world, "In 30 Tagen", partners=[jobcenter], review_on=days(30))
    _agreement(world, "In 31 Tagen", partners=[jobcenter], review_on=days(31))
    ended = _agreement(world, "Beendet", partners=[jobcenter], review_on=days(2))
    agreement_services.agreement_end(agreement=ended, actor=world.coordinator)
    agreement_services.agreement_create(
        actor=world.coordinator,
        municipality_id=other_municipality.pk,
        title="fremd",
        purpose="p",
        partners=[],
        review_on=days(1),
    )

    with django_assert_max_num_queries(4):
        (figures,) = agreement_selectors.network_figures(user=world.coordinator)
    assert figures.municipality == world.municipality
    assert (figures.actions_open, figures.actions_overdue, figures.agreements_due) == (4, 2, 2)

    login_with_mfa(client, world.coordinator)
    html = client.get(reverse("coaching:barrier_overview")).content.decode()
    assert "Maßnahmen offen" in html and "Vereinbarungen zur Überprüfung fällig" in html
    table = html[html.index('data-testid="network-figures"') :]
    table = table[: table.index("</table>")]
    assert f">{world.municipality.name}</th>" in table
    assert ">4</a></td><td>2</td>" in table and ">2</a></td></tr>" in table

    # A coordinator of two municipalities gets a row each, in the same number of queries.
    both = new_member(Role.COORDINATOR, municipality=world.municipality)
    MembershipFactory(
        user=both,
        organisation=OrganisationFactory(
            municipality=other_municipality, kind=OrganisationKind.MUNICIPALITY_OFFICE
        ),
        role=Role.COORDINATOR,
    )
    with django_assert_max_num_queries(4):
        rows = agreement_selectors.network_figures(user=both)
    counts = {r.municipality.pk: (r.actions_open, r.actions_overdue, r.agreements_due) for r in rows}
    assert counts == {world.municipality.pk: (4, 2, 2), other_municipality.pk: (3, 2, 1)}


# --- the consent pages name the signed agreements ---------------------------------------------------


def test_the_consent_for_case_data_names_the_signed_agreement_with_the_organisation(world, jobcenter, client):
    _agreement(world, "Entwurf ohne Unterschrift", partners=[jobcenter])
    signed = _agreement(world, "Übergang AsylbLG – SGB II", partners=[jobcenter], signed_on=days(-30))
    ended = _agreement(world, "Alte Vereinbarung", partners=[jobcenter], signed_on=days(-900))
    agreement_services.agreement_end(agreement=ended, actor=world.coordinator)
    consent_grant(
        candidate=world.candidate,
        scope=ConsentScope.CASE_DATA,
        actor=world.case_manager,
        recipient_organisation=jobcenter,
        paper_form_reference="EW-1",
    )
    line = f"geregelt in der Kooperationsvereinbarung „{signed.title}“ vom {signed.signed_on:%d.%m.%Y}"

    staff = login_with_mfa(client, world.case_manager)
    page = staff.get(reverse("candidates:consents", args=[world.candidate.pk])).content.decode()
    assert line in page
    assert "Entwurf ohne Unterschrift" not in page and "Alte Vereinbarung" not in page

    person = login_with_mfa(Client(), world.people["candidate"])
    own = person.get(reverse("candidates:my_consents")).content.decode()
    assert line in own

    # The volunteer's grant (no organisation) names none; once ended, the agreement is not named.
    agreement_services.agreement_end(agreement=signed, actor=world.coordinator)
    page = staff.get(reverse("candidates:consents", args=[world.candidate.pk])).content.decode()
    assert "Kooperationsvereinbarung" not in page
