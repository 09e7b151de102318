"""A selector's NotFound is answered like Http404 was: the 404 page for pages, a problem+json 404
for the API; anything else passes through untouched (config/domain_errors.py)."""

from __future__ import annotations

import pytest
from django.http import Http404
from django.test import RequestFactory

from config.domain_errors import DomainErrorMiddleware, api_exception_handler
from organisations import access
from tests.factories import UserFactory


def test_a_page_raising_not_found_gets_djangos_404():
    middleware = DomainErrorMiddleware(lambda request: None)
    request = RequestFactory().get("/app/")
    with pytest.raises(Http404):
        middleware.process_exception(request, access.NotFound())
    # Another error is not ours to answer: Django's 500 (and the error report) stays.
    assert middleware.process_exception(request, ValueError("kaputt")) is None


def test_the_api_answers_not_found_as_a_404_problem():
    response = api_exception_handler(access.NotFound(), {})
    assert response.status_code == 404
    assert response.content_type == "application/problem+json"
    assert response.data["status"] == 404
    assert api_exception_handler(ValueError("kaputt"), {}) is None


def test_first_visible_is_the_first_row_or_not_found(django_user_model):
    first = UserFactory(email="a@example.org", display_name="")
    UserFactory(email="b@example.org", display_name="")
    assert access.first_visible(django_user_model.objects.order_by("pk")) == first
    with pytest.raises(access.NotFound):
        access.first_visible(django_user_model.objects.filter(pk=-1))
