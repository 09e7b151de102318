"""Who sees which candidates: role, organisation, municipality and live consent, on every request."""

from __future__ import annotations

import pytest

from accounts.roles import Role
from candidates import selectors, services
from candidates.models import ConsentScope
from organisations import access
from organisations.models import OrganisationKind
from tests.factories import (
    CandidateFactory,
    CaseFactory,
    ConsentFactory,
    LanguageSkillFactory,
    OrganisationFactory,
)

pytestmark = pytest.mark.django_db


def test_case_managers_see_the_open_cases_of_their_organisation_only(case_manager_team):
    own = CaseFactory(
        responsible_organisation=case_manager_team.organisation,
        candidate__municipality=case_manager_team.municipality,
    ).candidate
    other = CaseFactory(
        responsible_organisation=case_manager_team.other_organisation,
        candidate__municipality=case_manager_team.municipality,
    ).candidate

    assert list(selectors.visible_candidates(user=case_manager_team.own)) == [own]
    assert list(selectors.visible_candidates(user=case_manager_team.colleague)) == [own]
    assert list(selectors.visible_candidates(user=case_manager_team.outsider)) == [other]
    assert list(selectors.visible_candidates(user=case_manager_team.elsewhere)) == []


def test_closing_the_case_ends_the_organisations_access(case_manager_team):
    case = CaseFactory(
        responsible_organisation=case_manager_team.organisation,
        candidate__municipality=case_manager_team.municipality,
    )
    # Closing needs its evaluation (issue 14 §4): case_close, never case_set_phase.
    services.case_close(case=case, actor=case_manager_team.own, reason="moved_away")
    assert list(selectors.visible_candidates(user=case_manager_team.own)) == []


def test_a_handover_consent_opens_the_case_data_and_its_revocation_closes_it_at_once(case_manager_team):
    case = CaseFactory(
        responsible_organisation=case_manager_team.organisation,
        candidate__municipality=case_manager_team.municipality,
    )
    receiver = case_manager_team.outsider
    assert not selectors.visible_candidates(user=receiver).exists()

    consent = services.consent_grant(
        candidate=case.candidate,
        scope=ConsentScope.CASE_DATA,
        actor=case_manager_team.own,
        recipient_organisation=case_manager_team.other_organisation,
        paper_form_reference="Akte 7/24",
    )
    assert selectors.candidate_get(user=receiver, pk=case.candidate.pk) == case.candidate

    services.consent_revoke(consent=consent, actor=case_manager_team.own)
    with pytest.raises(access.NotFound):
        selectors.candidate_get(user=receiver, pk=case.candidate.pk)


def test_coordinators_see_their_municipality_and_nothing_beyond(coordinator_team):
    here = CandidateFactory(municipality=coordinator_team.municipality)
    CandidateFactory(municipality=coordinator_team.foreign_organisation.municipality)
    # The metadata of their municipality's people; the full record only where responsible (issue 11).
    assert list(selectors.overseen_candidates(user=coordinator_team.own)) == [here]
    assert not selectors.visible_candidates(user=coordinator_team.own).exists()
    CaseFactory(candidate=here, case_manager=coordinator_team.own)
    assert list(selectors.visible_candidates(user=coordinator_team.own)) == [here]
    # Reading is not editing: coordinators never change a case file.
    assert not selectors.editable_candidates(user=coordinator_team.own).exists()


def test_volunteers_see_only_assigned_candidates_and_only_the_consented_fields(volunteer_team):
    candidate = CandidateFactory(
        municipality=volunteer_team.municipality, preferences_own_words="Koch werden"
    )
    LanguageSkillFactory(candidate=candidate, language="ar", spoken="C2")
    consent = ConsentFactory(
        candidate=candidate, scope=ConsentScope.VOLUNTEER, recipient_user=volunteer_team.own
    )

    view = selectors.volunteer_view(user=volunteer_team.own, pk=candidate.pk)
    assert view.full_name == candidate.full_name
    assert view.preferences_own_words == "Koch werden"
    assert [lang.language for lang in view.languages] == ["ar"]
    assert not hasattr(view, "email") and not hasattr(view, "birth_date")
    # Volunteers never get the full record, and a colleague without the consent gets nothing.
    assert not selectors.visible_candidates(user=volunteer_team.own).exists()
    with pytest.raises(access.NotFound):
        selectors.volunteer_view(user=volunteer_team.colleague, pk=candidate.pk)

    services.consent_revoke(consent=consent, actor=volunteer_team.own)
    with pytest.raises(access.NotFound):
        selectors.volunteer_view(user=volunteer_team.own, pk=candidate.pk)


def test_a_candidate_sees_only_themself(candidate_team):
    me = CandidateFactory(user=candidate_team.own)
    CandidateFactory(user=candidate_team.colleague)
    assert list(selectors.visible_candidates(user=candidate_team.own)) == [me]
    assert selectors.own_candidate(user=candidate_team.own) == me


def test_employers_and_chamber_editors_reach_no_case_file(employer_team, chamber_editor_team):
    CaseFactory(candidate__municipality=employer_team.municipality)
    for user in (employer_team.own, chamber_editor_team.own):
        assert not selectors.visible_candidates(user=user).exists()
        assert not selectors.caseload(user=user).exists()


