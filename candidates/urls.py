from django.urls import path

from . import views

app_name = "candidates"
urlpatterns = [
    path("", views.case_list, name="case_list"),
    path("new/", views.candidate_create, name="create"),
    path("<int:pk>/", views.candidate_detail, name="detail"),
    path("<int:pk>/edit/", views.profile_edit, name="edit"),
    path("<int:pk>/occupations/add/", views.occupation_add, name="occupation_add"),
    path("<int:pk>/skills/add/", views.skill_add, name="skill_add"),
    path("<int:pk>/languages/add/", views.language_add, name="language_add"),
    path("<int:pk>/qualifications/add/", views.qualification_add, name="qualification_add"),
    path("<int:pk>/<str:kind>/<int:entry_pk>/remove/", views.entry_remove, name="entry_remove"),
    path("<int:pk>/consents/", views.consent_list, name="consents"),
    path("<int:pk>/invite/", views.invitation_send, name="invite"),
    path("<int:pk>/export/", views.export, name="export"),
    path("<int:pk>/erase/", views.erase, name="erase"),
    path("cases/<int:case_pk>/", views.case_detail, name="case_detail"),
    path("cases/<int:case_pk>/goals/add/", views.goal_add, name="goal_add"),
    path("cases/<int:case_pk>/goals/<int:goal_pk>/status/", views.goal_status, name="goal_status"),
    path("cases/<int:case_pk>/goals/<int:goal_pk>/steps/add/", views.step_add, name="step_add"),
    path("cases/<int:case_pk>/steps/<int:step_pk>/status/", views.step_status, name="step_status"),
    path("cases/<int:case_pk>/notes/add/", views.note_add, name="note_add"),
    # --- life-domain assessment (issue 14) ---
    path("cases/<int:case_pk>/assessment/", views.assessment_detail, name="assessment"),
    path("cases/<int:case_pk>/assessment/new/", views.assessment_edit, name="assessment_edit"),
    # appointments (issue 22)
    path("cases/<int:case_pk>/appointments/add/", views.appointment_add, name="appointment_add"),
    path("appointments/<int:pk>/edit/", views.appointment_edit, name="appointment_edit"),
    path("appointments/<int:pk>/cancel/", views.appointment_cancel, name="appointment_cancel"),
    # closing a case with an evaluation, reassigning (issue 14 §4)
    path("cases/<int:case_pk>/close/", views.case_close, name="case_close"),
    path("cases/<int:case_pk>/closure/", views.case_closure, name="case_closure"),
    path("cases/<int:case_pk>/closure/follow-up/", views.closure_follow_up, name="closure_follow_up"),
    path("cases/<int:case_pk>/reopen/", views.case_reopen, name="case_reopen"),
    path("cases/closed/", views.closed_list, name="closed_list"),
    path("cases/reassign/", views.reassign, name="reassign"),
    path("consents/<int:consent_pk>/revoke/", views.consent_revoke, name="consent_revoke"),
    path("invitation/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("me/", views.my_profile, name="my_profile"),
    path("me/edit/", views.my_profile_edit, name="my_profile_edit"),
    path("me/languages/", views.my_languages, name="my_languages"),
    path("me/occupations/", views.my_occupations, name="my_occupations"),
    path("me/skills/", views.my_skills, name="my_skills"),
    path("me/<str:kind>/<int:entry_pk>/remove/", views.my_entry_remove, name="my_entry_remove"),
    path("me/qualifications/<int:entry_pk>/edit/", views.my_qualification_edit, name="my_qualification_edit"),
    path("me/consents/", views.my_consents, name="my_consents"),
    path("me/audit/", views.my_audit, name="my_audit"),
    path("me/export/", views.my_export, name="my_export"),
    path("me/export/document/", views.my_export_document, name="my_export_document"),
    # --- the plan in self-service (issue 22) ---
    path("me/plan/", views.my_plan, name="my_plan"),
    path("me/plan/goals/<int:goal_pk>/steps/add/", views.my_step_add, name="my_step_add"),
    path("me/plan/steps/<int:step_pk>/", views.my_step, name="my_step"),
    path("me/plan/steps/<int:step_pk>/tick/", views.my_step_tick, name="my_step_tick"),
    # --- end issue 22 ---
    # --- the Clearingstelle: questions to the Ausländerbehörde (issue 14 §3) ---
    path(
        "cases/<int:case_pk>/immigration-questions/new/",
        views.immigration_question_create,
        name="immigration_question_create",
    ),
    path("immigration-office/", views.office_question_list, name="office_question_list"),
    path("immigration-office/<int:pk>/", views.office_question_detail, name="office_question_detail"),
    # the work permission procedure (issue 14 §3)
    path("cases/<int:case_pk>/work-permit/new/", views.work_permit_procedure, name="work_permit_create"),
    path("cases/<int:case_pk>/work-permit/<int:pk>/", views.work_permit_procedure, name="work_permit_edit"),
    # the recognition procedure (issue 14 §3)
    path("cases/<int:case_pk>/recognition/<int:pk>/", views.recognition_procedure, name="recognition_edit"),
]
