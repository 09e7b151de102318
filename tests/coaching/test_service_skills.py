"""The ESCO skills an offer teaches (issue 20): chosen in the service form and on the offer's skills
page, refused when unknown (input kept), shown on the offer, and carried through HSDS as taxonomy
``esco-skill`` attributes (kept in the import round trip; an unknown URI is refused)."""

from __future__ import annotations

import copy

import pytest
from django.urls import reverse

from accounts.roles import Role
from coaching import hsds
from coaching.models import Service
from organisations.models import OrganisationKind
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    ServiceFactory,
    ServiceOrganisationFactory,
    SkillFactory,
)
from tests.fixtures.users import login_with_mfa

pytestmark = pytest.mark.django_db


@pytest.fixture
def skills(db):
    return [
        SkillFactory(uri="http://esco.test/skill/forklift", label_de="Gabelstapler fahren"),
        SkillFactory(uri="http://esco.test/skill/danger", label_de="Gefahrgutvorschriften"),
    ]


@pytest.fixture
def course(world, skills):
    provider = ServiceOrganisationFactory(municipality=world.municipality, name="Bildungswerk")
    service = ServiceFactory(
        organisation=provider, municipality=world.municipality, name="Staplerschein", category="training"
    )
    service.skills.set(skills[:1])
    return service


FORM = {
    "organisation_name": "Bildungswerk",
    "name": "Gefahrgutschulung",
    "category": "training",
    "cost": "free",
}


def test_the_service_form_saves_the_skills_it_teaches(client, world, skills):
    login_with_mfa(client, world.coordinator)
    response = client.post(reverse("coaching:service_create"), {**FORM, "skills": [s.uri for s in skills]})
    assert response.status_code == 302
    service = Service.objects.get(name="Gefahrgutschulung")
    assert set(service.skills.values_list("label_de", flat=True)) == {
        "Gabelstapler fahren",
        "Gefahrgutvorschriften",
    }
    detail = client.get(response["Location"]).content.decode()
    assert (
        "Gefahrgutvorschriften" in detail and reverse("coaching:service_skills", args=[service.pk]) in detail
    )


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"skills": ["http://esco.test/skill/unknown"]}, "Diese Kompetenz gibt es in ESCO nicht"),
        ({"skill_q": "Stapler"}, "wurde nicht aus der Vorschlagsliste gewählt"),
    ],
)
def test_an_unknown_or_unchosen_skill_is_a_form_error_with_the_input_kept(
    client, world, skills, extra, message
):
    login_with_mfa(client, world.coordinator)
    response = client.post(reverse("coaching:service_create"), {**FORM, **extra})
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert 'value="Gefahrgutschulung"' in html
    assert not Service.objects.filter(name="Gefahrgutschulung").exists()


def test_the_skills_page_replaces_the_skills_and_shows_the_chosen_ones(client, world, skills, course):
    login_with_mfa(client, world.case_manager)
    url = reverse("coaching:service_skills", args=[course.pk])
    page = client.get(url).content.decode()
    assert 'value="http://esco.test/skill/forklift" id="service-skill-1" checked' in page
    assert client.post(url, {"skills": [skills[1].uri]}).status_code == 302
    assert list(course.skills.values_list("uri", flat=True)) == [skills[1].uri]
    assert client.post(url, {}).status_code == 302
    assert not course.skills.exists()


def test_another_municipality_cannot_change_the_skills(client, world, course):
    login_with_mfa(client, world.people["coordinator_elsewhere"])
    assert client.post(reverse("coaching:service_skills", args=[course.pk]), {}).status_code == 404
    assert course.skills.count() == 1


def test_hsds_carries_the_skills_and_the_round_trip_keeps_them(world, skills, course, other_municipality):
    document = hsds.hsds_document(municipality=world.municipality)
    assert hsds.validate(document) == []
    attributes = document[0]["services"][0]["attributes"]
    esco = [a for a in attributes if a["taxonomy_term"]["taxonomy"] == "esco-skill"]
    assert [(a["value"], a["taxonomy_term"]["name"]) for a in esco] == [
        ("http://esco.test/skill/forklift", "Gabelstapler fahren")
    ]
    hsds.hsds_import(municipality=other_municipality, document=document)
    imported = Service.objects.get(municipality=other_municipality)
    assert list(imported.skills.values_list("uri", flat=True)) == ["http://esco.test/skill/forklift"]
    assert hsds.hsds_document(municipality=other_municipality) == document


def test_hsds_import_refuses_an_unknown_esco_skill(world, skills, course, other_municipality):
    document = copy.deepcopy(hsds.hsds_document(municipality=world.municipality))
    attribute = next(
        a for a in document[0]["services"][0]["attributes"] if a["taxonomy_term"]["taxonomy"] == "esco-skill"
    )
    attribute["value"] = attribute["taxonomy_term"]["code"] = "http://esco.test/skill/nonsense"
    with pytest.raises(hsds.HsdsImportError) as caught:
        hsds.hsds_import(municipality=other_municipality, document=document)
    assert caught.value.errors == [
        "$[0].services[0].attributes: unbekannte ESCO-Kompetenz „http://esco.test/skill/nonsense“."
    ]
    assert not Service.objects.filter(municipality=other_municipality).exists()


def test_whoever_works_for_two_municipalities_chooses_whose_directory_the_offer_joins(
    client, world, other_municipality
):
    # Before, the offer went to the municipality with the lowest id, whichever the person meant.
    MembershipFactory(
        user=world.coordinator,
        organisation=OrganisationFactory(
            municipality=other_municipality, kind=OrganisationKind.MUNICIPALITY_OFFICE
        ),
        role=Role.COORDINATOR,
    )
    login_with_mfa(client, world.coordinator)
    assert 'name="municipality"' in client.get(reverse("coaching:service_create")).content.decode()

    missing = client.post(reverse("coaching:service_create"), FORM)
    assert missing.status_code == 400 and 'value="Gefahrgutschulung"' in missing.content.decode()
    assert not Service.objects.exists()

    response = client.post(
        reverse("coaching:service_create"), {**FORM, "municipality": other_municipality.pk}
    )
    assert response.status_code == 302
    assert Service.objects.get(name="Gefahrgutschulung").municipality == other_municipality


def test_with_one_municipality_the_offer_joins_it_without_asking(client, world):
    login_with_mfa(client, world.coordinator)
    assert 'name="municipality"' not in client.get(reverse("coaching:service_create")).content.decode()
    assert client.post(reverse("coaching:service_create"), FORM).status_code == 302
    assert Service.objects.get(name="Gefahrgutschulung").municipality == world.municipality
