"""Service areas by postcode, required documents and waiting time (issue 17): a referral is allowed
when the offer's area covers the person — their municipality as a whole, or their postcode, even
across a municipal border — and coordinators keep these fields in the app, with their input kept
when something is wrong."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from coaching import directory_services, selectors, services
from coaching.models import Referral, ServiceAreaPostcode, ServiceRequiredDocument
from coaching.referral_selectors import referral_from_answer_token
from coaching.referral_services import referral_answer_token
from tests.coaching.helpers import EDIT, audits
from tests.fixtures.users import login_with_mfa

pytestmark = pytest.mark.django_db

# Bochum-Mitte and Bochum-Wattenscheid: two real postcodes of the neighbouring municipality.
COVERED, NOT_COVERED = "44787", "44866"


@pytest.fixture
def bochum_person(neighbour):
    """Bochum's case manager and a case whose person lives at a postcode the Dortmund course takes."""
    case_manager, case = neighbour
    case.candidate.postcode = COVERED
    case.candidate.save(update_fields=["postcode"])
    return case_manager, case


def _cover(service, *postcodes, actor=None):
    return directory_services.service_update(service=service, actor=actor, area_postcodes=list(postcodes))


def test_the_area_covers_the_own_municipality_a_served_one_and_named_postcodes(
    world,
    language_school,
    other_municipality,
):
    dortmund = world.municipality.pk
    assert language_school.covers(municipality_id=dortmund, postcode="")
    assert not language_school.covers(municipality_id=other_municipality.pk, postcode=COVERED)
    _cover(language_school, COVERED)
    language_school.refresh_from_db()
    assert language_school.covers(municipality_id=other_municipality.pk, postcode=COVERED)
    assert not language_school.covers(municipality_id=other_municipality.pk, postcode=NOT_COVERED)
    assert not language_school.covers(municipality_id=other_municipality.pk, postcode="")
    # A whole municipality served: every postcode there, and none given at all.
    language_school.served_municipalities.set([other_municipality])
    assert language_school.covers(municipality_id=other_municipality.pk, postcode=NOT_COVERED)
    assert language_school.covers(municipality_id=other_municipality.pk, postcode="")


def test_the_referral_form_lists_a_neighbours_offer_only_where_its_area_covers_the_person(
    client,
    world,
    language_school,
    bochum_person,
):
    case_manager, case = bochum_person
    detail = reverse("coaching:service_detail", args=[language_school.pk])
    login_with_mfa(client, case_manager)
    assert language_school not in selectors.referral_offer(case=case)
    assert client.get(detail).status_code == 404
    _cover(language_school, COVERED, "44789")
    assert list(selectors.referral_offer(case=case)) == [language_school]
    assert selectors.service_eligible(service=language_school, case=case)
    form = client.get(reverse("coaching:referral_create", args=[case.pk]))
    assert "Berufssprachkurs B2 (Dortmund)" in form.content.decode()
    # Bochum's directory shows the course (a person of Bochum lives in its area), marked as Dortmund's.
    listing = client.get(reverse("coaching:service_list")).content.decode()
    assert "Berufssprachkurs B2" in listing and "aus Dortmund" in listing
    assert client.get(detail).status_code == 200

    response = client.post(
        reverse("coaching:referral_create", args=[case.pk]),
        {"service": language_school.pk, "note": "Abendkurs neben der Arbeit"},
    )
    assert response.status_code == 302
    assert Referral.objects.get(case=case).service == language_school


