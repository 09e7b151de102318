"""Coordinators keep the services directory through the API (issue 17): offers and providers in
HSDS 3.0 shape, checked like the coordinator's pages, versioned by ETag; whole directories out
and in as HSDS JSON."""

from __future__ import annotations

import copy
import json

import pytest

from accounts.roles import Role
from coaching import hsds, services
from coaching.models import Service, ServiceOrganisation
from demo.coaching import _SERVICES
from privacy.models import AuditEntry
from tests.factories import ServiceFactory, ServiceOrganisationFactory, make_service
from tests.fixtures.users import new_member

pytestmark = pytest.mark.django_db

SERVICES = "/api/v1/directory/services/"
ORGANIZATIONS = "/api/v1/directory/organizations/"


def _term(taxonomy: str, code: str) -> dict:
    return {"taxonomy_term": {"taxonomy": taxonomy, "code": code}}


@pytest.fixture
def provider(coordinators):
    return ServiceOrganisationFactory(
        municipality=coordinators.own.organisation.municipality, name="Caritas Dortmund"
    )


def _offer(provider, **changes) -> dict:
    body = {
        "organization_id": str(provider.hsds_id),
        "name": "Migrationsberatung für Erwachsene",
        "description": "Beratung zu Aufenthalt, Arbeit und Familie.",
        "status": "active",
        "email": "mbe@caritas.example",
        "url": "https://caritas.example/mbe",
        "wait_time": "etwa 2 Wochen",
        "languages": [{"code": "de"}, {"code": "ar"}],
        "cost_options": [{"option": "free", "amount_description": ""}],
        "contacts": [{"name": "Frau Yilmaz"}],
        "phones": [{"number": "0231 123456"}],
        "attributes": [_term("lotse-service-category", "migration_counselling")],
        "schedules": [{"freq": "WEEKLY", "byday": "MO,WE", "opens_at": "09:00", "closes_at": "12:30"}],
        "service_areas": [{"name": "44137", "uri": "urn:de:plz:44137"}],
        "required_documents": [{"document": "Aufenthaltstitel"}],
    }
    body.update(changes)
    return body


def test_a_coordinator_enters_an_offer_in_hsds_shape(coordinators, provider):
    response = coordinators.own.client.post(SERVICES, _offer(provider), format="json")
    assert response.status_code == 201, response.content
    created = response.json()
    service = Service.objects.get(hsds_id=created["id"])
    assert service.organisation == provider and service.municipality == provider.municipality
    assert service.category == "migration_counselling" and service.languages == ["de", "ar"]
    assert service.contact_name == "Frau Yilmaz" and service.phone == "0231 123456"
    assert service.area_postcode_list() == ["44137"]
    assert service.required_document_list() == ["Aufenthaltstitel"]
    assert [(s.weekday, f"{s.opens:%H:%M}") for s in service.schedules.order_by("weekday")] == [
        (1, "09:00"),
        (3, "09:00"),
    ]
    # What comes back is what the export writes, and the ETag is the one a GET gives.
    assert created == hsds.service_document(Service.objects.get(pk=service.pk))
    assert coordinators.own.client.get(f"{SERVICES}{service.hsds_id}/")["ETag"] == response["ETag"]
    assert AuditEntry.objects.filter(record_id=str(service.pk), note="created").exists()


@pytest.mark.parametrize(
    "changes, pointer",
    [
        ({"email": "kein-at-zeichen"}, "#/email"),
        ({"url": "keine Adresse"}, "#/url"),
        ({"attributes": [_term("lotse-service-category", "astrology")]}, "#/attributes"),
        ({"languages": [{"code": "xx"}]}, "#/languages"),
        ({"cost_options": [{"option": "teuer"}]}, "#/cost_options/0/option"),
        ({"service_areas": [{"name": "99999", "uri": "urn:de:plz:99999"}]}, "#/service_areas"),
        ({"service_areas": [{"name": "Atlantis"}]}, "#/service_areas/0/name"),
        (
            {"schedules": [{"freq": "WEEKLY", "byday": "XX", "opens_at": "09:00", "closes_at": "10:00"}]},
            "#/schedules/0/byday",
        ),
        (
            {"schedules": [{"freq": "WEEKLY", "byday": "MO", "opens_at": "12:00", "closes_at": "10:00"}]},
            "#/schedules",
        ),
        ({"attributes": [_term("esco-skill", "http://data.europa.eu/esco/skill/nope")]}, "#/attributes"),
        ({"name": ""}, "#/name"),
    ],
)
def test_what_the_page_refuses_is_a_problem_naming_the_hsds_field(coordinators, provider, changes, pointer):
    response = coordinators.own.client.post(SERVICES, _offer(provider, **changes), format="json")
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert pointer in [error["pointer"] for error in response.json()["errors"]]
    assert not Service.objects.filter(organisation=provider).exists()


