"""The plan in self-service and tasks with a due date (issue 22).

The person reads her goals and steps, ticks off her own, adds her own, comments and answers her
tasks; staff see who changed what on the case page and find her answers in their inbox. Nobody
else reads or changes any of it.
"""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from candidates import services
from candidates.models import Step, StepEvent, StepStatus
from notifications.models import Notification
from privacy.models import AuditEntry
from tests.candidates.helpers import all_candidate_data_as_text
from tests.clock import TODAY
from tests.factories import (
    CandidateOccupationFactory,
    CandidateSkillFactory,
    CaseFactory,
    GoalFactory,
    OccupationFactory,
    SkillFactory,
    StepFactory,
)
from tests.fixtures.users import new_member

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]


def url_in(language: str, name: str, *args) -> str:
    from django.utils import translation

    with translation.override(language):
        return reverse(name, args=args)


@pytest.fixture
def person(desk):
    """The case's person with a login, a goal, a staff step and two of her own (one a task)."""
    user = new_member("candidate", preferred_language="fa")
    desk.candidate.user = user
    desk.candidate.save()
    goal = GoalFactory(case=desk.case, title="Deutsch B1")
    staff_step = StepFactory(goal=goal, title="Kursplatz anfragen", assignee="staff")
    task = StepFactory(goal=goal, title="Zertifikat mitbringen", assignee="candidate")
    own = StepFactory(goal=goal, title="Vokabeln lernen", assignee="candidate", due_date=None)
    return type(
        "Person", (), {"user": user, "goal": goal, "staff_step": staff_step, "task": task, "own": own}
    )


# --- reading -----------------------------------------------------------------------------------


def test_the_person_sees_her_plan_and_tasks_with_staff_words_marked_german(person, signed_in, settings):
    client = signed_in(person.user)
    response = client.get(url_in("fa", "candidates:my_plan"))
    text = response.content.decode()
    assert response.status_code == 200
    assert 'lang="fa"' in text and 'dir="rtl"' in text
    # Staff's free text as written, marked German; its own direction (left to right) inside the Farsi page.
    assert '<span lang="de" dir="auto">Deutsch B1</span>' in text
    assert '<span lang="de" dir="auto">Zertifikat mitbringen</span>' in text
    # Catalogue words translated (status "offen" in Farsi), not the German.
    from django.utils import translation

    with translation.override("fa"):
        assert str(StepStatus.OPEN.label) in text
        assert str(StepStatus.OPEN.label) != "offen"
    # Her open task is on her start page too.
    start = client.get(url_in("fa", "candidates:my_profile")).content.decode()
    assert "Zertifikat mitbringen" in start and url_in("fa", "candidates:my_step", person.task.pk) in start
    assert "Vokabeln lernen" not in start  # no due date: a step, not a task
    assert AuditEntry.objects.filter(
        actor_id=person.user.pk,
        record_id=str(person.goal.case.candidate_id),
        note="self-service",
        action="view",
    ).exists()


def test_the_start_page_links_to_the_plan(person, signed_in):
    home = signed_in(person.user).get(reverse("accounts:home")).content.decode()
    assert reverse("candidates:my_plan") in home


def test_a_closed_case_plan_is_not_shown_and_its_steps_are_not_there(person, signed_in):
    other_case_goal = GoalFactory(case=CaseFactory(candidate=person.goal.case.candidate, phase="intake"))
    client = signed_in(person.user)
    assert client.get(reverse("candidates:my_step", args=[person.task.pk])).status_code == 200
    from candidates.models import Case

    Case.objects.filter(pk=other_case_goal.case_id).update(phase="closed", closed_at=timezone.now())
    closed_step = StepFactory(goal=other_case_goal, assignee="candidate")
    assert client.get(reverse("candidates:my_step", args=[closed_step.pk])).status_code == 404


# --- ticking, adding, commenting -----------------------------------------------------------------


def test_the_person_ticks_her_step_and_the_case_manager_sees_who_and_gets_a_notice(person, desk, signed_in):
    client = signed_in(person.user)
    response = client.post(reverse("candidates:my_step_tick", args=[person.own.pk]))
    assert response.status_code == 302
    person.own.refresh_from_db()
    assert person.own.status == StepStatus.DONE
    event = StepEvent.objects.get(step=person.own)
    assert event.by_candidate and event.actor == person.user and event.kind == "done"
    # A second click changes nothing and records nothing.
    client.post(reverse("candidates:my_step_tick", args=[person.own.pk]))
    assert StepEvent.objects.filter(step=person.own).count() == 1

    notice = Notification.objects.get(recipient=desk.user, kind="candidates.plan_changed.staff")
    assert notice.url_kwargs == {"case_pk": desk.case.pk}
    page = signed_in(desk.user).get(reverse("candidates:case_detail", args=[desk.case.pk])).content.decode()
    assert "die Person" in page and "als erledigt markiert" in page