def test_a_person_outside_the_area_is_refused_with_a_clear_error_and_the_note_kept(
    client,
    world,
    language_school,
    bochum_person,
):
    case_manager, case = bochum_person
    _cover(language_school, NOT_COVERED)
    assert language_school not in selectors.referral_offer(case=case)
    assert not selectors.service_eligible(service=language_school, case=case)
    with pytest.raises(ValidationError, match=f"Postleitzahl der Person \\({COVERED}\\)"):
        services.referral_create(case=case, service=language_school, actor=case_manager)

    login_with_mfa(client, case_manager)
    response = client.post(
        reverse("coaching:referral_create", args=[case.pk]),
        {"service": language_school.pk, "note": "Abendkurs neben der Arbeit"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Einzugsgebiet umfasst weder ihre Kommune noch ihre Postleitzahl" in page
    assert "Abendkurs neben der Arbeit" in page
    assert not Referral.objects.filter(case=case).exists()


def test_a_person_without_a_postcode_is_told_why(
    world,
    language_school,
    bochum_person,
):
    case_manager, case = bochum_person
    _cover(language_school, COVERED)
    case.candidate.postcode = ""
    case.candidate.save(update_fields=["postcode"])
    with pytest.raises(ValidationError, match="keine Postleitzahl eingetragen"):
        services.referral_create(case=case, service=language_school, actor=case_manager)


def test_a_postcode_is_in_an_area_once_even_when_two_saves_overlap(
    world,
    language_school,
):
    _cover(language_school, COVERED, "44789")
    # A second save of an overlapping list (as from another tab) adds only what is new.
    _cover(language_school, COVERED, "44789", "44791")
    assert language_school.area_postcode_list() == [COVERED, "44789", "44791"]
    # Direct creates: the database constraints themselves are what this checks.
    with pytest.raises(IntegrityError), transaction.atomic():
        ServiceAreaPostcode.objects.create(service=language_school, postcode=COVERED)
    with pytest.raises(IntegrityError), transaction.atomic():
        ServiceAreaPostcode.objects.create(service=language_school, postcode="4478")
    with pytest.raises(IntegrityError), transaction.atomic():
        ServiceRequiredDocument.objects.create(service=language_school, document="Pass")
        ServiceRequiredDocument.objects.create(service=language_school, document="Pass")


def test_a_coordinator_sets_area_documents_and_waiting_time_and_the_directory_shows_them(
    client,
    world,
    language_school,
):
    login_with_mfa(client, world.coordinator)
    response = client.post(
        reverse("coaching:service_edit", args=[language_school.pk]),
        {
            **EDIT,
            "wait_time": "etwa 4 Wochen",
            "area_postcodes": f"{COVERED}, 44789\n{COVERED}",
            "required_documents": "Aufenthaltstitel\n\nBerechtigungsschein des Jobcenters\nAufenthaltstitel",
        },
    )
    assert response.status_code == 302
    language_school.refresh_from_db()
    assert language_school.wait_time == "etwa 4 Wochen"
    assert language_school.area_postcode_list() == [COVERED, "44789"]
    assert language_school.required_document_list() == [
        "Aufenthaltstitel",
        "Berechtigungsschein des Jobcenters",
    ]
    assert {"area_postcodes", "required_documents", "wait_time"} <= set(audits(language_school).get().fields)
    detail = client.get(reverse("coaching:service_detail", args=[language_school.pk])).content.decode()
    assert "etwa 4 Wochen" in detail and f"{COVERED}, 44789" in detail
    assert "Berechtigungsschein des Jobcenters" in detail
    # The edit form shows what is stored.
    form = client.get(reverse("coaching:service_edit", args=[language_school.pk])).content.decode()
    assert f"{COVERED}, 44789" in form and "Aufenthaltstitel\nBerechtigungsschein des Jobcenters" in form


def test_wrong_postcodes_are_named_and_every_input_kept(
    client,
    world,
    language_school,
):
    login_with_mfa(client, world.coordinator)
    response = client.post(
        reverse("coaching:service_edit", args=[language_school.pk]),
        {
            **EDIT,
            "wait_time": "etwa 4 Wochen",
            "area_postcodes": f"{COVERED} 4478 00000",
            "required_documents": "Aufenthaltstitel",
        },
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "Diese Postleitzahlen gibt es nicht: 4478, 00000" in page
    assert f"{COVERED} 4478 00000" in page and "etwa 4 Wochen" in page and "Aufenthaltstitel" in page
    language_school.refresh_from_db()
    assert language_school.area_postcode_list() == [] and language_school.wait_time == ""
    assert language_school.required_document_list() == []


def test_the_provider_sees_the_waiting_time_and_documents_on_its_link(
    world,
    language_school,
    client,
):
    directory_services.service_update(
        service=language_school,
        actor=None,
        wait_time="etwa 4 Wochen",
        required_documents=["Aufenthaltstitel", "Berechtigungsschein"],
    )
    referral = services.referral_create(case=world.case, service=language_school, actor=world.case_manager)
    token = referral_answer_token(referral=referral)
    seen = referral_from_answer_token(token=token)
    assert seen.wait_time == "etwa 4 Wochen"
    assert seen.required_documents == ("Aufenthaltstitel", "Berechtigungsschein")
    page = client.get(reverse("coaching:referral_answer", args=[token])).content.decode()
    assert "etwa 4 Wochen" in page and "Aufenthaltstitel, Berechtigungsschein" in page
