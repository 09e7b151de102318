"""The whole story through the pages: register, get verified, post a placement, find, select, accept."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from employers.models import Introduction, Placement
from organisations.models import Organisation
from tests.clock import TODAY
from tests.factories import UserFactory, make_candidate

# "Today" is tests.clock.TODAY, in the test and in the app alike.
pytestmark = pytest.mark.usefixtures("frozen_today")


def test_employer_journey_from_registration_to_accepted_introduction(
    municipality, team, cook_taxonomy, signed_in, django_capture_on_commit_callbacks
):
    candidate_user = UserFactory(is_candidate=True)
    candidate = make_candidate(
        municipality, occupation=cook_taxonomy.cook, skills=cook_taxonomy.skills[:2], user=candidate_user
    )
    owner = signed_in(UserFactory())
    owner.post(
        reverse("employers:register"),
        {
            "name": "Gasthaus Linde",
            "municipality": municipality.pk,
            "street": "Lindenplatz 1",
            "postcode": "44135",
            "city": "Dortmund",
            "sector": "gastronomie",
            "contact_name": "Herr Linde",
        },
    )
    org = Organisation.objects.get(name="Gasthaus Linde")
    signed_in(team("chamber_editor").own).post(
        reverse("employers:verification_decide", args=[org.pk]), {"decision": "verify"}
    )

    owner.post(
        reverse("employers:placement_create"),
        {
            "title": "Koch (m/w/d)",
            "kind": "job",
            "occupation_uri": cook_taxonomy.cook.uri,
            "skill_ids": [s.pk for s in cook_taxonomy.skills[:2]],
            "min_german_spoken": "A2",
            "postcode": "44135",
            "city": "Dortmund",
            "hours_per_week": "40",
            "openings": "1",
            "status": "open",
            "start_date": (TODAY + timedelta(days=10)).isoformat(),
        },
    )
    placement = Placement.objects.get(employer__organisation=org)

    found = owner.get(reverse("employers:browse"), {"occupation": cook_taxonomy.cook.uri})
    assert [card.ref for card in found.context["cards"]] == [candidate.public_ref]
    matches = owner.get(reverse("employers:placement_matches", args=[placement.pk]))
    assert [row.card.ref for row in matches.context["matches"]] == [candidate.public_ref]

    with django_capture_on_commit_callbacks(execute=True):
        owner.post(
            reverse("employers:select_candidate", args=[candidate.public_ref]), {"placement": placement.pk}
        )
    intro = Introduction.objects.get(placement=placement, candidate=candidate)
    assert (
        candidate.last_name
        not in owner.get(reverse("employers:introduction_detail", args=[intro.reference])).content.decode()
    )

    me = signed_in(candidate_user)
    assert "Gasthaus Linde" in me.get(reverse("notifications:inbox")).content.decode()
    me.post(reverse("employers:introduction_answer", args=[intro.reference]), {"answer": "accept"})
    # The contact is revealed by a POST (a GET changes nothing), then shown.
    assert (
        "Kontaktdaten anzeigen"
        in owner.get(reverse("employers:introduction_detail", args=[intro.reference])).content.decode()
    )
    owner.post(reverse("employers:introduction_action", args=[intro.reference, "reveal"]))
    page = owner.get(reverse("employers:introduction_detail", args=[intro.reference])).content.decode()
    assert candidate.full_name in page and candidate.email in page
