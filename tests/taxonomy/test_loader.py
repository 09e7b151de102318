"""The ESCO loader: everything the project ships arrives in the database, and only once."""

from io import StringIO

import pytest
from django.core.management import call_command

from taxonomy.models import EN_FALLBACK, IscoGroup, Occupation, OccupationSkill, Skill
from taxonomy.services import taxonomy_load
from tests.factories import OccupationSkillFactory

RELATION_ROWS = 123_855
# 4 occupations in the v1.1.1 relations file are not in the v1.2.0 occupation list.
SKIPPED_RELATIONS = 191
LOADED_RELATIONS = RELATION_ROWS - SKIPPED_RELATIONS


def test_every_occupation_skill_and_relation_is_loaded(esco):
    assert Occupation.objects.count() == 3039
    assert Skill.objects.count() == 14_023
    assert IscoGroup.objects.count() == 619
    assert OccupationSkill.objects.count() == LOADED_RELATIONS
    assert OccupationSkill.objects.filter(relation="essential").count() > 60_000
    assert esco.report.relations_skipped == SKIPPED_RELATIONS
    assert len(esco.report.skipped_occupation_uris) == 4
    assert esco.report.skipped_skill_uris == set()


def test_occupation_has_german_and_english_labels_alt_labels_and_isco_group(esco):
    welder = Occupation.objects.get(label_de="Schweißer/Schweißerin")
    assert welder.label_en == "welder"
    assert "Metallschweißer" in welder.alt_labels_de.split(" | ")
    assert welder.isco_group.code == "7212"
    # ISCO groups hang together by code prefix up to the major group.
    assert welder.isco_group.parent.code == "721"
    assert welder.isco_group.parent.parent.parent.code == "7"
    assert welder.isco_group.parent.parent.parent.parent is None


def test_skill_without_german_label_shows_english_and_says_so(esco):
    fallback = Skill.objects.filter(label_de_source=EN_FALLBACK)
    assert fallback.count() == 1101
    skill = Skill.objects.get(uri="http://data.europa.eu/esco/skill/0005c151-5b5a-4a66-8aac-60e734beb1ab")
    assert skill.label_de == skill.label_en == "manage musical staff"
    assert skill.label_de_source == EN_FALLBACK
    assert not Skill.objects.filter(label_de="").exists()
    # Skills that do have a German label keep their source.
    assert Skill.objects.filter(label_de_source="esco_v1.2.0_de_collection").count() == 2334


def test_loading_twice_changes_nothing(esco):
    before = (Occupation.objects.count(), Skill.objects.count(), OccupationSkill.objects.count())
    welder_pk = Occupation.objects.get(label_de="Schweißer/Schweißerin").pk

    report = taxonomy_load()

    after = (Occupation.objects.count(), Skill.objects.count(), OccupationSkill.objects.count())
    assert after == before
    assert (report.occupations.created, report.occupations.updated) == (0, 0)
    assert (report.skills.created, report.skills.updated) == (0, 0)
    assert (report.relations.created, report.relations.updated, report.relations.deleted) == (0, 0, 0)
    # Primary keys stay, so profiles and placements pointing at them stay valid.
    assert Occupation.objects.get(label_de="Schweißer/Schweißerin").pk == welder_pk


def test_reload_repairs_changed_labels_and_relations(esco):
    welder = Occupation.objects.get(label_de="Schweißer/Schweißerin")
    Occupation.objects.filter(pk=welder.pk).update(label_de="Schweisser (veraltet)", alt_labels_en="")
    relations = list(OccupationSkill.objects.filter(occupation=welder).order_by("pk")[:2])
    relations[0].delete()
    flipped = "optional" if relations[1].relation == "essential" else "essential"
    OccupationSkill.objects.filter(pk=relations[1].pk).update(relation=flipped)
    stray_skill = Skill.objects.exclude(occupation_relations__occupation=welder).first()
    OccupationSkillFactory(occupation=welder, skill=stray_skill, relation="optional")

    report = taxonomy_load()

    welder.refresh_from_db()
    assert welder.label_de == "Schweißer/Schweißerin"
    assert "arc welder" in welder.alt_labels_en
    assert report.occupations.updated == 1
    assert (report.relations.created, report.relations.updated, report.relations.deleted) == (1, 1, 1)
    assert OccupationSkill.objects.count() == LOADED_RELATIONS
    assert not OccupationSkill.objects.filter(occupation=welder, skill=stray_skill).exists()


