"""The recognition procedure (Anerkennung, issue 14 §3): recorded on the case page by the case staff;
a recognised (full or partial) qualification appears on the anonymised card (its reference occupation
and level only, never the authority) and counts in matching like a declared occupation, with
"anerkannter Abschluss" in the explanation and the explanation still adding up to the score."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from candidates import services as candidate_services
from candidates.matching import candidate_records
from candidates.models import Candidate, Qualification
from employers.selectors import placement_matches
from matching.engine.scoring import WEIGHTS
from tests.clock import TODAY
from tests.factories import QualificationFactory, make_candidate, open_case

# Dates are built from TODAY: the clock stands at noon in Berlin that day (tests/clock.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]
AUTHORITY = "Handwerkskammer Geheimstadt"


@pytest.fixture
def recognised(municipality, cook_taxonomy, coach):
    """A listed person with no declared occupation and a partially recognised cook's qualification."""
    c = make_candidate(municipality, occupation=None, skills=cook_taxonomy.skills[:2], german="B2")
    open_case(c, coach)
    q = QualificationFactory(candidate=c, title="Aşçılık", kind="vocational", country="Türkei")
    candidate_services.recognition_procedure_save(
        qualification=q,
        actor=coach,
        recognition_occupation=cook_taxonomy.cook,
        recognition_authority=AUTHORITY,
        recognition_applied_on=TODAY - timedelta(days=90),
        recognition_status="partial",
        recognition_decided_on=TODAY - timedelta(days=10),
        adaptation_training="Hygienepraxis",
        adaptation_provider="Bildungswerk",
        adaptation_from=TODAY,
        adaptation_until=TODAY + timedelta(days=60),
        adaptation_funding="zuschuss",
    )
    return c


def test_the_service_refuses_inconsistent_dates(recognised, coach):
    q = recognised.qualifications.get()
    for bad, field in [
        ({"recognition_status": "full", "recognition_decided_on": None}, "recognition_decided_on"),
        ({"recognition_status": "in_progress", "recognition_decided_on": TODAY}, "recognition_decided_on"),
        (
            {
                "recognition_applied_on": TODAY,
                "recognition_status": "refused",
                "recognition_decided_on": TODAY - timedelta(days=1),
            },
            "recognition_decided_on",
        ),
        ({"adaptation_from": TODAY, "adaptation_until": TODAY - timedelta(days=1)}, "adaptation_until"),
    ]:
        with pytest.raises(ValidationError) as error:
            candidate_services.recognition_procedure_save(qualification=q, actor=coach, **bad)
        assert field in error.value.message_dict


def test_the_case_staff_record_the_procedure_on_the_case_page(recognised, coach, signed_in, cook_taxonomy):
    case = recognised.cases.get()
    q = recognised.qualifications.get()
    client = signed_in(coach)
    page = client.get(reverse("candidates:case_detail", args=[case.pk])).content.decode()
    url = reverse("candidates:recognition_edit", args=[case.pk, q.pk])
    assert url in page and "Hygienepraxis" in page and "Anerkennungszuschuss" in page
    assert client.get(url).status_code == 200
    bad = client.post(url, {"recognition_status": "full", "adaptation_training": "Fachkunde"})
    assert bad.status_code == 400
    assert "wann entschieden wurde" in bad.content.decode() and "Fachkunde" in bad.content.decode()
    good = client.post(
        url,
        {
            "occupation_uri": cook_taxonomy.cook.uri,
            "occupation_label": "Koch/Köchin",
            "recognition_authority": AUTHORITY,
            "recognition_applied_on": (TODAY - timedelta(days=90)).isoformat(),
            "recognition_status": "full",
            "recognition_decided_on": TODAY.isoformat(),
            "adaptation_funding": "gutschein",
        },
    )
    assert good.status_code == 302
    q.refresh_from_db()
    assert (q.recognition_status, q.recognition_decided_on, q.adaptation_funding) == (
        "full",
        TODAY,
        "gutschein",
    )


def test_staff_of_a_closed_case_cannot_edit(recognised, coach, signed_in):
    case = recognised.cases.get()
    case.phase = "closed"
    case.closed_at = timezone.now()
    case.save()
    q = recognised.qualifications.get()
    url = reverse("candidates:recognition_edit", args=[case.pk, q.pk])
    assert signed_in(coach).get(url).status_code in (403, 404)


def test_the_card_shows_the_recognised_occupation_and_never_the_authority(recognised, employer, signed_in):
    page = signed_in(employer.own).get(reverse("employers:browse")).content.decode()
    assert 'data-testid="card-recognised"' in page
    assert "Koch/Köchin (Berufsausbildung)" in page
    assert AUTHORITY not in page and "Aşçılık" not in page and "Hygienepraxis" not in page


def test_a_refused_recognition_is_not_on_the_card(recognised, employer, signed_in):
    Qualification.objects.filter(candidate=recognised).update(recognition_status="refused")
    page = signed_in(employer.own).get(reverse("employers:browse")).content.decode()
    assert 'data-testid="card-recognised"' not in page


def test_a_recognised_qualification_counts_like_a_declared_occupation(
    recognised, municipality, cook_taxonomy
):
    record = candidate_records(queryset=Candidate.objects.filter(pk=recognised.pk))[0]
    assert [o.uri for o in record.occupations] == [cook_taxonomy.cook.uri]
    assert record.recognised == (cook_taxonomy.cook.uri,)
    # A person who declared the occupation with no years gets the same record but for the flag.
    twin = make_candidate(
        municipality, occupation=cook_taxonomy.cook, years=0, skills=cook_taxonomy.skills[:2], german="B2"
    )
    twin_record = candidate_records(queryset=Candidate.objects.filter(pk=twin.pk))[0]
    assert twin_record.occupations == record.occupations and twin_record.recognised == ()


def test_matching_explains_the_recognised_qualification_and_adds_up(
    recognised, placement, employer, signed_in
):
    rows = list(placement_matches(user=employer.own, placement=placement))
    row = next(r for r in rows if r.card.ref == recognised.public_ref)
    assert row.recognised
    from employers.matching import placement_record
    from matching.index import candidate_index
    from matching.services import match_candidates

    ranked = match_candidates(
        placement=placement_record(placement),
        candidates=candidate_index(municipality_id=placement.municipality_id),
    )
    match = next(m for m in ranked if m.candidate_id == str(recognised.pk))
    assert match.explanation.recognised_qualification
    assert match.explanation.occupation == "same"
    assert match.score == pytest.approx(
        sum(WEIGHTS[k] * v for k, v in match.explanation.components.items()), abs=1e-4
    )
    page = signed_in(employer.own).get(reverse("employers:placement_matches", args=[placement.pk]))
    assert "anerkannter Abschluss" in page.content.decode()
    assert AUTHORITY not in page.content.decode()


def test_the_procedure_is_in_the_gdpr_export_and_goes_with_the_erasure(recognised, coach, cook_taxonomy):
    exported = candidate_services.candidate_export(candidate=recognised)["qualifications"][0]
    assert exported["recognition_occupation"] == "Koch/Köchin"
    assert exported["recognition_authority"] == AUTHORITY
    assert exported["adaptation_training"] == "Hygienepraxis" and exported["adaptation_funding"] == "zuschuss"
    assert exported["recognition_decided_on"] == (TODAY - timedelta(days=10)).isoformat()
    candidate_services.candidate_erase(candidate=recognised, actor=coach)
    assert not Qualification.objects.filter(candidate=recognised).exists()
