"""Issue 14 §2, "Vermittlung by staff": case staff record a placement they found with a business;
the business confirms it through a signed link (no login) before it is published; the record is
the one business record (same duplicate check as self-registration); the business takes it over
through the membership invitation; staff then propose a person from "Passende Stellen"."""

from __future__ import annotations

import re
from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from employers import notices, services
from employers.models import EmployerProfile, Introduction, Placement, PlacementAcquisition, PlacementStatus
from notifications.models import Notification
from organisations.models import MembershipInvitation, Organisation, OrganisationKind, VerificationStatus
from privacy.models import AuditEntry
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
    make_candidate,
    make_profile,
    open_case,
)

CREATE = reverse("employers:acquisition_create")
LIST = reverse("employers:acquisition_list")


@pytest.fixture
def office(municipality):
    return OrganisationFactory(
        municipality=municipality, kind=OrganisationKind.JOBCENTER, name="Jobcenter Testkreis"
    )


@pytest.fixture
def job_coach(office):
    return MembershipFactory(user=UserFactory(), organisation=office, role=Role.JOB_COACH).user


def _post(cook_taxonomy, **business):
    return {
        "b-name": business.get("name", "Bäckerei Sonnenschein"),
        "b-street": business.get("street", "Markt 3"),
        "b-postcode": "44135",
        "b-city": "Dortmund",
        "b-sector": "gastronomie",
        "b-contact_name": "Frau Sonnenschein",
        "b-contact_email": business.get("contact_email", "chefin@sonnenschein.example"),
        "title": "Bäcker*in (m/w/d)",
        "kind": "job",
        "occupation_uri": cook_taxonomy.cook.uri,
        "skill_ids": [cook_taxonomy.skills[0].pk],
        "postcode": "44135",
        "city": "Dortmund",
        "hours_per_week": "30",
        "openings": "1",
    }


def _link(message) -> str:
    return re.search(r"https?://\S+/confirm/\S+", message.body).group(0).split("://", 1)[1].split("/", 1)[1]


def _record(client, cook_taxonomy, capture, **business) -> PlacementAcquisition:
    with capture(execute=True):
        response = client.post(CREATE, _post(cook_taxonomy, **business))
    assert response.status_code == 302 and response["Location"] == LIST
    return PlacementAcquisition.objects.latest("created_at")


def test_a_job_coach_records_a_placement_and_the_business_confirms_it_by_link(
    job_coach, office, cook_taxonomy, signed_in, django_capture_on_commit_callbacks
):
    client = signed_in(job_coach)
    assert "Gefundene Stellen" in client.get("/app/").content.decode()
    acquisition = _record(client, cook_taxonomy, django_capture_on_commit_callbacks)
    placement = acquisition.placement
    business = placement.employer.organisation
    # A new business record, waiting for verification like a self-registered one; the placement a draft.
    assert (business.name, business.kind, business.verification_status) == (
        "Bäckerei Sonnenschein",
        OrganisationKind.EMPLOYER,
        VerificationStatus.PENDING,
    )
    assert placement.status == PlacementStatus.DRAFT and placement.created_by == job_coach
    assert acquisition.found_by_organisation == office and acquisition.sent_at is not None
    [message] = mail.outbox
    assert message.to == ["chefin@sonnenschein.example"]
    assert "Jobcenter Testkreis" in message.body and "Bäcker*in (m/w/d)" in message.body
    assert "wartet auf Bestätigung durch chefin@sonnenschein.example" in client.get(LIST).content.decode()

    # The business opens the link without a login, sees the placement and confirms it.
    business_side = Client()
    page = business_side.get(f"/{_link(message)}")
    assert page.status_code == 200
    body = page.content.decode()
    assert "Bäcker*in (m/w/d)" in body and "Messer handhaben" in body and "Stelle bestätigen" in body
    placement.refresh_from_db()
    assert placement.status == PlacementStatus.DRAFT  # a GET publishes nothing
    response = business_side.post(f"/{_link(message)}")
    assert response.status_code == 302
    assert (
        "Die Stelle ist bestätigt und veröffentlicht."
        in business_side.get(response["Location"]).content.decode()
    )
    placement.refresh_from_db()
    acquisition.refresh_from_db()
    assert placement.status == PlacementStatus.OPEN and acquisition.is_confirmed
    assert AuditEntry.objects.filter(record_id=str(placement.pk), note__contains="signed link").exists()
    # The hand-off back to the coach: a notice that leads to the list.
    notice = Notification.objects.get(recipient=job_coach, kind=notices.ACQUISITION_CONFIRMED_STAFF)
    assert signed_in(job_coach).get(notice.path()).status_code == 200
    # Posting the link again changes nothing.
    assert business_side.post(f"/{_link(message)}").status_code == 200
    assert Notification.objects.filter(kind=notices.ACQUISITION_CONFIRMED_STAFF).count() == 1


