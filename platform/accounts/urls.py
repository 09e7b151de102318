from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("", views.home, name="home"),
    path("sitzung/aktiv/", views.keepalive, name="keepalive"),
    path("sitzung/ueberall-abmelden/", views.logout_everywhere, name="logout_everywhere"),
]
