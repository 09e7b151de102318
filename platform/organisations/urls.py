from django.urls import path

from . import views

app_name = "organisations"
urlpatterns = [
    path("", views.organisation_list, name="list"),
    path("new/", views.organisation_create, name="create"),
    path("audit/", views.audit_log, name="audit_log"),
    path("<int:pk>/members/", views.membership_list, name="members"),
    path(
        "<int:pk>/members/<int:membership_pk>/end/", views.membership_deactivate, name="membership_deactivate"
    ),
    path(
        "<int:pk>/invitations/<int:invitation_pk>/revoke/", views.invitation_revoke, name="invitation_revoke"
    ),
    path("invitations/<str:token>/", views.invitation, name="invitation"),
]
