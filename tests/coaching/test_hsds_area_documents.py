"""Service areas by postcode, required documents and waiting time in the HSDS 3.0 exchange (issue
17): the demo directory and the neighbouring district's offer export valid against the HSDS 3.0
schema shipped with the project, re-import into an empty municipality unchanged, and a wrong entry
is named by its path."""

from __future__ import annotations

import copy
import json

import pytest

import demo.coaching
from coaching import directory_services, hsds, selectors
from coaching.models import Service
from organisations.models import Municipality
from tests.factories import CaseFactory, MunicipalityFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def _services(document) -> list[dict]:
    return [s for org in document for s in org["services"]]


@pytest.fixture
def directory(demo_directory):
    """The demo directory; its language course also takes two postcodes of a neighbouring town."""
    course = Service.objects.get(municipality=demo_directory, name="Berufssprachkurs B1/B2 (DeuFöV)")
    directory_services.service_update(service=course, actor=None, area_postcodes=["34497", "34454"])
    return demo_directory


def test_area_postcodes_documents_and_waiting_time_export_as_valid_hsds_3(directory):
    document = hsds.hsds_document(municipality=directory)
    assert hsds.validate(document) == []
    course = next(s for s in _services(document) if s["name"] == "Berufssprachkurs B1/B2 (DeuFöV)")
    assert course["wait_time"] == "Kursbeginn alle 6 Wochen; Einstufungstest innerhalb von 2 Wochen"
    assert [d["document"] for d in course["required_documents"]] == [
        "Berechtigungsschein des BAMF oder des Jobcenters",
        "Aufenthaltstitel",
    ]
    assert {d["service_id"] for d in course["required_documents"]} == {course["id"]}
    assert [(a["name"], a["uri"]) for a in course["service_areas"]] == [
        ("34454", "urn:de:plz:34454"),
        ("34497", "urn:de:plz:34497"),
    ]
    # An offer without a waiting time leaves the field out rather than sending an empty one.
    childcare = next(s for s in _services(document) if s["name"] == "Kita-Platz-Beratung")
    assert "wait_time" not in childcare and childcare["required_documents"] == []


def test_the_demo_directory_re_imports_into_an_empty_municipality_unchanged(directory, other_municipality):
    document = hsds.hsds_document(municipality=directory)
    assert not Service.objects.filter(municipality=other_municipality).exists()
    hsds.hsds_import(municipality=other_municipality, document=json.loads(hsds.dumps(document)))
    assert hsds.dumps(hsds.hsds_document(municipality=other_municipality)) == hsds.dumps(document)
    course = Service.objects.get(municipality=other_municipality, name="Berufssprachkurs B1/B2 (DeuFöV)")
    assert course.area_postcode_list() == ["34454", "34497"]
    assert course.wait_time.startswith("Kursbeginn alle 6 Wochen")


def test_the_neighbours_offer_takes_demo_postcodes_and_round_trips(municipality):
    assert demo.coaching.seed_neighbour_service(municipality=municipality) == 1
    assert demo.coaching.seed_neighbour_service(municipality=municipality) == 0  # idempotent
    neighbour = Municipality.objects.get(slug=demo.coaching.NEIGHBOUR_SLUG)
    offer = Service.objects.get(municipality=neighbour)
    assert offer.area_postcode_list() == sorted(demo.coaching.NEIGHBOUR_AREA_POSTCODES)

    # A person of the demo municipality living in Baunatal finds it; one living elsewhere does not.
    office = OrganisationFactory(municipality=municipality)
    baunatal = CaseFactory(responsible_organisation=office, candidate__municipality=municipality)
    baunatal.candidate.postcode = "34225"
    baunatal.candidate.save(update_fields=["postcode"])
    elsewhere = CaseFactory(responsible_organisation=office, candidate__municipality=municipality)
    elsewhere.candidate.postcode = "34117"
    elsewhere.candidate.save(update_fields=["postcode"])
    assert offer in selectors.referral_offer(case=baunatal)
    assert offer not in selectors.referral_offer(case=elsewhere)

    document = hsds.hsds_document(municipality=neighbour)
    assert hsds.validate(document) == []
    empty = MunicipalityFactory(name="Landkreis Leer", slug="leer-test", state=neighbour.state)
    hsds.hsds_import(municipality=empty, document=document)
    assert hsds.dumps(hsds.hsds_document(municipality=empty)) == hsds.dumps(document)


@pytest.mark.parametrize(
    ("how", "message"),
    [
        (
            lambda s: s["service_areas"].append(
                {"id": "5b0c1c1e-5a3e-4c57-9f0a-000000000001", "name": "x", "uri": "urn:de:plz:3449"}
            ),
            "service_areas[2].uri: fünfstellige Postleitzahl erwartet.",
        ),
        (
            lambda s: s["required_documents"].append(dict(s["required_documents"][0], id=s["id"])),
            "required_documents[2].document: „Berechtigungsschein des BAMF oder des Jobcenters“ steht schon",
        ),
        (lambda s: s.update(wait_time="x" * 201), ".wait_time: höchstens 200 Zeichen."),
    ],
)
def test_a_wrong_area_or_document_is_named_by_its_path_and_nothing_changes(
    directory, other_municipality, how, message
):
    document = copy.deepcopy(hsds.hsds_document(municipality=directory))
    course = next(s for s in _services(document) if s["name"] == "Berufssprachkurs B1/B2 (DeuFöV)")
    how(course)
    with pytest.raises(hsds.HsdsImportError) as caught:
        hsds.hsds_import(municipality=other_municipality, document=document)
    assert any(message in error for error in caught.value.errors), caught.value.errors
    assert not Service.objects.filter(municipality=other_municipality).exists()
