"""The HSDS buttons on the directory page (issue 17): download, upload, errors shown, choice kept."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from coaching import hsds
from coaching.models import Service

pytestmark = pytest.mark.django_db


def test_the_coordinator_finds_both_buttons_on_the_directory_page(world, signed_in, language_school):
    page = signed_in(world.coordinator).get(reverse("coaching:service_list"))
    assert reverse("coaching:hsds_export").encode() in page.content
    assert reverse("coaching:hsds_import").encode() in page.content
    coach_page = signed_in(world.coach).get(reverse("coaching:service_list"))
    assert reverse("coaching:hsds_export").encode() not in coach_page.content


def test_the_download_is_valid_hsds_of_the_own_municipality(world, signed_in, language_school):
    response = signed_in(world.coordinator).get(reverse("coaching:hsds_export"))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    document = json.loads(response.content)
    assert hsds.validate(document) == []
    assert [s["name"] for org in document for s in org["services"]] == ["Berufssprachkurs B2"]


def test_another_municipality_is_404_for_export_and_import(world, signed_in, language_school):
    client = signed_in(world.people["coordinator_elsewhere"])
    url = reverse("coaching:hsds_export") + f"?municipality={world.municipality.pk}"
    assert client.get(url).status_code == 404
    document = hsds.hsds_document(municipality=world.municipality)
    response = client.post(
        reverse("coaching:hsds_import"),
        {
            "municipality": world.municipality.pk,
            "document": SimpleUploadedFile("d.json", json.dumps(document).encode(), "application/json"),
        },
    )
    # Not a choice of theirs: the form refuses it, and nothing reaches their municipality either.
    assert response.status_code == 200
    assert Service.objects.count() == 1


def test_an_upload_imports_and_a_bad_one_shows_its_paths_and_keeps_the_choice(
    world, signed_in, language_school, other_municipality
):
    client = signed_in(world.coordinator)
    document = hsds.hsds_document(municipality=world.municipality)
    document[0]["services"][0]["name"] = "Berufssprachkurs C1"
    response = client.post(
        reverse("coaching:hsds_import"),
        {
            "municipality": world.municipality.pk,
            "document": SimpleUploadedFile("d.json", json.dumps(document).encode(), "application/json"),
        },
    )
    assert response.status_code == 302
    assert Service.objects.get(pk=language_school.pk).name == "Berufssprachkurs C1"

    document[0]["services"][0]["status"] = 7
    document[0]["services"][0]["name"] = "Sollte nicht ankommen"
    response = client.post(
        reverse("coaching:hsds_import"),
        {
            "municipality": world.municipality.pk,
            "document": SimpleUploadedFile("kaputt.json", json.dumps(document).encode(), "application/json"),
        },
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "$[0].services[0].status" in content
    assert "kaputt.json" in content
    assert f'value="{world.municipality.pk}" selected' in content
    assert Service.objects.get(pk=language_school.pk).name == "Berufssprachkurs C1"


def test_garbage_and_an_empty_upload_give_a_form_error_not_a_500(world, signed_in):
    client = signed_in(world.coordinator)
    url = reverse("coaching:hsds_import")
    garbage = client.post(
        url, {"municipality": world.municipality.pk, "document": SimpleUploadedFile("x.json", b"\x00\xff{")}
    )
    assert garbage.status_code == 200
    assert "JSON" in garbage.content.decode()
    empty = client.post(url, {"municipality": world.municipality.pk})
    assert empty.status_code == 200