def test_staff_changes_show_the_staff_name_in_the_history(person, desk, signed_in):
    services.step_set_status(step=person.staff_step, actor=desk.user, status="done")
    event = StepEvent.objects.get(step=person.staff_step)
    assert not event.by_candidate and event.actor == desk.user
    page = signed_in(desk.user).get(reverse("candidates:case_detail", args=[desk.case.pk])).content.decode()
    assert str(desk.user) in page
    # Staff changes do not notify the staff.
    assert not Notification.objects.filter(kind="candidates.plan_changed.staff").exists()


def test_the_person_cannot_tick_a_staff_step(person, signed_in):
    response = signed_in(person.user).post(reverse("candidates:my_step_tick", args=[person.staff_step.pk]))
    assert response.status_code == 403
    person.staff_step.refresh_from_db()
    assert person.staff_step.status == StepStatus.OPEN
    assert not StepEvent.objects.exists()
    # Nor answer it as a task.
    response = signed_in(person.user).post(
        reverse("candidates:my_step", args=[person.staff_step.pk]), {"form": "answer", "answer": "done"}
    )
    assert response.status_code == 403
    with pytest.raises(services.NotYours):
        services.own_step_tick(step=person.staff_step, actor=person.user, done=True)


def test_another_person_cannot_read_tick_comment_or_add_to_her_plan(person, signed_in, case_manager_team):
    intruder = new_member("candidate")
    CaseFactory(
        responsible_organisation=case_manager_team.organisation,
        candidate__municipality=case_manager_team.municipality,
        candidate__user=intruder,
    )
    client = signed_in(intruder)
    # Guessed ids: hers, and the ones next to them.
    for pk in (person.own.pk, person.task.pk, person.own.pk + 1, person.task.pk - 1, 0, 999999):
        assert client.get(reverse("candidates:my_step", args=[pk])).status_code == 404
        assert client.post(reverse("candidates:my_step_tick", args=[pk])).status_code == 404
        response = client.post(reverse("candidates:my_step", args=[pk]), {"form": "comment", "text": "x"})
        assert response.status_code == 404
    assert client.get(reverse("candidates:my_step_add", args=[person.goal.pk])).status_code == 404
    response = client.post(
        reverse("candidates:my_step_add", args=[person.goal.pk]), {"title": "eingeschmuggelt"}
    )
    assert response.status_code == 404
    plan = client.get(reverse("candidates:my_plan")).content.decode()
    assert "Zertifikat mitbringen" not in plan and "Deutsch B1" not in plan
    assert not StepEvent.objects.exists()
    assert not Step.objects.filter(title="eingeschmuggelt").exists()
    Step.objects.filter(pk=person.own.pk, status=StepStatus.OPEN).get()


def test_the_person_adds_her_own_step_once_in_her_language(person, desk, signed_in):
    client = signed_in(person.user)
    url = url_in("fa", "candidates:my_step_add", person.goal.pk)
    page = client.get(url)
    key = page.context["form"]["submission_key"].value()
    data = {"title": "ثبت نام در کلاس زبان", "due_date": "", "submission_key": str(key)}
    for _ in range(2):  # a double click adds one step
        response = client.post(url, data)
        assert response.status_code == 302
    step = Step.objects.get(title="ثبت نام در کلاس زبان")
    assert step.assignee == "candidate" and step.source == "candidate" and step.title_lang == "fa"
    assert StepEvent.objects.filter(step=step, kind="created", by_candidate=True).count() == 1
    staff_page = signed_in(desk.user).get(url_in("de", "candidates:case_detail", desk.case.pk))
    assert '<span lang="fa" dir="auto">ثبت نام در کلاس زبان</span>' in staff_page.content.decode()


def test_the_person_comments_on_a_staff_step_and_staff_read_it(person, desk, signed_in):
    client = signed_in(person.user)
    url = reverse("candidates:my_step", args=[person.staff_step.pk])
    key = client.get(url).context["comment_form"]["submission_key"].value()
    for _ in range(2):
        response = client.post(
            url, {"form": "comment", "text": "Wann beginnt der Kurs?", "submission_key": key}
        )
        assert response.status_code == 302
    assert StepEvent.objects.filter(step=person.staff_step, kind="comment").count() == 1
    page = signed_in(desk.user).get(reverse("candidates:case_detail", args=[desk.case.pk])).content.decode()
    assert "Wann beginnt der Kurs?" in page


# --- tasks --------------------------------------------------------------------------------------