def test_command_prints_counts_and_skipped_relations(esco):
    out = StringIO()
    call_command("load_taxonomy", stdout=out, skip_checks=True)
    text = out.getvalue()
    assert "occupations: 3039" in text
    assert "skills: 14023" in text
    assert f"relations: {LOADED_RELATIONS}" in text
    assert f"relations skipped (unknown URIs): {SKIPPED_RELATIONS}" in text


@pytest.mark.django_db
def test_loader_reads_a_small_folder_and_skips_unknown_uris(tmp_path):
    """A broken relations file does not stop the load: unknown URIs are counted and named."""
    import gzip

    from taxonomy import services

    def write(name, text):
        with gzip.open(tmp_path / name, "wt", encoding="utf-8") as fh:
            fh.write(text)

    write(
        services.ISCO_FILE,
        "iscoCode,conceptUri,preferredLabel_de,preferredLabel_en,description_en\n"
        "7,http://i/C7,Handwerk,Craft,\n72,http://i/C72,Metall,Metal,\n",
    )
    write(
        services.OCCUPATIONS_FILE,
        "conceptUri,iscoGroup,escoCode,preferredLabel_de,altLabels_de,description_de,preferredLabel_en,altLabels_en\n"
        "http://o/1,72,72.1,Schlosser/Schlosserin,Schlosser | Schlosserin,,locksmith,\n",
    )
    write(
        services.SKILLS_FILE,
        "conceptUri,skillType,reuseLevel,preferredLabel_de,preferredLabel_de_source,altLabels_de,"
        "preferredLabel_en,altLabels_en,description_en,en_release\n"
        "http://s/1,skill/competence,cross-sector,feilen,x,,file,,,v1.1.1\n"
        "http://s/2,knowledge,cross-sector,,missing,,metallurgy,,,v1.1.1\n",
    )
    write(
        services.RELATIONS_FILE,
        "occupationUri,relationType,skillType,skillUri\n"
        "http://o/1,essential,skill/competence,http://s/1\n"
        "http://o/1,optional,knowledge,http://s/2\n"
        "http://o/1,optional,knowledge,http://s/404\n"
        "http://o/404,optional,knowledge,http://s/1\n",
    )

    report = taxonomy_load(data_dir=tmp_path)

    assert report.occupations.created == 1
    assert report.relations.created == 2
    assert report.relations_skipped == 2
    assert report.skipped_skill_uris == {"http://s/404"}
    assert report.skipped_occupation_uris == {"http://o/404"}
    assert report.skills_en_fallback == 1
    assert Skill.objects.get(uri="http://s/2").label_de == "metallurgy"
    assert IscoGroup.objects.get(code="72").parent.code == "7"


def test_ukrainian_and_arabic_labels_are_loaded(esco):
    welder = Occupation.objects.get(label_de="Schweißer/Schweißerin")
    assert welder.label_uk == "зварник/зварниця"
    assert welder.label_ar == "عامل لحام / عاملة لحام"
    assert esco.report.occupations_uk_ar == 3039
    assert not Occupation.objects.filter(label_uk="").exists()
    assert not Occupation.objects.filter(label_ar="").exists()
    # Only six skill collections are translated; 5 of their skills are newer than our German data.
    assert esco.report.skills_uk_ar == 2362
    assert Skill.objects.exclude(label_ar="").count() == 2362


def test_german_labels_keep_their_commas_and_single_spaces(esco):
    """The v1.0.3 labels lost their commas ("Gesundheits-  Sicherheits-  Hygiene-"): the loader
    puts them back and leaves no doubled space in any German label."""
    food_safety = Skill.objects.get(
        uri="http://data.europa.eu/esco/skill/0ff99f51-40d9-42f1-a1ec-377b2bb5e15f"
    )
    assert food_safety.label_de == (
        "Gesundheits-, Sicherheits-, Hygiene- und andere wichtige Rechtsvorschriften in Bezug auf "
        "Lebensmittel einhalten"
    )
    assert Skill.objects.filter(label_de="Sicherstellen, dass Geschirr einsatzbereit ist").exists()
    for model in (Skill, Occupation):
        assert not model.objects.filter(label_de__contains="  ").exists()
        assert not model.objects.filter(alt_labels_de__contains="  ").exists()
