"""'Jobs for me': open placements ranked for one candidate, for them and for their case manager."""

import pytest
from django.urls import reverse

from organisations.models import OrganisationKind, VerificationStatus
from tests.factories import (
    CaseFactory,
    EmployerProfileFactory,
    OrganisationFactory,
    PlacementFactory,
    PlacementSkillFactory,
    UserFactory,
    make_candidate,
)


@pytest.fixture
def setting(esco, municipality, case_manager_team):
    from taxonomy.models import Occupation

    cook = Occupation.objects.filter(isco_code="5120").order_by("uri").first()
    welder = Occupation.objects.filter(isco_code="7212").order_by("uri").first()
    skills = list(cook.skills.order_by("pk")[:5])
    user = UserFactory(candidate=True)
    person = make_candidate(
        municipality, postcode="34117", occupation=cook, skills=skills, user=user, last_name="Kochova"
    )
    CaseFactory(
        candidate=person,
        municipality=municipality,
        responsible_organisation=case_manager_team.organisation,
        case_manager=case_manager_team.own,
    )

    def employer(verified=True):
        org = OrganisationFactory(
            municipality=municipality,
            kind=OrganisationKind.EMPLOYER,
            **({} if verified else {"verification_status": VerificationStatus.PENDING}),
        )
        return EmployerProfileFactory(organisation=org, sector="gastronomie", contact_name="")

    def placement(title, occupation, employer_profile, status="open", skills=(), **fields):
        p = PlacementFactory(
            employer=employer_profile,
            municipality=municipality,
            title=title,
            occupation=occupation,
            postcode="34117",
            hours_per_week=40,
            status=status,
            min_german_spoken="B1",
            **fields,
        )
        for skill in skills:
            PlacementSkillFactory(placement=p, skill=skill, relation="essential")
        return p

    good = employer()
    placements = {
        "kitchen": placement("Koch/Köchin im Gasthaus", cook, good, skills=skills),
        "welding": placement("Schweißer*in", welder, good, skills=list(welder.skills.order_by("pk")[:5])),
        "draft": placement("Entwurf Küche", cook, good, status="draft", skills=skills),
        "unverified": placement("Küche ungeprüft", cook, employer(verified=False), skills=skills),
    }
    return person, placements


def test_candidate_sees_open_jobs_best_first_explained_in_words(setting, signed_in):
    person, placements = setting
    page = signed_in(person.user).get(reverse("employers:my_jobs"))
    assert page.status_code == 200
    html = page.content.decode()
    assert html.index("Koch/Köchin im Gasthaus") < html.index("Schweißer*in")
    assert "Entwurf Küche" not in html and "Küche ungeprüft" not in html
    assert "5 von 5 wichtigen Fähigkeiten passen" in html
    assert "Gefordert ist Deutsch B1 – Ihr Niveau B1 reicht." in html


def test_case_manager_sees_jobs_for_own_caseload_only(setting, signed_in, case_manager_team, employer_team):
    person, _ = setting
    url = reverse("employers:candidate_jobs", args=[person.pk])
    assert signed_in(case_manager_team.own).get(url).status_code == 200
    assert signed_in(case_manager_team.outsider).get(url).status_code == 404
    assert signed_in(case_manager_team.elsewhere).get(url).status_code == 404
    assert signed_in(employer_team.own).get(url).status_code == 403
    assert signed_in(person.user).get(url).status_code == 200  # their own page


def test_people_without_a_profile_get_no_jobs_page(db, signed_in, client):
    assert client.get(reverse("employers:my_jobs")).status_code == 302
    assert signed_in(UserFactory()).get(reverse("employers:my_jobs")).status_code == 403


def test_queries_do_not_grow_with_the_number_of_placements(setting, signed_in, django_assert_max_num_queries):
    person, placements = setting
    client = signed_in(person.user)
    client.get(reverse("employers:my_jobs"))  # warm the ESCO index
    with django_assert_max_num_queries(21) as few:
        before = client.get(reverse("employers:my_jobs"))
    assert before.status_code == 200
    kitchen = placements["kitchen"]
    for i in range(15):
        copy = PlacementFactory(
            employer=kitchen.employer,
            municipality=kitchen.municipality,
            title=f"Küche {i}",
            occupation=kitchen.occupation,
            postcode="34117",
            status="open",
            hours_per_week=None,
            min_german_spoken=None,
        )
        for s in kitchen.skills.all():
            PlacementSkillFactory(placement=copy, skill=s.skill, relation=s.relation)
    with django_assert_max_num_queries(len(few.captured_queries)):
        after = client.get(reverse("employers:my_jobs"))
    assert after.status_code == 200
    # The new kitchen jobs are on the page: the count held with more rows, not with fewer.
    html = after.content.decode()
    assert any(f"Küche {i}" in html for i in range(15))


@pytest.mark.parametrize("language", ["en", "ar", "uk", "fa"])
def test_jobs_page_speaks_the_candidates_language(setting, signed_in, language):
    from django.utils import translation

    person, _ = setting
    with translation.override(language):
        heading = translation.gettext("Stellen für mich")
    assert heading != "Stellen für mich"  # the catalogue has it
    html = signed_in(person.user).get(f"/{language}/app/employers/jobs/").content.decode()
    assert heading in html
    assert ('dir="rtl"' in html) == (language in ("ar", "fa"))


def test_jobs_are_one_click_away_for_candidate_and_case_manager(setting, signed_in, case_manager_team):
    person, _ = setting
    jobs = reverse("employers:my_jobs")
    assert f'href="{jobs}"' in signed_in(person.user).get(reverse("accounts:home")).content.decode()
    case = person.cases.get()
    page = (
        signed_in(case_manager_team.own)
        .get(reverse("candidates:case_detail", args=[case.pk]))
        .content.decode()
    )
    assert f'href="{reverse("employers:candidate_jobs", args=[person.pk])}"' in page
