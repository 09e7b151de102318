"""Search as a case manager types it: typos, ß/ss, umlauts, English, partial words."""

import pytest

from taxonomy.models import Occupation, Skill
from taxonomy.selectors import (
    normalise,
    occupation_by_uri,
    search_occupations,
    search_skills,
    skills_by_uris,
    skills_for_occupation,
)

WELDER = "Schweißer/Schweißerin"
FORKLIFT_DRIVER = "Gabelstaplerfahrer/Gabelstaplerfahrerin"


def labels(results):
    return [r.label_de for r in results]


@pytest.mark.parametrize("query", ["Schweißer", "Schweisser", "schweisser", "SCHWEISSER", "Schweiser"])
def test_welder_found_with_and_without_sharp_s_and_with_a_typo(esco, query):
    assert labels(search_occupations(query=query))[0] == WELDER


def test_exact_match_ranks_above_longer_labels(esco):
    found = labels(search_occupations(query="Koch"))
    assert found[0] == "Koch/Köchin"


def test_prefix_matches_rank_before_fuzzy_ones(esco):
    found = search_occupations(query="Gabelstapler", limit=10)
    assert labels(found)[0] == FORKLIFT_DRIVER
    # Nothing unrelated comes along just because it is short or similar.
    assert all("stapler" in (r.label_de + r.matched_label).lower() for r in found)


def test_forklift_skill_found_in_german_and_english(esco):
    assert "Gabelstapler bedienen" in labels(search_skills(query="Gabelstapler", limit=3))
    assert "Gabelstapler bedienen" in labels(search_skills(query="forklift", limit=5, language="en"))
    assert labels(search_occupations(query="forklift", language="en"))[0] == FORKLIFT_DRIVER


def test_typo_in_a_half_typed_compound_still_finds_it(esco):
    assert labels(search_occupations(query="Gabelstaplr"))[0] == FORKLIFT_DRIVER
    assert labels(search_skills(query="Gabelstaplr"))[0] == "Gabelstapler bedienen"


def test_altenpflege_found_despite_typo(esco):
    # ESCO v1.2.0 has no occupation called "Altenpfleger"; the elder-care skills are found.
    found = labels(search_skills(query="Altenpflger"))
    assert any("Altenpflege" in label for label in found)


def test_nurse_found_with_typo(esco):
    assert "Gesundheits- und Krankenpfleger/Gesundheits- und Krankenschwester" in labels(
        search_occupations(query="Krankenpflger", limit=5)
    )


def test_umlaut_can_be_typed_as_vowel_or_digraph(esco):
    for query in ("Bäcker", "Baecker", "Backer"):
        assert labels(search_occupations(query=query))[0] == "Bäcker/Bäckerin", query


def test_alternative_label_finds_the_occupation_and_is_reported(esco):
    found = search_occupations(query="Lagerist")
    assert found[0].label_de == "Warenlagerverwalter/Warenlagerverwalterin"
    assert found[0].matched_label == "Lagerist"


def test_english_search_prefers_english_labels(esco):
    found = search_occupations(query="welder", language="en")
    assert found[0].label_en == "welder"
    assert found[0].label_de == WELDER


def test_skill_without_german_label_is_found_by_its_english_label(esco):
    found = search_skills(query="manage musical staff", language="de")
    assert found[0].label_en == "manage musical staff"


@pytest.mark.parametrize("query", ["", " ", "a", "ß"])
def test_too_short_query_gives_nothing(esco, query):
    assert search_occupations(query=query) == []
    assert search_skills(query=query) == []


def test_nonsense_gives_nothing(esco):
    assert search_occupations(query="qxzqxzqxz") == []


def test_limit_is_respected(esco):
    assert len(search_skills(query="Pflege", limit=3)) == 3


def test_the_index_is_built_once_and_reused(esco, django_assert_max_num_queries):
    """Latency is measured by bench/bench_taxonomy.py; here: a warm search never rebuilds the
    index, it only fetches the found rows (at most one query per search)."""
    search_skills(query="warm up")
    search_occupations(query="warm up")
    queries = ("Schweisser", "Altenpflger", "Gabelstapler", "forklift", "Koch", "Elektriker")
    with django_assert_max_num_queries(2 * len(queries)):
        found = [(search_skills(query=q), search_occupations(query=q)) for q in queries]
    assert all(skills or occupations for skills, occupations in found)


def test_index_follows_label_changes(esco):
    welder = Occupation.objects.get(label_de=WELDER)
    assert labels(search_occupations(query="Schweißer"))[0] == WELDER
    welder.alt_labels_de += " | Blitzschweißkünstler"
    welder.save()
    assert labels(search_occupations(query="Blitzschweißkünstler")) == [WELDER]


def test_normalise_folds_case_sharp_s_umlauts_and_punctuation():
    assert normalise("Schweißer/Schweißerin") == "schweisser schweisserin"
    assert normalise("Bäcker") == normalise("BAECKER") == "baecker"
    assert normalise("Café-Küche") == "cafe kueche"


def test_skills_for_occupation_splits_essential_and_optional(esco):
    welder = Occupation.objects.get(label_de=WELDER)
    skills = skills_for_occupation(occupation=welder)
    essential = {s.label_de for s in skills.essential}
    optional = {s.label_de for s in skills.optional}
    assert "Schweißausrüstung bedienen" in essential
    assert "Punktschweißverfahren anwenden" in optional
    assert essential and optional and not essential & optional
    assert len(skills.essential) == welder.skill_relations.filter(relation="essential").count()
    assert len(skills.optional) == welder.skill_relations.filter(relation="optional").count()


def test_skills_for_occupation_uses_one_query(esco, django_assert_num_queries):
    welder = Occupation.objects.get(label_de=WELDER)
    with django_assert_num_queries(1):
        skills = skills_for_occupation(occupation=welder)
        [s.label for s in skills.essential + skills.optional]


def test_lookup_by_uri(esco):
    welder = Occupation.objects.get(label_de=WELDER)
    assert occupation_by_uri(uri=welder.uri) == welder
    assert occupation_by_uri(uri="http://data.europa.eu/esco/occupation/unknown") is None
    uris = list(Skill.objects.order_by("uri").values_list("uri", flat=True)[:3])
    found = skills_by_uris(uris=[*uris, "http://unknown"])
    assert set(found) == set(uris)
    assert all(found[uri].uri == uri for uri in uris)
