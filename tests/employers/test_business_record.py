"""The shared company record (issue 15 §1): duplicates flagged at creation, merging without losing
history, the contact log with who and when, the next-contact reminder (exactly once), the list with
its filters and the last contact, and the contact persons in the GDPR export and erasure."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.roles import Role
from employers import services
from employers.models import (
    BusinessContact,
    BusinessContactLog,
    BusinessEventRegistration,
    BusinessRelation,
    EmployerProfile,
)
from notifications.models import Notification
from organisations.models import Membership, Organisation, OrganisationKind
from privacy.models import AuditEntry
from tests.clock import TODAY
from tests.employers.events import make_registration
from tests.factories import (
    BusinessContactFactory,
    BusinessContactLogFactory,
    BusinessEventRegistrationFactory,
    BusinessRelationFactory,
    EmployerProfileFactory,
    EmploymentFactory,
    MembershipFactory,
    OrganisationFactory,
    PlacementAcquisitionFactory,
    UserFactory,
    make_candidate,
    make_placement,
)

pytestmark = pytest.mark.usefixtures("frozen_today")


def business(
    municipality, name, *, street="Marktplatz 1", postcode="44137", register_number="", sector="handwerk"
):
    org = OrganisationFactory(
        municipality=municipality, kind=OrganisationKind.EMPLOYER, name=name, street=street, postcode=postcode
    )
    EmployerProfileFactory(organisation=org, sector=sector, register_number=register_number, contact_name="")
    return org


@pytest.fixture
def staff(make_member):
    return make_member(Role.EMPLOYER_SERVICE)


# --- duplicates -------------------------------------------------------------------------------------


def test_the_duplicate_check_flags_similar_name_same_address_and_register_number(municipality):
    yilmaz = business(
        municipality, "Bäckerei Yilmaz GmbH", street="Brückstraße 4", register_number="HRB 4711"
    )
    business(municipality, "Autohaus Brandt", street="Ostwall 9")
    by_name = services.business_duplicates(municipality=municipality, name="Bäckerei Yilmaz")
    assert [(h.organisation, h.reasons) for h in by_name] == [(yilmaz, ("name",))]
    by_address = services.business_duplicates(
        municipality=municipality, name="Café am Markt", street="Brückstr. 4", postcode="44137"
    )
    assert [(h.organisation, h.reasons) for h in by_address] == [(yilmaz, ("address",))]
    by_register = services.business_duplicates(
        municipality=municipality, name="Backstube", register_number="hrb4711"
    )
    assert [(h.organisation, h.reasons) for h in by_register] == [(yilmaz, ("register",))]
    assert services.business_duplicates(municipality=municipality, name="Gärtnerei Sommer") == []


def test_creating_a_similar_business_is_flagged_and_needs_a_confirmation(municipality, staff, signed_in):
    yilmaz = business(municipality, "Bäckerei Yilmaz GmbH", street="Brückstraße 4")
    client = signed_in(staff)
    url = reverse("employers:business_create")
    data = {"name": "Bäckerei Yilmaz", "sector": "handwerk", "street": "", "postcode": "", "city": ""}
    response = client.post(url, data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Bäckerei Yilmaz GmbH" in page and reverse("employers:business_detail", args=[yilmaz.pk]) in page
    assert 'value="Bäckerei Yilmaz"' in page  # the input comes back
    assert not Organisation.objects.filter(name="Bäckerei Yilmaz").exists()
    response = client.post(url, {**data, "confirmed_distinct": "on"})
    created = Organisation.objects.get(name="Bäckerei Yilmaz")
    assert response.status_code == 302 and response["Location"] == reverse(
        "employers:business_detail", args=[created.pk]
    )
    assert created.kind == OrganisationKind.EMPLOYER and not created.is_verified
    assert BusinessRelation.objects.get(organisation=created).owner == staff


def test_the_same_name_is_refused_with_the_input_back(municipality, staff, signed_in):
    business(municipality, "Gärtnerei Sommer", street="Gartenweg 2")
    response = signed_in(staff).post(
        reverse("employers:business_create"),
        {"name": "gärtnerei sommer", "sector": "handwerk", "confirmed_distinct": "on"},
    )
    assert response.status_code == 400
    assert "schon registriert" in response.content.decode()
    assert Organisation.objects.filter(name__iexact="gärtnerei sommer").count() == 1


# --- merge -------------------------------------------------------------------------------------------


def test_a_merge_moves_all_history_to_the_kept_record(municipality, make_member, cook_taxonomy):
    coordinator = make_member(Role.COORDINATOR)
    coach = make_member(Role.JOB_COACH)
    keep = business(municipality, "Pflegedienst Sonne", street="Sonnenweg 1")
    drop = business(municipality, "Pflegedienst Sonne GmbH", street="Sonnenweg 1", register_number="HRB 9")
    keep_profile, drop_profile = keep.employer_profile, drop.employer_profile
    placement = make_placement(drop_profile, cook_taxonomy.cook)
    found = PlacementAcquisitionFactory(
        placement=make_placement(drop_profile, cook_taxonomy.cook, status="draft", title="Gefunden"),
        found_by_organisation=coach.memberships.first().organisation,
        created_by=coach,
        sent_to="chefin@sonne.example",
    )
    person = make_candidate(municipality, occupation=cook_taxonomy.cook)
    employment = EmploymentFactory(
        candidate=person, employer=drop_profile, placement=placement, start_date=date(2026, 1, 1)
    )
    boss = UserFactory()
    MembershipFactory(user=boss, organisation=drop, role=Role.EMPLOYER, is_lead=True)
    BusinessRelationFactory(organisation=keep, partner_level="first_contact")
    BusinessRelationFactory(organisation=drop, partner_level="strategic", training_company=True, owner=coach)
    contact = BusinessContactFactory(organisation=drop, name="Sina Sonne")
    entry = BusinessContactLogFactory(organisation=drop, kind="visit", happened_on=date(2026, 2, 2), by=coach)
    registration = make_registration(organisation_name=drop.name, email="sina@sonne.example")
    link = BusinessEventRegistrationFactory(organisation=drop, registration=registration)

    from notifications.models import Notification
    from notifications.services import notify

    (due,) = notify(
        recipients=[coach],
        kind="employers.business_contact_due.owner",
        params={"employer": drop.name, "day": "2026-03-01"},
        link="employers:business_detail",
        link_kwargs={"pk": drop.pk},
        target=drop,
    )

    services.business_merge(actor=coordinator, keep=keep, drop=drop)

    assert not Organisation.objects.filter(pk=drop.pk).exists()
    # The coach's reminder about the dropped record now leads to the kept one (no 404 in the inbox).
    due = Notification.objects.get(pk=due.pk)
    assert (due.url_kwargs, due.target_id) == ({"pk": keep.pk}, keep.pk)
    assert not EmployerProfile.objects.filter(pk=drop_profile.pk).exists()
    placement.refresh_from_db()
    employment.refresh_from_db()
    found.refresh_from_db()
    assert placement.employer == keep_profile and employment.employer == keep_profile
    assert found.placement.employer == keep_profile
    assert Membership.objects.get(user=boss).organisation == keep
    contact.refresh_from_db()
    entry.refresh_from_db()
    link.refresh_from_db()
    assert contact.organisation == keep and entry.organisation == keep and link.organisation == keep
    relation = BusinessRelation.objects.get(organisation=keep)
    assert (relation.partner_level, relation.training_company, relation.owner) == ("strategic", True, coach)
    assert BusinessRelation.objects.count() == 1
    assert EmployerProfile.objects.get(pk=keep_profile.pk).register_number == "HRB 9"
    notes = list(
        AuditEntry.objects.filter(record_type="organisations.organisation").values_list("record_id", "note")
    )
    assert (
        str(keep.pk),
        f"business record #{drop.pk} (Pflegedienst Sonne GmbH) merged into this one",
    ) in notes
    assert (str(drop.pk), f"merged into business record #{keep.pk}") in notes


def test_only_coordinators_and_the_employer_service_merge(municipality, make_member, signed_in):
    keep = business(municipality, "Malerei Blau", street="Farbweg 1")
    drop = business(municipality, "Malerei Blau e.K.", street="Farbweg 1")
    for role in (Role.CASE_MANAGER, Role.JOB_COACH):
        with pytest.raises(PermissionDenied):
            services.business_merge(actor=make_member(role), keep=keep, drop=drop)
    elsewhere = make_member(Role.COORDINATOR, municipality=OrganisationFactory().municipality)
    with pytest.raises(PermissionDenied):
        services.business_merge(actor=elsewhere, keep=keep, drop=drop)
    client = signed_in(make_member(Role.EMPLOYER_SERVICE))
    url = reverse("employers:business_merge", args=[keep.pk])
    page = client.get(url)
    assert "Malerei Blau e.K." in page.content.decode()
    assert client.post(url, {"drop": drop.pk}).status_code == 400  # not confirmed: nothing happens
    assert Organisation.objects.filter(pk=drop.pk).exists()
    assert client.post(url, {"drop": drop.pk, "confirm": "on"}).status_code == 302
    assert not Organisation.objects.filter(pk=drop.pk).exists()


# --- contact log, reminder, list -------------------------------------------------------------------


def test_logging_a_call_with_a_reminder_and_the_reminder_comes_exactly_once(
    municipality, make_member, signed_in
):
    coach = make_member(Role.JOB_COACH)
    org = business(municipality, "Spedition Kurz", street="Hafenstraße 3")
    client = signed_in(coach)
    due = TODAY + timedelta(days=3)
    response = client.post(
        reverse("employers:business_log", args=[org.pk]),
        {
            "kind": "call",
            "happened_on": TODAY.isoformat(),
            "note": "Sucht Fahrer*innen",
            "next_contact_on": due.isoformat(),
            "next_contact_note": "Nachfassen",
        },
    )
    assert response.status_code == 302
    entry = BusinessContactLog.objects.get(organisation=org)
    assert (entry.by, entry.by_organisation, entry.kind) == (
        coach,
        coach.memberships.first().organisation,
        "call",
    )
    relation = BusinessRelation.objects.get(organisation=org)
    assert (relation.owner, relation.next_contact_on) == (coach, due)

    assert services.business_contact_reminders_send(today=due - timedelta(days=1)) == 0
    assert services.business_contact_reminders_send(today=due) == 1
    assert services.business_contact_reminders_send(today=due) == 0
    assert services.business_contact_reminders_send(today=due + timedelta(days=1)) == 0
    notice = Notification.objects.get(recipient=coach)
    assert (
        notice.kind == "employers.business_contact_due.owner"
        and notice.url_name == "employers:business_detail"
    )
    # A new date is reminded of anew.
    services.business_relation_update(
        organisation=org, actor=coach, data={"next_contact_on": due + timedelta(days=7)}
    )
    assert services.business_contact_reminders_send(today=due + timedelta(days=7)) == 1
    assert Notification.objects.filter(recipient=coach).count() == 2


def test_a_bad_date_gets_a_clear_error_and_the_input_back(municipality, make_member, signed_in):
    org = business(municipality, "Druckerei Nord", street="Nordstraße 1")
    response = signed_in(make_member(Role.CASE_MANAGER)).post(
        reverse("employers:business_log", args=[org.pk]),
        {"kind": "visit", "happened_on": "31.02.2026", "note": "Besuch"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "gültiges Datum" in page and "Besuch" in page
    assert not BusinessContactLog.objects.exists()


def test_the_list_shows_who_last_spoke_to_a_business_and_filters(municipality, make_member, signed_in):
    coach = make_member(Role.JOB_COACH, display_name="Jonas Coach")
    service = make_member(Role.EMPLOYER_SERVICE, display_name="Aylin Service")
    hot = business(municipality, "Hotel Linde", street="Lindenweg 1", sector="gastronomie")
    cold = business(municipality, "Tischlerei Holz", street="Holzweg 2", sector="handwerk")
    BusinessContactLogFactory(organisation=hot, kind="call", happened_on=date(2026, 1, 10), by=coach)
    BusinessContactLogFactory(organisation=hot, kind="visit", happened_on=date(2026, 3, 2), by=service)
    BusinessRelationFactory(organisation=hot, partner_level="strategic", owner=service, next_contact_on=TODAY)
    client = signed_in(coach)
    url = reverse("employers:business_list")
    page = client.get(url).content.decode()
    assert "Aylin Service" in page and "Besuch" in page and "Jonas Coach" not in page
    assert "Tischlerei Holz" in page

    def names(query):
        response = client.get(url, query)
        assert response.status_code == 200
        return [row.name for row in response.context["businesses"]]

    assert names({"partner_level": "strategic"}) == ["Hotel Linde"]
    assert names({"partner_level": "first_contact"}) == ["Tischlerei Holz"]
    assert names({"sector": "handwerk"}) == ["Tischlerei Holz"]
    assert names({"due": "on"}) == ["Hotel Linde"]
    assert names({"owner": "none"}) == ["Tischlerei Holz"]
    assert signed_in(service).get(url, {"owner": "me"}).context["businesses"][0] == hot
    assert client.get(url, {"partner_level": "nonsense"}).status_code == 400
    detail = client.get(reverse("employers:business_detail", args=[hot.pk])).content.decode()
    assert "Aylin Service" in detail and cold.name not in detail


def test_the_list_costs_the_same_queries_for_many_businesses(municipality, make_member, signed_in):
    coach = make_member(Role.JOB_COACH)
    client = signed_in(coach)
    url = reverse("employers:business_list")

    def make(n):
        for i in range(n):
            org = business(municipality, f"Betrieb {n}-{i}", street=f"Weg {n}-{i}")
            BusinessRelationFactory(organisation=org, owner=coach, next_contact_on=date(2026, 5, 1))
            BusinessContactLogFactory(organisation=org, kind="call", happened_on=date(2026, 1, 1), by=coach)

    make(2)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    make(10)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert len(response.context["businesses"]) == 12
    assert len(many) == len(few)


def test_the_record_links_event_registrations(municipality, make_member, signed_in):
    org = business(municipality, "Elektro Funke", street="Stromweg 5")
    registration = make_registration(organisation_name="elektro funke", email="info@funke.example")
    client = signed_in(make_member(Role.COORDINATOR))
    page = client.get(reverse("employers:business_detail", args=[org.pk])).content.decode()
    assert "mit diesem Betrieb verknüpfen" in page
    assert (
        client.post(
            reverse("employers:business_registration_link", args=[org.pk, registration.pk])
        ).status_code
        == 302
    )
    assert BusinessEventRegistration.objects.get(registration=registration).organisation == org
    other = business(municipality, "Elektro Blitz", street="Blitzweg 5")
    client.post(reverse("employers:business_registration_link", args=[other.pk, registration.pk]))
    assert BusinessEventRegistration.objects.get(registration=registration).organisation == org


# --- GDPR -------------------------------------------------------------------------------------------


def test_business_contact_persons_are_in_the_gdpr_export_and_erasure(municipality):
    from privacy.registry import registry

    org = business(municipality, "Bäckerei Korn", street="Kornweg 1")
    EmployerProfile.objects.filter(organisation=org).update(
        contact_name="Karla Korn", contact_email="Karla@Korn.example", contact_phone="0231 1"
    )
    BusinessContactFactory(organisation=org, name="Karla Korn", email="karla@korn.example", phone="0231 2")
    person = UserFactory(email="karla@korn.example")
    exported = registry.export(person)["employers.business_contacts"]
    assert {row["contact_phone"] for row in exported} == {"0231 1", "0231 2"}
    assert registry.erase(person)["employers.business_contacts"] == 2
    assert not BusinessContact.objects.filter(email__iexact="karla@korn.example").exists()
    assert EmployerProfile.objects.get(organisation=org).contact_email == ""
    assert registry.export(person)["employers.business_contacts"] == []


def test_self_registration_with_the_register_number_of_a_known_business_is_refused(municipality, signed_in):
    """A record staff created is taken over through the invitation, never registered a second time."""
    known = business(municipality, "Metallbau Stahl", street="Eisenweg 1", register_number="HRB 777")
    response = signed_in(UserFactory()).post(
        reverse("employers:register"),
        {
            "name": "Stahl Metallbau und Schlosserei",
            "municipality": municipality.pk,
            "street": "Eisenweg 1a",
            "postcode": "44135",
            "city": "Dortmund",
            "sector": "handwerk",
            "contact_name": "Sven Stahl",
            "contact_email": "sven@stahl.example",
            "register_number": "HRB  777",
        },
    )
    assert response.status_code in (200, 400)
    assert "Register-Nummer ist in dieser Kommune schon eingetragen" in response.content.decode()
    assert list(Organisation.objects.filter(kind=OrganisationKind.EMPLOYER)) == [known]
