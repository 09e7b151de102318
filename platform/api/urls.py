from django.urls import path

from . import views

app_name = "api_tokens"
urlpatterns = [
    path("", views.token_list, name="list"),
    path("<int:pk>/revoke/", views.token_revoke, name="revoke"),
    path("clients/", views.oauth_client_create, name="client_create"),
    path("clients/<int:pk>/revoke/", views.oauth_client_revoke, name="client_revoke"),
]
