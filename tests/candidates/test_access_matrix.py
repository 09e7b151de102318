"""Every role × every URL of the candidates app → the designed answer.

The design (candidates/selectors.py): anonymous → login redirect (302); a role that may never use
a view → 403; an object outside the user's scope → 404 (nobody learns whether a person exists).
Objects are of the case manager's own organisation; "other org" and "other municipality" are
the same role one and two steps further away.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.candidates.helpers import FILE_MARKER
from tests.fixtures.users import login_with_mfa

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]


# (name, method, url builder). POSTs that change something come last.
URLS = [
    ("case_list", "get", lambda w: reverse("candidates:case_list")),
    ("create", "get", lambda w: reverse("candidates:create")),
    ("detail", "get", lambda w: reverse("candidates:detail", args=[w.pk])),
    ("edit", "get", lambda w: reverse("candidates:edit", args=[w.pk])),
    ("language_add", "get", lambda w: reverse("candidates:language_add", args=[w.pk])),
    ("qualification_add", "get", lambda w: reverse("candidates:qualification_add", args=[w.pk])),
    ("consents", "get", lambda w: reverse("candidates:consents", args=[w.pk])),
    ("invite", "get", lambda w: reverse("candidates:invite", args=[w.pk])),
    ("export", "get", lambda w: reverse("candidates:export", args=[w.pk])),
    ("erase", "get", lambda w: reverse("candidates:erase", args=[w.pk])),
    ("case_detail", "get", lambda w: reverse("candidates:case_detail", args=[w.case.pk])),
    # life-domain assessment (issue 14)
    ("assessment", "get", lambda w: reverse("candidates:assessment", args=[w.case.pk])),
    ("assessment_edit", "get", lambda w: reverse("candidates:assessment_edit", args=[w.case.pk])),
    ("my_profile", "get", lambda w: reverse("candidates:my_profile")),
    ("my_profile_edit", "get", lambda w: reverse("candidates:my_profile_edit")),
    ("my_languages", "get", lambda w: reverse("candidates:my_languages")),
    ("my_occupations", "get", lambda w: reverse("candidates:my_occupations")),
    ("my_skills", "get", lambda w: reverse("candidates:my_skills")),
    (
        "my_qualification_edit",
        "get",
        lambda w: reverse("candidates:my_qualification_edit", args=[w.qualification.pk]),
    ),
    ("my_consents", "get", lambda w: reverse("candidates:my_consents")),
    ("my_audit", "get", lambda w: reverse("candidates:my_audit")),
    ("my_export", "get", lambda w: reverse("candidates:my_export")),
    ("my_export_document", "get", lambda w: reverse("candidates:my_export_document")),
    # the plan in self-service (issue 22)
    ("my_plan", "get", lambda w: reverse("candidates:my_plan")),
    ("my_step", "get", lambda w: reverse("candidates:my_step", args=[w.own_step.pk])),
    ("my_step_add", "get", lambda w: reverse("candidates:my_step_add", args=[w.goal.pk])),
    ("invitation_bad_token", "get", lambda w: reverse("candidates:invitation_accept", args=["forged"])),
    ("occupation_add", "post", lambda w: reverse("candidates:occupation_add", args=[w.pk])),
    ("skill_add", "post", lambda w: reverse("candidates:skill_add", args=[w.pk])),
    ("goal_add", "post", lambda w: reverse("candidates:goal_add", args=[w.case.pk])),
    ("goal_status", "post", lambda w: reverse("candidates:goal_status", args=[w.case.pk, w.goal.pk])),
    ("step_add", "post", lambda w: reverse("candidates:step_add", args=[w.case.pk, w.goal.pk])),
    ("step_status", "post", lambda w: reverse("candidates:step_status", args=[w.case.pk, w.step.pk])),
    ("note_add", "post", lambda w: reverse("candidates:note_add", args=[w.case.pk])),
    (
        "entry_remove",
        "post",
        lambda w: reverse("candidates:entry_remove", args=[w.pk, "languages", w.language.pk]),
    ),
    ("consent_revoke_confirm", "get", lambda w: reverse("candidates:consent_revoke", args=[w.consent.pk])),
    ("consent_revoke", "post", lambda w: reverse("candidates:consent_revoke", args=[w.consent.pk])),
    (
        "my_entry_remove",
        "post",
        lambda w: reverse("candidates:my_entry_remove", args=["occupations", w.own_occupation.pk]),
    ),
    ("my_step_tick", "post", lambda w: reverse("candidates:my_step_tick", args=[w.own_step.pk])),
    # appointments (issue 22); the cancel comes last (it changes the appointment for good)
    ("appointment_add", "get", lambda w: reverse("candidates:appointment_add", args=[w.case.pk])),
    ("appointment_edit", "get", lambda w: reverse("candidates:appointment_edit", args=[w.appointment.pk])),
    ("appointment_add_post", "post", lambda w: reverse("candidates:appointment_add", args=[w.case.pk])),
    (
        "appointment_cancel",
        "post",
        lambda w: reverse("candidates:appointment_cancel", args=[w.appointment.pk]),
    ),
    # closing a case with an evaluation, reassigning (issue 14 §4); the posts are empty (form errors)
    ("case_close", "get", lambda w: reverse("candidates:case_close", args=[w.case.pk])),
    ("closed_list", "get", lambda w: reverse("candidates:closed_list")),
    ("case_closure", "get", lambda w: reverse("candidates:case_closure", args=[w.closed_case.pk])),
    ("reassign", "get", lambda w: reverse("candidates:reassign")),
    ("closure_follow_up", "post", lambda w: reverse("candidates:closure_follow_up", args=[w.closed_case.pk])),
    ("case_reopen", "post", lambda w: reverse("candidates:case_reopen", args=[w.closed_case.pk])),
    ("case_close_post", "post", lambda w: reverse("candidates:case_close", args=[w.case.pk])),
    # the Clearingstelle (issue 14 §3); the posts are empty (form errors)
    (
        "immigration_question_create",
        "get",
        lambda w: reverse("candidates:immigration_question_create", args=[w.case.pk]),
    ),
    (
        "immigration_question_create_post",
        "post",
        lambda w: reverse("candidates:immigration_question_create", args=[w.case.pk]),
    ),
    ("office_question_list", "get", lambda w: reverse("candidates:office_question_list")),
    (
        "office_question_detail",
        "get",
        lambda w: reverse("candidates:office_question_detail", args=[w.question.pk]),
    ),
    (
        "office_question_answer",
        "post",
        lambda w: reverse("candidates:office_question_detail", args=[w.question.pk]),
    ),
    ("work_permit_create", "get", lambda w: reverse("candidates:work_permit_create", args=[w.case.pk])),
    (
        "work_permit_edit",
        "get",
        lambda w: reverse("candidates:work_permit_edit", args=[w.case.pk, w.procedure.pk]),
    ),
    # issue 14 §3: the recognition procedure of the person's qualification, from the case page
    (
        "recognition_edit",
        "get",
        lambda w: reverse("candidates:recognition_edit", args=[w.case.pk, w.qualification.pk]),
    ),
    (
        "recognition_edit_post",
        "post",
        lambda w: reverse("candidates:recognition_edit", args=[w.case.pk, w.qualification.pk]),
    ),
]
NAMES = [name for name, _m, _u in URLS]
SELF_PAGES = [
    "my_profile",
    "my_profile_edit",
    "my_languages",
    "my_occupations",
    "my_skills",
    "my_qualification_edit",
    "my_consents",
    "my_audit",
    "my_export",
    "my_export_document",
    "my_entry_remove",
    "my_plan",
    "my_step",
    "my_step_add",
    "my_step_tick",
]
STAFF_FULL = {  # a case manager of the responsible organisation
    "case_list": 200,
    "create": 200,
    "detail": 200,
    "edit": 200,
    "language_add": 200,
    "qualification_add": 200,
    # the person already has a login, so the invitation page sends the case manager back
    "consents": 200,
    "invite": 302,
    "export": 200,
    "erase": 200,
    "case_detail": 200,
    "assessment": 200,
    "assessment_edit": 200,
    # invalid (empty) posts re-render the page with errors: the plan forms the case page with the
    # form's input (400); the status forms (nothing typed) go back to the case page with a message
    "occupation_add": 200,
    "skill_add": 200,
    "goal_add": 400,
    "goal_status": 302,
    "step_add": 400,
    "step_status": 302,
    "note_add": 400,
    "entry_remove": 302,
    "consent_revoke": 302,
    "consent_revoke_confirm": 200,
    "appointment_add": 200,
    "appointment_edit": 200,
    "appointment_add_post": 200,  # an empty post: the form again with its errors
    "appointment_cancel": 302,
    # issue 14 §4: empty posts answer with the page and its errors; only team leads reassign
    "case_close": 200,
    "case_close_post": 200,
    "closed_list": 200,
    "case_closure": 200,
    "closure_follow_up": 200,
    "case_reopen": 200,
    "reassign": 403,
    # issue 14 §3: case staff ask; only the Ausländerbehörde opens its questions
    "immigration_question_create": 200,
    "immigration_question_create_post": 400,
    "office_question_list": 403,
    "office_question_detail": 403,
    "office_question_answer": 403,
    "work_permit_create": 200,
    "work_permit_edit": 200,
    "recognition_edit": 200,
    "recognition_edit_post": 400,  # an empty post: the form again with its errors
}
OFFICE_PAGES = ["office_question_list", "office_question_detail", "office_question_answer"]


def forbidden(**overrides) -> dict[str, int]:
    return {**dict.fromkeys(NAMES, 403), "invitation_bad_token": 404, **overrides}


def outside(**overrides) -> dict[str, int]:
    """Same role, object out of scope: lists and intake work, every object page is 404."""
    expected = dict.fromkeys(STAFF_FULL, 404)
    expected.update(
        case_list=200,
        create=200,
        closed_list=200,  # their own organisation's closed cases
        reassign=403,  # not a team lead
        **dict.fromkeys(SELF_PAGES, 403),
        **dict.fromkeys(OFFICE_PAGES, 403),
        invitation_bad_token=404,
    )
    return {**expected, **overrides}


EXPECTED = {
    "anonymous": {**dict.fromkeys(NAMES, 302), "invitation_bad_token": 404},
    "candidate_self": forbidden(
        **{**dict.fromkeys(SELF_PAGES, 200), "my_entry_remove": 302, "my_step_tick": 302},
        consent_revoke=302,
        consent_revoke_confirm=200,
    ),
    # Another person's qualification or entry is simply not there for them.
    "candidate_other": forbidden(
        **{
            **dict.fromkeys(SELF_PAGES, 200),
            "my_qualification_edit": 404,
            "my_entry_remove": 404,
            # another person's goal and step are simply not there for her (issue 22)
            "my_step": 404,
            "my_step_add": 404,
            "my_step_tick": 404,
        },
        consent_revoke=404,
        consent_revoke_confirm=404,
    ),
    "case_manager_own": {**STAFF_FULL, **dict.fromkeys(SELF_PAGES, 403), "invitation_bad_token": 404},
    "case_manager_colleague": {**STAFF_FULL, **dict.fromkeys(SELF_PAGES, 403), "invitation_bad_token": 404},
    "case_manager_lead": {
        **STAFF_FULL,
        **dict.fromkeys(SELF_PAGES, 403),
        "invitation_bad_token": 404,
        "reassign": 200,
    },
    "case_manager_other_org": outside(),
    "case_manager_other_municipality": outside(),
    # Job coaches work on the case but neither do the intake nor erase a person.
    "job_coach_own_org": {
        **STAFF_FULL,
        **dict.fromkeys(SELF_PAGES, 403),
        "invitation_bad_token": 404,
        "create": 403,
        "erase": 403,
    },
    "volunteer_assigned": forbidden(detail=200),
    "volunteer_unassigned": forbidden(detail=404),
    "employer": forbidden(),
    "unverified_employer": forbidden(),
    "chamber_editor": forbidden(),
    # Coordinators see the municipality's case metadata (the person's page and the case page answer
    # with who, which stage, when) and may carry out an erasure; they change nothing. The file itself
    # only where they are responsible for the case (FILE_SHOWN below).
    # The assessment: the responsible coordinator reads it without the Art. 9 domains (see
    # tests/candidates/test_assessment.py); the others are refused like the file.
    "coordinator_own_municipality": forbidden(case_list=200, detail=200, case_detail=200, erase=200),
    "coordinator_responsible": forbidden(
        case_list=200, detail=200, case_detail=200, erase=200, assessment=200
    ),
    "coordinator_other_municipality": forbidden(
        case_list=200, detail=404, case_detail=404, erase=404, assessment=404
    ),
    # Issue 14 §3: the Ausländerbehörde reaches nothing of the app but the questions to its office;
    # another office (of the same or another municipality) does not see them.
    "immigration_office_own": forbidden(
        office_question_list=200, office_question_detail=200, office_question_answer=400
    ),
    "immigration_office_other_office": forbidden(
        office_question_list=200, office_question_detail=404, office_question_answer=404
    ),
    "immigration_office_other_municipality": forbidden(
        office_question_list=200, office_question_detail=404, office_question_answer=404
    ),
}

# Pages that answer 200 and carry the case file (contact data, notes): by role, where the 200 is
# only metadata the file must be absent. Only the roles whose answer depends on responsibility.
FILE_SHOWN = {
    "case_manager_own": {"detail", "case_detail"},
    "coordinator_own_municipality": set(),
    "coordinator_responsible": {"detail", "case_detail"},
}


@pytest.mark.parametrize("role", list(EXPECTED))
def test_access_matrix(matrix_world, role):
    user = matrix_world.users[role]
    client = Client() if user is None else login_with_mfa(Client(), user)
    got = {}
    shown = set()
    for name, method, url in URLS:
        response = getattr(client, method)(url(matrix_world))
        got[name] = response.status_code
        if user is None and response.status_code == 302:
            assert "/accounts/login/" in response["Location"], name
        text = response.content.decode("utf-8", errors="replace")
        if name in ("detail", "case_detail") and (
            FILE_MARKER in text or matrix_world.case.candidate.email in text
        ):
            shown.add(name)
    assert got == EXPECTED[role]
    if role in FILE_SHOWN:
        assert shown == FILE_SHOWN[role]


def test_the_matrix_covers_every_url_of_the_app():
    from candidates.urls import urlpatterns

    covered = (
        set(NAMES)
        - {
            "invitation_bad_token",
            "consent_revoke_confirm",
            "appointment_add_post",
            "case_close_post",
            "immigration_question_create_post",
            "office_question_answer",
            "recognition_edit_post",
        }
    ) | {"invitation_accept"}
    assert {p.name for p in urlpatterns} == covered
