"""'Weg zum Zielberuf' (issue 20): a person's pathway to a target occupation on the case — the
missing essential skills (exactly the set difference), what the person has (named / inferred from a
declared occupation), the local offers that teach a gap, goals from one click (never twice), bad
input answered with a message, and a page whose queries do not grow with skills or offers.

Every figure is written by hand from the ``warehouse`` and ``person`` fixtures
(tests/fixtures/coaching.py) and the courses below."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from candidates import pathways
from candidates.models import Goal
from coaching import pathway_selectors
from tests.coaching.helpers import ESCO, service, skill
from tests.factories import (
    CandidateSkillFactory,
    MunicipalityFactory,
    OccupationSkillFactory,
    QualificationFactory,
)
from tests.fixtures.users import login_with_mfa

pytestmark = pytest.mark.django_db


@pytest.fixture
def courses(world, warehouse, other_municipality):
    sk = warehouse.sk
    return {
        "danger": service(world.municipality, "Gefahrgutschulung", [sk["danger"]]),
        "forklift": service(world.municipality, "Staplerschein", [sk["forklift"], sk["office"]]),
        # not for the person: inactive, closed to her residence status, another municipality
        "inactive": service(world.municipality, "Alter Lagerkurs", [sk["stock"]], active=False),
        "closed": service(
            world.municipality, "TQ Lager", [sk["stock"]], statuses=["niederlassungserlaubnis"]
        ),
        "elsewhere": service(other_municipality, "Lagerkurs Bochum", [sk["stock"]]),
    }


def _uris(skills):
    return {s.uri.rsplit("/", 1)[1] for s in skills}


def test_missing_skills_are_the_set_difference_and_held_ones_are_marked(person, warehouse):
    result = pathways.person_pathway(candidate=person, target=warehouse.occ["specialist"])
    # essential(specialist) = pack, lift, scan, stock, danger, forklift
    # named: scan, lift; inferred from helper: lift, pack → pack only (lift is named)
    assert _uris(result.missing) == {"stock", "danger", "forklift"}
    assert _uris(result.explicit) == {"scan", "lift"}
    assert _uris(result.inferred) == {"pack"}
    assert {h.via.uri for h in result.held if h.source == "inferred"} == {warehouse.occ["helper"].uri}


def test_a_recognised_qualification_counts_like_a_declared_occupation(person, warehouse):
    QualificationFactory(
        candidate=person,
        title="Berufskraftfahrer",
        kind="vocational",
        recognition_status="full",
        recognition_occupation=warehouse.occ["driver"],
        country="",
    )
    result = pathways.person_pathway(candidate=person, target=warehouse.occ["specialist"])
    assert _uris(result.missing) == {"stock", "danger"}
    assert _uris(result.inferred) == {"pack", "forklift"}


def test_proposals_are_one_level_up_by_shared_essential_skills(person, warehouse):
    found = pathways.person_proposals(candidate=person)
    # has lift, pack, scan: specialist 3 shared (3 missing), driver 1 (1), clerk 1 (1)
    assert [(p.occupation.label_de, p.shared, p.missing) for p in found] == [
        ("Fachkraft für Lagerlogistik", 3, 3),
        ("Bürokraft", 1, 1),
        ("Staplerfahrer/Staplerfahrerin", 1, 1),
    ]
    assert pathways.caseload_proposals(candidates=type(person).objects.filter(pk=person.pk)) == {
        person.pk: found
    }


def test_courses_match_by_the_skills_they_teach(world, person, warehouse, courses):
    view = pathway_selectors.pathway_view(case=world.case, target=warehouse.occ["specialist"])
    by_skill = {
        m.skill.uri.rsplit("/", 1)[1]: [s.name for s in m.services] for g in view.groups for m in g.skills
    }
    assert by_skill == {"stock": [], "danger": ["Gefahrgutschulung"], "forklift": ["Staplerschein"]}
    assert [(o.service.name, _uris(o.teaches)) for o in view.offers] == [
        ("Gefahrgutschulung", {"danger"}),
        ("Staplerschein", {"forklift"}),
    ]
    assert [(g.key, _uris(m.skill for m in g.skills)) for g in view.groups] == [
        ("knowledge", {"stock", "danger"}),
        ("competence", {"forklift"}),
    ]


def _page(client, world, **params):
    return client.get(reverse("coaching:pathway", kwargs={"case_pk": world.case.pk}), params)


def test_the_case_manager_sees_the_pathway(client, world, person, warehouse, courses):
    login_with_mfa(client, world.case_manager)
    response = _page(client, world, target=warehouse.occ["specialist"].uri)
    assert response.status_code == 200
    html = response.content.decode()
    for key in ("stock", "danger", "forklift"):
        assert f'data-missing="{ESCO}skill/{key}"' in html
    assert f'data-held="{ESCO}skill/scan" data-source="explicit"' in html
    assert f'data-held="{ESCO}skill/pack" data-source="inferred"' in html
    assert "Gefahrgutschulung" in html and "Lagerkurs Bochum" not in html and "TQ Lager" not in html
    assert "Fachkraft für Lagerlogistik" in html  # proposed, as a link
    assert f"target={ESCO.replace(':', '%3A').replace('/', '%2F')}occupation%2Fspecialist" in html
    # {% querystring %} writes the "?" itself: a second one would make the link choose nothing.
    assert 'href="??' not in html and 'href="?target=' in html


def test_the_case_page_links_to_it(client, world, person):
    login_with_mfa(client, world.case_manager)
    html = client.get(reverse("candidates:case_detail", kwargs={"case_pk": world.case.pk})).content.decode()
    assert reverse("coaching:pathway", kwargs={"case_pk": world.case.pk}) in html


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"target": "http://esco.test/occupation/astronaut"}, "Diesen Beruf gibt es in ESCO nicht"),
        ({"target": "999999"}, "Diesen Beruf gibt es in ESCO nicht"),
        ({"target": "x" * 300}, "Diesen Beruf gibt es in ESCO nicht"),
        ({"q": "a"}, "mindestens zwei Zeichen"),
    ],
)
def test_bad_input_gets_a_clear_message_and_keeps_the_input(client, world, person, params, message):
    login_with_mfa(client, world.case_manager)
    response = _page(client, world, **params)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_searching_by_label_lists_occupations_to_pick(client, world, person, warehouse):
    login_with_mfa(client, world.case_manager)
    response = _page(client, world, q="Lagerlogistik")
    assert response.status_code == 200
    assert 'data-testid="pathway-hits"' in response.content.decode()
    assert "Fachkraft für Lagerlogistik" in response.content.decode()


def _post(client, world, warehouse, part):
    return client.post(
        reverse("coaching:pathway_goal", kwargs={"case_pk": world.case.pk}),
        {"target": warehouse.occ["specialist"].uri, "part": part},
    )


def test_a_group_and_an_offer_become_goals_once(client, world, person, warehouse, courses):
    login_with_mfa(client, world.case_manager)
    assert _post(client, world, warehouse, "group:knowledge").status_code == 302
    assert _post(client, world, warehouse, "group:knowledge").status_code == 302  # second click
    assert _post(client, world, warehouse, f"service:{courses['danger'].pk}").status_code == 302
    titles = list(Goal.objects.filter(case=world.case).values_list("title", flat=True))
    assert titles == [
        "Weg zu „Fachkraft für Lagerlogistik“: Fachwissen aufbauen – Gefahrgutvorschriften, Lagerwirtschaft",
        "Weg zu „Fachkraft für Lagerlogistik“: Angebot „Gefahrgutschulung“ (Bildungswerk) nutzen",
    ]
    html = _page(client, world, target=warehouse.occ["specialist"].uri).content.decode()
    assert html.count("data-in-plan") == 2
    assert "Dieses Ziel steht schon im Integrationsplan." in html  # the second click said so


@pytest.mark.parametrize("part", ["group:nothing", "service:0", f"service:{10**12}", ""])
def test_a_part_that_is_not_open_adds_nothing(client, world, person, warehouse, courses, part):
    login_with_mfa(client, world.case_manager)
    response = _post(client, world, warehouse, part)
    assert response.status_code == 302
    assert not Goal.objects.filter(case=world.case).exists()
    follow = client.get(response["Location"])
    assert "nicht (mehr) offen" in follow.content.decode()


def test_an_offer_of_another_municipality_never_becomes_a_goal(client, world, person, warehouse, courses):
    login_with_mfa(client, world.case_manager)
    _post(client, world, warehouse, f"service:{courses['elsewhere'].pk}")
    _post(client, world, warehouse, f"service:{courses['closed'].pk}")
    assert not Goal.objects.filter(case=world.case).exists()


def _count(client, world, warehouse):
    with CaptureQueriesContext(connection) as ctx:
        assert _page(client, world, target=warehouse.occ["specialist"].uri).status_code == 200
    return len(ctx.captured_queries)


def test_the_page_queries_stay_flat_in_skills_and_offers(client, world, person, warehouse, courses):
    login_with_mfa(client, world.case_manager)
    _count(client, world, warehouse)  # warm the ESCO index and sessions
    few = _count(client, world, warehouse)
    specialist = warehouse.occ["specialist"]
    for n in range(12):
        extra = skill(f"extra{n}", f"Zusatz {n}", "knowledge" if n % 2 else "skill/competence")
        OccupationSkillFactory(occupation=specialist, skill=extra, relation="essential")
        CandidateSkillFactory(candidate=person, skill=skill(f"own{n}", f"Eigen {n}"))
        OccupationSkillFactory(
            occupation=warehouse.occ["helper"],
            skill=skill(f"inf{n}", f"Abgeleitet {n}"),
            relation="essential",
        )
        service(world.municipality, f"Kurs {n}", [extra, warehouse.sk["stock"]])
    from matching.services import taxonomy_index_invalidate

    taxonomy_index_invalidate()
    _count(client, world, warehouse)  # the index is built again once
    many = _count(client, world, warehouse)
    assert many == few


def test_a_coach_of_another_municipality_learns_nothing(client, world, person, warehouse):
    login_with_mfa(client, world.people["coach_elsewhere"])
    assert _page(client, world, target=warehouse.occ["specialist"].uri).status_code == 404
    assert _post(client, world, warehouse, "group:knowledge").status_code == 404
    assert not Goal.objects.filter(case=world.case).exists()


def test_no_proposals_without_a_known_occupation(world, warehouse):
    other = MunicipalityFactory()
    assert other  # another person with nothing declared
    assert pathway_selectors.proposals(case=world.case) == []