def test_bad_input_comes_back_with_the_input_kept(job_coach, cook_taxonomy, signed_in):
    data = _post(cook_taxonomy)
    data["b-contact_email"] = ""
    data["postcode"] = "00000"
    response = signed_in(job_coach).post(CREATE, data)
    assert response.status_code == 400
    body = response.content.decode()
    assert 'value="Bäckerei Sonnenschein"' in body and 'value="Bäcker*in (m/w/d)"' in body
    assert "Diese Postleitzahl gibt es nicht." in body
    assert not Placement.objects.exists() and not Organisation.objects.filter(kind="employer").exists()


def test_the_same_form_posted_twice_records_one_placement(
    job_coach, cook_taxonomy, signed_in, django_capture_on_commit_callbacks
):
    client = signed_in(job_coach)
    data = _post(cook_taxonomy)
    data["submission_key"] = "6f1c1b1e-8c59-4c4e-9d59-2f4f6f0a1b2c"
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(CREATE, data).status_code == 302
        assert client.post(CREATE, data).status_code == 302
    assert PlacementAcquisition.objects.count() == 1 and len(mail.outbox) == 1


def test_an_existing_business_is_found_and_reused_and_gets_its_login_on_confirmation(
    job_coach, municipality, cook_taxonomy, signed_in, django_capture_on_commit_callbacks
):
    known = OrganisationFactory(
        municipality=municipality, kind=OrganisationKind.EMPLOYER, name="Bäckerei Sonnenschein"
    )
    make_profile(known)
    acquisition = _record(
        signed_in(job_coach),
        cook_taxonomy,
        django_capture_on_commit_callbacks,
        name="  bäckerei SONNENSCHEIN ",
    )
    assert acquisition.placement.employer.organisation == known
    assert Organisation.objects.filter(kind=OrganisationKind.EMPLOYER).count() == 1
    assert EmployerProfile.objects.count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        services.placement_acquisition_confirm(acquisition=acquisition)
    # Nobody at the verified business has a login yet: its contact is invited to lead the record.
    invitation = MembershipInvitation.objects.get(organisation=known)
    assert (invitation.email, invitation.role, invitation.is_lead) == (
        "chefin@sonnenschein.example",
        Role.EMPLOYER,
        True,
    )
    assert any(m.to == ["chefin@sonnenschein.example"] and "Einladung" in m.subject for m in mail.outbox)


def test_a_similar_business_is_shown_before_a_second_record_is_made(
    job_coach, municipality, cook_taxonomy, signed_in, django_capture_on_commit_callbacks
):
    """DESIGN.md "One business record": the acquisition runs the record page's duplicate check. A
    similar name ("GmbH" added) is shown with a link, the input comes back, nothing is recorded;
    confirming that it is another business records it."""
    known = OrganisationFactory(
        municipality=municipality, kind=OrganisationKind.EMPLOYER, name="Bäckerei Sonnenschein GmbH"
    )
    make_profile(known)
    client = signed_in(job_coach)
    data = _post(cook_taxonomy, name="Baeckerei Sonnenschein")
    response = client.post(CREATE, data)
    html = response.content.decode()
    assert response.status_code == 400 and 'data-testid="duplicates"' in html
    assert reverse("employers:business_detail", args=[known.pk]) in html
    assert 'value="Baeckerei Sonnenschein"' in html and 'value="Markt 3"' in html
    assert not PlacementAcquisition.objects.exists()
    assert Organisation.objects.filter(kind=OrganisationKind.EMPLOYER).count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        confirmed = client.post(CREATE, {**data, "b-confirmed_distinct": "on"})
    assert confirmed.status_code == 302
    acquisition = PlacementAcquisition.objects.get()
    assert acquisition.placement.employer.organisation != known
    assert acquisition.placement.employer.organisation.name == "Baeckerei Sonnenschein"


