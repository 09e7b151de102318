"""Self-service: the candidate adds and removes their own occupations and skills and corrects a
qualification — in simple language, audited, beside what staff entered, and only on their own record."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from candidates import services
from candidates.forms import OwnOccupationForm
from candidates.models import Candidate, CandidateOccupation, CandidateSkill
from privacy.models import AuditEntry
from tests.candidates.helpers import (
    FUZZ,
    OCCUPATION_VALUES,
    entries,
    plausible,
    posts,
    refused_as_unstorable,
)
from tests.factories import (
    CandidateFactory,
    CandidateOccupationFactory,
    CandidateSkillFactory,
    QualificationFactory,
)
from tests.fixtures.users import login_with_mfa, new_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def me(desk, candidate_team, signed_in):
    """(candidate, client): the desk's candidate, signed in as themself."""
    Candidate.objects.filter(pk=desk.candidate.pk).update(user=candidate_team.own)
    desk.candidate.refresh_from_db()
    return desk.candidate, signed_in(candidate_team.own)


@pytest.fixture
def stranger(desk):
    """Another candidate with a login and their own entries, in the same municipality."""
    return CandidateFactory(municipality=desk.candidate.municipality, user=new_member("candidate"))


def _audits(candidate, field: str) -> int:
    """How many change entries name ``field`` (or one of its sub-fields) for this candidate."""
    return sum(
        1
        for e in AuditEntry.objects.filter(action="change", record_id=str(candidate.pk))
        if any(f == field or f.startswith(field + ".") for f in (e.fields or []))
    )


# --- happy paths ---------------------------------------------------------------------------------


def test_the_candidate_adds_an_occupation_with_years_marked_as_their_own(me, welder):
    candidate, client = me
    response = client.post(
        reverse("candidates:my_occupations"),
        {"occupation_label": "Schweißer", "occupation_uri": welder.uri, "years_experience": "4.5"},
    )
    assert response.status_code == 302
    entry = CandidateOccupation.objects.get(candidate=candidate, occupation=welder)
    assert entry.years_experience == Decimal("4.5") and entry.source == "candidate"
    assert _audits(candidate, "occupations") == 1
    page = client.get(reverse("candidates:my_occupations")).content.decode()
    assert "Schweißer/Schweißerin" in page and "von mir eingetragen" in page


