from django.urls import path

from . import views

app_name = "cms"

urlpatterns = [
    path("abmelden/<str:token>/", views.registration_cancel, name="registration_cancel"),
]
