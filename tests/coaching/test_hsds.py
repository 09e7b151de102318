"""The services directory as HSDS 3.0 JSON (issue 17): export validates, round trip, bad input."""

from __future__ import annotations

import copy
import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from coaching import hsds
from coaching.models import Service, ServiceLocation, ServiceOrganisation
from demo.coaching import _SERVICES


def _snapshot(municipality) -> list[tuple]:
    """Every directory row of the municipality as plain values (to show an import changed nothing).
    Without ``updated_at``: the version moves when a row changes, and this test changes one between."""

    def columns(model) -> list[str]:
        return [f.attname for f in model._meta.concrete_fields if f.name != "updated_at"]

    orgs = list(
        ServiceOrganisation.objects.filter(municipality=municipality)
        .values_list(*columns(ServiceOrganisation))
        .order_by("pk")
    )
    locs = list(
        ServiceLocation.objects.filter(organisation__municipality=municipality).values_list().order_by("pk")
    )
    svcs = list(
        Service.objects.filter(municipality=municipality).values_list(*columns(Service)).order_by("pk")
    )
    links = list(
        Service.locations.through.objects.filter(service__municipality=municipality)
        .values_list()
        .order_by("pk")
    )
    return [orgs, locs, svcs, links]


def test_the_schema_ships_with_the_project():
    assert (hsds.SCHEMA_DIR / "compiled" / "organization_package.json.gz").is_file()
    assert (
        "Creative Commons Attribution-ShareAlike"
        in (hsds.SCHEMA_DIR.parent / "SOURCE.md").read_text()
        + (hsds.SCHEMA_DIR.parent / "LICENSE").read_text()
    )


def test_the_demo_directory_exports_as_valid_hsds_3(demo_directory):
    document = hsds.hsds_document(municipality=demo_directory)
    assert hsds.validate(document) == []
    services_out = [s for org in document for s in org["services"]]
    assert len(services_out) == len(_SERVICES) == Service.objects.filter(municipality=demo_directory).count()
    assert {s["status"] for s in services_out} == {"active", "inactive"}
    vhs = next(s for s in services_out if s["name"] == "Berufssprachkurs B1/B2 (DeuFöV)")
    assert vhs["languages"][0]["code"] == "de"
    assert vhs["cost_options"][0]["option"] == "reduced"
    assert vhs["attributes"][0]["taxonomy_term"]["code"] == "language_course"
    assert vhs["service_at_locations"][0]["location_id"] in {
        loc["id"] for org in document for loc in org["locations"]
    }


def test_export_is_stable(demo_directory):
    assert hsds.dumps(hsds.hsds_document(municipality=demo_directory)) == hsds.dumps(
        hsds.hsds_document(municipality=demo_directory)
    )


def test_export_import_into_an_empty_municipality_and_export_again_gives_the_same_document(
    demo_directory, other_municipality
):
    document = hsds.hsds_document(municipality=demo_directory)
    assert not Service.objects.filter(municipality=other_municipality).exists()
    counts = hsds.hsds_import(municipality=other_municipality, document=json.loads(hsds.dumps(document)))
    assert counts["services"] == len(_SERVICES)
    again = hsds.hsds_document(municipality=other_municipality)
    # Both municipalities lie in the same Bundesland: state_province is the only municipality-specific field.
    assert hsds.dumps(again) == hsds.dumps(document)


def test_importing_the_same_document_twice_updates_rather_than_duplicates(demo_directory, other_municipality):
    document = hsds.hsds_document(municipality=demo_directory)
    hsds.hsds_import(municipality=other_municipality, document=document)
    before = _snapshot(other_municipality)
    changed = copy.deepcopy(document)
    changed[0]["services"][0]["name"] = "Neuer Name"
    hsds.hsds_import(municipality=other_municipality, document=changed)
    assert Service.objects.filter(municipality=other_municipality).count() == len(_SERVICES)
    assert (
        Service.objects.get(municipality=other_municipality, hsds_id=changed[0]["services"][0]["id"]).name
        == "Neuer Name"
    )
    hsds.hsds_import(municipality=other_municipality, document=document)
    assert _snapshot(other_municipality) == before


