from django.urls import path, register_converter

from candidates.models import REFERENCE_PATTERN

from . import views, views_acquisitions, views_businesses, views_jobs, views_speeddating


class ReferenceConverter:
    """A random public reference (``7KQ2M-9XD3A``); a database id does not even resolve."""

    regex = REFERENCE_PATTERN

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(ReferenceConverter, "publicref")

app_name = "employers"
urlpatterns = [
    path("", views.home, name="home"),
    path("register/", views.register, name="register"),
    path("verification/", views.verification_list, name="verification_list"),
    path("verification/<int:pk>/", views.verification_decide, name="verification_decide"),
    path("placements/new/", views.placement_create, name="placement_create"),
    path("placements/skills/", views.placement_skill_suggestions, name="placement_skill_suggestions"),
    path("placements/<int:pk>/", views.placement_detail, name="placement_detail"),
    path("placements/<int:pk>/edit/", views.placement_edit, name="placement_edit"),
    path("placements/<int:pk>/matches/", views.placement_matches, name="placement_matches"),
    path("placements/<int:pk>/shortlist/", views.shortlist_add, name="shortlist_add"),
    path(
        "placements/<int:pk>/shortlist/<int:entry_pk>/remove/",
        views.shortlist_remove,
        name="shortlist_remove",
    ),
    path("candidates/", views.browse, name="browse"),
    path("candidates/export.csv", views.browse_export, name="browse_export"),
    path("candidates/<publicref:ref>/select/", views.select_candidate, name="select_candidate"),
    path("searches/", views.saved_search_create, name="saved_search_create"),
    path("searches/<int:pk>/delete/", views.saved_search_delete, name="saved_search_delete"),
    path("introductions/<publicref:ref>/", views.introduction_detail, name="introduction_detail"),
    path("introductions/<publicref:ref>/answer/", views.introduction_answer, name="introduction_answer"),
    path(
        "introductions/<publicref:ref>/<slug:action>/", views.introduction_action, name="introduction_action"
    ),
    path("my/introductions/", views.my_introductions, name="my_introductions"),
    path("team/introductions/", views.staff_introductions, name="staff_introductions"),
    path("employments/<publicref:ref>/end/", views.employment_end, name="employment_end"),
    path("notifications/", views.notifications, name="notifications"),
    path("jobs/", views_jobs.my_jobs, name="my_jobs"),
    path("jobs/<int:pk>/interest/", views_jobs.job_interest, name="job_interest"),
    path("candidates/<int:pk>/jobs/", views_jobs.candidate_jobs, name="candidate_jobs"),
    path("candidates/<int:pk>/jobs/<int:placement_pk>/propose/", views_jobs.propose, name="propose"),
    path("found/", views_acquisitions.acquisition_list, name="acquisition_list"),
    path("found/new/", views_acquisitions.acquisition_create, name="acquisition_create"),
    path("found/<int:pk>/resend/", views_acquisitions.acquisition_resend, name="acquisition_resend"),
    path("confirm/<int:pk>/<str:token>/", views_acquisitions.acquisition_confirm, name="acquisition_confirm"),
    # speed dating scheduled from matches (issue 15)
    path("speed-dating/", views_speeddating.speed_dating_list, name="speed_dating_list"),
    path("speed-dating/new/", views_speeddating.speed_dating_create, name="speed_dating_create"),
    path("speed-dating/<int:pk>/", views_speeddating.speed_dating_detail, name="speed_dating_detail"),
    path(
        "speed-dating/<int:pk>/businesses/",
        views_speeddating.speed_dating_business_add,
        name="speed_dating_business_add",
    ),
    path(
        "speed-dating/<int:pk>/propose/", views_speeddating.speed_dating_propose, name="speed_dating_propose"
    ),
    path(
        "speed-dating/<int:pk>/people/<int:participant_pk>/",
        views_speeddating.speed_dating_decide,
        name="speed_dating_decide",
    ),
    path(
        "speed-dating/<int:pk>/schedule/",
        views_speeddating.speed_dating_schedule,
        name="speed_dating_schedule",
    ),
    path(
        "speed-dating/<int:pk>/meetings/<int:meeting_pk>/outcome/",
        views_speeddating.speed_dating_outcome,
        name="speed_dating_outcome",
    ),
    path(
        "speed-dating/<int:pk>/meetings/<int:meeting_pk>/introduce/",
        views_speeddating.speed_dating_introduce,
        name="speed_dating_introduce",
    ),
    path("my/speed-dating/", views_speeddating.my_speed_dating, name="my_speed_dating"),
    path(
        "my/speed-dating/<int:participant_pk>.ics",
        views_speeddating.my_speed_dating_ics,
        name="my_speed_dating_ics",
    ),
    # the shared company record (issue 15 §1)
    path("businesses/", views_businesses.business_list, name="business_list"),
    path("businesses/new/", views_businesses.business_create, name="business_create"),
    path("businesses/<int:pk>/", views_businesses.business_detail, name="business_detail"),
    path("businesses/<int:pk>/log/", views_businesses.business_log, name="business_log"),
    path("businesses/<int:pk>/contacts/", views_businesses.business_contact_add, name="business_contact_add"),
    path(
        "businesses/<int:pk>/relation/",
        views_businesses.business_relation_edit,
        name="business_relation_edit",
    ),
    path("businesses/<int:pk>/merge/", views_businesses.business_merge, name="business_merge"),
    path(
        "businesses/<int:pk>/registrations/<int:registration_pk>/link/",
        views_businesses.business_registration_link,
        name="business_registration_link",
    ),
    # the business's side of a speed dating: its tables' slots with anonymised cards (issue 15 §2)
    path("speed-dating/ours/", views_speeddating.employer_speed_dating, name="employer_speed_dating"),
]
