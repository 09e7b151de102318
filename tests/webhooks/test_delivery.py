"""Events reach the subscribed, entitled organisation's receiver, signed, and are retried with
back-off until a 2xx answer; nobody else's receiver ever gets them."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from coaching.referral_services import referral_answer_token
from coaching.services import referral_create
from employers import services as employer_services
from employers.models import Introduction
from tests.factories import SECRET_FIRST, SECRET_LAST, WebhookDeliveryFactory
from tests.fixtures.users import new_member
from webhooks.events import INTRODUCTION_STAGE_CHANGED, REFERRAL_ANSWERED
from webhooks.models import WebhookDelivery, WebhookSubscription
from webhooks.services import subscription_create, subscription_deactivate, webhook_deliver
from webhooks.signing import verify

pytestmark = pytest.mark.django_db


def _subscribe(organisation, actor, url, event=INTRODUCTION_STAGE_CHANGED):
    return subscription_create(organisation=organisation, actor=actor, url=url, events=[event])


def _verify_like_the_docs(secret: str, header: str, body: bytes) -> bool:
    """The receiver's check exactly as docs/webhooks.md shows it, written out independently."""
    parts = dict(item.split("=", 1) for item in header.split(","))
    signed = parts["t"].encode() + b"." + body
    expected = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, parts["v1"]) and abs(time.time() - int(parts["t"])) < 300


def test_a_stage_change_reaches_the_employers_receiver_signed_and_without_personal_data(
    placement, candidate, employer, receiver, django_capture_on_commit_callbacks
):
    subscription, secret = _subscribe(employer.organisation, employer.own, receiver.url)
    with django_capture_on_commit_callbacks(execute=True):
        intro = employer_services.introduction_select(
            placement=placement, candidate=candidate, actor=employer.own
        )
    assert receiver.wait_for(1)
    (got,) = receiver.got
    header = got.headers["Lotse-Signature"]
    assert _verify_like_the_docs(secret, header, got.body)
    assert verify(secret=secret, header=header, body=got.body, now=int(time.time()))
    # A wrong secret or a changed body does not verify.
    assert not _verify_like_the_docs("whsec_wrong", header, got.body)
    assert not _verify_like_the_docs(secret, header, got.body.replace(b"selected", b"hired"))

    event = json.loads(got.body)
    assert got.path == "/lotse-hook" and got.headers["Lotse-Event"] == INTRODUCTION_STAGE_CHANGED
    assert got.headers["Lotse-Delivery"] == event["id"]
    assert event["event"] == INTRODUCTION_STAGE_CHANGED
    assert event["data"]["introduction"] == {"reference": intro.reference}
    assert event["data"]["placement"] == {"id": placement.pk}
    assert event["data"]["stage"] == "selected" and event["data"]["previous_stage"] is None
    text = got.body.decode()
    for secret_detail in (SECRET_FIRST, SECRET_LAST, candidate.email, candidate.phone, "Koch"):
        assert secret_detail not in text

    row = WebhookDelivery.objects.get(subscription=subscription)
    assert row.attempts == 1 and row.last_status_code == 200 and row.delivered_at is not None
    assert row.next_attempt_at is None and row.state == "delivered"


def test_every_later_stage_is_an_event_with_its_previous_stage(
    placement, candidate, employer, candidate_user, receiver, django_capture_on_commit_callbacks
):
    _subscribe(employer.organisation, employer.own, receiver.url)
    with django_capture_on_commit_callbacks(execute=True):
        intro = employer_services.introduction_select(
            placement=placement, candidate=candidate, actor=employer.own
        )
    with django_capture_on_commit_callbacks(execute=True):
        employer_services.introduction_answer(introduction=intro, actor=candidate_user, accept=True)
    with django_capture_on_commit_callbacks(execute=True):
        employer_services.introduction_close(introduction=intro, actor=employer.own, reason="other")
    assert receiver.wait_for(3)
    stages = [
        (e["data"]["previous_stage"], e["data"]["stage"])
        for e in map(json.loads, (g.body for g in receiver.got))
    ]
    assert stages == [(None, "selected"), ("selected", "accepted"), ("accepted", "closed")]
    assert json.loads(receiver.got[-1].body)["data"]["close_reason"] == "other"


