"""Opening hours and service areas in the HSDS 3.0 exchange (issue 17): exported as ``schedules``
and ``service_areas``, valid against the HSDS schema the export is checked with
(tests/coaching/test_hsds.py), re-imported unchanged, bad ones named by their path."""

from __future__ import annotations

import copy
import datetime
import json

import pytest

from coaching import directory_services, hsds
from coaching.models import Service
from tests.factories import MunicipalityFactory, ServiceFactory, ServiceOrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def directory(world, other_municipality):
    """Dortmund's evening course: open Monday twice and Thursday, serving Hagen too."""
    hagen = MunicipalityFactory(name="Hagen", slug="hagen", ags="05914000")
    provider = ServiceOrganisationFactory(municipality=world.municipality, name="VHS Dortmund")
    service = ServiceFactory(
        organisation=provider,
        municipality=world.municipality,
        name="Abendkurs B1",
        category="language_course",
    )
    directory_services.service_set_hours(
        service=service,
        actor=world.coordinator,
        hours=[
            (4, datetime.time(17, 30), datetime.time(20)),
            (1, datetime.time(9), datetime.time(12)),
            (1, datetime.time(13), datetime.time(16, 30)),
        ],
    )
    service.served_municipalities.set([hagen])
    return world.municipality, hagen


def _service(document):
    return document[0]["services"][0]


def test_hours_and_areas_export_as_valid_hsds_3(directory):
    municipality, _hagen = directory
    document = hsds.hsds_document(municipality=municipality)
    assert hsds.validate(document) == []
    service = _service(document)
    assert [(s["byday"], s["opens_at"], s["closes_at"], s["freq"]) for s in service["schedules"]] == [
        ("MO", "09:00", "12:00", "WEEKLY"),
        ("MO", "13:00", "16:30", "WEEKLY"),
        ("TH", "17:30", "20:00", "WEEKLY"),
    ]
    assert {s["service_id"] for s in service["schedules"]} == {service["id"]}
    assert service["service_areas"] == [
        {
            "id": service["service_areas"][0]["id"],
            "service_id": service["id"],
            "name": "Hagen",
            "uri": "urn:de:ags:05914000",
        }
    ]


def test_the_schema_really_checks_schedules(directory):
    """The validation is not vacuous: a schedule the HSDS schema forbids is found."""
    municipality, _hagen = directory
    document = hsds.hsds_document(municipality=municipality)
    _service(document)["schedules"][0]["wkst"] = "XX"
    _service(document)["service_areas"][0]["id"] = "not-a-uuid"
    errors = hsds.validate(document)
    assert any("schedules[0].wkst" in e for e in errors)
    assert any("service_areas[0].id" in e for e in errors)


def test_hours_and_areas_round_trip_into_an_empty_municipality(directory, other_municipality):
    municipality, hagen = directory
    document = json.loads(hsds.dumps(hsds.hsds_document(municipality=municipality)))
    hsds.hsds_import(municipality=other_municipality, document=document)
    imported = Service.objects.get(municipality=other_municipality)
    assert [str(s) for s in imported.schedules.all()] == [
        "Montag 09:00–12:00",
        "Montag 13:00–16:30",
        "Donnerstag 17:30–20:00",
    ]
    assert list(imported.served_municipalities.all()) == [hagen]
    assert hsds.dumps(hsds.hsds_document(municipality=other_municipality)) == hsds.dumps(document)
    # Imported again: the same rows, not twice as many.
    hsds.hsds_import(municipality=other_municipality, document=document)
    assert imported.schedules.count() == 3


def test_an_import_into_a_served_municipality_drops_itself_from_the_areas(directory):
    municipality, hagen = directory
    document = hsds.hsds_document(municipality=municipality)
    hsds.hsds_import(municipality=hagen, document=document)
    assert not Service.objects.get(municipality=hagen).served_municipalities.exists()


def test_byday_with_several_days_becomes_one_row_each(directory, other_municipality):
    municipality, _hagen = directory
    document = hsds.hsds_document(municipality=municipality)
    _service(document)["schedules"] = [
        {
            "id": "0b6a2c4e-0000-4000-8000-000000000001",
            "freq": "WEEKLY",
            "byday": "TU,WE",
            "opens_at": "08:00:00",
            "closes_at": "10:00",
        }
    ]
    hsds.hsds_import(municipality=other_municipality, document=document)
    imported = Service.objects.get(municipality=other_municipality)
    assert [str(s) for s in imported.schedules.all()] == ["Dienstag 08:00–10:00", "Mittwoch 08:00–10:00"]


@pytest.mark.parametrize(
    ("change", "path"),
    [
        ({"freq": "MONTHLY"}, "$[0].services[0].schedules[0].freq"),
        ({"byday": "XY"}, "$[0].services[0].schedules[0].byday"),
        ({"opens_at": "9 Uhr"}, "$[0].services[0].schedules[0].opens_at"),
        ({"closes_at": "25:00"}, "$[0].services[0].schedules[0].closes_at"),
        ({"opens_at": "18:00", "closes_at": "08:00"}, "$[0].services[0].schedules: "),
    ],
)
def test_a_schedule_lotse_cannot_keep_is_named_and_nothing_changes(
    directory, other_municipality, change, path
):
    municipality, _hagen = directory
    document = copy.deepcopy(hsds.hsds_document(municipality=municipality))
    _service(document)["schedules"][0].update(change)
    with pytest.raises(hsds.HsdsImportError) as error:
        hsds.hsds_import(municipality=other_municipality, document=document)
    assert any(e.startswith(path) for e in error.value.errors), error.value.errors
    assert not Service.objects.filter(municipality=other_municipality).exists()


def test_an_unknown_service_area_is_named(directory, other_municipality):
    municipality, _hagen = directory
    document = hsds.hsds_document(municipality=municipality)
    _service(document)["service_areas"][0]["name"] = "Atlantis"
    with pytest.raises(hsds.HsdsImportError) as error:
        hsds.hsds_import(municipality=other_municipality, document=document)
    assert error.value.errors == [
        "$[0].services[0].service_areas[0].name: Die Kommune „Atlantis“ gibt es auf Lotse nicht."
    ]
