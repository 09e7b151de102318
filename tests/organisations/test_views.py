"""A coordinator's pages: list, create an organisation, invite members."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from organisations.models import Membership, MembershipInvitation, Organisation
from privacy.models import AuditEntry
from tests.factories import AuditEntryFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator(make_member):
    return make_member("coordinator")


@pytest.fixture
def client_c(coordinator, signed_in):
    return signed_in(coordinator)


def test_list_shows_only_own_municipalitys_organisations(client_c, municipality, other_municipality):
    OrganisationFactory(municipality=municipality, name="Jobcenter Dortmund", kind="jobcenter")
    OrganisationFactory(municipality=other_municipality, name="Jobcenter Bochum", kind="jobcenter")
    body = client_c.get(reverse("organisations:list")).content.decode()
    assert "Jobcenter Dortmund" in body
    assert "Jobcenter Bochum" not in body


def test_create_organisation(client_c, coordinator, municipality):
    response = client_c.post(
        reverse("organisations:create"),
        {
            "kind": "welfare",
            "name": "AWO Beratung",
            "street": "Kampstr. 1",
            "postcode": "44137",
            "city": "Dortmund",
        },
    )
    org = Organisation.objects.get(name="AWO Beratung")
    assert response.status_code == 302 and response["Location"] == reverse(
        "organisations:members", args=[org.pk]
    )
    assert org.municipality == municipality and org.is_verified and org.verified_by == coordinator
    assert AuditEntry.objects.filter(record_type="organisations.organisation", record_id=str(org.pk)).exists()


def test_duplicate_name_in_same_municipality_is_a_form_error_with_input_kept(client_c, municipality):
    OrganisationFactory(municipality=municipality, name="Diakonie Dortmund")
    response = client_c.post(
        reverse("organisations:create"),
        {"kind": "welfare", "name": "diakonie dortmund", "street": "Rheinische Str. 9", "postcode": "44137"},
    )
    assert response.status_code == 200
    assert "bereits eine Organisation" in response.content.decode()
    assert response.context["form"].errors["name"]
    assert 'value="Rheinische Str. 9"' in response.content.decode()
    assert (
        Organisation.objects.filter(municipality=municipality).count() == 2
    )  # coordinator's own + the first


def test_same_name_in_another_municipality_is_fine(client_c, other_municipality):
    OrganisationFactory(municipality=other_municipality, name="Caritas")
    response = client_c.post(reverse("organisations:create"), {"kind": "welfare", "name": "Caritas"})
    assert response.status_code == 302


@pytest.mark.parametrize(
    "data, field",
    [
        ({"kind": "", "name": "X"}, "kind"),
        ({"kind": "welfare", "name": ""}, "name"),
        ({"kind": "welfare", "name": "X", "postcode": "4413"}, "postcode"),
        ({"kind": "nonsense", "name": "X"}, "kind"),
        ({"kind": "welfare", "name": "X", "email": "kein-mail"}, "email"),
    ],
)
def test_bad_input_is_a_form_error(client_c, data, field):
    response = client_c.post(reverse("organisations:create"), data)
    assert response.status_code == 200
    assert field in response.context["form"].errors


def test_coordinator_of_two_municipalities_chooses(coordinator, client_c, other_municipality):
    from tests.factories import MembershipFactory

    MembershipFactory(
        user=coordinator,
        role="coordinator",
        organisation=OrganisationFactory(municipality=other_municipality, kind="municipality_office"),
    )
    client = client_c
    response = client.post(
        reverse("organisations:create"),
        {"municipality": other_municipality.pk, "kind": "jobcenter", "name": "JC"},
    )
    assert response.status_code == 302
    assert Organisation.objects.get(name="JC").municipality == other_municipality


def _accept(signed_in, person, capture_email_index=-1):
    """The invited person opens the link from the last e-mail to them and accepts."""
    body = [m for m in mail.outbox if person.email in m.to][capture_email_index].body
    link = re.search(r"(/app/organisations/invitations/[A-Za-z0-9_\-]+/)", body).group(1)
    return signed_in(person).post(link, {"action": "accept"})


def test_invite_member_by_email_and_the_person_accepts(
    client_c, municipality, signed_in, django_capture_on_commit_callbacks
):
    org = OrganisationFactory(municipality=municipality, kind="welfare")
    person = UserFactory(email="berater@awo.example", display_name="Berater Bernd")
    with django_capture_on_commit_callbacks(execute=True):
        response = client_c.post(
            reverse("organisations:members", args=[org.pk]),
            {"email": "Berater@AWO.example", "role": "case_manager"},
        )
    assert response.status_code == 302
    assert not Membership.objects.filter(user=person).exists()
    invitation = MembershipInvitation.objects.get(organisation=org)
    assert invitation.email == "berater@awo.example" and invitation.status == "pending"
    body = client_c.get(reverse("organisations:members", args=[org.pk])).content.decode()
    assert "berater@awo.example" in body and "Berater Bernd" not in body

    assert _accept(signed_in, person).status_code == 302
    assert Membership.objects.filter(
        user=person, organisation=org, role="case_manager", is_active=True
    ).exists()
    body = client_c.get(reverse("organisations:members", args=[org.pk])).content.decode()
    assert "Berater Bernd" in body  # a member now, by their own name
    assert AuditEntry.objects.filter(record_type="organisations.membership", actor_id=person.pk).exists()


def test_unknown_email_gets_an_invitation_too(client_c, municipality, django_capture_on_commit_callbacks):
    org = OrganisationFactory(municipality=municipality, kind="welfare")
    with django_capture_on_commit_callbacks(execute=True):
        response = client_c.post(
            reverse("organisations:members", args=[org.pk]),
            {"email": "unbekannt@awo.example", "role": "job_coach"},
        )
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [["unbekannt@awo.example"]]
    assert not Membership.objects.filter(organisation=org).exists()


def test_inviting_twice_resends_one_invitation(client_c, municipality, django_capture_on_commit_callbacks):
    org = OrganisationFactory(municipality=municipality, kind="welfare")
    person = UserFactory()
    url = reverse("organisations:members", args=[org.pk])
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            assert client_c.post(url, {"email": person.email, "role": "job_coach"}).status_code == 302
    assert MembershipInvitation.objects.filter(organisation=org).count() == 1
    first, second = (m.body for m in mail.outbox)
    assert first != second  # a fresh link; the first one no longer works


def test_bad_email_is_a_form_error_with_input_kept(client_c, municipality):
    org = OrganisationFactory(municipality=municipality, kind="welfare")
    response = client_c.post(
        reverse("organisations:members", args=[org.pk]), {"email": "kein-at", "role": "job_coach"}
    )
    assert response.status_code == 200 and "email" in response.context["form"].errors
    assert 'value="kein-at"' in response.content.decode()
    assert not MembershipInvitation.objects.exists()


def test_role_must_fit_the_kind_of_organisation(client_c, municipality):
    employer = OrganisationFactory(municipality=municipality, kind="employer")
    response = client_c.post(
        reverse("organisations:members", args=[employer.pk]),
        {"email": UserFactory().email, "role": "case_manager"},
    )
    assert response.status_code == 200 and "role" in response.context["form"].errors
    assert not MembershipInvitation.objects.exists()


def test_lead_may_invite_colleagues_but_not_coordinators(make_member, signed_in, municipality):
    office = OrganisationFactory(municipality=municipality, kind="municipality_office")
    lead = make_member("case_manager", organisation=office, lead=True)
    client = signed_in(lead)
    url = reverse("organisations:members", args=[office.pk])
    person = UserFactory()
    assert client.post(url, {"email": person.email, "role": "coordinator"}).status_code == 200
    assert not MembershipInvitation.objects.exists()
    assert client.post(url, {"email": person.email, "role": "case_manager"}).status_code == 302
    assert MembershipInvitation.objects.get().role == "case_manager"


def test_ending_a_membership_takes_the_rights_away_at_once(
    client_c, make_member, municipality, signed_in, django_capture_on_commit_callbacks
):
    org = OrganisationFactory(municipality=municipality, kind="welfare")
    coach = make_member("job_coach", organisation=org)
    membership = coach.memberships.get()
    response = client_c.post(reverse("organisations:membership_deactivate", args=[org.pk, membership.pk]))
    assert response.status_code == 302
    membership.refresh_from_db()
    assert not membership.is_active
    # Invited again and accepted, the same row is active again.
    with django_capture_on_commit_callbacks(execute=True):
        client_c.post(
            reverse("organisations:members", args=[org.pk]), {"email": coach.email, "role": "job_coach"}
        )
    membership.refresh_from_db()
    assert not membership.is_active
    _accept(signed_in, coach)
    membership.refresh_from_db()
    assert membership.is_active


def test_revoking_an_invitation(client_c, municipality, django_capture_on_commit_callbacks):
    org = OrganisationFactory(municipality=municipality, kind="welfare")
    with django_capture_on_commit_callbacks(execute=True):
        client_c.post(
            reverse("organisations:members", args=[org.pk]), {"email": "x@awo.example", "role": "job_coach"}
        )
    invitation = MembershipInvitation.objects.get()
    url = reverse("organisations:invitation_revoke", args=[org.pk, invitation.pk])
    assert client_c.get(url).status_code == 405
    assert client_c.post(url).status_code == 302
    invitation.refresh_from_db()
    assert invitation.status == "revoked"
    body = client_c.get(reverse("organisations:members", args=[org.pk])).content.decode()
    assert "zurückgezogen" in body


def test_an_invitation_of_another_organisation_cannot_be_revoked_through_this_one(client_c, municipality):
    from organisations import services

    org = OrganisationFactory(municipality=municipality, kind="welfare")
    other = OrganisationFactory(municipality=municipality, kind="welfare")
    invitation = services.membership_invite(
        actor=UserFactory(is_superuser=True), organisation=other, email="x@awo.example", role="job_coach"
    )
    url = reverse("organisations:invitation_revoke", args=[org.pk, invitation.pk])
    assert client_c.post(url).status_code == 404
    invitation.refresh_from_db()
    assert invitation.status == "pending"


def test_a_broken_invitation_link_is_a_clear_404(client):
    for token in ("x" * 43, "kurz"):
        response = client.get(f"/app/organisations/invitations/{token}/")
        assert response.status_code == 404
        assert "gilt nicht mehr" in response.content.decode()
    # A NUL byte never reaches the view: the input middleware refuses it with a clear 400.
    assert client.get("/app/organisations/invitations/" + "a%00b" * 9 + "/").status_code == 400


def test_deactivate_needs_post(client_c, make_member, municipality):
    org = OrganisationFactory(municipality=municipality, kind="welfare")
    membership = make_member("job_coach", organisation=org).memberships.get()
    url = reverse("organisations:membership_deactivate", args=[org.pk, membership.pk])
    assert client_c.get(url).status_code == 405


def test_membership_of_another_organisation_cannot_be_ended_through_this_one(
    client_c, make_member, municipality
):
    org = OrganisationFactory(municipality=municipality, kind="welfare")
    elsewhere = make_member("job_coach").memberships.get()
    url = reverse("organisations:membership_deactivate", args=[org.pk, elsewhere.pk])
    assert client_c.post(url).status_code == 404


def test_unknown_organisation_is_404(client_c):
    assert client_c.get(reverse("organisations:members", args=[999999])).status_code == 404


def test_audit_log_shows_own_municipality_only(client_c, municipality, other_municipality):
    AuditEntryFactory(
        action="view",
        record_type="candidates.case",
        record_id="7",
        municipality_id=municipality.pk,
        actor_label="hier@stadt.example",
    )
    AuditEntryFactory(
        action="view",
        record_type="candidates.case",
        record_id="8",
        municipality_id=other_municipality.pk,
        actor_label="dort@stadt.example",
    )
    body = client_c.get(reverse("organisations:audit_log")).content.decode()
    assert "hier@stadt.example" in body and "dort@stadt.example" not in body
    filtered = client_c.get(reverse("organisations:audit_log"), {"action": "change"}).content.decode()
    assert "hier@stadt.example" not in filtered
    # Nonsense filter values are ignored, not a 500.
    assert client_c.get(reverse("organisations:audit_log"), {"action": "x", "page": "zz"}).status_code == 200


def _invitation(org, email="neu@awo.example"):
    from organisations import services

    return services.membership_invite(
        actor=UserFactory(is_superuser=True), organisation=org, email=email, role="job_coach"
    )


def test_an_invitation_link_opens_signup_where_open_registration_is_off(client, municipality, settings):
    settings.ACCOUNT_ALLOW_REGISTRATION = False
    closed = client.get(reverse("account_signup"))
    assert closed.status_code == 200 and 'name="password1"' not in closed.content.decode()

    invitation = _invitation(OrganisationFactory(municipality=municipality))
    assert client.get(reverse("organisations:invitation", args=[invitation.token])).status_code == 200
    assert 'name="password1"' in client.get(reverse("account_signup")).content.decode()

    MembershipInvitation.objects.filter(pk=invitation.pk).update(status="revoked")
    assert 'name="password1"' not in client.get(reverse("account_signup")).content.decode()


def test_the_start_page_lists_invitations_to_a_verified_address_only(municipality, signed_in):
    from allauth.account.models import EmailAddress

    org = OrganisationFactory(municipality=municipality, name="AWO Dortmund")
    person = UserFactory(email="neu@awo.example")
    invitation = _invitation(org)
    client = signed_in(person, mfa=False)
    body = client.get(reverse("accounts:home")).content.decode()
    assert "AWO Dortmund" in body and invitation.token in body

    EmailAddress.objects.filter(user=person).update(verified=False)
    body = client.get(reverse("accounts:home")).content.decode()
    assert "AWO Dortmund" not in body and invitation.token not in body