def test_staff_create_a_task_for_the_person_on_the_case_page(desk, signed_in, person):
    client = signed_in(desk.user)
    due = TODAY + datetime.timedelta(days=14)
    response = client.post(
        reverse("candidates:step_add", args=[desk.case.pk, person.goal.pk]),
        {"title": "Meldebescheinigung mitbringen", "due_date": due.isoformat(), "assignee": "candidate"},
    )
    assert response.status_code == 302
    step = Step.objects.get(title="Meldebescheinigung mitbringen")
    assert step.is_task and step.source == "staff"
    start = signed_in(person.user).get(reverse("candidates:my_profile")).content.decode()
    assert "Meldebescheinigung mitbringen" in start


@pytest.mark.parametrize(
    ("answer", "text", "status"),
    [("done", "", "done"), ("answered", "Ich bin für den 3. März angemeldet.", "open"), ("help", "", "open")],
)
def test_the_person_answers_a_task_and_staff_see_it(person, desk, signed_in, answer, text, status):
    response = signed_in(person.user).post(
        reverse("candidates:my_step", args=[person.task.pk]),
        {"form": "answer", "answer": answer, "text": text},
    )
    assert response.status_code == 302
    person.task.refresh_from_db()
    assert person.task.answer == answer and person.task.status == status and person.task.answered_at
    assert Notification.objects.filter(recipient=desk.user, kind="candidates.plan_changed.staff").exists()
    page = signed_in(desk.user).get(reverse("candidates:case_detail", args=[desk.case.pk])).content.decode()
    assert "Antwort der Person" in page
    assert str(person.task.get_answer_display()) in page
    if text:
        assert text in page


def test_the_inbox_notice_leads_the_case_manager_to_the_case_page(person, desk, signed_in):
    signed_in(person.user).post(
        reverse("candidates:my_step", args=[person.task.pk]), {"form": "answer", "answer": "help"}
    )
    client = signed_in(desk.user)
    inbox = client.get(reverse("notifications:inbox")).content.decode()
    assert "hat in ihrem Plan etwas geändert" in inbox and "braucht Hilfe" in inbox
    notice = Notification.objects.get(recipient=desk.user)
    response = client.post(reverse("notifications:open", args=[notice.pk]))
    assert response.status_code == 302 and response["Location"] == reverse(
        "candidates:case_detail", args=[desk.case.pk]
    )


# --- bad input ------------------------------------------------------------------------------------


def test_an_answer_message_without_text_is_a_form_error(person, signed_in):
    response = signed_in(person.user).post(
        reverse("candidates:my_step", args=[person.task.pk]),
        {"form": "answer", "answer": "answered", "text": " "},
    )
    assert response.status_code == 200
    assert response.context["answer_form"].errors["text"]
    person.task.refresh_from_db()
    assert person.task.answer == ""


