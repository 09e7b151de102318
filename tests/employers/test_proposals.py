"""Journeys 3 and 4 of issue 12: the case manager proposes a person to a placement after recording
their agreement; the employer sees the proposal with its explanation and accepts or declines with a
reason; the candidate's "interessiert mich" reaches the responsible case manager."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts.roles import Role
from candidates.models import Consent, ConsentScope
from candidates.services import consent_revoke
from employers import notices, services
from employers.models import Introduction, JobInterest, PlacementStatus
from employers.selectors import introduction_card, introduction_contact
from notifications.models import Notification
from tests.factories import (
    ConsentFactory,
    MembershipFactory,
    UserFactory,
    make_candidate,
    make_placement,
    make_profile,
    open_case,
)

Stage = Introduction.Stage
Source = Introduction.Source


@pytest.fixture
def candidate(municipality, cook_taxonomy, candidate_user, coach):
    # Not listed: the employer sees the card of a proposal through the person's grant for it alone.
    c = make_candidate(
        municipality,
        occupation=cook_taxonomy.cook,
        skills=cook_taxonomy.skills[:1],
        user=candidate_user,
        listed=False,
    )
    open_case(c, coach)
    return c


def _propose(placement, candidate, coach, **kwargs):
    return services.introduction_propose(
        placement=placement, candidate=candidate, actor=coach, agreed=True, **kwargs
    )


def _kinds(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


# --- the source field ---------------------------------------------------------------------------


def test_an_employer_selection_keeps_the_employer_search_source(placement, candidate, employer):
    make_candidate_listed = ConsentFactory(candidate=candidate, scope=ConsentScope.LISTING)
    assert make_candidate_listed.is_live
    intro = services.introduction_select(placement=placement, candidate=candidate, actor=employer.own)
    assert intro.source == Source.EMPLOYER_SEARCH


# --- journey 3: proposing -----------------------------------------------------------------------


def test_a_proposal_needs_the_persons_agreement(placement, candidate, coach):
    with pytest.raises(ValidationError) as exc:
        services.introduction_propose(placement=placement, candidate=candidate, actor=coach, agreed=False)
    assert "agreed" in exc.value.message_dict
    assert not Introduction.objects.exists()
    assert not Consent.objects.filter(scope=ConsentScope.CONTACT).exists()


def test_proposing_records_the_agreement_and_tells_the_employer_without_a_name(
    placement, candidate, coach, employer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        intro = _propose(placement, candidate, coach, paper_form_reference="Ordner 3/17")
    assert (intro.stage, intro.source, intro.created_by) == (Stage.SUGGESTED, Source.STAFF_PROPOSAL, coach)
    consent = Consent.objects.live().get(candidate=candidate, scope=ConsentScope.CONTACT)
    assert consent.recipient_organisation_id == employer.organisation.pk
    assert consent.reference == f"introduction:{intro.pk}"
    assert (consent.recorded_by, consent.paper_form_reference) == (coach, "Ordner 3/17")
    assert notices.PROPOSED_EMPLOYER in _kinds(employer.own)
    assert notices.PROPOSED_EMPLOYER in _kinds(employer.colleague)
    assert notices.PROPOSED_EMPLOYER not in _kinds(employer.outsider)
    assert mail.outbox and all(candidate.last_name not in m.body for m in mail.outbox)
    # The employer sees the anonymised card of this introduction (not listed otherwise), no contact yet.
    assert introduction_card(user=employer.own, introduction=intro) is not None
    assert introduction_card(user=employer.outsider, introduction=intro) is None
    assert introduction_contact(user=employer.own, introduction=intro) is None


def test_the_same_proposal_posted_twice_makes_one(placement, candidate, coach):
    first = _propose(placement, candidate, coach)
    again = _propose(placement, candidate, coach)
    assert again.pk == first.pk
    assert Introduction.objects.count() == 1
    assert Consent.objects.filter(scope=ConsentScope.CONTACT).count() == 1


def test_only_a_case_manager_of_the_persons_case_proposes(placement, candidate, municipality, employer):
    other_case_manager = MembershipFactory(
        user=UserFactory(), organisation=make_profile(employer.organisation).organisation, role=Role.EMPLOYER
    ).user
    from tests.factories import OrganisationFactory

    office = OrganisationFactory(municipality=municipality, kind="municipality_office")
    stranger = MembershipFactory(user=UserFactory(), organisation=office, role=Role.CASE_MANAGER).user
    for actor in (stranger, other_case_manager):
        with pytest.raises(PermissionDenied):
            _propose(placement, candidate, actor)
    assert not Introduction.objects.exists()


def test_a_closed_placement_takes_no_proposal(placement, candidate, coach):
    placement.status = PlacementStatus.CLOSED
    placement.save(update_fields=["status"])
    with pytest.raises(ValidationError):
        _propose(placement, candidate, coach)


def test_the_case_manager_cannot_answer_a_proposal_in_the_employers_place(placement, candidate, coach):
    intro = _propose(placement, candidate, coach)
    with pytest.raises(ValidationError):
        services.introduction_answer(introduction=intro, actor=coach, accept=True)


def test_the_employer_accepts_and_goes_on_as_after_the_persons_yes(
    placement, candidate, coach, employer, candidate_user
):
    intro = _propose(placement, candidate, coach)
    intro = services.introduction_proposal_accept(introduction=intro, actor=employer.own)
    assert intro.stage == Stage.ACCEPTED
    assert introduction_contact(user=employer.own, introduction=intro).name == candidate.full_name
    assert notices.PROPOSAL_ACCEPTED_STAFF in _kinds(coach)
    assert notices.SELECTED_CANDIDATE in _kinds(candidate_user)
    # The employer's own notice about the proposal is read by the answer.
    assert not Notification.objects.filter(recipient=employer.own, read_at__isnull=True).exists()
    with pytest.raises(ValidationError):
        services.introduction_proposal_accept(introduction=intro, actor=employer.own)


def test_another_employer_cannot_answer_the_proposal(placement, candidate, coach, employer):
    intro = _propose(placement, candidate, coach)
    with pytest.raises(PermissionDenied):
        services.introduction_proposal_accept(introduction=intro, actor=employer.outsider)
    with pytest.raises(PermissionDenied):
        services.introduction_proposal_decline(
            introduction=intro, actor=employer.elsewhere, reason="not_suitable"
        )


def test_the_employer_declines_with_a_reason_and_the_case_manager_hears_it(
    placement, candidate, coach, employer
):
    intro = _propose(placement, candidate, coach)
    with pytest.raises(ValidationError):
        services.introduction_proposal_decline(
            introduction=intro, actor=employer.own, reason="hired_elsewhere"
        )
    intro = services.introduction_proposal_decline(
        introduction=intro, actor=employer.own, reason="not_suitable", note="Nur Frühschicht"
    )
    assert (intro.stage, intro.close_reason) == (Stage.CLOSED, "not_suitable")
    notice = Notification.objects.get(recipient=coach, kind=notices.PROPOSAL_DECLINED_STAFF)
    assert notice.params["reason"] == "not_suitable"
    assert notice.url_name == "employers:candidate_jobs" and notice.url_kwargs == {"pk": candidate.pk}


def test_revoking_the_recorded_agreement_ends_the_proposal(placement, candidate, coach, employer):
    intro = _propose(placement, candidate, coach)
    consent = Consent.objects.live().get(candidate=candidate, scope=ConsentScope.CONTACT)
    consent_revoke(consent=consent, actor=candidate.user)
    intro.refresh_from_db()
    assert (intro.stage, intro.close_reason) == (Stage.CLOSED, "consent_revoked")
    assert introduction_card(user=employer.own, introduction=intro) is None


# --- journey 4: interest --------------------------------------------------------------------------


def test_interest_reaches_the_responsible_case_manager_once(placement, candidate, candidate_user, coach):
    services.job_interest_register(candidate=candidate, placement=placement, actor=candidate_user)
    services.job_interest_register(candidate=candidate, placement=placement, actor=candidate_user)
    assert JobInterest.objects.filter(candidate=candidate, placement=placement).count() == 1
    services.job_interest_withdraw(candidate=candidate, placement=placement, actor=candidate_user)
    assert not JobInterest.objects.exists()
    services.job_interest_register(candidate=candidate, placement=placement, actor=candidate_user)
    notice = Notification.objects.get(recipient=coach, kind=notices.INTEREST_STAFF)
    assert notice.url_name == "employers:candidate_jobs" and notice.url_kwargs == {"pk": candidate.pk}
    assert candidate.last_name not in str(notice.params)


def test_interest_of_a_person_without_a_case_manager_reaches_the_coordinator(
    placement, municipality, cook_taxonomy, make_member, signed_in
):
    person = UserFactory(is_candidate=True)
    candidate = make_candidate(municipality, occupation=cook_taxonomy.cook, user=person)  # no case at all
    coordinator = make_member(Role.COORDINATOR)
    services.job_interest_register(candidate=candidate, placement=placement, actor=person)
    notice = Notification.objects.get(kind=notices.INTEREST_COORDINATOR)
    assert notice.recipient == coordinator
    # The link leads to a page the coordinator opens: the person's page with who is responsible.
    assert signed_in(coordinator).get(notice.path()).status_code == 200
    assert not Notification.objects.filter(kind=notices.INTEREST_STAFF).exists()


def test_only_the_person_themself_says_interest(placement, candidate, coach):
    with pytest.raises(PermissionDenied):
        services.job_interest_register(candidate=candidate, placement=placement, actor=coach)


def test_interest_only_in_an_open_placement_of_the_municipality(
    candidate, candidate_user, employer, cook_taxonomy
):
    elsewhere = make_placement(make_profile(employer.foreign_organisation), cook_taxonomy.cook)
    filled = make_placement(
        make_profile(employer.organisation), cook_taxonomy.cook, status=PlacementStatus.FILLED
    )
    for placement in (elsewhere, filled):
        with pytest.raises(ValidationError):
            services.job_interest_register(candidate=candidate, placement=placement, actor=candidate_user)


def test_proposing_after_interest_carries_the_source_and_reads_the_notice(
    placement, candidate, candidate_user, coach
):
    services.job_interest_register(candidate=candidate, placement=placement, actor=candidate_user)
    intro = _propose(placement, candidate, coach)
    assert intro.source == Source.CANDIDATE_INTEREST
    assert Notification.objects.get(recipient=coach, kind=notices.INTEREST_STAFF).read_at is not None


# --- pages ------------------------------------------------------------------------------------------


def test_passende_stellen_shows_the_interest_and_proposes_by_form(
    placement, candidate, candidate_user, coach, signed_in
):
    services.job_interest_register(candidate=candidate, placement=placement, actor=candidate_user)
    client = signed_in(coach)
    url = reverse("employers:candidate_jobs", args=[candidate.pk])
    page = client.get(url).content.decode()
    assert "Die Person hat Interesse an dieser Stelle gemeldet." in page
    assert "Diesem Betrieb vorschlagen" in page
    propose = reverse("employers:propose", args=[candidate.pk, placement.pk])

    # Without the agreement: the page again, the error at the checkbox, the reference kept.
    response = client.post(propose, {"paper_form_reference": "Ordner 9"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Bitte bestätigen Sie, dass die Person einverstanden ist." in body
    assert 'value="Ordner 9"' in body
    assert not Introduction.objects.exists()

    response = client.post(propose, {"agreed": "on", "paper_form_reference": "Ordner 9"})
    assert response.status_code == 302
    assert response["Location"] == f"{url}#job-{placement.pk}"
    assert client.post(propose, {"agreed": "on"}).status_code == 302  # a double click
    assert Introduction.objects.get().stage == Stage.SUGGESTED
    assert "Läuft schon" in client.get(url).content.decode()


def test_stellen_fuer_mich_says_interest_and_takes_it_back(placement, candidate, candidate_user, signed_in):
    client = signed_in(candidate_user)
    url = reverse("employers:my_jobs")
    assert "Interessiert mich" in client.get(url).content.decode()
    interest = reverse("employers:job_interest", args=[placement.pk])
    assert client.post(interest).status_code == 302
    page = client.get(url).content.decode()
    assert "Interesse gemeldet" in page and "Interesse zurückziehen" in page
    assert client.post(interest, {"withdraw": "1"}).status_code == 302
    assert not JobInterest.objects.exists()
    assert "Interessiert mich" in client.get(url).content.decode()


@pytest.mark.parametrize("page, query", [("3", "?seite=3"), ("1" * 3000, ""), ("x", "")])
def test_interest_goes_back_to_its_page_and_a_monstrous_page_number_is_dropped_not_a_400(
    placement, candidate, candidate_user, signed_in, page, query
):
    """Found by the form fuzzer: a 3,000-digit page number made Django refuse the redirect (400)
    after the interest was stored. The interest stands and the person lands on the list."""
    client = signed_in(candidate_user)
    response = client.post(reverse("employers:job_interest", args=[placement.pk]), {"seite": page})
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('employers:my_jobs')}{query}#job-{placement.pk}"
    assert JobInterest.objects.filter(candidate=candidate, placement=placement).count() == 1


def test_the_employer_reads_the_proposal_with_its_explanation_and_declines(
    placement, candidate, coach, employer, signed_in
):
    intro = _propose(placement, candidate, coach)
    client = signed_in(employer.own)
    url = reverse("employers:introduction_detail", args=[intro.reference])
    page = client.get(url).content.decode()
    assert 'data-testid="proposal"' in page
    # One skill listed, the rest of the cook's essential skills counted from the occupation and said so
    # (issue 16): never "all present".
    assert "wesentlichen Kompetenzen angegeben" in page and "Messer handhaben" in page
    assert 'data-testid="inferred-skills"' in page and "Wesentliche Kompetenzen vorhanden:" not in page
    assert "Passung:" in page and "Deutsch: B1 – erfüllt (gefordert A2)." in page
    assert "Arbeitserlaubnis: darf arbeiten" in page and "Vorschlag des Case Managements" in page
    assert candidate.last_name not in page and candidate.first_name not in page
    assert (
        "Vorschlag des Case Managements"
        in client.get(reverse("employers:placement_detail", args=[placement.pk])).content.decode()
    )

    decline = reverse("employers:introduction_action", args=[intro.reference, "decline_proposal"])
    response = client.post(decline, {"note": "ohne Grund"})
    assert response.status_code == 400
    assert 'value="ohne Grund"' in response.content.decode()
    assert client.post(decline, {"reason": "placement_filled"}).status_code == 302
    intro.refresh_from_db()
    assert (intro.stage, intro.close_reason) == (Stage.CLOSED, "placement_filled")


def test_the_employer_accepts_from_the_page(placement, candidate, coach, employer, signed_in):
    intro = _propose(placement, candidate, coach)
    client = signed_in(employer.own)
    accept = reverse("employers:introduction_action", args=[intro.reference, "accept_proposal"])
    assert client.post(accept).status_code == 302
    intro.refresh_from_db()
    assert intro.stage == Stage.ACCEPTED
    assert (
        "Kontaktdaten anzeigen"
        in client.get(reverse("employers:introduction_detail", args=[intro.reference])).content.decode()
    )


def test_interest_goes_with_the_gdpr_export_and_erasure(placement, candidate, candidate_user):
    from privacy.registry import registry

    services.job_interest_register(candidate=candidate, placement=placement, actor=candidate_user)
    exported = registry.export(candidate_user)["employers.interest"]
    assert [row["placement"] for row in exported] == [placement.title]
    assert registry.erase(candidate_user)["employers.interest"] == 1
    assert not JobInterest.objects.exists()
