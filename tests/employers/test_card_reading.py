"""The cards' occupations, skills and recognised qualifications come from one statement, their
languages from another (issue 21): the same labels in the same order as reading each relation
through the ORM, in every language."""

from __future__ import annotations

import pytest
from django.utils import translation

from candidates.models import (
    RECOGNISED,
    CandidateOccupation,
    CandidateSkill,
    Language,
    LanguageSkill,
    Qualification,
    QualificationKind,
)
from employers.selectors import anonymous_cards, anonymous_rows, browse_base
from tests.factories import (
    CandidateOccupationFactory,
    OccupationFactory,
    QualificationFactory,
    SkillFactory,
    make_candidate,
)


def _as_the_orm_reads_them(candidates) -> dict:
    """The relations read one by one through the models, in the order the cards always had."""
    kinds, names = dict(QualificationKind.choices), dict(Language.choices)
    return {
        c.public_ref: (
            tuple(
                (o.occupation.label, float(o.years_experience))
                for o in CandidateOccupation.objects.filter(candidate=c)
                .select_related("occupation")
                .order_by("-years_experience", "pk")
            ),
            tuple(
                s.skill.label
                for s in CandidateSkill.objects.filter(candidate=c)
                .select_related("skill")
                .order_by("skill__label_de", "pk")
            ),
            tuple(
                (
                    q.recognition_occupation.label if q.recognition_occupation else "",
                    str(kinds.get(q.kind, "")),
                )
                for q in Qualification.objects.filter(candidate=c, recognition_status__in=RECOGNISED)
                .select_related("recognition_occupation")
                .order_by("pk")
            ),
            tuple(
                (str(names.get(s.language, s.language)), s.spoken or "", s.written or "")
                for s in LanguageSkill.objects.filter(candidate=c).order_by("-is_native", "language", "pk")
            ),
        )
        for c in candidates
    }


@pytest.mark.parametrize("language", ["de", "en", "uk"])
def test_one_statement_reads_what_the_orm_reads(employer, municipality, cook_taxonomy, language):
    welder = cook_taxonomy.welder
    cleaner = OccupationFactory(
        uri="http://esco.test/occupation/x", label_de="Reinigungskraft", label_uk="прибиральник", isco_code=""
    )
    # labels whose order depends on case, umlauts and a label missing in the reader's language
    extra = [
        SkillFactory(uri=f"http://esco.test/skill/x{i}", label_de=label, label_en=en)
        for i, (label, en) in enumerate(
            [("ärztliche Hilfe", ""), ("Zange benutzen", "use pliers"), ("apfel", "apple")]
        )
    ]
    people = [
        make_candidate(
            municipality, occupation=cook_taxonomy.cook, years=2, skills=[*cook_taxonomy.skills, *extra]
        ),
        make_candidate(municipality, occupation=welder, years=0.5),
        make_candidate(municipality),
    ]
    CandidateOccupationFactory(candidate=people[0], occupation=welder, years_experience=2)
    CandidateOccupationFactory(candidate=people[0], occupation=cleaner, years_experience=7.5)
    CandidateOccupationFactory(candidate=people[1], occupation=cleaner, years_experience=1)
    for person, status, occupation in [
        (people[0], "partial", cook_taxonomy.cook),
        (people[0], "full", None),
        (people[0], "refused", welder),
        (people[1], "full", cleaner),
        (people[2], "pending", cleaner),
    ]:
        QualificationFactory(
            candidate=person,
            title="Abschluss",
            kind="vocational",
            country="Türkei",
            recognition_status=status,
            recognition_occupation=occupation,
        )
    # native first, then by code, as entered for equal codes; levels missing
    for person, code, native, spoken, written in [
        (people[0], "uk", False, "B2", "B1"),
        (people[0], "ar", True, "C2", None),
        (people[0], "de", False, "A2", "A1"),
        (people[0], "en", False, None, None),
        (people[1], "fa", True, "C2", "C1"),
        (people[1], "de", False, "B1", "B1"),
    ]:
        LanguageSkill.objects.update_or_create(  # make_candidate may have given German already
            candidate=person,
            language=code,
            defaults={"is_native": native, "spoken": spoken, "written": written},
        )
    with translation.override(language):
        rows = anonymous_rows(browse_base(user=employer.own).filter(pk__in=[p.pk for p in people]))
        cards = anonymous_cards(rows, origin_postcode=None)
        expected = _as_the_orm_reads_them(people)
    assert len(cards) == 3
    assert {c.ref: (c.occupations, c.skills, c.recognised, c.languages) for c in cards} == expected
    assert [c.german_spoken for c in cards if c.ref == people[0].public_ref] == ["A2"]
    first = next(c for c in cards if c.ref == people[0].public_ref)
    assert [years for _, years in first.occupations] == [7.5, 2.0, 2.0]
    assert len(first.skills) == 7 and len(first.recognised) == 2