def _broken(document, how):
    doc = copy.deepcopy(document)
    how(doc)
    return doc


BREAKAGES = {
    "wrong type": (lambda d: d[0].__setitem__("name", 42), "$[0].name"),
    "missing required": (lambda d: d[0]["services"][0].pop("status"), "$[0].services[0]"),
    "not a uuid": (lambda d: d[0].__setitem__("id", "not-a-uuid"), "$[0].id"),
    "unknown location": (
        lambda d: d[0]["services"][0]["service_at_locations"][0].__setitem__(
            "location_id", "00000000-0000-4000-8000-000000000000"
        ),
        "service_at_locations[0].location_id",
    ),
    "duplicate id": (lambda d: d[1].__setitem__("id", d[0]["id"]), "$[1].id"),
    "unknown category": (
        lambda d: d[0]["services"][0]["attributes"][0]["taxonomy_term"].__setitem__("code", "astrology"),
        "astrology",
    ),
    "too long": (lambda d: d[0]["services"][0].__setitem__("name", "x" * 500), "$[0].services[0].name"),
    "bad e-mail late in the document": (
        lambda d: d[-1]["services"][0].__setitem__("email", "kein-at-zeichen"),
        "$[",
    ),
    "bad url": (lambda d: d[0]["services"][0].__setitem__("url", "keine Adresse"), "$[0].services[0].url"),
    "not a list": (lambda d: d.clear() or d.append("hello"), "$[0]"),
}


@pytest.mark.parametrize("case", list(BREAKAGES))
def test_an_invalid_document_is_refused_with_its_paths_and_changes_nothing(
    case, demo_directory, other_municipality
):
    document = hsds.hsds_document(municipality=demo_directory)
    hsds.hsds_import(municipality=other_municipality, document=document)
    before = _snapshot(other_municipality)
    how, path = BREAKAGES[case]
    # Change a field that an import would write first, so a half import would show.
    bad = _broken(document, how)
    if case != "not a list":
        bad[0]["description"] = "geändert"
    with pytest.raises(hsds.HsdsImportError) as exc:
        hsds.hsds_import(municipality=other_municipality, document=bad)
    assert any(path in line for line in exc.value.errors), exc.value.errors
    assert _snapshot(other_municipality) == before


def test_huge_or_garbled_input_is_refused_before_parsing():
    with pytest.raises(hsds.HsdsImportError) as exc:
        hsds.parse(b"[" + b" " * (hsds.MAX_BYTES + 1) + b"]")
    assert "zu groß" in exc.value.errors[0]
    with pytest.raises(hsds.HsdsImportError) as exc:
        hsds.parse(b"\xff\xfe{")
    assert "JSON" in exc.value.errors[0]
    with pytest.raises(hsds.HsdsImportError):
        hsds.parse(b"[" * 200_000 + b"]" * 200_000)


def test_the_management_commands_round_trip(demo_directory, other_municipality, tmp_path: Path):
    out = tmp_path / "directory.json"
    call_command("export_hsds", "--municipality", demo_directory.slug, "-o", str(out), stderr=StringIO())
    assert hsds.validate(json.loads(out.read_text())) == []
    stdout = StringIO()
    call_command("import_hsds", "--municipality", str(other_municipality.pk), str(out), stdout=stdout)
    assert f"{len(_SERVICES)} services" in stdout.getvalue()
    bad = tmp_path / "bad.json"
    bad.write_text('[{"id": 1}]')
    with pytest.raises(CommandError, match=r"\$\[0\]"):
        call_command("import_hsds", "--municipality", other_municipality.slug, str(bad))
    with pytest.raises(CommandError, match="No municipality"):
        call_command("export_hsds", "--municipality", "atlantis")