def test_an_offer_joins_only_a_provider_of_the_own_municipality(coordinators):
    foreign = ServiceOrganisationFactory(
        municipality=coordinators.foreign.organisation.municipality, name="AWO Bochum"
    )
    response = coordinators.own.client.post(SERVICES, _offer(foreign), format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["pointer"] == "#/organization_id"
    assert "AWO" not in response.content.decode()


def test_a_change_needs_the_current_etag(coordinators, provider):
    created = coordinators.own.client.post(SERVICES, _offer(provider), format="json")
    url, tag = f"{SERVICES}{created.json()['id']}/", created["ETag"]
    client = coordinators.own.client
    assert client.patch(url, {"name": "MBE"}, format="json").status_code == 428
    assert client.patch(url, {"name": "MBE"}, format="json", HTTP_IF_MATCH='"stale"').status_code == 412
    changed = client.patch(url, {"name": "MBE"}, format="json", HTTP_IF_MATCH=tag)
    assert changed.status_code == 200 and changed["ETag"] != tag
    # A PATCH keeps what it does not name.
    assert changed.json()["name"] == "MBE" and changed.json()["wait_time"] == "etwa 2 Wochen"
    assert client.patch(url, {"name": "Noch einmal"}, format="json", HTTP_IF_MATCH=tag).status_code == 412


def test_put_replaces_the_lists_and_inactive_deactivates(coordinators, provider):
    created = coordinators.own.client.post(SERVICES, _offer(provider), format="json")
    url = f"{SERVICES}{created.json()['id']}/"
    body = {
        "name": "Migrationsberatung",
        "status": "inactive",
        "attributes": [_term("lotse-service-category", "migration_counselling")],
    }
    response = coordinators.own.client.put(url, body, format="json", HTTP_IF_MATCH=created["ETag"])
    assert response.status_code == 200, response.content
    service = Service.objects.get(hsds_id=created.json()["id"])
    assert not service.is_active and service.deactivated_at is not None
    assert service.schedules.count() == 0 and service.area_postcode_list() == []
    assert service.required_document_list() == [] and service.languages == []
    assert response.json()["status"] == "inactive"


def test_another_municipalitys_offer_is_404_and_unchanged(coordinators):
    theirs = make_service(coordinators.foreign.organisation.municipality, "Deutschkurs Bochum")
    response = coordinators.own.client.patch(
        f"{SERVICES}{theirs.hsds_id}/", {"name": "Übernommen"}, format="json", HTTP_IF_MATCH="*"
    )
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.name == "Deutschkurs Bochum"


def test_a_read_only_client_cannot_write(coordinators, provider):
    from api.services import token_create
    from tests.api.helpers import client_for

    _token, raw = token_create(
        organisation=coordinators.own.organisation,
        actor=coordinators.own.user,
        name="Lesen",
        scopes=["directory:read"],
    )
    assert client_for(raw).post(SERVICES, _offer(provider), format="json").status_code == 403


# --- organizations ---------------------------------------------------------------------------------


def test_organizations_in_hsds_shape_created_and_changed_with_etag(coordinators):
    client = coordinators.own.client
    created = client.post(
        ORGANIZATIONS,
        {
            "name": "Diakonie Dortmund",
            "website": "https://diakonie.example",
            "phones": [{"number": "0231 9"}],
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    provider = ServiceOrganisation.objects.get(hsds_id=body["id"])
    assert provider.municipality == coordinators.own.organisation.municipality and provider.phone == "0231 9"
    assert body["phones"][0]["number"] == "0231 9" and body["website"] == "https://diakonie.example"
    assert [o["name"] for o in client.get(ORGANIZATIONS).json()["results"]] == ["Diakonie Dortmund"]
    url = f"{ORGANIZATIONS}{body['id']}/"
    assert client.patch(url, {"description": "x"}, format="json").status_code == 428
    changed = client.patch(url, {"description": "Beratung"}, format="json", HTTP_IF_MATCH=created["ETag"])
    assert changed.status_code == 200 and changed.json()["description"] == "Beratung"
    assert (
        client.patch(url, {"description": "y"}, format="json", HTTP_IF_MATCH=created["ETag"]).status_code
        == 412
    )


@pytest.mark.parametrize(
    "body, pointer",
    [
        ({"name": "Caritas Dortmund"}, "#/name"),
        ({"name": "Neu", "email": "kein-at"}, "#/email"),
        ({"name": "Neu", "website": "keine adresse"}, "#/website"),
    ],
)
def test_an_invalid_organization_names_the_field(coordinators, provider, body, pointer):
    response = coordinators.own.client.post(ORGANIZATIONS, body, format="json")
    assert response.status_code == 400
    assert [e["pointer"] for e in response.json()["errors"]] == [pointer]


def test_deactivating_an_organization_deactivates_its_offers(coordinators, provider):
    for name in ("A", "B"):
        ServiceFactory(organisation=provider, municipality=provider.municipality, name=name, category="other")
    response = coordinators.own.client.post(f"{ORGANIZATIONS}{provider.hsds_id}/deactivate/")
    assert response.status_code == 200
    assert not Service.objects.filter(organisation=provider, is_active=True).exists()


def test_another_municipalitys_organization_is_404(coordinators):
    theirs = ServiceOrganisationFactory(
        municipality=coordinators.foreign.organisation.municipality, name="AWO Bochum"
    )
    client = coordinators.own.client
    assert client.get(f"{ORGANIZATIONS}{theirs.hsds_id}/").status_code == 404
    assert client.post(f"{ORGANIZATIONS}{theirs.hsds_id}/deactivate/").status_code == 404
    assert client.get(ORGANIZATIONS).json()["count"] == 0


# --- whole directories -----------------------------------------------------------------------------


@pytest.fixture
def demo_directory(coordinators):
    """The demo's directory in the own municipality, created the way seed_demo creates it."""
    municipality = coordinators.own.organisation.municipality
    actor = new_member(Role.COORDINATOR, municipality=municipality)
    for entry in _SERVICES:
        services.service_create(municipality_id=municipality.pk, actor=actor, **dict(entry))
    first = Service.objects.filter(municipality=municipality).order_by("pk").first()
    first.is_active = False
    first.save()
    return municipality


def _without_state(document: list[dict]) -> str:
    """The document with the one municipality-specific field (the Bundesland) taken out."""
    document = copy.deepcopy(document)
    for org in document:
        for location in org.get("locations", []):
            for address in location.get("addresses", []):
                address.pop("state_province", None)
    return hsds.dumps(document)


def test_the_export_is_the_documents_the_command_writes_and_valid_hsds(coordinators, demo_directory):
    response = coordinators.own.client.get("/api/v1/directory/export/")
    assert response.status_code == 200
    document = response.json()
    assert document == json.loads(hsds.dumps(hsds.hsds_document(municipality=demo_directory)))
    assert hsds.validate(document) == []
    assert len([s for org in document for s in org["services"]]) == len(_SERVICES)


def test_export_import_into_an_empty_municipality_export_again_is_the_same(coordinators, demo_directory):
    exported = coordinators.own.client.get("/api/v1/directory/export/").json()
    theirs = coordinators.foreign.organisation.municipality
    assert not Service.objects.filter(municipality=theirs).exists()
    response = coordinators.foreign.client.post("/api/v1/directory/import/", exported, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["services"] == len(_SERVICES)
    again = coordinators.foreign.client.get("/api/v1/directory/export/").json()
    assert _without_state(again) == _without_state(exported)
    # Re-importing changes nothing, not even a version.
    tags = {s.pk: s.updated_at for s in Service.objects.filter(municipality=theirs)}
    assert (
        coordinators.foreign.client.post("/api/v1/directory/import/", exported, format="json").status_code
        == 200
    )
    assert {s.pk: s.updated_at for s in Service.objects.filter(municipality=theirs)} == tags
    assert Service.objects.filter(municipality=theirs).count() == len(_SERVICES)


def test_a_bad_document_is_a_problem_with_the_paths_and_changes_nothing(coordinators, demo_directory):
    exported = coordinators.own.client.get("/api/v1/directory/export/").json()
    exported[0]["services"][0]["name"] = 42
    exported[-1]["services"][0]["email"] = "kein-at-zeichen"
    response = coordinators.foreign.client.post("/api/v1/directory/import/", exported, format="json")
    assert response.status_code == 400
    assert "#/0/services/0/name" in [e["pointer"] for e in response.json()["errors"]]
    assert not Service.objects.filter(municipality=coordinators.foreign.organisation.municipality).exists()


@pytest.mark.parametrize(
    "document",
    [
        [{"locations": {"x": []}}],  # the object first (no id), then its part (not a list)
        [{"id": "a", "name": "b", "description": "c", "locations": {"x": []}, "services": [{}]}],
    ],
)
def test_errors_about_a_place_and_about_its_parts_are_both_named(coordinators, document):
    """Found by the API fuzz: a message about ``$[0]`` and one about ``$[0].locations`` answered 500."""
    response = coordinators.own.client.post("/api/v1/directory/import/", document, format="json")
    assert response.status_code == 400
    pointers = [e["pointer"] for e in response.json()["errors"]]
    assert "#/0/locations" in pointers
    assert "#/0" in pointers or "#/0/services/0" in pointers


def test_a_document_over_the_limit_is_refused_before_it_is_read(coordinators):
    body = b"[" + b" " * hsds.MAX_BYTES + b"]"
    response = coordinators.own.client.post(
        "/api/v1/directory/import/", body, content_type="application/json"
    )
    assert response.status_code == 400
    assert "2 MB" in response.json()["errors"][0]["detail"]


def test_not_json_is_a_problem(coordinators):
    response = coordinators.own.client.post(
        "/api/v1/directory/import/", b"[{", content_type="application/json"
    )
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