def test_the_candidate_removes_their_own_occupation_and_it_is_audited(me, welder):
    candidate, client = me
    entry = CandidateOccupationFactory(
        candidate=candidate, occupation=welder, source="candidate", years_experience=0
    )
    response = client.post(reverse("candidates:my_entry_remove", args=["occupations", entry.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("candidates:my_occupations")
    assert not CandidateOccupation.objects.filter(pk=entry.pk).exists()
    assert _audits(candidate, "occupations") == 1


def test_the_candidate_adds_and_removes_a_skill(me, forklift):
    candidate, client = me
    response = client.post(
        reverse("candidates:my_skills"), {"skill_label": "Gabelstapler", "skill_uri": forklift.uri}
    )
    assert response.status_code == 302
    entry = CandidateSkill.objects.get(candidate=candidate, skill=forklift)
    assert entry.source == "candidate"
    client.post(reverse("candidates:my_entry_remove", args=["skills", entry.pk]))
    assert not CandidateSkill.objects.filter(pk=entry.pk).exists()
    assert _audits(candidate, "skills") == 2


def test_the_candidate_corrects_a_qualification(me):
    candidate, client = me
    q = QualificationFactory(candidate=candidate, title="Abitur", kind="school", country="Syrien")
    response = client.post(
        reverse("candidates:my_qualification_edit", args=[q.pk]),
        {
            "title": "Bakkalaureat",
            "kind": "school",
            "country": "Syrien",
            "year": "2012",
            "recognition_status": "in_progress",
            "recognition_authority": "Bezirksregierung Düsseldorf",
        },
    )
    assert response.status_code == 302
    q.refresh_from_db()
    assert (q.title, q.year, q.recognition_status) == ("Bakkalaureat", 2012, "in_progress")
    entry = AuditEntry.objects.get(action="change", record_id=str(candidate.pk))
    assert "qualifications.title" in entry.fields and "Bakkalaureat" not in str(entry.fields)
    # The profile page links to the edit page of every qualification.
    page = client.get(reverse("candidates:my_profile")).content.decode()
    assert reverse("candidates:my_qualification_edit", args=[q.pk]) in page


def test_staff_entries_stay_beside_the_candidates_own_and_cannot_be_removed_by_them(
    me, desk, signed_in, welder
):
    candidate, client = me
    signed_in(desk.user).post(
        reverse("candidates:occupation_add", args=[candidate.pk]),
        {"occupation_label": "Schweißer", "occupation_uri": welder.uri, "years_experience": "10"},
    )
    staff_entry = CandidateOccupation.objects.get(candidate=candidate)
    assert staff_entry.source == "staff"
    page = client.get(reverse("candidates:my_occupations")).content.decode()
    assert "von Ihrer Ansprechperson eingetragen" in page
    assert reverse("candidates:my_entry_remove", args=["occupations", staff_entry.pk]) not in page
    # Adding the same job again does not overwrite the staff entry's years.
    response = client.post(
        reverse("candidates:my_occupations"),
        {"occupation_label": "Schweißer", "occupation_uri": welder.uri, "years_experience": "1"},
    )
    assert response.status_code == 200 and "steht schon in Ihrem Profil" in response.content.decode()
    # A forged remove is "not found".
    assert (
        client.post(reverse("candidates:my_entry_remove", args=["occupations", staff_entry.pk])).status_code
        == 404
    )
    staff_entry.refresh_from_db()
    assert staff_entry.years_experience == 10 and staff_entry.source == "staff"


# --- bad input -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "uri", ["", "http://data.europa.eu/esco/occupation/does-not-exist", "<script>x</script>", "x" * 300]
)
def test_an_unknown_or_tampered_occupation_gives_a_clear_error_and_keeps_the_input(me, uri):
    candidate, client = me
    response = client.post(
        reverse("candidates:my_occupations"),
        {"occupation_label": "Schweisser <b>", "occupation_uri": uri, "years_experience": "3"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Bitte wählen Sie einen Beruf aus der Liste." in body
    assert 'value="Schweisser &lt;b&gt;"' in body and 'value="3"' in body
    assert not candidate.occupations.exists()


@pytest.mark.parametrize("years", ["-1", "61", "100", "abc", "2.55", "NaN", "Infinity", ""])
def test_years_outside_0_to_60_are_refused_in_plain_words(me, welder, years):
    candidate, client = me
    response = client.post(
        reverse("candidates:my_occupations"),
        {"occupation_label": "Schweißer", "occupation_uri": welder.uri, "years_experience": years},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert body.count("Bitte eine Zahl von 0 bis 60 eingeben") == 1
    assert 'value="Schweißer"' in body and welder.uri in body
    assert not candidate.occupations.exists()


def test_an_unknown_skill_is_refused(me):
    candidate, client = me
    response = client.post(
        reverse("candidates:my_skills"),
        {"skill_label": "Staplerfahren", "skill_uri": "http://data.europa.eu/esco/skill/forged"},
    )
    body = response.content.decode()
    assert response.status_code == 200 and "Das kennen wir nicht." in body and 'value="Staplerfahren"' in body
    assert not candidate.skills.exists()


def test_a_recognition_decision_staff_recorded_survives_the_candidates_own_correction(me):
    """Issue 14 §3: staff record "Ausgleichsmaßnahme nötig"; the person's form shows it in simple
    words and correcting the year keeps it (every status of the model has a self-service label)."""
    from candidates.forms import OWN_RECOGNITION_STATUSES
    from candidates.models import RecognitionStatus

    assert {value for value, _label in OWN_RECOGNITION_STATUSES} == set(RecognitionStatus.values)
    candidate, client = me
    q = QualificationFactory(
        candidate=candidate, title="Pflege", kind="vocational", country="", recognition_status="compensation"
    )
    url = reverse("candidates:my_qualification_edit", args=[q.pk])
    page = client.get(url).content.decode()
    assert '<option value="compensation" selected>' in page
    assert "Ich muss noch etwas nachholen" in page
    response = client.post(
        url,
        {
            "title": "Pflege",
            "kind": "vocational",
            "country": "Ukraine",
            "year": "2019",
            "recognition_status": "compensation",
            "recognition_authority": "",
        },
    )
    assert response.status_code == 302
    q.refresh_from_db()
    assert (q.year, q.recognition_status) == (2019, "compensation")


def test_markup_and_an_impossible_year_in_a_qualification_are_refused_and_the_input_kept(me):
    candidate, client = me
    q = QualificationFactory(candidate=candidate, title="Abitur", kind="school", country="")
    response = client.post(
        reverse("candidates:my_qualification_edit", args=[q.pk]),
        {
            "title": "<script>alert(1)</script>",
            "kind": "school",
            "country": "Syrien",
            "year": "1800",
            "recognition_status": "in_progress",
            "recognition_authority": "",
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Bitte ohne die Zeichen &lt; und &gt; schreiben." in body
    assert "Bitte ein Jahr wie 2015 eingeben." in body
    assert "bei welcher Stelle Sie die Anerkennung beantragt haben" in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body and "<script>alert(1)" not in body
    q.refresh_from_db()
    assert q.title == "Abitur"
    assert not AuditEntry.objects.filter(action="change", record_id=str(candidate.pk)).exists()


def test_a_tampered_choice_in_a_qualification_is_refused(me):
    candidate, client = me
    q = QualificationFactory(candidate=candidate, title="Abitur", kind="school", country="")
    response = client.post(
        reverse("candidates:my_qualification_edit", args=[q.pk]),
        {"title": "Abitur", "kind": "doctorate", "recognition_status": "bribed"},
    )
    assert response.status_code == 200
    q.refresh_from_db()
    assert q.kind == "school"


# --- access ------------------------------------------------------------------------------------------


def test_another_candidates_entries_are_not_found(me, stranger, welder, forklift):
    _candidate, client = me
    occupation = CandidateOccupationFactory(
        candidate=stranger, occupation=welder, source="candidate", years_experience=0
    )
    skill = CandidateSkillFactory(candidate=stranger, skill=forklift, source="candidate")
    q = QualificationFactory(candidate=stranger, title="Diplom", kind="university", country="")
    assert (
        client.post(reverse("candidates:my_entry_remove", args=["occupations", occupation.pk])).status_code
        == 404
    )
    assert client.post(reverse("candidates:my_entry_remove", args=["skills", skill.pk])).status_code == 404
    assert client.post(reverse("candidates:my_entry_remove", args=["languages", 1])).status_code == 404
    assert client.get(reverse("candidates:my_qualification_edit", args=[q.pk])).status_code == 404
    assert (
        client.post(
            reverse("candidates:my_qualification_edit", args=[q.pk]),
            {"title": "gehackt", "kind": "other", "recognition_status": "not_started"},
        ).status_code
        == 404
    )
    assert CandidateOccupation.objects.filter(pk=occupation.pk).exists()
    assert CandidateSkill.objects.filter(pk=skill.pk).exists()
    q.refresh_from_db()
    assert q.title == "Diplom"


def test_staff_cannot_use_the_self_service_pages(desk, signed_in):
    client = signed_in(desk.user)
    assert client.get(reverse("candidates:my_occupations")).status_code == 403
    assert client.get(reverse("candidates:my_skills")).status_code == 403


def test_removing_needs_a_post(me, welder):
    candidate, client = me
    entry = CandidateOccupationFactory(
        candidate=candidate, occupation=welder, source="candidate", years_experience=0
    )
    assert (
        client.get(reverse("candidates:my_entry_remove", args=["occupations", entry.pk])).status_code == 405
    )
    assert CandidateOccupation.objects.filter(pk=entry.pk).exists()


# --- languages -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["ar", "fa"])
def test_the_new_pages_are_right_to_left_with_translated_labels(me, language):
    candidate, client = me
    q = QualificationFactory(candidate=candidate, title="Abitur", kind="school", country="")
    with translation.override(language):
        urls = [
            reverse("candidates:my_occupations"),
            reverse("candidates:my_skills"),
            reverse("candidates:my_qualification_edit", args=[q.pk]),
            reverse("candidates:my_profile"),
        ]
    assert urls[0].startswith(f"/{language}/")
    german = [
        "Mein Beruf",
        "So viele Jahre habe ich in diesem Beruf gearbeitet",
        "Das kann ich",
        "Name des Abschlusses",
        "Anerkennung in Deutschland",
        "Noch nicht beantragt",
        "Berufe hinzufügen oder entfernen",
        "Meine Abschlüsse",
        "Speichern",
    ]
    for url in urls:
        body = client.get(url).content.decode()
        assert 'dir="rtl"' in body and f'lang="{language}"' in body
        for text in german:
            assert text not in body, (url, text)
    with translation.override(language):
        body = client.get(urls[0]).content.decode()
        expected = str(translation.gettext("So viele Jahre habe ich in diesem Beruf gearbeitet"))
    assert expected != "So viele Jahre habe ich in diesem Beruf gearbeitet" and expected in body


def test_the_errors_are_translated_too(me):
    _candidate, client = me
    with translation.override("uk"):
        url = reverse("candidates:my_occupations")
    body = client.post(
        url, {"occupation_label": "x", "occupation_uri": "forged", "years_experience": "99"}
    ).content.decode()
    assert "Bitte wählen Sie einen Beruf aus der Liste." not in body
    assert "Bitte eine Zahl von 0 bis 60 eingeben" not in body
    assert 'lang="uk"' in body


# --- property-based: arbitrary posts to the new self-service forms never give a 500 -----------------


@FUZZ
@given(data=posts(["title", "kind", "country", "year", "recognition_status", "recognition_authority"]))
def test_the_own_qualification_form_never_fails(desk, candidate_team, data):
    Candidate.objects.filter(pk=desk.candidate.pk).update(user=candidate_team.own)
    # Hypothesis runs every example in one test's transaction: the first one builds the qualification.
    q = desk.candidate.qualifications.first() or QualificationFactory(
        candidate=desk.candidate, title="Abitur", kind="school", country=""
    )
    client = login_with_mfa(Client(), candidate_team.own, mfa=False)
    response = client.post(reverse("candidates:my_qualification_edit", args=[q.pk]), data)
    assert response.status_code in (200, 302) or refused_as_unstorable(response, data)


@FUZZ
@given(
    data=posts(["occupation_label", "occupation_uri", "years_experience"]) | plausible(OCCUPATION_VALUES),
    real_uri=st.booleans(),
)
def test_the_own_occupation_form_never_fails(desk, candidate_team, welder, data, real_uri):
    Candidate.objects.filter(pk=desk.candidate.pk).update(user=candidate_team.own)
    if real_uri:
        data = {**data, "occupation_uri": welder.uri}  # reach the service with arbitrary years
    client = login_with_mfa(Client(), candidate_team.own, mfa=False)
    before = entries(CandidateOccupation, desk.candidate)
    response = client.post(reverse("candidates:my_occupations"), data)
    assert response.status_code in (200, 302) or refused_as_unstorable(response, data)
    assert real_uri or response.status_code != 302  # no real ESCO URI can be guessed
    if response.status_code != 302:
        assert entries(CandidateOccupation, desk.candidate) == before  # refused: nothing stored
        return
    # Accepted: her years stored as the form read them, nothing rounded or cut off on the way.
    form = OwnOccupationForm(data)
    assert form.is_valid(), form.errors
    stored = CandidateOccupation.objects.get(candidate=desk.candidate, occupation=welder)
    assert stored.years_experience == form.cleaned_data["years_experience"]
    assert 0 <= stored.years_experience <= 60


# --- the rules behind the pages (services) -------------------------------------------------------


def test_a_staff_entry_wins_over_the_persons_own_and_her_own_she_may_change(me, desk, welder):
    candidate, _client = me
    services.occupation_add(
        candidate=candidate, actor=desk.user, occupation_uri=welder.uri, years_experience=10
    )

    with pytest.raises(services.AlreadyInProfile):
        services.own_occupation_add(
            candidate=candidate, actor=candidate.user, occupation_uri=welder.uri, years_experience=1
        )
    staff_entry = CandidateOccupation.objects.get(candidate=candidate)
    assert (staff_entry.years_experience, staff_entry.source) == (10, "staff")

    staff_entry.delete()
    services.own_occupation_add(
        candidate=candidate, actor=candidate.user, occupation_uri=welder.uri, years_experience=2
    )
    services.own_occupation_add(
        candidate=candidate, actor=candidate.user, occupation_uri=welder.uri, years_experience=3
    )
    own = CandidateOccupation.objects.get(candidate=candidate)
    assert (own.years_experience, own.source) == (3, "candidate")


def test_a_skill_already_in_the_profile_is_refused_whoever_entered_it(me, forklift):
    candidate, _client = me
    services.own_skill_add(candidate=candidate, actor=candidate.user, skill_uri=forklift.uri)

    with pytest.raises(services.AlreadyInProfile):
        services.own_skill_add(candidate=candidate, actor=candidate.user, skill_uri=forklift.uri)
    assert CandidateSkill.objects.filter(candidate=candidate).count() == 1


def test_her_own_words_keep_the_language_she_wrote_them_in_and_show_marked_with_it(me):
    candidate, client = me

    def path(code: str, name: str) -> str:
        with translation.override(code):
            return reverse(name)

    client.post(
        path("ar", "candidates:my_profile_edit"),
        {"postcode": "44137", "preferences_own_words": "أريد العمل في مطبخ", "hours_per_week_min": "20"},
    )
    candidate.refresh_from_db()
    assert candidate.preferences_own_words_lang == "ar"

    # Read in Ukrainian, the Arabic text says it is Arabic and runs in its own direction.
    html = client.get(path("uk", "candidates:my_profile")).content.decode()
    assert '<span lang="ar" dir="auto">أريد العمل في مطبخ</span>' in html
    # The form she types into shows it the same way, and lets Arabic run right to left.
    form = client.get(path("uk", "candidates:my_profile_edit")).content.decode()
    textarea = form[form.index('<textarea name="preferences_own_words"') :].split(">")[0]
    assert 'dir="auto"' in textarea
    assert 'lang="ar"' in textarea


def test_a_staff_change_to_other_fields_leaves_the_language_of_her_words_alone(me):
    candidate, _client = me
    services.candidate_update_own(
        candidate=candidate, actor=candidate.user, data={"preferences_own_words": "x"}
    )
    with translation.override("fa"):
        services.candidate_update_profile(
            candidate=candidate, actor=new_member("case_manager"), data={"city": "Dortmund"}
        )
    candidate.refresh_from_db()
    assert candidate.preferences_own_words_lang == "de"
