from django.urls import path

from . import views

app_name = "monitoring"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("refresh/", views.refresh, name="refresh"),
    path("figures/<slug:key>.<str:fmt>", views.export, name="export"),
    path("report/", views.report, name="report"),
    path("report.pdf", views.report_pdf, name="report_pdf"),
    path("compare/", views.compare, name="compare"),
    path("quality/", views.job_quality, name="quality"),
    path("settings/", views.settings_edit, name="settings"),
]
