"""The webhooks page: reached by clicking from the start page through the API page; a webhook is
made with its secret shown once, a bad address is a clear form error with the input kept."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import WebhookDeliveryFactory
from webhooks.models import WebhookSubscription
from webhooks.services import subscription_create

pytestmark = pytest.mark.django_db

URL = "/app/api/webhooks/"


def test_reached_by_clicking_from_the_start_page(employer_team, coordinator_team, signed_in):
    for user in (employer_team.own, coordinator_team.own):
        client = signed_in(user)
        assert reverse("api_tokens:list") in client.get(reverse("accounts:home")).content.decode()
        assert URL in client.get(reverse("api_tokens:list")).content.decode()
        assert client.get(URL).status_code == 200


def test_an_employer_makes_a_webhook_and_sees_the_secret_once(employer_team, signed_in):
    client = signed_in(employer_team.own)
    response = client.post(
        URL,
        {
            "organisation": employer_team.organisation.pk,
            "url": "http://127.0.0.1:8765/hook",
            "events": ["introduction.stage_changed"],
        },
    )
    assert response.status_code == 201
    subscription = WebhookSubscription.objects.get()
    secret = response.context["created"]["secret"]
    assert secret in response.content.decode() and subscription.secret == secret
    assert (
        subscription.organisation == employer_team.organisation
        and subscription.created_by == employer_team.own
    )
    assert subscription.events == ["introduction.stage_changed"]
    page = client.get(URL).content.decode()
    assert secret not in page and subscription.secret_prefix in page


@pytest.mark.parametrize(
    "address",
    [
        "https://10.0.0.1/hook",
        "https://169.254.169.254/latest/meta-data/",
        "https://[fe80::1]/hook",
        "https://192.168.0.10:8443/lotse",
    ],
)
def test_a_private_address_is_refused_with_a_clear_error_and_the_input_kept(
    employer_team, signed_in, address
):
    response = signed_in(employer_team.own).post(
        URL,
        {
            "organisation": employer_team.organisation.pk,
            "url": address,
            "events": ["introduction.stage_changed"],
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert response.context["form"].errors["url"] == [
        "Adressen im eigenen oder in einem internen Netz sind nicht erlaubt."
    ]
    assert "Adressen im eigenen oder in einem internen Netz sind nicht erlaubt." in html
    assert f'value="{address}"' in html
    assert 'value="introduction.stage_changed"' in html and "checked" in html
    assert not WebhookSubscription.objects.exists()


def test_plain_http_outside_loopback_is_refused(employer_team, signed_in):
    response = signed_in(employer_team.own).post(
        URL,
        {
            "organisation": employer_team.organisation.pk,
            "url": "http://example.org/hook",
            "events": ["introduction.stage_changed"],
        },
    )
    assert response.context["form"].errors["url"] == ["Die Adresse muss mit https:// beginnen."]
    assert not WebhookSubscription.objects.exists()


def test_the_same_address_twice_is_a_form_error(employer_team, signed_in):
    data = {
        "organisation": employer_team.organisation.pk,
        "url": "http://127.0.0.1:8765/hook",
        "events": ["introduction.stage_changed"],
    }
    client = signed_in(employer_team.own)
    assert client.post(URL, data).status_code == 201
    response = client.post(URL, data)
    assert response.status_code == 200 and response.context["form"].errors["url"]
    assert WebhookSubscription.objects.count() == 1


def test_each_role_is_offered_its_own_events_only(employer_team, coordinator_team, signed_in):
    employer_page = signed_in(employer_team.own).get(URL).content.decode()
    assert "introduction.stage_changed" in employer_page and "referral.answered" not in employer_page
    coordinator_page = signed_in(coordinator_team.own).get(URL).content.decode()
    assert "referral.answered" in coordinator_page and "introduction.stage_changed" not in coordinator_page
    # Posting the other role's event is refused, nothing made.
    response = signed_in(employer_team.own).post(
        URL,
        {
            "organisation": employer_team.organisation.pk,
            "url": "http://127.0.0.1:8765/hook",
            "events": ["referral.answered"],
        },
    )
    assert response.status_code == 200 and response.context["form"].errors["events"]
    assert not WebhookSubscription.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"url": "https://93.184.215.14/x", "events": []},
        {"url": "https://93.184.215.14/" + "x" * 500, "events": ["introduction.stage_changed"]},
        {"url": "https://93.184.215.14/a\x00b", "events": ["introduction.stage_changed"]},
        {
            "url": "https://93.184.215.14/x",
            "events": ["introduction.stage_changed"],
            "organisation": "999999",
        },
        {"url": "https://93.184.215.14/x", "events": ["root"]},
    ],
)
def test_bad_input_is_a_form_error(employer_team, signed_in, data):
    data = {"organisation": employer_team.organisation.pk, **data}
    response = signed_in(employer_team.own).post(URL, data)
    assert response.status_code in (200, 400)
    assert not WebhookSubscription.objects.exists()


def test_deactivating_stops_and_the_log_shows_what_waited_as_given_up(employer_team, signed_in):
    subscription, _ = subscription_create(
        organisation=employer_team.organisation,
        actor=employer_team.own,
        url="http://127.0.0.1:8765/hook",
        events=["introduction.stage_changed"],
    )
    waiting = WebhookDeliveryFactory(
        subscription=subscription, event="introduction.stage_changed", url=subscription.url, attempts=2
    )
    client = signed_in(employer_team.colleague)
    response = client.post(reverse("webhooks:deactivate", args=[subscription.pk]))
    assert response.status_code == 302 and response["Location"].endswith(URL)
    subscription.refresh_from_db()
    waiting.refresh_from_db()
    assert subscription.deactivated_by == employer_team.colleague and waiting.gave_up_at is not None
    html = client.get(reverse("webhooks:detail", args=[subscription.pk])).content.decode()
    assert "keiner mehr (aufgegeben)" in html and "Webhook deaktiviert" in html
