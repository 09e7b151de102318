"""The calendar invitation of an appointment (RFC 5545) through ``icalendar``, which folds lines
and escapes text (commas, semicolons, backslashes, newlines) as the RFC says. One UID for the
appointment's life; SEQUENCE counts its changes; METHOD:CANCEL with STATUS:CANCELLED withdraws it."""

from __future__ import annotations

from datetime import UTC, datetime

from icalendar import Calendar, Event, vCalAddress, vText

METHOD_REQUEST = "REQUEST"
METHOD_CANCEL = "CANCEL"
UID_DOMAIN = "lotse"


def appointment_ics(
    *,
    uid: str,
    sequence: int,
    method: str,
    starts_at: datetime,
    ends_at: datetime,
    summary: str,
    location: str = "",
    description: str = "",
    url: str = "",
    organizer_email: str = "",
    attendee_emails: list[str] | tuple[str, ...] = (),
    stamp: datetime | None = None,
) -> bytes:
    """The .ics text (bytes, CRLF lines) of one invitation or cancellation."""
    cal = Calendar()
    cal.add("prodid", "-//Lotse//Termine//DE")
    cal.add("version", "2.0")
    cal.add("method", method)
    event = Event()
    event.add("uid", f"{uid}@{UID_DOMAIN}")
    event.add("sequence", sequence)
    event.add("dtstamp", (stamp or datetime.now(UTC)).astimezone(UTC))
    event.add("dtstart", starts_at.astimezone(UTC))
    event.add("dtend", ends_at.astimezone(UTC))
    event.add("summary", summary)
    event.add("status", "CANCELLED" if method == METHOD_CANCEL else "CONFIRMED")
    if location:
        event.add("location", location)
    if description:
        event.add("description", description)
    if url:
        event.add("url", url)
    if organizer_email:
        event["organizer"] = vCalAddress(f"mailto:{organizer_email}")
    for email in attendee_emails:
        attendee = vCalAddress(f"mailto:{email}")
        attendee.params["role"] = vText("REQ-PARTICIPANT")
        event.add("attendee", attendee, encode=0)
    cal.add_component(event)
    return cal.to_ical()
