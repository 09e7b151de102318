"""Registration, verification, placements (with ESCO skill suggestions and bad input), dashboard, matches."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from employers import selectors, services
from employers.models import EmployerProfile, Placement, PlacementSkill, ShortlistEntry
from organisations.models import Membership, Organisation, VerificationStatus
from privacy.models import AuditEntry
from tests.clock import TODAY
from tests.factories import UserFactory, make_candidate, make_placement, make_profile

# "Today" is tests.clock.TODAY, in the test and in the app alike.
pytestmark = pytest.mark.usefixtures("frozen_today")


def _registration(municipality, **overrides):
    data = {
        "name": "Bäckerei Sonnenschein",
        "municipality": municipality.pk,
        "street": "Markt 3",
        "postcode": "44135",
        "city": "Dortmund",
        "sector": "handwerk",
        "size": "10-49",
        "contact_name": "Petra Sonnenschein",
        "contact_email": "petra@baeckerei.example",
        "contact_phone": "0231 1234",
        "register_number": "HWK 4711",
    }
    data.update(overrides)
    return data


def test_a_business_registers_waits_and_is_verified_by_the_chamber(municipality, team, signed_in):
    owner = UserFactory()
    client = signed_in(owner)
    response = client.post(reverse("employers:register"), _registration(municipality))
    assert response.status_code == 302
    org = Organisation.objects.get(name="Bäckerei Sonnenschein")
    assert org.verification_status == VerificationStatus.PENDING
    assert EmployerProfile.objects.get(organisation=org).register_number == "HWK 4711"
    assert Membership.objects.get(user=owner).is_lead
    # Pending: the dashboard says so, browsing is refused.
    assert "wird geprüft" in client.get(reverse("employers:home")).content.decode()
    assert signed_in(owner).get(reverse("employers:browse")).status_code == 403

    chamber = team("chamber_editor")
    editor = signed_in(chamber.own)
    queue = editor.get(reverse("employers:verification_list")).content.decode()
    assert "Bäckerei Sonnenschein" in queue and "HWK 4711" in queue
    # The chamber of another municipality does not see (nor decide) it.
    assert (
        "Bäckerei"
        not in signed_in(chamber.elsewhere).get(reverse("employers:verification_list")).content.decode()
    )
    assert (
        signed_in(chamber.elsewhere)
        .post(reverse("employers:verification_decide", args=[org.pk]), {"decision": "verify"})
        .status_code
        == 404
    )

    editor.post(reverse("employers:verification_decide", args=[org.pk]), {"decision": "verify"})
    org.refresh_from_db()
    assert (org.verification_status, org.verified_by) == (VerificationStatus.VERIFIED, chamber.own)
    assert AuditEntry.objects.filter(record_id=str(org.pk), note__startswith="employer verified").exists()
    assert signed_in(owner).get(reverse("employers:browse")).status_code == 200


def test_a_rejected_business_still_sees_nothing(municipality, coordinator_team, signed_in):
    owner = UserFactory()
    profile = services.employer_register(
        user=owner, **{**_registration(municipality), "municipality": municipality}
    )
    signed_in(coordinator_team.own).post(
        reverse("employers:verification_decide", args=[profile.organisation.pk]), {"decision": "reject"}
    )
    profile.organisation.refresh_from_db()
    assert profile.organisation.verification_status == VerificationStatus.REJECTED
    assert signed_in(owner).get(reverse("employers:browse")).status_code == 403


def test_registration_errors_keep_the_input(municipality, signed_in):
    client = signed_in(UserFactory())
    response = client.post(reverse("employers:register"), _registration(municipality, postcode="00000"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Diese Postleitzahl gibt es nicht" in html and 'value="Bäckerei Sonnenschein"' in html
    assert not Organisation.objects.filter(name="Bäckerei Sonnenschein").exists()


def test_the_same_business_name_twice_in_a_town_is_an_error(municipality, signed_in):
    signed_in(UserFactory()).post(reverse("employers:register"), _registration(municipality))
    response = signed_in(UserFactory()).post(reverse("employers:register"), _registration(municipality))
    assert "schon registriert" in response.content.decode()
    assert Organisation.objects.filter(name="Bäckerei Sonnenschein").count() == 1


def _placement_post(cook_taxonomy, **overrides):
    skills = cook_taxonomy.skills
    data = {
        "title": "Koch (m/w/d)",
        "kind": "ausbildung",
        "occupation_uri": cook_taxonomy.cook.uri,
        "skill_ids": [skills[0].pk, skills[2].pk],
        "min_german_spoken": "A2",
        "offers_language_support": "on",
        "language_support_details": "Deutschkurs in der Arbeitszeit",
        "postcode": "44137",
        "city": "Dortmund",
        "hours_per_week": "39",
        "start_date": (TODAY + timedelta(days=30)).isoformat(),
        "openings": "2",
        "status": "open",
        "description": "",
    }
    data.update(overrides)
    return data


def test_creating_a_placement_suggests_esco_skills_and_keeps_the_chosen_ones(
    employer, cook_taxonomy, signed_in
):
    make_profile(employer.organisation)
    client = signed_in(employer.own)
    fragment = client.get(
        reverse("employers:placement_skill_suggestions"), {"occupation_uri": cook_taxonomy.cook.uri}
    ).content.decode()
    skills = cook_taxonomy.skills
    # Essential skills come pre-checked, optional ones not.
    assert f'value="{skills[0].pk}" id="skill-{skills[0].pk}" checked' in fragment
    assert f'value="{skills[2].pk}" id="skill-{skills[2].pk}">' in fragment
    response = client.post(reverse("employers:placement_create"), _placement_post(cook_taxonomy))
    assert response.status_code == 302
    placement = Placement.objects.get()
    assert (placement.kind, placement.openings, placement.occupation) == ("ausbildung", 2, cook_taxonomy.cook)
    assert dict(PlacementSkill.objects.values_list("skill_id", "relation")) == {
        skills[0].pk: "essential",
        skills[2].pk: "optional",
    }


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"openings": "0"}, "mindestens einen Platz"),
        ({"openings": "-3"}, "mindestens einen Platz"),
        ({"start_date": "2020-01-01"}, "nicht in der Vergangenheit"),
        ({"occupation_uri": "http://esco.test/occupation/astronaut"}, "Diesen Beruf kennen wir nicht"),
        ({"postcode": "99999"}, "Diese Postleitzahl gibt es nicht"),
        ({"language_support_details": ""}, "welche Sprachförderung"),
    ],
)
def test_bad_placement_input_is_an_error_with_the_input_kept(
    employer, cook_taxonomy, signed_in, override, message
):
    make_profile(employer.organisation)
    response = signed_in(employer.own).post(
        reverse("employers:placement_create"), _placement_post(cook_taxonomy, **override)
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert message in html and 'value="Koch (m/w/d)"' in html
    assert not Placement.objects.exists()


def test_an_occupation_typed_but_not_chosen_stays_in_the_box_with_the_error(
    employer, cook_taxonomy, signed_in
):
    make_profile(employer.organisation)
    response = signed_in(employer.own).post(
        reverse("employers:placement_create"), _placement_post(cook_taxonomy, occupation_uri="", q="Köchin")
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="occupation-search" name="q" value="Köchin"' in html
    assert 'aria-invalid="true"' in html and 'id="occupation-search-error"' in html
    assert not Placement.objects.exists()


def test_editing_keeps_a_past_start_date_but_refuses_tampered_ids(
    employer, placement, signed_in, cook_taxonomy
):
    Placement.objects.filter(pk=placement.pk).update(start_date=date(2020, 1, 1))
    client = signed_in(employer.own)
    data = _placement_post(cook_taxonomy, start_date="2020-01-01", title="Koch, neu")
    assert client.post(reverse("employers:placement_edit", args=[placement.pk]), data).status_code == 302
    placement.refresh_from_db()
    assert placement.title == "Koch, neu"
    # Another employer's placement id: 404, nothing changed.
    other = make_placement(make_profile(employer.other_organisation), cook_taxonomy.cook, title="Fremd")
    assert client.post(reverse("employers:placement_edit", args=[other.pk]), data).status_code == 404
    other.refresh_from_db()
    assert other.title == "Fremd"


def test_dashboard_counts_the_pipeline_in_one_query(
    employer, placement, municipality, cook_taxonomy, django_assert_num_queries
):
    for _ in range(3):
        c = make_candidate(municipality, occupation=cook_taxonomy.cook)
        services.introduction_select(placement=placement, candidate=c, actor=employer.own)
    selectors.placements_for(user=employer.own).count()  # memberships cached on the user
    with django_assert_num_queries(1):
        rows = list(selectors.dashboard_placements(user=employer.own))
    assert (rows[0].n_waiting, rows[0].n_hired) == (3, 0)


def test_dashboard_links_the_coach_and_the_link_opens_a_request_form(employer, placement, signed_in):
    client = signed_in(employer.own)
    html = client.get(reverse("employers:home")).content.decode()
    url = reverse("coaching:support_request_create")
    assert f'href="{url}"' in html
    answer = client.get(url)  # the employer can use what the link promises
    assert answer.status_code == 200
    assert "<form" in answer.content.decode()


# A URL configuration without the coaching app, as a deployment without it would have.
urlpatterns: list = []


@pytest.mark.urls(__name__)
def test_without_the_coaching_app_there_is_no_coach_link():
    assert selectors.coach_contact_url() is None


def test_matches_are_explained_in_words_and_respect_revoked_consent(
    employer, placement, municipality, cook_taxonomy, signed_in
):

    from candidates.models import Consent

    skills = cook_taxonomy.skills
    Placement.objects.filter(pk=placement.pk).update(offers_language_support=True)
    placement.refresh_from_db()  # the selector ranks the placement it is given, as the page reads it
    good = make_candidate(municipality, occupation=cook_taxonomy.welder, skills=skills[:1], german="A1")
    gone = make_candidate(municipality, occupation=cook_taxonomy.cook, skills=skills[:2])
    selectors.placement_matches(user=employer.own, placement=placement)  # builds the index with both
    Consent.objects.filter(candidate=gone).update(
        revoked_at=timezone.now()
    )  # no task ran: the index is stale
    rows = selectors.placement_matches(user=employer.own, placement=placement)
    assert [r.card.ref for r in rows] == [good.public_ref]
    row = rows[0]
    assert row.essential_met == ["Messer handhaben"] and row.essential_missing == [
        "Lebensmittelhygiene einhalten"
    ]
    html = (
        signed_in(employer.own)
        .get(reverse("employers:placement_matches", args=[placement.pk]))
        .content.decode()
    )
    assert "Wesentliche Kompetenzen fehlen noch: Lebensmittelhygiene einhalten" in html
    assert "Deutsch: A1, gefordert A2." in html and "Ihre Sprachförderung kann die Lücke schließen." in html
    assert "ca. 0 km" in html and "darf arbeiten" in html


def test_shortlist_with_notes(employer, placement, municipality, cook_taxonomy, signed_in):
    candidate = make_candidate(municipality, occupation=cook_taxonomy.cook)
    client = signed_in(employer.own)
    client.post(
        reverse("employers:shortlist_add", args=[placement.pk]),
        {"candidate": candidate.public_ref, "note": "Probearbeit anbieten"},
    )
    entry = ShortlistEntry.objects.get()
    assert (entry.candidate, entry.note, entry.added_by) == (candidate, "Probearbeit anbieten", employer.own)
    assert (
        "Probearbeit anbieten"
        in client.get(reverse("employers:placement_detail", args=[placement.pk])).content.decode()
    )
    # A tampered reference (unlisted), or the database id of a listed person, is a 404 and adds nothing.
    hidden = make_candidate(municipality, listed=False)
    assert (
        client.post(
            reverse("employers:shortlist_add", args=[placement.pk]), {"candidate": hidden.public_ref}
        ).status_code
        == 404
    )
    assert (
        client.post(
            reverse("employers:shortlist_add", args=[placement.pk]), {"candidate": candidate.pk}
        ).status_code
        == 404
    )
    assert ShortlistEntry.objects.count() == 1


def test_staff_cannot_register_a_business_under_their_login(case_manager_team, signed_in, municipality):
    response = signed_in(case_manager_team.own).post(
        reverse("employers:register"), _registration(municipality)
    )
    assert response.status_code == 403
    assert not Membership.objects.filter(user=case_manager_team.own, role=Role.EMPLOYER).exists()
