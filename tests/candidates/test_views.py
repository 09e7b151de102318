"""The case manager's and the candidate's pages: intake, profile, plan, consent, self-service."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core import mail
from django.urls import reverse

from candidates.models import Candidate, CandidateOccupation, CandidateSkill, Consent, ConsentScope
from privacy.models import AuditEntry
from tests.clock import TODAY
from tests.factories import CaseFactory, ConsentFactory, GoalFactory, StepFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]

INTAKE = {
    "first_name": "Amina",
    "last_name": "Haddad",
    "birth_date": "1990-05-17",
    "gender": "female",
    "postcode": "44135",
    "city": "Dortmund",
    "legal_circle": "sgb2",
    "preferences_own_words": "Ich koche gern.",
}


def test_intake_creates_the_person_and_an_open_case_managed_by_the_case_manager(case_manager_team, signed_in):
    client = signed_in(case_manager_team.own)
    data = {**INTAKE, "responsible_organisation": case_manager_team.organisation.pk}
    response = client.post(reverse("candidates:create"), data)
    candidate = Candidate.objects.get(last_name="Haddad")
    assert response.status_code == 302 and response["Location"] == reverse(
        "candidates:detail", args=[candidate.pk]
    )
    case = candidate.cases.get()
    assert (
        case.phase == "intake" and case.case_manager == case_manager_team.own and case.legal_circle == "sgb2"
    )
    assert AuditEntry.objects.filter(action="create", record_id=str(candidate.pk)).exists()


def test_intake_warns_of_a_fuzzy_duplicate_and_needs_an_explicit_create_anyway(desk, signed_in):
    desk.candidate.first_name, desk.candidate.last_name = "Amina", "Haddad"
    desk.candidate.save()
    client = signed_in(desk.user)
    data = {
        **INTAKE,
        "first_name": "Amena",
        "last_name": "Hadad",
        "responsible_organisation": desk.case.responsible_organisation_id,
    }

    response = client.post(reverse("candidates:create"), data)
    assert response.status_code == 200
    assert "Mögliche Doppelerfassung" in response.content.decode()
    assert reverse("candidates:detail", args=[desk.candidate.pk]) in response.content.decode()
    assert 'value="Amena"' in response.content.decode()  # the input is kept
    assert Candidate.objects.count() == 1

    response = client.post(reverse("candidates:create"), {**data, "confirm_duplicate": "on"})
    assert response.status_code == 302
    assert Candidate.objects.count() == 2


def test_the_duplicate_warning_never_reveals_people_outside_the_users_scope(case_manager_team, signed_in):
    hidden = CaseFactory(
        responsible_organisation=case_manager_team.other_organisation,
        candidate__municipality=case_manager_team.municipality,
        candidate__first_name="Amina",
        candidate__last_name="Haddad",
    ).candidate
    client = signed_in(case_manager_team.own)
    response = client.post(
        reverse("candidates:create"),
        {**INTAKE, "responsible_organisation": case_manager_team.organisation.pk},
    )
    assert response.status_code == 302
    assert Candidate.objects.exclude(pk=hidden.pk).filter(last_name="Haddad").exists()


def test_detail_page_shows_what_is_missing_for_matching_and_records_the_view(desk, signed_in):
    response = signed_in(desk.user).get(reverse("candidates:detail", args=[desk.candidate.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    for missing in ("Beruf oder Kompetenzen", "Deutschkenntnisse", "Arbeitserlaubnis", "Stunden pro Woche"):
        assert missing in body
    entry = AuditEntry.objects.get(action="view", record_id=str(desk.candidate.pk))
    assert entry.actor_id == desk.user.pk and entry.municipality_id == desk.candidate.municipality_id


def test_staff_edits_never_overwrite_the_candidates_own_words(desk, signed_in):
    desk.candidate.preferences_own_words = "Ich möchte in einer Küche arbeiten."
    desk.candidate.save()
    client = signed_in(desk.user)
    response = client.post(
        reverse("candidates:edit", args=[desk.candidate.pk]),
        {
            "first_name": "Amina",
            "last_name": "Haddad",
            "work_permission": "unrestricted",
            "preferences_own_words": "überschrieben",
            "preferences_staff_notes": "Gastro, Frühschicht",
        },
    )
    assert response.status_code == 302
    desk.candidate.refresh_from_db()
    assert desk.candidate.preferences_own_words == "Ich möchte in einer Küche arbeiten."
    assert desk.candidate.preferences_staff_notes == "Gastro, Frühschicht"
    entry = AuditEntry.objects.filter(action="change", record_id=str(desk.candidate.pk)).latest("pk")
    assert "preferences_staff_notes" in entry.fields and "Gastro" not in str(entry.fields)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("work_permission_expires", "2001-01-01", "in der Vergangenheit"),
        ("residence_expires", "2001-01-01", "in der Vergangenheit"),
        ("postcode", "00000", "Postleitzahl gibt es"),
        ("hours_per_week_max", "5", "Höchststundenzahl"),
        ("hours_per_week_min", "abc", "ganze Zahl"),
    ],
)
def test_bad_profile_input_gives_a_clear_error_and_keeps_the_input(desk, signed_in, field, value, message):
    data = {
        "first_name": "Amina",
        "last_name": "Haddad <b>X</b>",
        "work_permission": "needs_approval",
        "hours_per_week_min": "20",
        "preferences_staff_notes": "<script>alert(1)</script>",
        field: value,
    }
    response = signed_in(desk.user).post(reverse("candidates:edit", args=[desk.candidate.pk]), data)
    body = response.content.decode()
    assert response.status_code == 200
    assert message in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body and "<script>alert(1)" not in body
    assert 'value="Haddad &lt;b&gt;X&lt;/b&gt;"' in body
    desk.candidate.refresh_from_db()
    assert desk.candidate.last_name != "Haddad <b>X</b>"  # nothing half-saved


def test_an_expired_permit_already_on_file_does_not_block_other_changes(desk, signed_in):
    Candidate.objects.filter(pk=desk.candidate.pk).update(work_permission_expires=datetime.date(2020, 1, 1))
    response = signed_in(desk.user).post(
        reverse("candidates:edit", args=[desk.candidate.pk]),
        {
            "first_name": "Amina",
            "last_name": "Haddad",
            "work_permission": "needs_approval",
            "work_permission_expires": "2020-01-01",
            "city": "Dortmund",
        },
    )
    assert response.status_code == 302


def test_occupations_and_skills_are_picked_by_esco_uri_and_a_tampered_uri_is_refused(
    desk, signed_in, welder, forklift
):
    client = signed_in(desk.user)
    url = reverse("candidates:occupation_add", args=[desk.candidate.pk])
    response = client.post(
        url, {"occupation_label": "Schweißer", "occupation_uri": welder.uri, "years_experience": "4.5"}
    )
    assert response.status_code == 302
    assert CandidateOccupation.objects.get(candidate=desk.candidate).years_experience == 4.5

    response = client.post(
        url,
        {"occupation_label": "Hacker", "occupation_uri": "http://evil.example/x", "years_experience": "1"},
    )
    assert response.status_code == 200
    assert "aus den Vorschlägen" in response.content.decode()
    assert 'value="Hacker"' in response.content.decode()

    response = client.post(
        reverse("candidates:skill_add", args=[desk.candidate.pk]),
        {"skill_label": "Gabelstapler", "skill_uri": forklift.uri},
    )
    assert response.status_code == 302
    assert CandidateSkill.objects.filter(candidate=desk.candidate, skill=forklift).exists()


def test_languages_keep_spoken_and_written_apart_and_refuse_impossible_levels(desk, signed_in):
    client = signed_in(desk.user)
    url = reverse("candidates:language_add", args=[desk.candidate.pk])
    response = client.post(
        url, {"language": "de", "spoken": "B1", "written": "A2", "exam": "dtz", "exam_level": "B1"}
    )
    assert response.status_code == 302
    german = desk.candidate.languages.get(language="de")
    assert (german.spoken, german.written, german.exam) == ("B1", "A2", "dtz")

    response = client.post(url, {"language": "de", "spoken": "D7", "written": "A2", "exam": "none"})
    assert response.status_code == 200
    assert "gültige Auswahl" in response.content.decode()
    german.refresh_from_db()
    assert german.spoken == "B1"


def test_the_caseload_lists_overdue_steps_first_and_filters(desk, signed_in, case_manager_team):
    calm = desk.case
    late = CaseFactory(
        responsible_organisation=case_manager_team.organisation,
        candidate__municipality=case_manager_team.municipality,
        phase="planning",
        candidate__last_name="Zeller",
    )
    StepFactory(
        goal=GoalFactory(case=late),
        title="Anmeldung Sprachkurs",
        due_date=TODAY - datetime.timedelta(days=3),
    )
    client = signed_in(desk.user)
    body = client.get(reverse("candidates:case_list")).content.decode()
    assert body.index(late.candidate.last_name) < body.index(calm.candidate.last_name)
    assert "überfällig" in body

    body = client.get(reverse("candidates:case_list"), {"phase": "intake"}).content.decode()
    assert calm.candidate.last_name in body and late.candidate.last_name not in body
    body = client.get(reverse("candidates:case_list"), {"overdue": "true"}).content.decode()
    assert late.candidate.last_name in body and calm.candidate.last_name not in body
    body = client.get(reverse("candidates:case_list"), {"q": "zell"}).content.decode()
    assert late.candidate.last_name in body and calm.candidate.last_name not in body


def test_the_integration_plan_takes_goals_steps_and_notes(desk, signed_in):
    client = signed_in(desk.user)
    case_pk = desk.case.pk
    client.post(reverse("candidates:goal_add", args=[case_pk]), {"title": "B1-Zertifikat"})
    goal = desk.case.goals.get()
    client.post(
        reverse("candidates:step_add", args=[case_pk, goal.pk]),
        {"title": "Kurs anmelden", "due_date": "2030-01-31", "responsible": "Klient*in"},
    )
    step = goal.steps.get()
    client.post(reverse("candidates:step_status", args=[case_pk, step.pk]), {"status": "done"})
    client.post(
        reverse("candidates:note_add", args=[case_pk]), {"text": "Termin beim Jobcenter <i>wahrgenommen</i>"}
    )
    client.post(
        reverse("candidates:case_detail", args=[case_pk]),
        {"phase": "planning", "legal_circle": "sgb2", "case_manager": desk.user.pk},
    )
    body = client.get(reverse("candidates:case_detail", args=[case_pk])).content.decode()
    step.refresh_from_db()
    desk.case.refresh_from_db()
    assert step.status == "done" and step.due_date == datetime.date(2030, 1, 31)
    assert desk.case.phase == "planning" and desk.case.legal_circle == "sgb2"
    assert "B1-Zertifikat" in body and "&lt;i&gt;wahrgenommen&lt;/i&gt;" in body


def test_staff_record_a_paper_grant_and_a_revocation(desk, signed_in, make_member):
    volunteer = make_member("volunteer", municipality=desk.candidate.municipality)
    client = signed_in(desk.user)
    url = reverse("candidates:consents", args=[desk.candidate.pk])
    response = client.post(url, {"scope": "volunteer", "granted_on": "2024-03-01"})
    assert response.status_code == 200 and "Ehrenamtliche" in response.content.decode()
    response = client.post(
        url,
        {
            "scope": "volunteer",
            "recipient_user": volunteer.pk,
            "granted_on": "2024-03-01",
            "paper_form_reference": "Ordner 2/17",
        },
    )
    assert response.status_code == 302
    consent = Consent.objects.get(candidate=desk.candidate)
    assert consent.recorded_by == desk.user and consent.paper_form_reference == "Ordner 2/17"
    assert consent.granted_at.date() == datetime.date(2024, 3, 1)

    assert signed_in(volunteer).get(reverse("candidates:detail", args=[desk.candidate.pk])).status_code == 200
    client.post(reverse("candidates:consent_revoke", args=[consent.pk]))
    # The very next request of the volunteer no longer reaches the person.
    assert signed_in(volunteer).get(reverse("candidates:detail", args=[desk.candidate.pk])).status_code == 404


def test_volunteers_see_only_the_consented_fields(desk, signed_in, make_member):
    volunteer = make_member("volunteer", municipality=desk.candidate.municipality)
    ConsentFactory(candidate=desk.candidate, scope=ConsentScope.VOLUNTEER, recipient_user=volunteer)
    body = signed_in(volunteer).get(reverse("candidates:detail", args=[desk.candidate.pk])).content.decode()
    assert desk.candidate.first_name in body
    assert desk.candidate.email not in body and desk.candidate.phone not in body
    assert "17.05.1990" not in body


# --- self-service ---------------------------------------------------------------------------


def _invite(desk, signed_in, django_capture_on_commit_callbacks) -> str:
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in(desk.user).post(
            reverse("candidates:invite", args=[desk.candidate.pk]), {"email": "Amina@Mail.example"}
        )
    assert response.status_code == 302
    message = mail.outbox[-1]
    assert message.to == ["amina@mail.example"]
    return re.search(r"https?://\S+", message.body).group(0).split("://", 1)[1].split("/", 1)[1]


def test_invitation_link_creates_a_candidate_login_linked_to_the_profile(
    desk, signed_in, client, django_capture_on_commit_callbacks
):
    path = "/" + _invite(desk, signed_in, django_capture_on_commit_callbacks)
    assert client.get(path).status_code == 200
    response = client.post(path, {"password1": "Sonnenblume-2024", "password2": "Sonnenblume-2024"})
    assert response.status_code == 302 and response["Location"] == reverse("candidates:my_profile")
    desk.candidate.refresh_from_db()
    assert desk.candidate.user.is_candidate and desk.candidate.user.email == "amina@mail.example"
    assert client.get(reverse("candidates:my_profile")).status_code == 200
    # The link works once.
    assert client.get(path).status_code == 404
    assert client.get(path.replace("/invitation/", "/invitation/x")).status_code == 404


def test_the_candidate_edits_own_words_and_languages_in_their_language(desk, signed_in, candidate_team):
    Candidate.objects.filter(pk=desk.candidate.pk).update(user=candidate_team.own)
    client = signed_in(candidate_team.own)
    response = client.post(
        reverse("candidates:my_profile_edit"),
        {
            "postcode": "44137",
            "preferences_own_words": "أريد العمل في مطبخ",
            "hours_per_week_min": "20",
        },
    )
    assert response.status_code == 302
    desk.candidate.refresh_from_db()
    assert desk.candidate.preferences_own_words == "أريد العمل في مطبخ"
    client.post(
        reverse("candidates:my_languages"),
        {"language": "ar", "spoken": "C2", "written": "C2", "is_native": "on", "exam": "none"},
    )
    assert desk.candidate.languages.get(language="ar").is_native


def test_the_candidate_grants_and_revokes_the_listing_and_drops_out_of_employer_search(
    desk, signed_in, candidate_team, employer_team
):
    from candidates.selectors import listed_candidates_for_employer

    Candidate.objects.filter(pk=desk.candidate.pk).update(user=candidate_team.own)
    client = signed_in(candidate_team.own)
    client.post(reverse("candidates:my_consents"), {"grant": "listing"})
    consent = Consent.objects.get(candidate=desk.candidate, scope="listing")
    assert consent.source == "self_service"
    assert listed_candidates_for_employer(user=employer_team.own).filter(pk=desk.candidate.pk).exists()

    client.post(reverse("candidates:consent_revoke", args=[consent.pk]))
    assert not listed_candidates_for_employer(user=employer_team.own).filter(pk=desk.candidate.pk).exists()


def test_the_candidate_sees_who_looked_at_their_data_by_role_and_organisation(
    desk, signed_in, candidate_team
):
    Candidate.objects.filter(pk=desk.candidate.pk).update(user=candidate_team.own)
    signed_in(desk.user).get(reverse("candidates:detail", args=[desk.candidate.pk]))
    body = signed_in(candidate_team.own).get(reverse("candidates:my_audit")).content.decode()
    assert "Case Manager*in · " + desk.case.responsible_organisation.name in body
    assert desk.user.email not in body


def test_introduction_statuses_come_from_registered_providers(desk, signed_in, candidate_team):
    from candidates import hooks

    def provider(candidate):
        return [hooks.StatusItem(title="Lagerhelfer*in", status="Der Betrieb möchte Sie kennenlernen.")]

    Candidate.objects.filter(pk=desk.candidate.pk).update(user=candidate_team.own)
    hooks.register_status_provider(provider)
    try:
        body = signed_in(candidate_team.own).get(reverse("candidates:my_profile")).content.decode()
    finally:
        hooks.unregister_status_provider(provider)
    assert "Der Betrieb möchte Sie kennenlernen." in body


def test_a_candidate_login_without_a_profile_sees_a_friendly_page(candidate_team, signed_in):
    response = signed_in(candidate_team.own).get(reverse("candidates:my_profile"))
    assert response.status_code == 200 and "Einladung" in response.content.decode()


def test_the_candidate_downloads_all_their_data_as_json(desk, signed_in, candidate_team):
    Candidate.objects.filter(pk=desk.candidate.pk).update(user=candidate_team.own)
    response = signed_in(candidate_team.own).get(reverse("candidates:my_export"))
    assert response.status_code == 200 and response["Content-Type"].startswith("application/json")
    data = response.json()
    assert data["candidates"]["profile"]["last_name"] == desk.candidate.last_name
    assert data["candidates"]["cases"][0]["phase"] == "intake"
    assert AuditEntry.objects.filter(action="export", record_id=str(desk.candidate.pk)).exists()


def _ids(body: str) -> list[str]:
    return re.findall(r'\sid="([^"]+)"', body)


def test_every_field_of_the_case_page_has_an_id_of_its_own_and_each_label_finds_it(desk, signed_in):
    """The goal's and the step's title, and every goal's step form, were all ``id_title``: a label
    (and a screen reader) found the first such field on the page, not its own."""
    goals = [GoalFactory(case=desk.case, title=f"Ziel {n}") for n in range(3)]
    body = signed_in(desk.user).get(reverse("candidates:case_detail", args=[desk.case.pk])).content.decode()
    ids = _ids(body)
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    labelled = re.findall(r'<label[^>]*\sfor="([^"]+)"', body)
    assert labelled and set(labelled) <= set(ids)
    for goal in goals:  # each goal's step form is its own, and posts to its own goal
        assert f'for="id_step{goal.pk}_title"' in body
        assert reverse("candidates:step_add", args=[desk.case.pk, goal.pk]) in body
    assert 'for="id_goal_title"' in body and 'for="id_note_text"' in body
    assert "{copy}" not in body


@pytest.mark.parametrize(
    ("name", "url_args", "data", "field"),
    [
        ("note_add", [], {"text": "x" * 5001}, "note_text"),
        ("goal_add", [], {"title": "Ein Ziel, viel zu lang " * 12}, "goal_title"),
        (
            "step_add",
            ["goal"],
            {"title": "", "responsible": "Frau Öztürk", "due_date": "2030-02-01"},
            "step{goal}_title",
        ),
    ],
)
def test_a_plan_form_sent_with_errors_comes_back_with_the_input_and_saves_nothing(
    desk, signed_in, name, url_args, data, field
):
    other = GoalFactory(case=desk.case, title="Anderes Ziel")
    goal = GoalFactory(case=desk.case, title="Deutschkurs B1")
    args = [desk.case.pk, *(goal.pk for _ in url_args)]
    counts = (desk.case.notes.count(), desk.case.goals.count(), goal.steps.count())
    response = signed_in(desk.user).post(reverse(f"candidates:{name}", args=args), data)
    assert response.status_code == 400
    body = response.content.decode()
    assert "Bitte prüfen Sie Ihre Eingaben." in body
    # the case form still saves the case, from this page too (not the plan form's address)
    assert f'action="{reverse("candidates:case_detail", args=[desk.case.pk])}"' in body
    assert (desk.case.notes.count(), desk.case.goals.count(), goal.steps.count()) == counts
    field_id = "id_" + field.replace("{goal}", str(goal.pk))
    # the error is beside the field, and every value typed is back in its field
    assert re.search(rf'aria-describedby="[^"]*{field_id}_error', body) or f'id="{field_id}_error' in body
    for value in data.values():
        assert value in body
    # only the goal the step was meant for shows it; the other goal's step form is empty
    assert f'id="id_step{other.pk}_title"' in body
    ids = _ids(body)
    assert len(ids) == len(set(ids))


def test_a_plan_form_sent_again_after_its_errors_saves_once(desk, signed_in):
    client = signed_in(desk.user)
    url = reverse("candidates:note_add", args=[desk.case.pk])
    key_of = re.compile(r'value="([^"]+)" id="id_note_submission_key_noteform"')
    key = key_of.search(client.get(reverse("candidates:case_detail", args=[desk.case.pk])).content.decode())[
        1
    ]
    body = client.post(url, {"text": "", "submission_key": key}).content.decode()
    assert key_of.search(body)[1] == key  # the form comes back as it was sent, its key included
    data = {"text": "Rückruf vereinbart", "submission_key": key}
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302  # sent twice (a double click): one note
    assert desk.case.notes.filter(text="Rückruf vereinbart").count() == 1


def test_a_step_for_a_goal_of_another_case_is_not_found(desk, signed_in):
    stranger = GoalFactory(case=CaseFactory(responsible_organisation=desk.case.responsible_organisation))
    client = signed_in(desk.user)
    url = reverse("candidates:step_add", args=[desk.case.pk, stranger.pk])
    assert client.post(url, {"title": ""}).status_code == 404
    assert client.post(url, {"title": "eingeschmuggelt"}).status_code == 404
    assert not stranger.steps.exists()


def test_opening_a_plan_forms_address_leads_to_the_case_page(desk, signed_in):
    """The page comes back at the form's address after its errors; switching the language there
    (a GET of that address) leads to the case page, not to "method not allowed"."""
    client = signed_in(desk.user)
    goal = GoalFactory(case=desk.case)
    page = reverse("candidates:case_detail", args=[desk.case.pk])
    for url in (
        reverse("candidates:goal_add", args=[desk.case.pk]),
        reverse("candidates:step_add", args=[desk.case.pk, goal.pk]),
        reverse("candidates:note_add", args=[desk.case.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and response.url == page
        assert client.put(url).status_code == 405