def test_other_organisations_never_receive_the_event(
    placement, candidate, employer, make_receiver, django_capture_on_commit_callbacks, coordinator_team
):
    own, other, foreign, office = (make_receiver(200) for _ in range(4))
    _subscribe(employer.organisation, employer.own, own.url)
    # Another business of the town and one elsewhere, subscribed to the same event.
    _subscribe(employer.other_organisation, employer.outsider, other.url)
    _subscribe(employer.foreign_organisation, employer.elsewhere, foreign.url)
    # The municipality's office, subscribed to what a coordinator may have.
    _subscribe(coordinator_team.organisation, coordinator_team.own, office.url, REFERRAL_ANSWERED)
    with django_capture_on_commit_callbacks(execute=True):
        employer_services.introduction_select(placement=placement, candidate=candidate, actor=employer.own)
    assert own.wait_for(1)
    time.sleep(0.2)
    assert len(own.got) == 1 and other.got == [] and foreign.got == [] and office.got == []
    assert WebhookDelivery.objects.count() == 1


def test_a_500_is_retried_and_the_second_attempt_is_logged_as_delivered(
    placement, candidate, employer, make_receiver, django_capture_on_commit_callbacks, signed_in
):
    flaky = make_receiver(500, 200)
    subscription, _ = _subscribe(employer.organisation, employer.own, flaky.url)
    with django_capture_on_commit_callbacks(execute=True):
        employer_services.introduction_select(placement=placement, candidate=candidate, actor=employer.own)
    assert flaky.wait_for(2)
    first, second = (json.loads(g.body) for g in flaky.got)
    assert first == second  # the same event (same id), so the receiver can drop a repeat
    row = WebhookDelivery.objects.get()
    assert row.attempts == 2 and row.last_status_code == 200 and row.delivered_at is not None
    # The log the employer reads says so.
    html = signed_in(employer.own).get(f"/app/api/webhooks/{subscription.pk}/").content.decode()
    assert 'data-testid="attempts">2<' in html and INTRODUCTION_STAGE_CHANGED in html


@pytest.mark.django_db
def test_back_off_doubles_and_the_attempts_are_bounded(employer, make_receiver, settings):
    settings.WEBHOOKS_MAX_ATTEMPTS = 3
    settings.WEBHOOKS_RETRY_BASE_SECONDS = 30
    failing = make_receiver(503)
    subscription, _ = _subscribe(employer.organisation, employer.own, failing.url)
    row = WebhookDeliveryFactory(
        subscription=subscription, event=INTRODUCTION_STAGE_CHANGED, url=failing.url, payload={"x": 1}
    )
    waits = []
    for _ in range(4):
        before = timezone.now()
        waits.append(webhook_deliver(delivery_id=row.pk))
        row.refresh_from_db()
        if waits[-1] is not None:
            assert before + timedelta(seconds=waits[-1]) <= row.next_attempt_at
    assert waits == [30, 60, None, None]
    assert len(failing.got) == 3
    assert row.attempts == 3 and row.last_status_code == 503 and row.gave_up_at is not None
    assert row.next_attempt_at is None and row.delivered_at is None and "503" in row.last_error


def test_a_receiver_that_does_not_answer_is_logged_with_the_error(employer, make_receiver):
    receiver = make_receiver(200)
    subscription, _ = _subscribe(employer.organisation, employer.own, receiver.url)
    closed = "http://127.0.0.1:9/nobody-listens"  # the discard port: refused on a test machine
    WebhookSubscription.objects.filter(pk=subscription.pk).update(url=closed)
    row = WebhookDeliveryFactory(
        subscription=subscription, event=INTRODUCTION_STAGE_CHANGED, url=closed, payload={}
    )
    assert webhook_deliver(delivery_id=row.pk) == 30
    row.refresh_from_db()
    assert row.attempts == 1 and row.last_status_code is None
    assert "ConnectionRefused" in row.last_error or "Errno" in row.last_error
    assert row.next_attempt_at is not None


