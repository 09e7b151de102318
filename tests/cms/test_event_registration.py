"""A visitor registers for an event; bad input gets a clear message, never a 500, never a double row."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from cms.models import EventRegistration
from cms.services import RegistrationRefused, event_registration_create
from tests.cms.helpers import HOST

pytestmark = pytest.mark.django_db

URL = "/ihk/termine/fruehstueck/"


def _form(**overrides) -> dict:
    data = {
        "name": "Sandra Weber",
        "email": "s.weber@logistik.example",
        "organisation": "Nordhessen Logistik GmbH",
        "people": "2",
        "consent": "on",
    }
    data.update(overrides)
    return data


def _post(client, **overrides):
    return client.post(URL, _form(**overrides), **HOST)


def test_visitor_registers_sees_confirmation_and_organiser_is_told(
    client, make_event, django_capture_on_commit_callbacks
):
    make_event(capacity=20)

    with django_capture_on_commit_callbacks(execute=True):
        response = _post(client)

    assert response.status_code == 302
    confirmation = client.get(response["Location"], **HOST).content.decode()
    assert "Vielen Dank, Ihre Anmeldung ist eingegangen." in confirmation
    assert "18 von 20" in confirmation  # seats left shown to the next visitor
    registration = EventRegistration.objects.get()
    assert (registration.name, registration.people) == ("Sandra Weber", 2)
    # The organiser's message; the visitor's own confirmation is tested in test_event_confirmation.
    [message] = [m for m in mail.outbox if m.to == ["veranstaltungen@ihk.example"]]
    assert "Unternehmensfrühstück" in message.subject
    assert "Sandra Weber" in message.body and "Nordhessen Logistik GmbH" in message.body
    registration.refresh_from_db()
    assert registration.organiser_notified_at is not None


def test_duplicate_email_is_refused_with_a_message_and_stored_once(client, make_event):
    make_event()
    _post(client)

    response = _post(client, email="S.Weber@Logistik.example", name="Sandra W.")

    assert response.status_code == 200
    html = response.content.decode()
    assert "bereits eine Anmeldung" in html
    assert 'value="Sandra W."' in html  # input kept
    assert EventRegistration.objects.count() == 1


def test_full_event_refuses_more_people_than_seats_left(client, make_event):
    make_event(capacity=3)
    _post(client, people="2")

    response = _post(client, email="zweite@betrieb.example", people="2")

    assert response.status_code == 200
    assert "Es sind nur noch 1 Plätze frei" in response.content.decode()
    assert EventRegistration.objects.count() == 1

    _post(client, email="dritte@betrieb.example", people="1")
    sold_out = _post(client, email="vierte@betrieb.example", people="1")
    assert "ausgebucht" in sold_out.content.decode()
    assert EventRegistration.objects.count() == 2


def test_registration_after_the_deadline_or_the_start_is_refused(client, make_event):
    make_event(registration_deadline=timezone.now() - timedelta(hours=1))

    response = _post(client)

    assert response.status_code == 200
    assert "Die Anmeldung ist geschlossen" in response.content.decode()
    assert not EventRegistration.objects.exists()


def test_past_event_refuses_registration(make_event):
    event = make_event(days_ahead=-1)

    with pytest.raises(RegistrationRefused, match="geschlossen"):
        event_registration_create(event=event, name="A", email="a@b.example", people=1, consent=True)
    assert not EventRegistration.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("email", "keine-adresse", "gültige E-Mail-Adresse"),
        ("email", "", "Bitte geben Sie Ihre E-Mail-Adresse an."),
        ("name", "  ", "Bitte geben Sie Ihren Namen an."),
        ("name", "<script>alert(1)</script>", "ohne spitze Klammern"),
        ("organisation", "<b>Firma</b>", "ohne spitze Klammern"),
        ("people", "0", "mindestens eine Person"),
        ("people", "11", "höchstens 10 Personen"),
        ("people", "zwei", "ganze Zahl"),
        ("consent", "", "Ohne Ihre Einwilligung"),
    ],
)
def test_bad_input_gets_a_clear_message_and_nothing_is_stored(client, make_event, field, value, message):
    make_event()

    response = _post(client, **{field: value})

    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert "<script>alert(1)</script>" not in html  # echoed back escaped, never as markup
    assert 'value="Nordhessen Logistik GmbH"' in html or field == "organisation"
    assert not EventRegistration.objects.exists()


def test_organisation_names_with_ampersands_are_fine_and_escaped(client, make_event):
    make_event()
    _post(client, organisation="Müller & Söhne")
    assert EventRegistration.objects.get().organisation == "Müller & Söhne"


def test_registrations_on_a_translated_event_count_on_the_original(make_event):
    from wagtail.models import Locale

    event = make_event(capacity=2)
    english = event.copy_for_translation(
        Locale.objects.get(language_code="en"), copy_parents=True, alias=True
    )

    assert english.specific.registration_target() == event
    event_registration_create(event=event, name="A", email="a@b.example", people=2, consent=True)
    assert english.specific.registration_target().seats_left() == 0


def test_registration_form_is_not_shown_when_closed(client, make_event):
    make_event(days_ahead=-2)
    html = client.get(URL, **HOST).content.decode()
    assert "Die Anmeldung ist geschlossen." in html
    assert 'name="email"' not in html
