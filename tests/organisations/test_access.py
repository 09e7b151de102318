"""organisations.access: the helpers every app asks, and the object checks built on them."""

import pytest
from django.core.exceptions import PermissionDenied

from organisations import access
from tests.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def test_has_role_in_own_organisation_and_municipality(case_manager_team):
    t = case_manager_team
    assert access.has_role(user=t.own, roles=["case_manager"])
    assert access.has_role(user=t.own, roles=["case_manager"], organisation_id=t.organisation.pk)
    assert access.has_role(user=t.own, roles=["case_manager"], municipality_id=t.municipality.pk)
    assert not access.has_role(user=t.own, roles=["case_manager"], organisation_id=t.other_organisation.pk)
    assert not access.has_role(
        user=t.own, roles=["case_manager"], municipality_id=t.foreign_organisation.municipality_id
    )
    assert not access.has_role(user=t.own, roles=["job_coach", "coordinator"])


def test_require_role_returns_membership_or_raises(coordinator_team):
    t = coordinator_team
    membership = access.require_role(user=t.own, roles=["coordinator"], municipality_id=t.municipality.pk)
    assert membership.organisation == t.organisation
    with pytest.raises(PermissionDenied):
        access.require_role(user=t.elsewhere, roles=["coordinator"], municipality_id=t.municipality.pk)


def test_unverified_employer_has_no_employer_rights(unverified_employer_team, employer_team):
    pending = unverified_employer_team.own
    assert not access.has_role(user=pending, roles=["employer"])
    assert not access.is_verified_employer(user=pending)
    assert access.employer_organisation_ids(user=pending) == set()
    assert "employer" not in access.roles_of(user=pending)
    with pytest.raises(PermissionDenied):
        access.require_role(user=pending, roles=["employer"])
    assert access.is_verified_employer(user=employer_team.own)
    assert access.employer_organisation_ids(user=employer_team.own) == {employer_team.organisation.pk}


def test_inactive_membership_gives_no_rights(user, municipality):
    MembershipFactory(user=user, organisation=OrganisationFactory(municipality=municipality), is_active=False)
    assert not access.has_role(user=user, roles=["case_manager"])


def test_anonymous_has_nothing(rf):
    from django.contrib.auth.models import AnonymousUser

    anon = AnonymousUser()
    assert access.memberships(user=anon) == []
    assert not access.has_role(user=anon, roles=["coordinator"])
    assert not access.requires_mfa(user=anon)


def test_roles_of_includes_candidate_flag(make_member):
    assert access.roles_of(user=make_member("candidate")) == {"candidate"}


def test_municipality_and_organisation_ids(coordinator_team, make_member, other_municipality):
    t = coordinator_team
    assert access.municipality_ids(user=t.own, roles=["coordinator"]) == {t.municipality.pk}
    assert access.organisation_ids(user=t.own) == {t.organisation.pk}


def test_memberships_are_read_once_for_many_checks(case_manager_team, django_assert_num_queries):
    t = case_manager_team
    user = type(t.own).objects.get(pk=t.own.pk)  # fresh object, nothing cached
    with django_assert_num_queries(1):
        for _ in range(20):
            access.has_role(user=user, roles=["case_manager"], organisation_id=t.organisation.pk)
            access.municipality_ids(user=user)
            access.roles_of(user=user)
            access.requires_mfa(user=user)
            access.may_view_organisation(user=user, organisation=t.organisation)


def test_forget_drops_the_cache(case_manager_team, municipality):
    user = case_manager_team.own
    assert not access.has_role(user=user, roles=["job_coach"])
    MembershipFactory(user=user, organisation=case_manager_team.organisation, role="job_coach")
    assert not access.has_role(user=user, roles=["job_coach"])  # still cached
    access.forget(user=user)
    assert access.has_role(user=user, roles=["job_coach"])


@pytest.mark.parametrize(
    "role, expected",
    [
        ("candidate", False),
        ("chamber_editor", True),
        ("case_manager", True),
        ("job_coach", True),
        ("volunteer", True),
        ("employer", True),
        ("coordinator", True),
    ],
)
def test_requires_mfa_by_role(role, expected, make_member):
    assert access.requires_mfa(user=make_member(role)) is expected


# --- object checks on organisations ---------------------------------------------------------


def test_view_organisation(case_manager_team, coordinator_team):
    t = case_manager_team
    view = access.may_view_organisation
    assert view(user=t.own, organisation=t.organisation)
    assert view(user=t.colleague, organisation=t.organisation)
    assert not view(user=t.outsider, organisation=t.organisation)
    assert not view(user=t.elsewhere, organisation=t.organisation)
    # The coordinator of the municipality sees every organisation in it, not those elsewhere.
    assert view(user=coordinator_team.own, organisation=t.organisation)
    assert not view(user=coordinator_team.own, organisation=t.foreign_organisation)


def test_managing_an_organisation_needs_its_lead_or_the_coordinator(
    case_manager_team, make_member, coordinator_team
):
    t = case_manager_team
    manage = access.may_manage_organisation
    lead = make_member("case_manager", organisation=t.organisation, lead=True)
    assert manage(user=lead, organisation=t.organisation)
    assert not manage(user=lead, organisation=t.other_organisation)
    assert not manage(user=t.own, organisation=t.organisation)
    assert manage(user=coordinator_team.own, organisation=t.organisation)
    assert not manage(user=coordinator_team.elsewhere, organisation=t.organisation)


def test_chamber_editors_and_coordinators_verify_employers_of_their_municipality(
    unverified_employer_team, chamber_editor_team, coordinator_team, case_manager_team
):
    employer_org = unverified_employer_team.organisation
    verify = access.may_verify_employer
    assert verify(user=chamber_editor_team.own, organisation=employer_org)
    assert verify(user=coordinator_team.own, organisation=employer_org)
    assert not verify(user=chamber_editor_team.elsewhere, organisation=employer_org)
    assert not verify(user=case_manager_team.own, organisation=employer_org)
    assert not verify(user=unverified_employer_team.own, organisation=employer_org)


def test_permissions_on_objects_are_not_a_second_way_in(case_manager_team, coordinator_team):
    """django-rules is gone: ``has_perm`` on an object answers no for everyone, so nothing can
    come to rely on it beside organisations.access."""
    assert not coordinator_team.own.has_perm(
        "organisations.view_organisation", case_manager_team.organisation
    )
