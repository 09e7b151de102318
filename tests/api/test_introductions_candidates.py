"""Issue 17: an employer's introductions and the anonymised cards in the API — own / other business
/ other municipality, consent read live on every request, every card shown audited, and the stage
moved through the page's services with If-Match."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from api.services import token_create
from candidates.models import Consent, ConsentScope
from candidates.services import consent_grant, consent_revoke
from employers.models import Introduction, IntroductionStage
from employers.services import contact_reference
from privacy.models import AuditEntry
from tests.api.helpers import client_for
from tests.factories import (
    SECRET_FIRST,
    SECRET_LAST,
    IntroductionFactory,
    WebhookSubscriptionFactory,
    make_candidate,
)
from webhooks.models import WebhookDelivery

pytestmark = pytest.mark.django_db

SCOPES = ["introductions:read", "introductions:write", "candidates:read"]
Stage = Introduction.Stage


def _client(side, scopes=SCOPES):
    _token, raw = token_create(organisation=side.organisation, actor=side.user, name="ERP", scopes=scopes)
    return client_for(raw)


@pytest.fixture
def clients(employers):
    return {name: _client(getattr(employers, name)) for name in ("own", "other", "foreign")}


@pytest.fixture
def intro(placements, candidate):
    return IntroductionFactory(placement=placements["own"], candidate=candidate, stage=Stage.CONTACT_REVEALED)


def _refs(response):
    assert response.status_code == 200, response.content
    return {card["ref"] for card in response.json()["results"]}


def test_candidates_are_the_municipalitys_listed_people_without_names(clients, candidate):
    response = clients["own"].get("/api/v1/candidates/")
    assert _refs(response) == {candidate.public_ref}
    body = response.content.decode()
    assert SECRET_FIRST not in body and SECRET_LAST not in body
    assert str(candidate.pk) not in {str(card.get("id")) for card in response.json()["results"]}
    # Another business of the municipality browses the same people; one elsewhere does not.
    assert _refs(clients["other"].get("/api/v1/candidates/")) == {candidate.public_ref}
    assert _refs(clients["foreign"].get("/api/v1/candidates/")) == set()
    detail = clients["own"].get(f"/api/v1/candidates/{candidate.public_ref}/")
    assert detail.status_code == 200
    assert detail.json()["ref"] == candidate.public_ref
    assert clients["foreign"].get(f"/api/v1/candidates/{candidate.public_ref}/").status_code == 404
    # An internal id is no reference.
    assert clients["own"].get(f"/api/v1/candidates/{candidate.pk}/").status_code == 404


def test_a_revoked_listing_consent_removes_the_person_on_the_next_request(
    clients, candidate, candidate_user, intro
):
    own = clients["own"]
    assert _refs(own.get("/api/v1/candidates/")) == {candidate.public_ref}
    assert (
        own.get(f"/api/v1/introductions/{intro.reference}/").json()["candidate"]["ref"]
        == candidate.public_ref
    )
    consent = Consent.objects.get(candidate=candidate, scope=ConsentScope.LISTING)
    consent_revoke(consent=consent, actor=candidate_user)
    assert _refs(own.get("/api/v1/candidates/")) == set()
    assert own.get(f"/api/v1/candidates/{candidate.public_ref}/").status_code == 404
    # The introduction stays the employer's, the person's card goes with the consent (as on the page).
    response = own.get(f"/api/v1/introductions/{intro.reference}/")
    assert response.status_code == 200
    assert response.json()["candidate"] is None
    listed = own.get(f"/api/v1/placements/{intro.placement_id}/introductions/").json()["results"]
    assert [row["candidate"] for row in listed] == [None]


def test_every_card_shown_is_audited_in_the_name_of_the_credentials_maker(
    clients, employers, candidate, intro
):
    def entries():
        return AuditEntry.objects.filter(
            record_type="candidates.candidate",
            record_id=str(candidate.pk),
            actor_id=employers.own.user.pk,
            action=AuditEntry.Action.VIEW,
        )

    assert not entries().exists()
    clients["own"].get("/api/v1/candidates/")
    assert entries().count() == 1
    assert entries().get().fields == ["anonymous_card"]
    # Shown again the same day, by list, detail and introduction: still one entry, as for the pages.
    clients["own"].get(f"/api/v1/candidates/{candidate.public_ref}/")
    clients["own"].get(f"/api/v1/introductions/{intro.reference}/")
    assert entries().count() == 1
    # Another business's view is its own entry.
    clients["other"].get(f"/api/v1/candidates/{candidate.public_ref}/")
    assert (
        AuditEntry.objects.filter(record_id=str(candidate.pk), actor_id=employers.other.user.pk).count() == 1
    )


def test_introductions_only_for_own_placements(clients, employers, placements, intro):
    url = f"/api/v1/placements/{placements['own'].pk}/introductions/"
    rows = clients["own"].get(url).json()["results"]
    assert [(row["ref"], row["stage"]) for row in rows] == [(intro.reference, "contact_revealed")]
    assert clients["other"].get(url).status_code == 404
    assert clients["foreign"].get(url).status_code == 404
    detail = f"/api/v1/introductions/{intro.reference}/"
    assert clients["own"].get(detail).status_code == 200
    assert clients["other"].get(detail).status_code == 404
    assert clients["foreign"].get(detail).status_code == 404
    assert clients["own"].get(f"/api/v1/introductions/{intro.pk}/").status_code == 404
    # Without the scope: 403 before anything is looked up.
    reader = _client(employers.own, ["placements:read"])
    assert reader.get(detail).status_code == 403


def test_the_stage_moves_through_the_pages_service_with_if_match(clients, intro, employers):
    WebhookSubscriptionFactory(
        organisation=employers.own.organisation,
        url="https://erp.example/hooks",
        secret="whsec_test",
        secret_prefix="whsec_te",
        events=["introduction.stage_changed"],
    )
    url = f"/api/v1/introductions/{intro.reference}/"
    own = clients["own"]
    current = own.get(url)
    body = {"stage": "offer", "note": "30 Std."}
    assert own.patch(url, body, format="json").status_code == 428
    assert own.patch(url, body, format="json", HTTP_IF_MATCH='"stale"').status_code == 412
    response = own.patch(url, body, format="json", HTTP_IF_MATCH=current["ETag"])
    assert response.status_code == 200, response.content
    assert response.json()["stage"] == "offer"
    assert response["ETag"] != current["ETag"]
    step = IntroductionStage.objects.filter(introduction=intro).latest("pk")
    assert (step.stage, step.note, step.by_id) == ("offer", "30 Std.", employers.own.user.pk)
    # The page's service told the business's system, as when the button is pressed.
    delivery = WebhookDelivery.objects.get()
    assert delivery.payload["data"]["stage"] == "offer"
    assert delivery.payload["data"]["introduction"] == {"reference": intro.reference}
    # The same ETag again is stale now; another business cannot move it at all.
    assert own.patch(url, body, format="json", HTTP_IF_MATCH=current["ETag"]).status_code == 412
    assert clients["other"].patch(url, body, format="json", HTTP_IF_MATCH="*").status_code == 404
    intro.refresh_from_db()
    assert intro.stage == Stage.OFFER


def test_a_move_the_page_would_refuse_is_a_400_with_the_reason(clients, intro):
    url = f"/api/v1/introductions/{intro.reference}/"
    response = clients["own"].patch(url, {"stage": "interview"}, format="json", HTTP_IF_MATCH="*")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert "interview_at" in response.content.decode()
    closed = clients["own"].patch(
        url, {"stage": "closed", "reason": "other"}, format="json", HTTP_IF_MATCH="*"
    )
    assert closed.status_code == 200
    again = clients["own"].patch(url, {"stage": "offer"}, format="json", HTTP_IF_MATCH="*")
    assert again.status_code == 400
    intro.refresh_from_db()
    assert intro.stage == Stage.CLOSED


def _queries(client, url):
    client.get(url)  # warm caches
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_query_counts_do_not_grow_with_the_page_size(
    clients, municipality, cook_taxonomy, placements, candidate
):
    own = clients["own"]
    intros_url = f"/api/v1/placements/{placements['own'].pk}/introductions/"
    IntroductionFactory(placement=placements["own"], candidate=candidate, stage=Stage.SELECTED)
    few = (_queries(own, "/api/v1/candidates/"), _queries(own, intros_url))
    for _ in range(8):
        person = make_candidate(municipality, occupation=cook_taxonomy.cook, skills=cook_taxonomy.skills[:2])
        IntroductionFactory(placement=placements["own"], candidate=person, stage=Stage.SELECTED)
    assert len(own.get("/api/v1/candidates/").json()["results"]) == 9
    many = (_queries(own, "/api/v1/candidates/"), _queries(own, intros_url))
    assert many == few


def test_the_persons_grant_for_the_introduction_keeps_the_card_there_only(
    clients, employers, placements, candidate, candidate_user, intro
):
    """As on the page: unlisted, the card stays on the introduction the person agreed to, for
    that business only; not in the browse list, and not on another introduction."""
    consent_revoke(
        consent=Consent.objects.get(candidate=candidate, scope=ConsentScope.LISTING), actor=candidate_user
    )
    consent_grant(
        candidate=candidate,
        scope=ConsentScope.CONTACT,
        actor=candidate_user,
        recipient_organisation=employers.own.organisation,
        reference=contact_reference(intro),
    )
    other = IntroductionFactory(placement=placements["other"], candidate=candidate, stage=Stage.SELECTED)
    own = clients["own"]
    assert (
        own.get(f"/api/v1/introductions/{intro.reference}/").json()["candidate"]["ref"]
        == candidate.public_ref
    )
    listed = own.get(f"/api/v1/placements/{intro.placement_id}/introductions/").json()["results"]
    assert [row["candidate"]["ref"] for row in listed] == [candidate.public_ref]
    assert _refs(own.get("/api/v1/candidates/")) == set()
    assert clients["other"].get(f"/api/v1/introductions/{other.reference}/").json()["candidate"] is None
