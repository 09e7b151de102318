from django.urls import path

from taxonomy import views

app_name = "taxonomy"
urlpatterns = [
    path("occupations/search/", views.occupation_search, name="occupation_search"),
    path("skills/search/", views.skill_search, name="skill_search"),
]
