"""Issue 21: a new intake whose work permit nobody has entered yet is still proposed, marked
"Arbeitserlaubnis noch offen" — not silently left out as if it had no permit."""

from __future__ import annotations

import pytest
from django.urls import reverse

from candidates import services as candidate_services
from candidates.models import ConsentScope
from employers import selectors
from tests.factories import (
    CandidateOccupationFactory,
    CandidateSkillFactory,
    ConsentFactory,
    LanguageSkillFactory,
    make_candidate,
)

pytestmark = pytest.mark.django_db


def fresh_intake(coach, cook_taxonomy):
    """A person as the intake form makes them (no permit field on it), then a profile and the listing."""
    organisation = coach.memberships.first().organisation
    person = candidate_services.candidate_create(
        actor=coach,
        municipality=organisation.municipality,
        responsible_organisation=organisation,
        first_name="Neu",
        last_name="Aufgenommen",
        postcode="44135",
    )
    CandidateOccupationFactory(candidate=person, occupation=cook_taxonomy.cook, years_experience=3)
    for skill in cook_taxonomy.skills[:2]:
        CandidateSkillFactory(candidate=person, skill=skill)
    LanguageSkillFactory(candidate=person, language="de", spoken="B1", written="B1")
    ConsentFactory(candidate=person, scope=ConsentScope.LISTING)
    return person


def test_a_fresh_intake_without_a_permit_appears_in_matches_marked_noch_offen(
    employer, placement, municipality, cook_taxonomy, coach, signed_in
):
    person = fresh_intake(coach, cook_taxonomy)
    known = make_candidate(municipality, occupation=cook_taxonomy.cook, skills=cook_taxonomy.skills[:2])
    barred = make_candidate(
        municipality, occupation=cook_taxonomy.cook, skills=cook_taxonomy.skills[:2], work_permission="none"
    )

    refs = [row.card.ref for row in selectors.placement_matches(user=employer.own, placement=placement)]

    # Ranked (a known permit first, everything else being equal), and a recorded "none" stays out.
    assert refs == [known.public_ref, person.public_ref]
    assert barred.public_ref not in refs
    html = (
        signed_in(employer.own)
        .get(reverse("employers:placement_matches", args=[placement.pk]))
        .content.decode()
    )
    assert html.count("Arbeitserlaubnis noch offen") == 1
    # Nothing of the residence behind it reaches the employer.
    assert "Aufenthalt" not in html


def test_staff_see_the_open_permit_on_the_jobs_page_and_the_candidate_gets_jobs(
    employer, placement, cook_taxonomy, coach, signed_in
):
    person = fresh_intake(coach, cook_taxonomy)
    html = signed_in(coach).get(reverse("employers:candidate_jobs", args=[person.pk])).content.decode()
    assert placement.title in html
    assert "Arbeitserlaubnis noch offen" in html
