"""The base layout's fixed blocks (config/templatetags/lotse_fixed.py, issue 21): rendered once per
language and sign-in state, the same bytes as a fresh rendering, and nothing of one request in them."""

from __future__ import annotations

import re

import pytest
from django.template import engines
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import translation

from config.templatetags.lotse_fixed import forget_fixed
from notifications import services as notifications

pytestmark = pytest.mark.django_db

CSRF = re.compile(r'(name="csrfmiddlewaretoken" value=|"X-CSRFToken": )"[^"]+"')


def _page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return CSRF.sub(r"\1TOKEN", response.content.decode())


@pytest.mark.parametrize("language", ["de", "en", "ar", "uk", "fa"])
def test_a_page_from_the_fixed_copy_is_the_page_rendered_afresh(employer_team, signed_in, language):
    client = signed_in(employer_team.own)
    client.cookies["django_language"] = language
    url = reverse("employers:browse")
    forget_fixed()
    fresh = _page(client, url)
    again = _page(client, url)  # from the fixed copies
    assert again == fresh
    forget_fixed()
    anonymous = _page(Client(), "/accounts/login/")
    assert _page(Client(), "/accounts/login/") == anonymous


def test_nothing_of_one_person_reaches_the_next(employer_team, signed_in):
    """Two people of one language in turn: each sees their own token, unread count and page."""
    forget_fixed()
    first, second = employer_team.own, employer_team.outsider
    for _ in range(3):
        notifications.notify(
            recipients=[first], kind="coaching.request_answered", link="accounts:home", email=False
        )
    one = signed_in(first).get(reverse("accounts:home"))
    two = signed_in(second).get(reverse("notifications:inbox"))
    for response in (one, two):
        assert response.status_code == 200
    token_one = response_token(one)
    assert token_one not in two.content.decode()
    assert 'data-testid="unread-count">3' in one.content.decode()
    assert 'data-testid="unread-count"' not in two.content.decode()
    inbox = reverse("notifications:inbox")
    assert f'href="{inbox}" data-testid="inbox-link" aria-current="page"' in two.content.decode()
    assert f'href="{inbox}" data-testid="inbox-link" aria-current="page"' not in one.content.decode()
    # Signed in or not is part of the key: the session warning is for signed-in people only.
    assert 'id="session-warning"' in two.content.decode()
    assert 'id="session-warning"' not in Client().get("/accounts/login/").content.decode()


def response_token(response) -> str:
    return re.search(r'"X-CSRFToken": "([^"]+)"', response.content.decode()).group(1)


def test_a_fixed_block_cannot_show_a_variable_of_the_request(employer_team):
    request = RequestFactory().get("/")
    request.user = employer_team.own
    template = engines["django"].from_string(
        "{% load lotse_fixed %}{% fixed %}[{{ request.user.email }}|{{ user.email }}|{{ csrf_token }}|"
        "{{ LANGUAGE_CODE }}|{{ signed_in }}]{% endfixed %}"
    )
    with translation.override("ar"):
        assert template.render({"user": employer_team.own}, request) == "[|||ar|True]"
    with translation.override("de"):
        assert template.render({"user": employer_team.own}, request) == "[|||de|True]"
