from django.urls import path

from . import views

app_name = "notifications"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("read/", views.read_all, name="read_all"),
    path("email/", views.email_preference, name="email_preference"),
    path("<int:pk>/open/", views.open_item, name="open"),
    path("<int:pk>/read/", views.read, name="read"),
]
