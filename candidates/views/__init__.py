"""Views of the candidates app, one module per area: thin — parse, check access, call a service,
render.

Access answers (see candidates.selectors): anonymous → login; a role that may never use a view
→ 403; an object outside the user's scope → 404 (nobody learns whether a person exists).

candidates/urls.py names every view through this package, so the URLs stay as they were.
"""

from .account import erase, export, invitation_accept, invitation_send
from .appointments import appointment_add, appointment_cancel, appointment_edit
from .assessment import assessment_detail, assessment_edit
from .case import can_edit_permit, case_detail, goal_add, goal_status, note_add, step_add, step_status
from .caseload import candidate_create, case_list, closed_list, reassign
from .closure import case_close, case_closure, case_reopen, closure_follow_up
from .consent import consent_list, consent_revoke
from .immigration import (
    immigration_question_create,
    office_question_detail,
    office_question_list,
    recognition_procedure,
    work_permit_procedure,
)
from .me import (
    my_audit,
    my_consents,
    my_entry_remove,
    my_export,
    my_export_document,
    my_languages,
    my_occupations,
    my_profile,
    my_profile_edit,
    my_qualification_edit,
    my_skills,
)
from .my_plan import my_plan, my_step, my_step_add, my_step_tick
from .profile import (
    candidate_detail,
    entry_remove,
    language_add,
    occupation_add,
    profile_edit,
    qualification_add,
    skill_add,
)

__all__ = [
    "appointment_add",
    "appointment_cancel",
    "appointment_edit",
    "assessment_detail",
    "assessment_edit",
    "can_edit_permit",
    "candidate_create",
    "candidate_detail",
    "case_close",
    "case_closure",
    "case_detail",
    "case_list",
    "case_reopen",
    "closed_list",
    "closure_follow_up",
    "consent_list",
    "consent_revoke",
    "entry_remove",
    "erase",
    "export",
    "goal_add",
    "goal_status",
    "immigration_question_create",
    "invitation_accept",
    "invitation_send",
    "language_add",
    "my_audit",
    "my_consents",
    "my_entry_remove",
    "my_export",
    "my_export_document",
    "my_languages",
    "my_occupations",
    "my_plan",
    "my_profile",
    "my_profile_edit",
    "my_qualification_edit",
    "my_skills",
    "my_step",
    "my_step_add",
    "my_step_tick",
    "note_add",
    "occupation_add",
    "office_question_detail",
    "office_question_list",
    "profile_edit",
    "qualification_add",
    "reassign",
    "recognition_procedure",
    "skill_add",
    "step_add",
    "step_status",
    "work_permit_procedure",
]
