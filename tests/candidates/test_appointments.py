"""Appointments on the case (issue 22): staff plan, change and cancel; every attendee gets a notice
and an e-mail in their language with the .ics invitation (stable UID, rising SEQUENCE, CANCEL);
the person sees her next appointments on "Mein Plan"; the 24-hour reminder goes out once; SMS only
through a configured sender; GDPR export and erasure; nobody outside the case reads or changes it."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation
from icalendar import Calendar

from candidates import services
from candidates.models import Appointment, AppointmentStatus
from notifications.models import Notification
from privacy.models import AuditEntry
from tests.clock import TODAY
from tests.factories import CaseFactory
from tests.fixtures.users import new_member

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]

SENT_SMS: list[tuple[str, str]] = []


class RecordingSmsSender:
    """A fake SMS provider (LOTSE_SMS_SENDER points here in the SMS test): records, sends nothing."""

    def send(self, to: str, text: str) -> None:
        SENT_SMS.append((to, text))


@pytest.fixture
def setup(desk):
    person = new_member("candidate", preferred_language="fa", email="person@example.org")
    desk.candidate.user = person
    desk.candidate.phone = "+49 151 000000"
    desk.candidate.save()
    coach = new_member("job_coach", organisation=desk.case.responsible_organisation, preferred_language="en")
    return type("S", (), {"desk": desk, "person": person, "coach": coach, "case": desk.case})


def _form(**over):
    day = (TODAY + datetime.timedelta(days=3)).isoformat()
    data = {
        "kind": "interview",
        "day": day,
        "start": "10:00",
        "end": "11:00",
        "place": "Rathaus, Zimmer 3; Eingang B",
        "video_link": "",
        "notes": "Zeugnisse mitbringen",
        "interpreter_needed": "on",
        "interpreter_language": "fa",
    }
    data.update(over)
    return data


def _ics(message) -> Calendar:
    (name, content, mimetype) = next(a for a in message.attachments if a[0].endswith(".ics"))
    assert mimetype.startswith("text/calendar")
    return Calendar.from_ical(content)


def _event(message):
    return next(c for c in _ics(message).walk() if c.name == "VEVENT")


def test_a_job_coach_plans_an_interview_and_every_attendee_gets_the_ics_in_their_language(
    setup, signed_in, django_capture_on_commit_callbacks
):
    client = signed_in(setup.coach)
    page = client.get(reverse("candidates:appointment_add", args=[setup.case.pk]))
    assert page.status_code == 200
    data = _form(staff_attendees=[setup.coach.pk, setup.desk.user.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("candidates:appointment_add", args=[setup.case.pk]), data)
    assert response.status_code == 302
    appointment = Appointment.objects.get()
    assert appointment.municipality_id == setup.case.municipality_id
    assert appointment.organisation_id == setup.case.responsible_organisation_id
    assert appointment.interpreter_language == "fa" and appointment.sequence == 0
    by_to = {m.to[0]: m for m in mail.outbox}
    assert set(by_to) == {setup.person.email, setup.coach.email, setup.desk.user.email}
    for language, to in (
        ("fa", setup.person.email),
        ("en", setup.coach.email),
        ("de", setup.desk.user.email),
    ):
        with translation.override(language):
            from django.utils.translation import gettext

            headline = gettext("Neuer Termin: {kind} am {when}").split(":")[0]
        assert headline in by_to[to].subject, (language, by_to[to].subject)
    event = _event(by_to[setup.person.email])
    assert _ics(by_to[setup.person.email])["METHOD"] == "REQUEST"
    assert str(event["UID"]) == f"{appointment.uid}@lotse"
    assert int(event["SEQUENCE"]) == 0
    # RFC 5545 escaping of ; and , in text
    raw = by_to[setup.person.email].attachments[0][1]
    raw = raw.decode() if isinstance(raw, bytes) else raw
    assert "LOCATION:Rathaus\\, Zimmer 3\\; Eingang B" in raw
    # a notice for each attendee in the inbox
    assert (
        Notification.objects.filter(kind="candidates.appointment.candidate", recipient=setup.person).count()
        == 1
    )
    assert Notification.objects.filter(kind="candidates.appointment.staff").count() == 2


def test_a_double_submit_plans_once(setup, signed_in):
    client = signed_in(setup.coach)
    data = _form(submission_key="6c1f2b7e-8f59-4c2a-9a4e-0f7a2a1d3b11")
    client.post(reverse("candidates:appointment_add", args=[setup.case.pk]), data)
    client.post(reverse("candidates:appointment_add", args=[setup.case.pk]), data)
    assert Appointment.objects.count() == 1


def test_a_change_keeps_the_uid_and_raises_the_sequence_a_cancel_sends_cancel(
    setup, signed_in, django_capture_on_commit_callbacks
):
    client = signed_in(setup.desk.user)
    client.post(reverse("candidates:appointment_add", args=[setup.case.pk]), _form())
    appointment = Appointment.objects.get()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("candidates:appointment_edit", args=[appointment.pk]), _form(start="12:00", end="13:00")
        )
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CHANGED and appointment.sequence == 1
    person_mail = next(m for m in mail.outbox if m.to == [setup.person.email])
    event = _event(person_mail)
    assert str(event["UID"]) == f"{appointment.uid}@lotse" and int(event["SEQUENCE"]) == 1
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("candidates:appointment_cancel", args=[appointment.pk]))
        client.post(reverse("candidates:appointment_cancel", args=[appointment.pk]))  # twice: one mail
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CANCELLED and appointment.sequence == 2
    person_mails = [m for m in mail.outbox if m.to == [setup.person.email]]
    assert len(person_mails) == 1
    assert _ics(person_mails[0])["METHOD"] == "CANCEL"
    assert str(_event(person_mails[0])["STATUS"]) == "CANCELLED"
    assert int(_event(person_mails[0])["SEQUENCE"]) == 2
    assert Notification.objects.filter(recipient=setup.person).count() == 3


def test_bad_input_comes_back_with_a_clear_error_and_the_input(setup, signed_in):
    client = signed_in(setup.coach)
    response = client.post(
        reverse("candidates:appointment_add", args=[setup.case.pk]),
        _form(start="11:00", end="10:00", interpreter_language="", place="Bürgerbüro 7"),
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "Bürgerbüro 7" in text
    assert Appointment.objects.count() == 0
    response = client.post(
        reverse("candidates:appointment_add", args=[setup.case.pk]), _form(place="", video_link="")
    )
    assert response.status_code == 200
    response = client.post(
        reverse("candidates:appointment_add", args=[setup.case.pk]),
        _form(staff_attendees=[new_member("job_coach").pk], kind="nonsense", day="31.02.x"),
    )
    assert response.status_code == 200
    assert Appointment.objects.count() == 0


def test_the_person_sees_her_next_appointments_on_my_plan_in_farsi(setup, signed_in):
    services.appointment_create(
        case=setup.case,
        actor=setup.coach,
        kind="interview",
        starts_at=timezone.now() + datetime.timedelta(days=2),
        ends_at=timezone.now() + datetime.timedelta(days=2, hours=1),
        place="Jobcenter, Raum 12",
        interpreter_needed=True,
        interpreter_language="fa",
    )
    # an appointment that is over is not listed
    services.appointment_create(
        case=setup.case,
        actor=setup.coach,
        kind="course",
        starts_at=timezone.now() - datetime.timedelta(days=2),
        ends_at=timezone.now() - datetime.timedelta(days=2) + datetime.timedelta(hours=1),
        place="Alt",
    )
    client = signed_in(setup.person)
    with translation.override("fa"):
        url = reverse("candidates:my_plan")
    text = client.get(url).content.decode()
    assert 'dir="rtl"' in text
    assert "Jobcenter, Raum 12" in text and "Alt" not in text.split('id="appointments"')[1].split("</ul>")[0]
    with translation.override("fa"):
        from candidates.models import AppointmentKind

        assert str(AppointmentKind.INTERVIEW.label) in text
    assert any("appointments" in e.fields for e in AuditEntry.objects.filter(actor_id=setup.person.pk))


def _sms_municipality(case, on: bool) -> None:
    case.municipality.sms_appointments = on
    case.municipality.save(update_fields=["sms_appointments"])


def test_the_reminder_goes_out_24_hours_ahead_once(setup, settings):
    settings.LOTSE_SMS_SENDER = "tests.candidates.test_appointments.RecordingSmsSender"
    _sms_municipality(setup.case, True)
    SENT_SMS.clear()
    soon = services.appointment_create(
        case=setup.case,
        actor=setup.coach,
        kind="follow_up",
        starts_at=timezone.now() + datetime.timedelta(hours=20),
        ends_at=timezone.now() + datetime.timedelta(hours=21),
        place="Büro",
        staff_attendees=[setup.coach],
    )
    services.appointment_create(
        case=setup.case,
        actor=setup.coach,
        kind="course",
        starts_at=timezone.now() + datetime.timedelta(hours=30),
        ends_at=timezone.now() + datetime.timedelta(hours=31),
        place="Kurs",
    )
    mail.outbox.clear()
    assert services.appointment_reminders_send() == 1
    assert services.appointment_reminders_send() == 0
    assert sorted(m.to[0] for m in mail.outbox) == sorted([setup.person.email, setup.coach.email])
    fa = next(m for m in mail.outbox if m.to == [setup.person.email])
    with translation.override("fa"):
        from django.utils.translation import gettext

        assert gettext("Erinnerung: morgen {kind} am {when}").split("{")[0].strip() in fa.subject
    soon.refresh_from_db()
    assert soon.reminder_sent_at is not None
    assert [to for to, _text in SENT_SMS] == ["+49 151 000000"]


def test_no_sms_where_the_municipality_has_no_sms_contract(setup, settings):
    """The gateway is the deployment's; a municipality that has not opted in sends no SMS, and one
    that has sends them for its own people only (issue 22: "where the municipality has one")."""
    settings.LOTSE_SMS_SENDER = "tests.candidates.test_appointments.RecordingSmsSender"
    _sms_municipality(setup.case, False)
    other_case = CaseFactory()
    other_case.candidate.phone = "+49 160 111111"
    other_case.candidate.save()
    _sms_municipality(other_case, True)
    assert other_case.municipality_id != setup.case.municipality_id
    SENT_SMS.clear()
    for case in (setup.case, other_case):
        services.appointment_create(
            case=case,
            actor=setup.coach
            if case == setup.case
            else new_member("job_coach", organisation=case.responsible_organisation),
            kind="follow_up",
            starts_at=timezone.now() + datetime.timedelta(hours=5),
            ends_at=timezone.now() + datetime.timedelta(hours=6),
            place="Büro",
        )
    assert services.appointment_reminders_send() == 2  # both reminded by e-mail
    assert {to for to, _text in SENT_SMS} == {"+49 160 111111"}


def test_no_sms_without_a_sender(setup, settings):
    settings.LOTSE_SMS_SENDER = ""
    SENT_SMS.clear()
    services.appointment_create(
        case=setup.case,
        actor=setup.coach,
        kind="follow_up",
        starts_at=timezone.now() + datetime.timedelta(hours=2),
        ends_at=timezone.now() + datetime.timedelta(hours=3),
        place="Büro",
    )
    services.appointment_reminders_send()
    assert SENT_SMS == []


def test_export_has_appointments_and_erasure_blanks_them_but_keeps_rows_and_dates(setup):
    a = services.appointment_create(
        case=setup.case,
        actor=setup.coach,
        kind="handover",
        starts_at=timezone.now() + datetime.timedelta(days=5),
        ends_at=timezone.now() + datetime.timedelta(days=5, hours=1),
        place="Geheimer Ort",
        video_link="https://video.example.org/raum",
        notes="Notiz zum Termin",
    )
    exported = services.candidate_export(candidate=setup.desk.candidate)
    assert exported["appointments"][0]["place"] == "Geheimer Ort"
    services.candidate_erase(candidate=setup.desk.candidate, actor=setup.desk.user)
    a.refresh_from_db()
    assert (a.place, a.video_link, a.notes) == ("", "", "")
    assert a.kind == "handover" and a.starts_at and a.ends_at and a.status == "planned"


@pytest.mark.parametrize(
    "who", ["other_org", "other_municipality", "volunteer", "employer", "candidate_other"]
)
def test_outsiders_neither_read_nor_change_appointments(
    setup, signed_in, case_manager_team, who, municipality
):
    a = services.appointment_create(
        case=setup.case,
        actor=setup.coach,
        kind="interview",
        starts_at=timezone.now() + datetime.timedelta(days=5),
        ends_at=timezone.now() + datetime.timedelta(days=5, hours=1),
        place="Nur für Zuständige",
    )
    other_person = new_member("candidate")
    CaseFactory(candidate__municipality=municipality, candidate__user=other_person)
    users = {
        "other_org": case_manager_team.outsider,
        "other_municipality": case_manager_team.elsewhere,
        "volunteer": new_member("volunteer", municipality=municipality),
        "employer": new_member("employer", municipality=municipality),
        "candidate_other": other_person,
    }
    client = signed_in(users[who])
    for url, method in (
        (reverse("candidates:appointment_edit", args=[a.pk]), "get"),
        (reverse("candidates:appointment_edit", args=[a.pk]), "post"),
        (reverse("candidates:appointment_cancel", args=[a.pk]), "post"),
        (reverse("candidates:appointment_add", args=[setup.case.pk]), "post"),
    ):
        response = getattr(client, method)(url, _form())
        assert response.status_code in (403, 404), (url, method)
        assert "Nur für Zuständige" not in response.content.decode()
    a.refresh_from_db()
    assert a.status == "planned" and Appointment.objects.count() == 1
    if who == "candidate_other":
        text = client.get(reverse("candidates:my_plan")).content.decode()
        assert "Nur für Zuständige" not in text


def test_staff_from_elsewhere_cannot_be_invited(setup, case_manager_team):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.appointment_create(
            case=setup.case,
            actor=setup.coach,
            kind="interview",
            starts_at=timezone.now() + datetime.timedelta(days=5),
            ends_at=timezone.now() + datetime.timedelta(days=5, hours=1),
            place="x",
            staff_attendees=[case_manager_team.outsider],
        )
