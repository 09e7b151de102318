import pytest
from allauth.account.models import EmailAddress

from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_user_factory_user_can_log_in_with_verified_address(client):
    user = UserFactory()
    assert user.check_password("pw")
    address = EmailAddress.objects.get(user=user)
    assert address.verified and address.primary and address.email == user.email


def test_user_factory_can_leave_address_unverified():
    user = UserFactory(verified_email=False)
    assert not EmailAddress.objects.get(user=user).verified


def test_organisation_factory_verified_by_default_and_unverified_trait():
    assert OrganisationFactory().is_verified
    assert not OrganisationFactory(unverified=True, kind="employer").is_verified


def test_membership_factory_role_param():
    m = MembershipFactory(role="job_coach")
    assert m.role == "job_coach" and m.user.memberships.count() == 1