def test_a_business_verified_later_gets_its_login_then(
    job_coach, municipality, cook_taxonomy, signed_in, team, django_capture_on_commit_callbacks
):
    acquisition = _record(signed_in(job_coach), cook_taxonomy, django_capture_on_commit_callbacks)
    services.placement_acquisition_confirm(acquisition=acquisition)
    business = acquisition.placement.employer.organisation
    assert not MembershipInvitation.objects.exists()  # not verified yet: nobody is invited
    chamber = team(Role.CHAMBER_EDITOR)
    services.employer_decide(organisation=business, actor=chamber.own, verify=True)
    assert MembershipInvitation.objects.get(organisation=business).email == "chefin@sonnenschein.example"


def test_self_registration_meets_the_record_staff_made(
    job_coach, municipality, cook_taxonomy, signed_in, django_capture_on_commit_callbacks
):
    _record(signed_in(job_coach), cook_taxonomy, django_capture_on_commit_callbacks)
    owner = UserFactory()
    response = signed_in(owner).post(
        reverse("employers:register"),
        {
            "name": "Bäckerei Sonnenschein",
            "municipality": municipality.pk,
            "street": "Markt 3",
            "postcode": "44135",
            "city": "Dortmund",
            "sector": "gastronomie",
            "contact_name": "Frau Sonnenschein",
        },
    )
    assert (
        "Ein Betrieb mit diesem Namen ist in dieser Kommune schon registriert." in response.content.decode()
    )
    assert Organisation.objects.filter(kind=OrganisationKind.EMPLOYER).count() == 1


def test_a_name_of_another_kind_of_organisation_or_a_rejected_business_is_refused(
    job_coach, municipality, cook_taxonomy, signed_in
):
    OrganisationFactory(municipality=municipality, kind=OrganisationKind.WELFARE, name="Caritas Testkreis")
    OrganisationFactory(
        municipality=municipality,
        kind=OrganisationKind.EMPLOYER,
        name="Scheinfirma",
        verification_status=VerificationStatus.REJECTED,
    )
    client = signed_in(job_coach)
    for name, error in [
        ("Caritas Testkreis", "die kein Betrieb ist"),
        ("Scheinfirma", "bei der Prüfung abgelehnt"),
    ]:
        response = client.post(CREATE, _post(cook_taxonomy, name=name))
        assert response.status_code == 400 and error in response.content.decode()
    assert not Placement.objects.exists()


# --- the signed link, hostile ----------------------------------------------------------------------


@pytest.fixture
def two_found(job_coach, cook_taxonomy, signed_in, django_capture_on_commit_callbacks):
    client = signed_in(job_coach)
    first = _record(client, cook_taxonomy, django_capture_on_commit_callbacks)
    second = _record(
        client, cook_taxonomy, django_capture_on_commit_callbacks, name="Metzgerei Wurst", street="Markt 9"
    )
    return first, second


def _confirm_url(pk: int, token: str) -> str:
    return reverse("employers:acquisition_confirm", args=[pk, token])


def _nothing_published() -> bool:
    return not Placement.objects.exclude(status=PlacementStatus.DRAFT).exists() and not (
        PlacementAcquisition.objects.filter(confirmed_at__isnull=False).exists()
    )


def test_a_tampered_link_publishes_nothing(two_found):
    first, _second = two_found
    token = services.acquisition_token(acquisition=first)
    tampered = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    for url in (_confirm_url(first.placement_id, tampered), _confirm_url(first.placement_id, "x")):
        for method in ("get", "post"):
            response = getattr(Client(), method)(url)
            assert response.status_code == 400
            assert "Der Link ist ungültig oder unvollständig." in response.content.decode()
    assert _nothing_published()


def test_a_link_for_another_placement_publishes_neither(two_found):
    first, second = two_found
    url = _confirm_url(second.placement_id, services.acquisition_token(acquisition=first))
    response = Client().post(url)
    assert response.status_code == 400 and "Es wurde nichts veröffentlicht." in response.content.decode()
    assert _nothing_published()


def test_an_expired_link_says_so_and_publishes_nothing(two_found):
    first, _second = two_found
    url = _confirm_url(first.placement_id, services.acquisition_token(acquisition=first))
    later = timezone.now() + services.ACQUISITION_LINK_VALID_FOR + timedelta(minutes=1)
    with mock.patch("django.core.signing.time.time", return_value=later.timestamp()):
        response = Client().post(url)
    assert response.status_code == 410
    assert "Der Link ist abgelaufen." in response.content.decode()
    assert _nothing_published()


