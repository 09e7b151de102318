"""The candidate's self-service invitation: only the newest link counts, a double submit makes one
account and no 500, the sign-in goes through allauth, and sending is throttled.
"""

from __future__ import annotations

import re
import threading

import pytest
from allauth.account.internal.flows.login import get_authentication_records
from django.contrib.auth import get_user_model
from django.core import mail
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from candidates import services
from candidates.models import Candidate, Invitation
from tests.factories import CaseFactory, InvitationFactory, LanguageSkillFactory
from tests.fixtures.caching import clear_own_cache

PASSWORD = {"password1": "Sonnenblume-2024", "password2": "Sonnenblume-2024"}


@pytest.fixture
def case(case_manager_team):
    clear_own_cache()  # the throttle counts in the shared cache (this run's entries only)
    return CaseFactory(
        responsible_organisation=case_manager_team.organisation,
        candidate__municipality=case_manager_team.municipality,
        candidate__email="",
        case_manager=case_manager_team.own,
    )


def _invite(client: Client, candidate: Candidate, email: str, capture):
    with capture(execute=True):
        response = client.post(reverse("candidates:invite", args=[candidate.pk]), {"email": email})
    return response


def _link(message) -> str:
    url = re.search(r"https?://\S+", message.body).group(0)
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


# --- 1. an old link no longer claims the profile ---------------------------------------------------


def test_a_new_invitation_voids_the_link_sent_to_a_mistyped_address(
    case, case_manager_team, signed_in, django_capture_on_commit_callbacks
):
    staff = signed_in(case_manager_team.own)
    assert (
        _invite(staff, case.candidate, "amina@mial.example", django_capture_on_commit_callbacks).status_code
        == 302
    )
    old = _link(mail.outbox[-1])
    assert (
        _invite(staff, case.candidate, "amina@mail.example", django_capture_on_commit_callbacks).status_code
        == 302
    )
    new = _link(mail.outbox[-1])

    stranger = Client()
    response = stranger.get(old)
    assert response.status_code == 404 and "Link gilt nicht mehr" in response.content.decode()
    response = stranger.post(old, PASSWORD)
    assert response.status_code == 404 and "Link gilt nicht mehr" in response.content.decode()
    case.candidate.refresh_from_db()
    assert case.candidate.user_id is None
    assert not get_user_model().objects.filter(email="amina@mial.example").exists()
    assert "_auth_user_id" not in stranger.session
    assert Invitation.objects.filter(candidate=case.candidate, voided_at__isnull=False).count() == 1

    # The newest link still works.
    assert Client().post(new, PASSWORD).status_code == 302
    case.candidate.refresh_from_db()
    assert case.candidate.user.email == "amina@mail.example"


def test_an_older_open_invitation_without_void_mark_is_refused(case, case_manager_team):
    # Rows from before the void mark existed: the newest open invitation alone counts.
    first = InvitationFactory(candidate=case.candidate, email="a@x.example", created_by=case_manager_team.own)
    second = InvitationFactory(
        candidate=case.candidate, email="b@x.example", created_by=case_manager_team.own
    )
    assert services.invitation_from_token(token=services.invitation_token(invitation=first)) is None
    assert services.invitation_from_token(token=services.invitation_token(invitation=second)) == second


def test_a_voided_invitation_is_not_mailed(case, case_manager_team):
    first = InvitationFactory(candidate=case.candidate, email="a@x.example", created_by=case_manager_team.own)
    services.invitation_send(candidate=case.candidate, actor=case_manager_team.own, email="b@x.example")
    first.refresh_from_db()
    assert first.voided_at is not None
    assert services.invitation_email_send(invitation_id=first.pk) is False


# --- 2. a double submit makes one account, never a 500 ---------------------------------------------


