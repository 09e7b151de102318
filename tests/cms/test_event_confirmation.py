"""Journey 7: the visitor's confirmation mail with an .ics file and a signed cancellation link."""

from __future__ import annotations

import re

import pytest
from django.core import mail, signing
from icalendar import Calendar

from cms.models import EventRegistration
from cms.services import CANCEL_SALT, registration_cancel_token
from tests.cms.helpers import HOST

pytestmark = pytest.mark.django_db

URL = "/ihk/termine/fruehstueck/"
BASE = "https://lotse.example.org"


@pytest.fixture(autouse=True)
def _base_url(settings):
    settings.WAGTAILADMIN_BASE_URL = BASE


def _register(client, capture, **overrides):
    data = {"name": "Sandra Weber", "email": "s.weber@logistik.example", "people": "2", "consent": "on"}
    data.update(overrides)
    with capture(execute=True):
        response = client.post(URL, data, **HOST)
    assert response.status_code == 302
    return EventRegistration.objects.get(email=data["email"])


def _confirmation(email: str):
    [message] = [m for m in mail.outbox if m.to == [email]]
    return message


def test_the_visitor_gets_a_confirmation_with_the_event_as_ics(
    client, make_event, django_capture_on_commit_callbacks
):
    event = make_event(capacity=20, address="Kammerweg 9\n34117 Kassel")
    _register(client, django_capture_on_commit_callbacks)
    message = _confirmation("s.weber@logistik.example")
    assert "Unternehmensfrühstück" in message.subject and "Sandra Weber" in message.body
    [(filename, content, mimetype)] = message.attachments
    assert filename.endswith(".ics") and mimetype.startswith("text/calendar")
    [entry] = Calendar.from_ical(content).walk("VEVENT")
    assert str(entry["summary"]) == "Unternehmensfrühstück"
    assert str(entry["location"]) == "IHK, Saal 1, Kammerweg 9 34117 Kassel"
    assert entry.decoded("dtstart") == event.start.replace(microsecond=0)
    assert str(entry["url"]) == f"{BASE}/ihk/termine/fruehstueck/"
    # Without an end the calendar entry lasts two hours rather than nothing.
    assert (entry.decoded("dtend") - entry.decoded("dtstart")).total_seconds() == 2 * 3600


def test_the_ics_carries_the_end_when_there_is_one(client, make_event, django_capture_on_commit_callbacks):
    from datetime import timedelta

    event = make_event()
    event.end = event.start + timedelta(hours=3)
    event.save_revision().publish()
    _register(client, django_capture_on_commit_callbacks)
    [(_name, content, _type)] = _confirmation("s.weber@logistik.example").attachments
    [entry] = Calendar.from_ical(content).walk("VEVENT")
    assert entry.decoded("dtend") == event.end.replace(microsecond=0)


def test_cancelling_through_the_link_asks_first_then_frees_the_seats(
    client, make_event, django_capture_on_commit_callbacks
):
    make_event(capacity=2)
    registration = _register(client, django_capture_on_commit_callbacks)
    assert "ausgebucht" in client.get(URL, **HOST).content.decode()
    body = _confirmation("s.weber@logistik.example").body
    link = re.search(rf"{re.escape(BASE)}(/veranstaltungen/abmelden/[^\s]+/)", body)
    assert link, body
    path = link.group(1)

    page = client.get(path, **HOST)
    assert page.status_code == 200 and "Unternehmensfrühstück" in page.content.decode()
    assert EventRegistration.objects.filter(pk=registration.pk).exists()  # a GET changes nothing

    done = client.post(path, **HOST)
    assert done.status_code == 200 and "abgemeldet" in done.content.decode()
    assert not EventRegistration.objects.filter(pk=registration.pk).exists()
    assert "ausgebucht" not in client.get(URL, **HOST).content.decode()
    # The same link again: already cancelled, nothing to do.
    assert client.post(path, **HOST).status_code == 404


def test_a_tampered_or_forged_token_cancels_nothing(client, make_event, django_capture_on_commit_callbacks):
    make_event()
    registration = _register(client, django_capture_on_commit_callbacks)
    other = _register(client, django_capture_on_commit_callbacks, email="other@example.org", name="Other")
    token = registration_cancel_token(registration)
    forged = [
        token[:-2] + ("AA" if not token.endswith("AA") else "BB"),
        signing.dumps({"r": other.pk, "e": other.email}, salt="another-salt"),
        signing.dumps({"r": other.pk, "e": registration.email}, salt=CANCEL_SALT),  # id swapped
        "not-a-token",
    ]
    for bad in forged:
        assert client.post(f"/veranstaltungen/abmelden/{bad}/", **HOST).status_code == 404, bad
    assert EventRegistration.objects.count() == 2


def test_a_started_event_cannot_be_cancelled(client, make_event, django_capture_on_commit_callbacks):
    from datetime import timedelta

    from django.utils import timezone

    event = make_event()
    registration = _register(client, django_capture_on_commit_callbacks)
    event.start = timezone.now() - timedelta(minutes=5)
    event.registration_deadline = None
    event.save_revision().publish()
    token = registration_cancel_token(registration)
    response = client.post(f"/veranstaltungen/abmelden/{token}/", **HOST)
    assert response.status_code == 409 and "schon begonnen" in response.content.decode()
    assert EventRegistration.objects.filter(pk=registration.pk).exists()


def test_the_confirmation_is_written_in_the_language_of_the_page(
    client, make_event, django_capture_on_commit_callbacks
):
    make_event()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/en{URL}",
            {"name": "Sam", "email": "sam@example.org", "people": "1", "consent": "on"},
            **HOST,
        )
    body = _confirmation("sam@example.org").body
    assert f"{BASE}/en/veranstaltungen/abmelden/" in body
