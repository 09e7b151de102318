"""Issue 21: a candidate grants again, in self-service and in their language, what they revoked."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from accounts.roles import Role
from candidates.models import Candidate, Consent, ConsentScope, ConsentSource
from organisations.models import Membership, OrganisationKind
from tests.factories import CandidateFactory, ConsentFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def me(desk, candidate_team, signed_in):
    Candidate.objects.filter(pk=desk.candidate.pk).update(user=candidate_team.own)
    desk.case.candidate.refresh_from_db()
    return type("Me", (), {"candidate": desk.candidate, "client": signed_in(candidate_team.own)})


def revoked(candidate, **fields) -> Consent:
    now = timezone.now()
    return ConsentFactory(
        candidate=candidate, granted_at=now - timedelta(days=30), revoked_at=now - timedelta(days=1), **fields
    )


def url(language: str = "de") -> str:
    with translation.override(language):
        return reverse("candidates:my_consents")


@pytest.mark.parametrize("language", ["ar", "uk", "fa", "en"])
def test_a_revoked_volunteer_grant_is_given_again_in_the_persons_language(me, make_member, language):
    volunteer = make_member(Role.VOLUNTEER)
    old = revoked(me.candidate, scope=ConsentScope.VOLUNTEER, recipient_user=volunteer)

    page = me.client.get(url(language)).content.decode()
    assert f'name="grant_again" value="{old.pk}"' in page
    assert ">Wieder erlauben<" not in page  # the button speaks the person's language

    response = me.client.post(url(language), {"grant_again": old.pk}, follow=True)

    live = Consent.objects.live().get(candidate=me.candidate, scope=ConsentScope.VOLUNTEER)
    assert live.pk != old.pk and live.recipient_user == volunteer
    assert live.source == ConsentSource.SELF_SERVICE and live.recorded_by is None
    message = [str(m) for m in response.context["messages"]]
    assert message and "erlaubt" not in message[0]


def test_case_data_for_an_organisation_is_given_again(me):
    office = OrganisationFactory(municipality=me.candidate.municipality, kind=OrganisationKind.JOBCENTER)
    old = revoked(me.candidate, scope=ConsentScope.CASE_DATA, recipient_organisation=office)
    me.client.post(url(), {"grant_again": old.pk})
    assert (
        Consent.objects.live()
        .filter(candidate=me.candidate, scope=ConsentScope.CASE_DATA, recipient_organisation=office)
        .exists()
    )


def test_what_cannot_be_given_again_has_no_button_and_a_tampered_post_changes_nothing(
    me, make_member, desk, candidate_team
):
    gone = make_member(Role.VOLUNTEER)
    Membership.objects.filter(user=gone).update(is_active=False)
    left = revoked(me.candidate, scope=ConsentScope.VOLUNTEER, recipient_user=gone)
    employer = OrganisationFactory(municipality=me.candidate.municipality, kind=OrganisationKind.EMPLOYER)
    contact = revoked(
        me.candidate, scope=ConsentScope.CONTACT, recipient_organisation=employer, reference="introduction:1"
    )
    someone_else = revoked(
        CandidateFactory(municipality=me.candidate.municipality, first_name="A", last_name="B"),
        scope=ConsentScope.LISTING,
    )
    page = me.client.get(url()).content.decode()
    assert 'name="grant_again"' not in page
    for consent in (left, contact, someone_else):
        assert me.client.post(url(), {"grant_again": consent.pk}).status_code == 404
    assert not Consent.objects.live().exists()