def test_verified_employers_list_only_live_listing_consents_of_their_region(
    employer_team, unverified_employer_team, municipality, other_municipality
):
    listed = ConsentFactory(candidate__municipality=municipality, scope=ConsentScope.LISTING).candidate
    CandidateFactory(municipality=municipality)  # no consent
    ConsentFactory(candidate__municipality=other_municipality, scope=ConsentScope.LISTING)  # elsewhere
    revoked = ConsentFactory(candidate__municipality=municipality, scope=ConsentScope.LISTING)

    services.consent_revoke(consent=revoked, actor=employer_team.own)

    assert list(selectors.listed_candidates_for_employer(user=employer_team.own)) == [listed]
    assert not selectors.listed_candidates_for_employer(user=unverified_employer_team.own).exists()
    assert (
        not selectors.listed_candidates_for_employer(user=employer_team.elsewhere)
        .filter(pk=listed.pk)
        .exists()
    )


def test_live_consent_check_names_scope_recipient_and_reference(municipality):
    employer = OrganisationFactory(municipality=municipality, kind=OrganisationKind.EMPLOYER)
    consent = ConsentFactory(
        candidate__municipality=municipality,
        scope=ConsentScope.CONTACT,
        recipient_organisation=employer,
        reference="intro-7",
    )
    candidate = consent.candidate
    has = selectors.candidate_has_live_consent
    assert has(candidate=candidate, scope=ConsentScope.CONTACT, organisation=employer, reference="intro-7")
    assert not has(
        candidate=candidate, scope=ConsentScope.CONTACT, organisation=employer, reference="intro-8"
    )
    assert not has(candidate=candidate, scope=ConsentScope.LISTING)
    services.consent_revoke(consent=consent, actor=None)
    assert not has(candidate=candidate, scope=ConsentScope.CONTACT, organisation=employer)


def test_a_paper_grant_records_who_entered_it_when_and_which_form(case_manager_team, make_member):
    case = CaseFactory(
        responsible_organisation=case_manager_team.organisation,
        candidate__municipality=case_manager_team.municipality,
    )
    volunteer = make_member(Role.VOLUNTEER)
    consent = services.consent_grant(
        candidate=case.candidate,
        scope=ConsentScope.VOLUNTEER,
        actor=case_manager_team.own,
        recipient_user=volunteer,
        paper_form_reference="Ordner 3, Blatt 12",
    )
    assert consent.source == "staff_paper_form"
    assert consent.recorded_by == case_manager_team.own
    assert consent.recorded_at is not None
    assert consent.paper_form_reference == "Ordner 3, Blatt 12"
    # Granting the same again does not pile up rows.
    again = services.consent_grant(
        candidate=case.candidate,
        scope=ConsentScope.VOLUNTEER,
        actor=case_manager_team.own,
        recipient_user=volunteer,
    )
    assert again == consent


def test_the_case_file_counts_open_and_overdue_steps_and_says_who_may_change_it(case_manager_team):
    import datetime

    from django.utils import timezone

    from tests.factories import GoalFactory, StepFactory

    case = CaseFactory(
        responsible_organisation=case_manager_team.organisation,
        candidate__municipality=case_manager_team.municipality,
    )
    goal = GoalFactory(case=case)
    today = timezone.localdate()
    StepFactory(goal=goal, due_date=today - datetime.timedelta(days=1))  # open, overdue
    StepFactory(goal=goal, due_date=None)  # open, no date
    StepFactory(goal=GoalFactory(case=case), due_date=today - datetime.timedelta(days=3), status="done")

    file = selectors.case_file(user=case_manager_team.own, pk=case.pk)
    assert (file.full, file.editable) == (True, True)
    assert (file.open_steps, file.overdue_steps) == (2, 1)
    assert file.editable == selectors.may_edit_candidate(user=case_manager_team.own, pk=case.candidate_id)


def test_the_form_for_one_person_lets_through_exactly_whom_the_list_form_does(case_manager_team):
    """``for_one`` writes the rule as EXISTS (an index lookup per person) instead of a hashed IN:
    the same people for every user, through an open case, a closed one, a live and a revoked
    handover."""
    team = case_manager_team
    own = CaseFactory(responsible_organisation=team.organisation, candidate__municipality=team.municipality)
    other = CaseFactory(
        responsible_organisation=team.other_organisation, candidate__municipality=team.municipality
    )
    closed = CaseFactory(
        responsible_organisation=team.organisation, candidate__municipality=team.municipality
    )
    services.case_close(case=closed, actor=team.own, reason="moved_away")
    handed = CaseFactory(
        responsible_organisation=team.organisation, candidate__municipality=team.municipality
    )
    services.consent_grant(
        candidate=handed.candidate,
        scope=ConsentScope.CASE_DATA,
        actor=team.own,
        recipient_organisation=team.other_organisation,
        paper_form_reference="Akte 8/24",
    )
    revoked = CaseFactory(
        responsible_organisation=team.organisation, candidate__municipality=team.municipality
    )
    services.consent_revoke(
        consent=services.consent_grant(
            candidate=revoked.candidate,
            scope=ConsentScope.CASE_DATA,
            actor=team.own,
            recipient_organisation=team.other_organisation,
            paper_form_reference="Akte 9/24",
        ),
        actor=team.own,
    )
    everyone = [own, other, closed, handed, revoked]
    for user in (team.own, team.colleague, team.outsider, team.elsewhere):
        for rule in (selectors.visible_candidates, selectors.editable_candidates):
            as_list = set(rule(user=user).values_list("pk", flat=True))
            assert set(rule(user=user, for_one=True).values_list("pk", flat=True)) == as_list
            for case in everyone:
                assert rule(user=user, for_one=True).filter(pk=case.candidate_id).exists() == (
                    case.candidate_id in as_list
                )
    # What the rule must give here, so that both forms agreeing is not both being empty.
    assert set(selectors.visible_candidates(user=team.outsider).values_list("pk", flat=True)) == {
        other.candidate_id,
        handed.candidate_id,
    }
