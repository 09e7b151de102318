from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from candidates.models import (
    Case,
    CasePhase,
    Consent,
    ConsentScope,
    ConsentSource,
    LanguageSkill,
    WorkPermission,
)
from organisations.models import OrganisationKind
from tests.factories import (
    CandidateFactory,
    CaseFactory,
    ConsentFactory,
    LanguageSkillFactory,
    MunicipalityFactory,
    OrganisationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("permission", "category"),
    [
        (WorkPermission.UNRESTRICTED, "may_work"),
        (WorkPermission.NEEDS_APPROVAL, "needs_approval"),
        (WorkPermission.NONE, "none"),
        (WorkPermission.UNKNOWN, "unknown"),
    ],
)
def test_permit_category_tells_employers_and_matching_whether_the_person_may_work(permission, category):
    assert CandidateFactory(work_permission=permission).permit_category == category


def test_a_new_candidate_has_a_permit_not_yet_known_not_one_that_bars_them():
    assert CandidateFactory().permit_category == "unknown"


def test_live_consents_exclude_revoked_ones_at_once():
    candidate = CandidateFactory()
    employer = OrganisationFactory(municipality=candidate.municipality, kind=OrganisationKind.EMPLOYER)
    listing = ConsentFactory(candidate=candidate, scope=ConsentScope.LISTING)
    contact = ConsentFactory(candidate=candidate, scope=ConsentScope.CONTACT, recipient_organisation=employer)
    assert set(Consent.objects.live()) == {listing, contact}

    contact.revoked_at = timezone.now()
    contact.save()

    assert list(Consent.objects.live()) == [listing]
    assert list(candidate.consents.live().filter(scope=ConsentScope.CONTACT)) == []
    assert not contact.is_live and listing.is_live


def test_a_contact_consent_must_name_the_receiving_organisation():
    candidate = CandidateFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        # The insert itself is what is checked (a database constraint): no factory.
        Consent.objects.create(candidate=candidate, scope=ConsentScope.CONTACT)


def test_a_volunteer_consent_must_name_the_volunteer():
    candidate = CandidateFactory()
    # The inserts themselves are what is checked (a database constraint, both ways): no factory.
    with pytest.raises(IntegrityError), transaction.atomic():
        Consent.objects.create(candidate=candidate, scope=ConsentScope.VOLUNTEER)
    Consent.objects.create(candidate=candidate, scope=ConsentScope.VOLUNTEER, recipient_user=UserFactory())
    assert candidate.consents.live().count() == 1


def test_a_consent_cannot_be_revoked_before_it_was_granted():
    consent = ConsentFactory(candidate=CandidateFactory(), scope=ConsentScope.LISTING)
    consent.revoked_at = consent.granted_at - timedelta(days=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        consent.save()


def test_a_paper_form_consent_names_who_recorded_it():
    consent = Consent(
        candidate=CandidateFactory(), scope=ConsentScope.LISTING, source=ConsentSource.STAFF_PAPER_FORM
    )
    with pytest.raises(ValidationError) as excinfo:
        consent.full_clean()
    assert "recorded_by" in excinfo.value.message_dict


def test_a_case_belongs_to_the_candidates_municipality():
    candidate = CandidateFactory()
    other = MunicipalityFactory()
    case = Case(
        candidate=candidate,
        municipality=other,
        responsible_organisation=OrganisationFactory(municipality=other, kind=OrganisationKind.JOBCENTER),
    )
    with pytest.raises(ValidationError) as excinfo:
        case.full_clean()
    assert "municipality" in excinfo.value.message_dict


def test_a_case_is_closed_with_a_date_and_open_without_one():
    candidate = CandidateFactory()
    office = OrganisationFactory(municipality=candidate.municipality, kind=OrganisationKind.JOBCENTER)
    case = CaseFactory(
        candidate=candidate, municipality=candidate.municipality, responsible_organisation=office
    )
    assert case.is_open
    case.phase = CasePhase.CLOSED
    with pytest.raises(IntegrityError), transaction.atomic():
        case.save()
    case.closed_at = timezone.now()
    case.save()
    assert not Case.objects.get(pk=case.pk).is_open


def test_each_language_appears_once_per_candidate():
    candidate = CandidateFactory()
    LanguageSkillFactory(candidate=candidate, language="de", spoken="B1", written="A2")
    with pytest.raises(IntegrityError), transaction.atomic():
        # The insert itself is what is checked (a unique constraint): no factory.
        LanguageSkill.objects.create(candidate=candidate, language="de", spoken="A2")


def test_minimum_hours_cannot_exceed_maximum_hours():
    with pytest.raises(IntegrityError), transaction.atomic():
        CandidateFactory(hours_per_week_min=30, hours_per_week_max=20)