def test_an_address_that_turned_private_is_not_called(employer, receiver, monkeypatch):
    """Checked again before each delivery: a name that now resolves to the internal network is refused."""
    subscription, _ = _subscribe(employer.organisation, employer.own, receiver.url)
    internal = "https://hooks.example.org/x"
    row = WebhookDeliveryFactory(
        subscription=subscription, event=INTRODUCTION_STAGE_CHANGED, url=internal, payload={}
    )
    monkeypatch.setattr("socket.getaddrinfo", lambda *a, **k: [(2, 1, 6, "", ("10.1.2.3", 443))])
    called = []
    monkeypatch.setattr("webhooks.delivery.post", lambda **kwargs: called.append(kwargs) or 200)
    webhook_deliver(delivery_id=row.pk)
    row.refresh_from_db()
    assert called == [] and row.delivered_at is None and row.attempts == 1
    assert "internen Netz" in row.last_error


def test_a_deactivated_subscription_gets_nothing_more(
    placement, candidate, employer, receiver, django_capture_on_commit_callbacks
):
    subscription, _ = _subscribe(employer.organisation, employer.own, receiver.url)
    subscription_deactivate(subscription=subscription, actor=employer.colleague)
    with django_capture_on_commit_callbacks(execute=True):
        employer_services.introduction_select(placement=placement, candidate=candidate, actor=employer.own)
    assert receiver.got == [] and not WebhookDelivery.objects.exists()


def test_a_referral_answered_through_the_link_reaches_the_case_organisation_only(
    coaching_world, language_school, make_receiver, django_capture_on_commit_callbacks, client
):
    office_coordinator = new_member(Role.COORDINATOR, organisation=coaching_world.office)
    office, other = make_receiver(200), make_receiver(200)
    _subscribe(coaching_world.office, office_coordinator, office.url, REFERRAL_ANSWERED)
    # The municipality's other coordinator (another organisation) subscribes too: not entitled.
    other_org = coaching_world.coordinator.memberships.get().organisation
    assert other_org != coaching_world.office
    _subscribe(other_org, coaching_world.coordinator, other.url, REFERRAL_ANSWERED)
    referral = referral_create(
        case=coaching_world.case, service=language_school, actor=coaching_world.case_manager, note="x"
    )
    link = reverse("coaching:referral_answer", kwargs={"token": referral_answer_token(referral=referral)})
    with django_capture_on_commit_callbacks(execute=True):
        # The provider answers through its signed link, without an account.
        assert client.post(link, {"status": "accepted", "outcome": ""}).status_code == 302
    assert office.wait_for(1)
    time.sleep(0.2)
    assert other.got == []
    event = json.loads(office.got[0].body)
    assert event["event"] == REFERRAL_ANSWERED
    assert event["data"]["referral"] == {"id": referral.pk}
    assert event["data"]["service"] == {"id": language_school.pk}
    assert event["data"]["status"] == "accepted"
    assert coaching_world.case.candidate.first_name not in office.got[0].body.decode()
    assert Introduction.objects.count() == 0  # nothing else moved


def test_a_case_managers_proposal_reaches_the_employer_it_is_proposed_to(
    placement, candidate, employer, coach, make_receiver, django_capture_on_commit_callbacks
):
    own, other = make_receiver(200), make_receiver(200)
    _subscribe(employer.organisation, employer.own, own.url)
    _subscribe(employer.other_organisation, employer.outsider, other.url)
    with django_capture_on_commit_callbacks(execute=True):
        intro = employer_services.introduction_propose(
            placement=placement, candidate=candidate, actor=coach, agreed=True
        )
    assert own.wait_for(1)
    event = json.loads(own.got[0].body)
    assert event["data"]["stage"] == "suggested" and event["data"]["introduction"] == {
        "reference": intro.reference
    }
    assert other.got == []