def _race(calls):
    barrier = threading.Barrier(len(calls))
    results: list[object] = [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait(timeout=10)
            results[i] = call()
        except Exception as exc:  # noqa: BLE001 - the outcome is what the test asserts on
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL: SQLite serialises writes")
@pytest.mark.django_db(transaction=True)
def test_three_simultaneous_accepts_make_one_account_and_no_500(case_manager_team):
    for round_ in range(6):
        case = CaseFactory(
            responsible_organisation=case_manager_team.organisation,
            candidate__municipality=case_manager_team.municipality,
            case_manager=case_manager_team.own,
        )
        email = f"race{round_}-{case.candidate.pk}@mail.example"
        invitation = services.invitation_send(
            candidate=case.candidate, actor=case_manager_team.own, email=email
        )
        path = reverse(
            "candidates:invitation_accept", args=[services.invitation_token(invitation=invitation)]
        )
        tabs = [Client(raise_request_exception=False) for _ in range(3)]
        results = _race([lambda c=c, p=path: c.post(p, PASSWORD) for c in tabs])

        for r in results:
            assert not isinstance(r, Exception), r
        statuses = sorted(r.status_code for r in results)
        assert all(s in (302, 404) for s in statuses), statuses
        assert 500 not in statuses
        assert get_user_model().objects.filter(email=email).count() == 1
        case.candidate.refresh_from_db()
        assert case.candidate.user.email == email


# --- 3. the sign-in goes through allauth ---------------------------------------------------------


def test_accepting_signs_in_through_allauth_with_its_authentication_record(
    case, case_manager_team, django_capture_on_commit_callbacks
):
    invitation = services.invitation_send(
        candidate=case.candidate, actor=case_manager_team.own, email="z@mail.example"
    )
    client = Client()
    path = reverse("candidates:invitation_accept", args=[services.invitation_token(invitation=invitation)])
    response = client.post(path, PASSWORD)
    assert response.status_code == 302 and response["Location"] == reverse("candidates:my_profile")
    user = get_user_model().objects.get(email="z@mail.example")
    request = response.wsgi_request
    records = get_authentication_records(request, user)
    assert [r["method"] for r in records] == ["password"]
    assert str(client.session["_auth_user_id"]) == str(user.pk)
    assert client.get(reverse("candidates:my_profile")).status_code == 200


# --- 4. sending is throttled --------------------------------------------------------------------


def test_invitations_per_person_are_throttled(
    case, case_manager_team, signed_in, django_capture_on_commit_callbacks
):
    staff = signed_in(case_manager_team.own)
    sent = len(mail.outbox)
    for i in range(services.INVITATIONS_PER_CANDIDATE_PER_HOUR):
        assert (
            _invite(
                staff, case.candidate, f"x{i}@victim.example", django_capture_on_commit_callbacks
            ).status_code
            == 302
        )
    before = Invitation.objects.filter(candidate=case.candidate).count()
    response = _invite(staff, case.candidate, "victim@outside.example", django_capture_on_commit_callbacks)
    assert response.status_code == 429
    body = response.content.decode()
    assert "Zu viele Einladungen" in body and "victim@outside.example" in body
    assert Invitation.objects.filter(candidate=case.candidate).count() == before
    assert len(mail.outbox) == sent + services.INVITATIONS_PER_CANDIDATE_PER_HOUR


def test_invitations_per_sender_are_throttled(
    case, case_manager_team, signed_in, django_capture_on_commit_callbacks
):
    staff = signed_in(case_manager_team.own)
    candidates = [
        CaseFactory(
            responsible_organisation=case_manager_team.organisation,
            candidate__municipality=case_manager_team.municipality,
            case_manager=case_manager_team.own,
        ).candidate
        for _ in range(
            services.INVITATIONS_PER_SENDER_PER_HOUR // services.INVITATIONS_PER_CANDIDATE_PER_HOUR + 1
        )
    ]
    sent = 0
    refused = None
    for candidate in candidates:
        for _ in range(services.INVITATIONS_PER_CANDIDATE_PER_HOUR):
            response = _invite(staff, candidate, "victim@outside.example", django_capture_on_commit_callbacks)
            if response.status_code == 429:
                refused = response
                break
            assert response.status_code == 302
            sent += 1
        if refused:
            break
    assert sent == services.INVITATIONS_PER_SENDER_PER_HOUR
    assert refused is not None and "Zu viele Einladungen" in refused.content.decode()


# --- the e-mail in the person's language (issue 13) ------------------------------------------------


def test_the_invitation_is_written_in_the_chosen_language_with_german_below(
    case, case_manager_team, signed_in, django_capture_on_commit_callbacks
):
    staff = signed_in(case_manager_team.own)
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(
            reverse("candidates:invite", args=[case.candidate.pk]),
            {"email": "olena@mail.example", "language": "uk"},
        )
    assert response.status_code == 302
    message = mail.outbox[-1]
    assert message.subject == "[Lotse] Ваш доступ до вашого профілю"
    ukrainian, german = message.body.split("-----")
    assert "Ваша контактна особа запросила вас до Lotse" in ukrainian and "/uk/" in ukrainian
    assert "Ihre Ansprechperson hat Sie zu Lotse eingeladen" in german
    # The link opens the site in Ukrainian, and the new account keeps that language for later mails.
    assert Client().post(_link(message), PASSWORD).status_code == 302
    case.candidate.refresh_from_db()
    assert case.candidate.user.preferred_language == "uk"


def test_the_form_proposes_the_last_invitations_language_else_the_first_language(
    case, case_manager_team, signed_in, django_capture_on_commit_callbacks
):

    staff = signed_in(case_manager_team.own)
    url = reverse("candidates:invite", args=[case.candidate.pk])
    assert '<option value="de" selected>' in staff.get(url).content.decode()
    LanguageSkillFactory(candidate=case.candidate, language="ar", is_native=True, spoken=None, written=None)
    assert '<option value="ar" selected>' in staff.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        staff.post(url, {"email": "a@mail.example", "language": "fa"})
    assert '<option value="fa" selected>' in staff.get(url).content.decode()


def test_an_invitation_without_a_language_goes_out_in_german_only(
    case, case_manager_team, signed_in, django_capture_on_commit_callbacks
):
    _invite(
        signed_in(case_manager_team.own), case.candidate, "a@mail.example", django_capture_on_commit_callbacks
    )
    message = mail.outbox[-1]
    assert message.subject == "[Lotse] Ihr Zugang zu Ihrem Profil" and "-----" not in message.body
