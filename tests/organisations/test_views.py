"""A coordinator's pages: list, create an organisation, add members."""

import pytest
from django.urls import reverse

from organisations.models import Membership, Organisation
from privacy.models import AuditEntry
from tests.factories import OrganisationFactory, UserFactory

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
        {"kind": "welfare", "name": "AWO Beratung", "street": "Kampstr. 1", "postcode": "44137", "city": "Dortmund"},
    )
    org = Organisation.objects.get(name="AWO Beratung")
    assert response.status_code == 302 and response["Location"] == reverse("organisations:members", args=[org.pk])
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
    assert Organisation.objects.filter(municipality=municipality).count() == 2  # coordinator's own + the first


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
        user=coordinator, role="coordinator",
        organisation=OrganisationFactory(municipality=other_municipality, kind="municipality_office"),
    )
    client = client_c
    response = client.post(
        reverse("organisations:create"), {"municipality": other_municipality.pk, "kind": "jobcenter", "name": "JC"}
    )
    assert response.status_code == 302
    assert Organisation.objects.get(name="JC").municipality == other_municipality


def test_add_member_by_email(client_c, municipality):
    org = OrganisationFactory(municipality=municipality, kind="welfare")
    person = UserFactory(email="berater@awo.example")
    response = client_c.post(
        reverse("organisations:members", args=[org.pk]), {"email": "Berater@AWO.example", "role": "case_manager"}
    )
    assert response.status_code == 302
    assert Membership.objects.filter(user=person, organisation=org, role="case_manager", is_active=True).exists()
    body = client_c.get(reverse("organisations:members", args=[org.pk])).content.decode()
    assert "berater@awo.example" in body


def test_unknown_email_is_a_clear_form_error(client_c, municipality):
    org = OrganisationFactory(municipality=municipality, kind="welfare")
    response = client_c.post(
        reverse("organisations:members", args=[org.pk]), {"email": "unbekannt@awo.example", "role": "job_coach"}
    )
    assert response.status_code == 200
    assert "niemand registriert" in response.content.decode()
    assert 'value="unbekannt@awo.example"' in response.content.decode()
    assert not Membership.objects.filter(organisation=org).exists()


def test_same_role_twice_is_a_form_error(client_c, municipality):
    org = OrganisationFactory(municipality=municipality, kind="welfare")
    person = UserFactory()
    url = reverse("organisations:members", args=[org.pk])
    client_c.post(url, {"email": person.email, "role": "job_coach"})
    response = client_c.post(url, {"email": person.email, "role": "job_coach"})
    assert response.status_code == 200 and "bereits" in response.content.decode()


def test_role_must_fit_the_kind_of_organisation(client_c, municipality):
    employer = OrganisationFactory(municipality=municipality, kind="employer")
    response = client_c.post(
        reverse("organisations:members", args=[employer.pk]), {"email": UserFactory().email, "role": "case_manager"}
    )
    assert response.status_code == 200 and "role" in response.context["form"].errors


def test_lead_may_add_colleagues_but_not_coordinators(make_member, signed_in, municipality):
    office = OrganisationFactory(municipality=municipality, kind="municipality_office")
    lead = make_member("case_manager", organisation=office, lead=True)
    client = signed_in(lead)
    url = reverse("organisations:members", args=[office.pk])
    person = UserFactory()
    assert client.post(url, {"email": person.email, "role": "coordinator"}).status_code == 200
    assert not Membership.objects.filter(user=person).exists()
    assert client.post(url, {"email": person.email, "role": "case_manager"}).status_code == 302


def test_ending_a_membership_takes_the_rights_away_at_once(client_c, make_member, municipality, signed_in):
    org = OrganisationFactory(municipality=municipality, kind="welfare")
    coach = make_member("job_coach", organisation=org)
    membership = coach.memberships.get()
    response = client_c.post(reverse("organisations:membership_deactivate", args=[org.pk, membership.pk]))
    assert response.status_code == 302
    membership.refresh_from_db()
    assert not membership.is_active
    # Re-adding re-activates the same row.
    client_c.post(reverse("organisations:members", args=[org.pk]), {"email": coach.email, "role": "job_coach"})
    membership.refresh_from_db()
    assert membership.is_active


def test_deactivate_needs_post(client_c, make_member, municipality):
    org = OrganisationFactory(municipality=municipality, kind="welfare")
    membership = make_member("job_coach", organisation=org).memberships.get()
    url = reverse("organisations:membership_deactivate", args=[org.pk, membership.pk])
    assert client_c.get(url).status_code == 405


def test_membership_of_another_organisation_cannot_be_ended_through_this_one(client_c, make_member, municipality):
    org = OrganisationFactory(municipality=municipality, kind="welfare")
    elsewhere = make_member("job_coach").memberships.get()
    url = reverse("organisations:membership_deactivate", args=[org.pk, elsewhere.pk])
    assert client_c.post(url).status_code == 404


def test_unknown_organisation_is_404(client_c):
    assert client_c.get(reverse("organisations:members", args=[999999])).status_code == 404


def test_audit_log_shows_own_municipality_only(client_c, municipality, other_municipality):
    AuditEntry.objects.create(action="view", record_type="candidates.case", record_id="7", municipality_id=municipality.pk,
                              actor_label="hier@stadt.example")
    AuditEntry.objects.create(action="view", record_type="candidates.case", record_id="8",
                              municipality_id=other_municipality.pk, actor_label="dort@stadt.example")
    body = client_c.get(reverse("organisations:audit_log")).content.decode()
    assert "hier@stadt.example" in body and "dort@stadt.example" not in body
    filtered = client_c.get(reverse("organisations:audit_log"), {"action": "change"}).content.decode()
    assert "hier@stadt.example" not in filtered
    # Nonsense filter values are ignored, not a 500.
    assert client_c.get(reverse("organisations:audit_log"), {"action": "x", "page": "zz"}).status_code == 200
