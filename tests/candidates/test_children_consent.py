"""Children under 6, kept only with the person's own consent (issue 20): the case manager asks it on
the profile form once the signed consent is recorded, the person answers in self-service and
consents there; the answer is in the person's export and goes with erasure and with revoking
the consent."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from candidates import services
from candidates.models import Candidate, Consent, ConsentScope, ConsentSource
from privacy.models import AuditEntry
from privacy.registry import registry
from tests.clock import TODAY

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]

PROFILE = {"first_name": "Olena", "last_name": "Koval", "work_permission": "unrestricted", "gender": "female"}


@pytest.fixture
def me(desk, candidate_team, signed_in):
    """(candidate, client): the desk's candidate, signed in as themself."""
    Candidate.objects.filter(pk=desk.candidate.pk).update(user=candidate_team.own)
    desk.candidate.refresh_from_db()
    return desk.candidate, signed_in(candidate_team.own)


def _paper_consent(desk, client) -> None:
    response = client.post(
        reverse("candidates:consents", args=[desk.candidate.pk]),
        {
            "scope": ConsentScope.FAMILY_FIGURES,
            "granted_on": (TODAY - datetime.timedelta(days=1)).isoformat(),
            "paper_form_reference": "Ordner K, Blatt 3",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]


def _stored(candidate) -> str:
    return Candidate.objects.values_list("children_under_6", flat=True).get(pk=candidate.pk)


def _audited(candidate) -> int:
    return sum(
        "children_under_6" in (e.fields or [])
        for e in AuditEntry.objects.filter(action="change", record_id=str(candidate.pk))
    )


def test_nothing_is_stored_without_the_consent(desk):
    with pytest.raises(ValidationError) as refused:
        services.children_under_6_set(candidate=desk.candidate, actor=desk.user, value="yes")
    assert "Einwilligung" in str(refused.value)
    assert _stored(desk.candidate) == ""
    # "not stated" needs no consent (there is nothing to keep)
    services.children_under_6_set(candidate=desk.candidate, actor=desk.user, value="")
    assert _stored(desk.candidate) == ""


def test_the_case_manager_asks_it_only_after_recording_the_signed_consent(desk, signed_in):
    client = signed_in(desk.user)
    url = reverse("candidates:edit", args=[desk.candidate.pk])
    page = client.get(url).content.decode()
    assert 'name="children_under_6"' not in page and 'data-testid="children-needs-consent"' in page
    # A tampered post without the consent stores nothing.
    assert client.post(url, {**PROFILE, "children_under_6": "yes"}).status_code == 302
    assert _stored(desk.candidate) == ""

    _paper_consent(desk, client)
    consent = Consent.objects.get(candidate=desk.candidate, scope=ConsentScope.FAMILY_FIGURES)
    assert consent.source == ConsentSource.STAFF_PAPER_FORM and consent.recipient_organisation_id is None
    page = client.get(url).content.decode()
    assert 'name="children_under_6"' in page and 'data-testid="children-needs-consent"' not in page
    assert client.post(url, {**PROFILE, "children_under_6": "yes"}).status_code == 302
    assert _stored(desk.candidate) == "yes"
    assert _audited(desk.candidate) == 1
    # "keine Angabe" takes it out again
    assert client.post(url, {**PROFILE, "children_under_6": ""}).status_code == 302
    assert _stored(desk.candidate) == ""


def test_a_consent_revoked_while_the_form_was_open_keeps_the_answer_out(desk, signed_in):
    client = signed_in(desk.user)
    _paper_consent(desk, client)
    url = reverse("candidates:edit", args=[desk.candidate.pk])
    client.get(url)
    Consent.objects.filter(candidate=desk.candidate).update(revoked_at=datetime.datetime.now(datetime.UTC))
    response = client.post(url, {**PROFILE, "city": "Dortmund", "children_under_6": "yes"})
    # the form (without the question now) saves the rest; the answer is not stored
    assert response.status_code == 302
    assert _stored(desk.candidate) == ""


def test_the_person_answers_and_consents_in_self_service_in_their_language(me):
    candidate, client = me
    url = reverse("candidates:my_profile_edit")
    with translation.override("uk"):
        page = client.get(reverse("candidates:my_profile_edit"))
    html = page.content.decode()
    assert 'lang="uk"' in html
    assert 'name="children_under_6"' in html and 'name="children_consent"' in html
    # An answer without the consent is refused with the input kept, nothing stored.
    response = client.post(url, {"children_under_6": "yes"})
    assert response.status_code == 200
    assert "Bitte stimmen Sie zu" in response.content.decode()
    assert _stored(candidate) == "" and not Consent.objects.filter(candidate=candidate).exists()
    # With the box ticked: a self-service consent, dated now, and the answer.
    response = client.post(url, {"children_under_6": "yes", "children_consent": "on"})
    assert response.status_code == 302
    consent = Consent.objects.get(candidate=candidate, scope=ConsentScope.FAMILY_FIGURES)
    assert consent.is_live and consent.source == ConsentSource.SELF_SERVICE
    assert _stored(candidate) == "yes"
    # Next time the box is not asked again.
    assert 'name="children_consent"' not in client.get(url).content.decode()


def test_the_export_holds_the_answer_and_the_consent(me):
    candidate, client = me
    client.post(reverse("candidates:my_profile_edit"), {"children_under_6": "no", "children_consent": "on"})
    exported = registry.export(candidate.user)["candidates"]
    assert exported["profile"]["children_under_6"] == "no"
    assert [c["scope"] for c in exported["consents"]] == ["family_figures"]


def test_revoking_the_consent_deletes_the_answer(me):
    candidate, client = me
    client.post(reverse("candidates:my_profile_edit"), {"children_under_6": "yes", "children_consent": "on"})
    consent = Consent.objects.get(candidate=candidate, scope=ConsentScope.FAMILY_FIGURES)
    revoke = reverse("candidates:consent_revoke", args=[consent.pk])
    assert "zählt in keiner Statistik mehr" in client.get(revoke).content.decode()
    assert client.post(revoke).status_code == 302
    assert _stored(candidate) == ""
    assert AuditEntry.objects.filter(
        action="change", record_id=str(candidate.pk), note="consent revoked", fields=["children_under_6"]
    ).exists()
    # Given again, the answer has to be given again too: nothing came back by itself.
    client.post(reverse("candidates:my_consents"), {"grant_again": str(consent.pk)})
    assert Consent.objects.live().filter(candidate=candidate, scope=ConsentScope.FAMILY_FIGURES).exists()
    assert _stored(candidate) == ""


def test_erasure_removes_the_answer(desk, signed_in):
    client = signed_in(desk.user)
    _paper_consent(desk, client)
    client.post(reverse("candidates:edit", args=[desk.candidate.pk]), {**PROFILE, "children_under_6": "yes"})
    assert _stored(desk.candidate) == "yes"
    response = client.post(reverse("candidates:erase", args=[desk.candidate.pk]), {"confirm": "on"})
    assert response.status_code == 302
    assert _stored(desk.candidate) == ""
    assert not Consent.objects.filter(candidate=desk.candidate).exists()