def test_too_long_text_is_a_form_error_with_the_input_kept(person, signed_in):
    client = signed_in(person.user)
    long = "Ä" * 1001
    response = client.post(
        reverse("candidates:my_step", args=[person.task.pk]), {"form": "comment", "text": long}
    )
    assert response.status_code == 200
    assert response.context["comment_form"].errors["text"]
    assert long in response.content.decode()
    response = client.post(
        reverse("candidates:my_step", args=[person.task.pk]),
        {"form": "answer", "answer": "answered", "text": long},
    )
    assert response.status_code == 200 and response.context["answer_form"].errors["text"]
    assert long in response.content.decode()
    response = client.post(reverse("candidates:my_step_add", args=[person.goal.pk]), {"title": "x" * 201})
    assert response.status_code == 200 and response.context["form"].errors["title"]
    assert "x" * 201 in response.content.decode()
    assert not StepEvent.objects.exists()


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "2026-02-30", "morgen"])
def test_a_due_date_out_of_range_is_a_form_error_with_the_input_kept(person, signed_in, day):
    response = signed_in(person.user).post(
        reverse("candidates:my_step_add", args=[person.goal.pk]),
        {"title": "Bewerbung schreiben", "due_date": day},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["due_date"]
    assert "Bewerbung schreiben" in response.content.decode()
    assert not Step.objects.filter(title="Bewerbung schreiben").exists()


def test_a_forged_answer_choice_is_a_form_error(person, signed_in):
    response = signed_in(person.user).post(
        reverse("candidates:my_step", args=[person.task.pk]), {"form": "answer", "answer": "approved"}
    )
    assert response.status_code == 200 and response.context["answer_form"].errors["answer"]


def test_nul_bytes_are_refused_before_any_write(person, signed_in):
    """NUL cannot be stored: the site-wide guard (inputs.middleware) answers its bad-input page
    for every form, these included, and nothing is written."""
    client = signed_in(person.user)
    for url, data in (
        (reverse("candidates:my_step", args=[person.task.pk]), {"form": "comment", "text": "a\x00b"}),
        (
            reverse("candidates:my_step", args=[person.task.pk]),
            {"form": "answer", "answer": "answered", "text": "\x00"},
        ),
        (reverse("candidates:my_step_add", args=[person.goal.pk]), {"title": "x\x00"}),
    ):
        assert client.post(url, data).status_code == 400
    assert not StepEvent.objects.exists()
    assert Step.objects.filter(goal=person.goal).count() == 3


# --- privacy ------------------------------------------------------------------------------------


def test_export_has_her_answers_and_comments_and_erasure_removes_them(person, desk, signed_in):
    services.task_answer(
        step=person.task, actor=person.user, answer="answered", text="Zainab-Antwort Quraishi"
    )
    services.step_comment(step=person.staff_step, actor=person.user, text="Kommentar von Quraishi")
    data = signed_in(person.user).get(reverse("candidates:my_export")).json()
    steps = [s for case in data["candidates"]["cases"] for g in case["goals"] for s in g["steps"]]
    task = next(s for s in steps if s["title"] == "Zertifikat mitbringen")
    assert task["answer"] == "answered" and task["answer_text"] == "Zainab-Antwort Quraishi"
    history = [e for s in steps for e in s["history"]]
    assert {"by": "candidate", "kind": "comment", "text": "Kommentar von Quraishi"}.items() <= next(
        e for e in history if e["kind"] == "comment"
    ).items()
    document = signed_in(person.user).get(reverse("candidates:my_export_document")).content.decode()
    assert "Kommentar von Quraishi" in document

    assert "Quraishi" in all_candidate_data_as_text()
    response = signed_in(desk.user).post(
        reverse("candidates:erase", args=[desk.candidate.pk]), {"confirm": "on"}
    )
    assert response.status_code == 302
    assert "Quraishi" not in all_candidate_data_as_text()
    assert not StepEvent.objects.exists()


@pytest.mark.parametrize("language", ["en", "ar", "uk", "fa"])
def test_the_plan_pages_speak_the_persons_language(person, signed_in, language):
    client = signed_in(person.user)
    for url in (
        url_in(language, "candidates:my_plan"),
        url_in(language, "candidates:my_step", person.task.pk),
        url_in(language, "candidates:my_step_add", person.goal.pk),
    ):
        body = client.get(url).content.decode()
        assert f'lang="{language}"' in body
        assert ('dir="rtl"' in body) == (language in ("ar", "fa"))
        for german in (
            "Mein Plan",
            "Meine Aufgaben",
            "Aufgabe beantworten",
            "Erledigt",
            "Speichern",
            "offen",
        ):
            assert f">{german}<" not in body, (url, german)


def test_she_adds_steps_only_to_an_open_goal(person, signed_in):
    services.goal_set_status(goal=person.goal, actor=None, status="dropped")
    client = signed_in(person.user)
    assert client.get(reverse("candidates:my_step_add", args=[person.goal.pk])).status_code == 404
    assert "Einen eigenen Schritt" not in client.get(reverse("candidates:my_plan")).content.decode()


def test_old_steps_that_name_the_person_in_responsible_become_hers(desk):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("candidates.migrations.0010_plan_self_service")
    goal = GoalFactory(case=desk.case)
    hers = StepFactory(goal=goal, responsible="Klient*in")
    staffs = StepFactory(goal=goal, responsible="Case Manager*in")
    nobody = StepFactory(goal=goal, responsible="")
    migration.steps_of_the_person(apps, None)
    assert [Step.objects.get(pk=s.pk).assignee for s in (hers, staffs, nobody)] == [
        "candidate",
        "staff",
        "staff",
    ]


def test_the_readable_export_shows_staff_words_and_esco_labels_marked_with_their_language(
    person, desk, signed_in
):
    cook = OccupationFactory(
        uri="http://data.europa.eu/esco/occupation/test-cook",
        label_de="Koch/Köchin",
        label_ar="طاهٍ",
        isco_code="",
    )
    knives = SkillFactory(uri="http://data.europa.eu/esco/skill/test-knives", label_de="Messer schärfen")
    CandidateOccupationFactory(candidate=desk.candidate, occupation=cook, years_experience=2)
    CandidateSkillFactory(candidate=desk.candidate, skill=knives)

    document = signed_in(person.user).get(url_in("ar", "candidates:my_export_document")).content.decode()

    # ESCO's Arabic label where there is one; the German one, marked German, where there is none.
    assert '<span lang="ar" dir="auto">طاهٍ</span>' in document
    assert '<span lang="de" dir="auto">Messer schärfen</span>' in document
    # The plan staff wrote in German, marked so; the language itself is no row of its own.
    assert '<span lang="de" dir="auto">Deutsch B1</span>' in document
    assert "title_lang" not in document
