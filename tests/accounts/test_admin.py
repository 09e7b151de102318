"""Django admin for staff at /django-admin/: users, organisations, memberships, read-only audit log."""

import pytest
from django.urls import reverse

from accounts.models import User
from privacy.models import AuditEntry
from tests.factories import AuditEntryFactory, MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_mfa(signed_in):
    return signed_in(UserFactory(is_staff=True, is_superuser=True))


@pytest.mark.parametrize(
    "name",
    [
        "admin:accounts_user_changelist",
        "admin:accounts_user_add",
        "admin:organisations_municipality_changelist",
        "admin:organisations_organisation_changelist",
        "admin:organisations_organisation_add",
        "admin:organisations_membership_changelist",
        "admin:organisations_membershipinvitation_changelist",
        "admin:privacy_auditentry_changelist",
    ],
)
def test_admin_pages_render(admin_client_mfa, name):
    assert admin_client_mfa.get(reverse(name)).status_code == 200


def test_user_change_page_has_membership_inline(admin_client_mfa):
    membership = MembershipFactory()
    response = admin_client_mfa.get(reverse("admin:accounts_user_change", args=[membership.user.pk]))
    assert response.status_code == 200
    assert membership.organisation.name in response.content.decode()


def test_organisation_list_filters_and_search(admin_client_mfa):
    OrganisationFactory(name="Handwerksbetrieb Yilmaz", kind="employer", unverified=True)
    OrganisationFactory(name="Jobcenter Dortmund", kind="jobcenter")
    url = reverse("admin:organisations_organisation_changelist")
    body = admin_client_mfa.get(url, {"verification_status__exact": "pending"}).content.decode()
    assert "Handwerksbetrieb Yilmaz" in body and "Jobcenter Dortmund" not in body
    body = admin_client_mfa.get(url, {"q": "jobcenter"}).content.decode()
    assert "Jobcenter Dortmund" in body and "Handwerksbetrieb Yilmaz" not in body


def test_add_user_by_email_without_username(admin_client_mfa):
    response = admin_client_mfa.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "neu@stadt.example",
            "password1": "ein-langes-Passwort-2026",
            "password2": "ein-langes-Passwort-2026",
        },
    )
    assert response.status_code == 302
    assert User.objects.filter(email="neu@stadt.example").exists()


def test_organisation_page_has_membership_inline(admin_client_mfa):
    membership = MembershipFactory()
    response = admin_client_mfa.get(
        reverse("admin:organisations_organisation_change", args=[membership.organisation.pk])
    )
    assert str(membership.user) in response.content.decode()


def test_audit_log_is_read_only(admin_client_mfa):
    entry = AuditEntryFactory(action="view", record_type="candidates.case", record_id="1")
    assert (
        admin_client_mfa.get(reverse("admin:privacy_auditentry_change", args=[entry.pk])).status_code == 200
    )
    assert admin_client_mfa.get(reverse("admin:privacy_auditentry_add")).status_code == 403
    assert (
        admin_client_mfa.post(
            reverse("admin:privacy_auditentry_delete", args=[entry.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    admin_client_mfa.post(reverse("admin:privacy_auditentry_change", args=[entry.pk]), {"note": "geändert"})
    entry.refresh_from_db()
    assert entry.note == "" and AuditEntry.objects.filter(pk=entry.pk).exists()


def test_non_staff_cannot_use_the_admin(signed_in, make_member):
    response = signed_in(make_member("coordinator")).get(reverse("admin:accounts_user_changelist"))
    assert response.status_code == 302 and "login" in response["Location"]
