from django.urls import path

from . import (
    agreement_views,
    barrier_views,
    discrimination_views,
    message_views,
    pathway_views,
    practice_views,
    referral_views,
    views,
)

app_name = "coaching"
urlpatterns = [
    path("", views.home, name="home"),
    path("employments/", views.employment_list, name="employment_list"),
    path("employments/<int:pk>/", views.employment_detail, name="employment_detail"),
    path("employments/<int:pk>/take/", views.follow_along_take, name="follow_along_take"),
    path("employments/<int:pk>/coach/", views.employment_coach, name="employment_coach"),
    path("employments/<int:pk>/quality/", views.employment_quality, name="employment_quality"),
    path("employments/<int:pk>/follow-ups/new/", views.follow_up_create, name="follow_up_create"),
    path("employments/<int:pk>/language-needs/new/", views.language_need_create, name="language_need_create"),
    path("employments/<int:pk>/risks/new/", views.risk_create, name="risk_create"),
    path("language-needs/", views.language_needs_overview, name="language_needs_overview"),
    path("language-needs/<int:pk>/status/", views.language_need_status, name="language_need_status"),
    path("risks/<int:pk>/escalate/", views.risk_escalate, name="risk_escalate"),
    path("risks/<int:pk>/resolve/", views.risk_resolve, name="risk_resolve"),
    path("requests/", views.support_request_list, name="support_request_list"),
    path("requests/new/", views.support_request_create, name="support_request_create"),
    path("requests/<int:pk>/", views.support_request_detail, name="support_request_detail"),
    path("volunteer/", views.volunteer_home, name="volunteer_home"),
    path("volunteer/<int:pk>/", views.volunteer_assignment, name="volunteer_assignment"),
    path("cases/<int:case_pk>/", views.case_detail, name="case_detail"),
    path("cases/<int:case_pk>/volunteers/new/", views.volunteer_assign, name="volunteer_assign"),
    path("cases/<int:case_pk>/referrals/new/", views.referral_create, name="referral_create"),
    path(
        "cases/<int:case_pk>/assessment/proposals/", views.assessment_proposals, name="assessment_proposals"
    ),
    path("cases/<int:case_pk>/handovers/new/", views.handover_create, name="handover_create"),
    path("referrals/<int:pk>/status/", views.referral_update, name="referral_update"),
    # issue 17: the receiving provider answers by its signed link (no login)
    path("referrals/answer/<str:token>/", referral_views.referral_answer, name="referral_answer"),
    path("handovers/", views.handover_list, name="handover_list"),
    path("handovers/new/", views.handover_start, name="handover_start"),
    path("handovers/<int:pk>/", views.handover_detail, name="handover_detail"),
    path("handovers/<int:pk>/items/<int:item_pk>/", views.handover_item, name="handover_item"),
    path("handovers/<int:pk>/appointment/", views.handover_appointment, name="handover_appointment"),
    path("handovers/<int:pk>/decide/", views.handover_decide, name="handover_decide"),
    path("services/", views.service_list, name="service_list"),
    path("services/new/", views.service_create, name="service_create"),
    path("services/hsds/export/", views.hsds_export, name="hsds_export"),
    path("services/hsds/import/", views.hsds_import, name="hsds_import"),
    path("services/<int:pk>/", views.service_detail, name="service_detail"),
    path("services/<int:pk>/skills/", views.service_skills, name="service_skills"),
    path("services/<int:pk>/edit/", views.service_edit, name="service_edit"),
    path("services/<int:pk>/hours/", views.service_hours, name="service_hours"),
    path("services/<int:pk>/status/", views.service_status, name="service_status"),
    # --- messages (issue 22) ---
    path("messages/", message_views.inbox, name="messages"),
    path("messages/case/<int:case_pk>/", message_views.message_case, name="message_case"),
    path("messages/volunteer/<int:pk>/", message_views.message_volunteer, name="message_volunteer"),
    path("messages/files/<int:pk>/", message_views.message_file, name="message_file"),
    # --- end issue 22 ---
    # --- the network level (issue 23) ---
    path("cases/<int:case_pk>/barriers/new/", barrier_views.barrier_create, name="barrier_create"),
    # issue 20: "Weg zum Zielberuf"
    path("cases/<int:case_pk>/pathway/", pathway_views.pathway, name="pathway"),
    path("cases/<int:case_pk>/pathway/goal/", pathway_views.pathway_goal, name="pathway_goal"),
    path("me/pathway/", pathway_views.my_pathway, name="my_pathway"),
    path("network/barriers/", barrier_views.barrier_overview, name="barrier_overview"),
    path("network/rounds/", barrier_views.round_list, name="round_list"),
    path("network/rounds/new/", barrier_views.round_create, name="round_create"),
    path("network/rounds/<int:pk>/", barrier_views.round_detail, name="round_detail"),
    path(
        "network/rounds/<int:pk>/actions/new/", barrier_views.round_action_create, name="round_action_create"
    ),
    path("network/rounds/<int:pk>/minutes.pdf", barrier_views.round_minutes_pdf, name="round_minutes_pdf"),
    path("network/rounds/<int:pk>/held/", barrier_views.round_held, name="round_held"),
    path("network/actions/<int:pk>/done/", barrier_views.round_action_done, name="round_action_done"),
    path("network/agreements/", agreement_views.agreement_list, name="agreement_list"),
    path("network/agreements/new/", agreement_views.agreement_create, name="agreement_create"),
    path("network/agreements/<int:pk>/", agreement_views.agreement_detail, name="agreement_detail"),
    path("network/agreements/<int:pk>/edit/", agreement_views.agreement_edit, name="agreement_edit"),
    path("network/agreements/<int:pk>/end/", agreement_views.agreement_end, name="agreement_end"),
    # practice shared between municipalities (issue 23 §4)
    path("network/practice/", practice_views.practice_list, name="practice_list"),
    path("network/practice/new/", practice_views.practice_create, name="practice_create"),
    path("network/practice/<int:pk>/", practice_views.practice_detail, name="practice_detail"),
    path("network/practice/<int:pk>/edit/", practice_views.practice_edit, name="practice_edit"),
    path("network/practice/<int:pk>/share/", practice_views.practice_share, name="practice_share"),
    path("network/practice/<int:pk>/unshare/", practice_views.practice_unshare, name="practice_unshare"),
    path("network/practice/<int:pk>/import/", practice_views.practice_import, name="practice_import"),
    # --- end issue 23 ---
    # --- reporting discrimination (issue 15 §3) ---
    path("discrimination/", discrimination_views.discrimination_list, name="discrimination_list"),
    path("discrimination/new/", discrimination_views.discrimination_report, name="discrimination_report"),
    path(
        "discrimination/<int:pk>/", discrimination_views.discrimination_detail, name="discrimination_detail"
    ),
    path(
        "network/discrimination/",
        discrimination_views.discrimination_overview,
        name="discrimination_overview",
    ),
    path(
        "discrimination/referrals/<str:token>/",
        discrimination_views.discrimination_referral,
        name="discrimination_referral",
    ),
    # --- end issue 15 §3 ---
]