def test_a_placement_closed_meanwhile_cannot_be_confirmed(two_found):
    first, _second = two_found
    Placement.objects.filter(pk=first.placement_id).update(status=PlacementStatus.CLOSED)
    response = Client().post(_confirm_url(first.placement_id, services.acquisition_token(acquisition=first)))
    assert response.status_code == 409
    assert "Diese Stelle kann nicht mehr bestätigt werden." in response.content.decode()
    assert not PlacementAcquisition.objects.filter(confirmed_at__isnull=False).exists()


def test_staff_send_the_link_again_until_it_is_confirmed(
    two_found, job_coach, signed_in, django_capture_on_commit_callbacks
):
    first, _second = two_found
    mail.outbox.clear()
    client = signed_in(job_coach)
    resend = reverse("employers:acquisition_resend", args=[first.pk])
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(resend).status_code == 302
    assert len(mail.outbox) == 1
    services.placement_acquisition_confirm(acquisition=first)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(resend, follow=True)
    assert "Der Betrieb hat diese Stelle schon bestätigt." in response.content.decode()
    assert len(mail.outbox) == 1


# --- proposing a person to the found placement -------------------------------------------------------


def test_the_case_manager_proposes_a_person_to_the_confirmed_placement(
    municipality, office, cook_taxonomy, signed_in, team, django_capture_on_commit_callbacks
):
    """A person who is job coach and case manager in one office (often the same person): finds the
    placement, and once it is confirmed and the business verified, proposes from "Passende Stellen"."""
    coach = MembershipFactory(user=UserFactory(), organisation=office, role=Role.CASE_MANAGER).user
    MembershipFactory(user=coach, organisation=office, role=Role.JOB_COACH)
    candidate = make_candidate(municipality, occupation=cook_taxonomy.cook, skills=cook_taxonomy.skills[:1])
    open_case(candidate, coach)
    client = signed_in(coach)
    acquisition = _record(client, cook_taxonomy, django_capture_on_commit_callbacks)
    jobs = reverse("employers:candidate_jobs", args=[candidate.pk])
    assert "Bäcker*in (m/w/d)" not in client.get(jobs).content.decode()  # not confirmed: not published
    services.placement_acquisition_confirm(acquisition=acquisition)
    services.employer_decide(
        organisation=acquisition.placement.employer.organisation,
        actor=team(Role.CHAMBER_EDITOR).own,
        verify=True,
    )
    assert "Bäcker*in (m/w/d)" in client.get(jobs).content.decode()
    propose = reverse("employers:propose", args=[candidate.pk, acquisition.placement_id])
    assert client.post(propose, {"agreed": "on"}).status_code == 302
    intro = Introduction.objects.get()
    assert (intro.stage, intro.source) == (Introduction.Stage.SUGGESTED, Introduction.Source.STAFF_PROPOSAL)


def test_the_employer_service_is_a_role_of_its_own_that_needs_a_second_factor_and_finds_placements(
    municipality, cook_taxonomy, signed_in, django_capture_on_commit_callbacks
):
    from accounts.roles import ROLES_REQUIRING_MFA
    from organisations.services import roles_for_kind

    assert Role.EMPLOYER_SERVICE in ROLES_REQUIRING_MFA
    assert Role.EMPLOYER_SERVICE in roles_for_kind(OrganisationKind.JOBCENTER)
    assert Role.EMPLOYER_SERVICE in roles_for_kind(OrganisationKind.EMPLOYMENT_AGENCY)
    assert Role.EMPLOYER_SERVICE not in roles_for_kind(OrganisationKind.WELFARE)
    jobcenter = OrganisationFactory(municipality=municipality, kind=OrganisationKind.JOBCENTER)
    service = MembershipFactory(user=UserFactory(), organisation=jobcenter, role=Role.EMPLOYER_SERVICE).user
    without_mfa = signed_in(service, mfa=False).get(LIST)
    assert without_mfa.status_code == 302 and LIST not in without_mfa["Location"]
    client = signed_in(service)
    assert "Gefundene Stellen" in client.get("/app/").content.decode()
    acquisition = _record(client, cook_taxonomy, django_capture_on_commit_callbacks)
    assert acquisition.found_by_organisation == jobcenter and acquisition.created_by == service
