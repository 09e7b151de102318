"""Writes for the website: the home page, event registrations, the chambers' editorial groups.

The migration 0002 makes the first home page; ``home_page_ensure`` does the same for a database
that lost it (a test flush, a wiped demo) and is safe to call repeatedly.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core import signing
from django.core.mail import EmailMessage, send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from wagtail.models import (
    Collection,
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    Locale,
    Page,
    Site,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

from accounts.roles import Role
from organisations.models import Membership, OrganisationKind
from outbox.services import enqueue

from .models import ChamberGroups, ChamberSectionPage, EventPage, EventRegistration, HomePage

logger = logging.getLogger(__name__)

CONTENT_LOCALES = ("de", "en", "ar", "uk", "fa")
HOME_TITLE = "Lotse – Arbeit und Ausbildung für Geflüchtete"


@transaction.atomic
def home_page_ensure() -> HomePage:
    """The German home page as the default site's root, creating locales, page and site if missing
    (and Wagtail's root collection: a database flushed after a transactional test has none)."""
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")
    for code in CONTENT_LOCALES:
        Locale.objects.get_or_create(language_code=code)
    german = Locale.objects.get(language_code="de")

    home = HomePage.objects.filter(locale=german).first()
    if home is None:
        root = Page.get_first_root_node()
        if root is None:
            root = Page.add_root(title="Root", slug="root", locale=german)
        home = root.add_child(
            instance=HomePage(
                title=HOME_TITLE,
                slug="home",
                locale=german,
                lead=(
                    "Lotse bringt zusammen, wer in der Kommune Geflüchtete auf dem Weg in Arbeit "
                    "und Ausbildung begleitet."
                ),
            )
        )
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(
            hostname="localhost", port=80, root_page=home, is_default_site=True, site_name="Lotse"
        )
    elif site.root_page_id != home.pk:
        site.root_page = home
        site.save(update_fields=["root_page"])
    return home


# --- event registration ------------------------------------------------------------------------


class RegistrationRefused(Exception):
    """A registration the event cannot take; ``field`` is the form field the message belongs to."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


def _duplicate_message() -> str:
    return _(
        "Mit dieser E-Mail-Adresse ist bereits eine Anmeldung für diese Veranstaltung eingegangen. "
        "Wenn Sie etwas ändern möchten, schreiben Sie bitte den Veranstalter*innen."
    )


def _organisation_duplicate_message() -> str:
    return _("Ihre Organisation ist für diese Veranstaltung bereits angemeldet.")


@transaction.atomic
def event_registration_create(
    *,
    event: EventPage,
    name: str,
    email: str,
    organisation: str = "",
    people: int = 1,
    consent: bool,
    registered_by=None,
    now=None,
) -> EventRegistration:
    """Store a registration if the event still takes it; tell the organiser once it is committed.

    The event row is locked (PostgreSQL) so that two registrations for the last seats cannot
    both pass the capacity check. ``registered_by`` is the organisation that registers itself
    (the API): one registration per event and organisation (a constraint besides this check).
    """
    if not consent:
        raise RegistrationRefused(
            _("Ohne Ihre Einwilligung können wir die Anmeldung nicht speichern."), "consent"
        )
    now = now or timezone.now()
    locked = EventPage.objects.select_for_update(of=("self",)).get(pk=event.pk)
    if not locked.registration_open:
        raise RegistrationRefused(_("Für diese Veranstaltung ist keine Anmeldung über Lotse möglich."))
    if now >= locked.closes_at:
        closes = formats.date_format(timezone.localtime(locked.closes_at), "DATETIME_FORMAT")
        raise RegistrationRefused(
            _("Die Anmeldung ist geschlossen (Anmeldeschluss: %(closes)s).") % {"closes": closes}
        )
    email = email.strip().lower()
    if (
        registered_by is not None
        and EventRegistration.objects.filter(event=locked, registered_by=registered_by).exists()
    ):
        raise RegistrationRefused(_organisation_duplicate_message())
    if EventRegistration.objects.filter(event=locked, email=email).exists():
        raise RegistrationRefused(_duplicate_message(), "email")
    if locked.capacity is not None:
        left = locked.seats_left()
        if left <= 0:
            raise RegistrationRefused(_("Die Veranstaltung ist leider ausgebucht."))
        if people > left:
            raise RegistrationRefused(
                _("Es sind nur noch %(left)s Plätze frei. Bitte melden Sie höchstens so viele Personen an.")
                % {"left": left},
                "people",
            )
    try:
        with transaction.atomic():
            registration = EventRegistration.objects.create(
                event=locked,
                name=name.strip(),
                email=email,
                organisation=organisation.strip(),
                people=people,
                consent_at=now,
                registered_by=registered_by,
            )
    except IntegrityError as exc:  # the same e-mail (or organisation) raced in from a second request
        if registered_by is not None and "organisation" in str(exc):
            raise RegistrationRefused(_organisation_duplicate_message()) from exc
        raise RegistrationRefused(_duplicate_message(), "email") from exc

    from . import tasks  # tasks imports this module

    enqueue(tasks.notify_event_organiser, registration.pk)
    enqueue(tasks.confirm_event_registration, registration.pk, translation.get_language() or "de")
    return registration


# The cancellation link: the registration's id signed with this salt (django.core.signing, keyed
# by SECRET_KEY), so that nobody cancels someone else's seat by counting ids.
CANCEL_SALT = "lotse.cms.event-registration-cancel"


def registration_cancel_token(registration: EventRegistration) -> str:
    # The e-mail is signed along: a token stays bound to the person it was sent to.
    return signing.dumps({"r": registration.pk, "e": registration.email}, salt=CANCEL_SALT, compress=True)


def registration_for_token(token: str) -> EventRegistration | None:
    """The registration a cancellation token names, or None (tampered, or already cancelled)."""
    try:
        data = signing.loads(token, salt=CANCEL_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict):
        return None
    return (
        EventRegistration.objects.select_related("event")
        .filter(pk=data.get("r"), email=data.get("e"))
        .first()
    )


def registration_ics(registration: EventRegistration) -> bytes:
    """The event as an iCalendar file (RFC 5545) for the visitor's calendar."""
    from icalendar import Calendar, Event

    event = registration.event
    calendar = Calendar()
    calendar.add("prodid", "-//Lotse//Veranstaltungen//DE")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    entry = Event()
    entry.add("uid", f"event-{event.pk}-registration-{registration.pk}@lotse")
    entry.add("dtstamp", timezone.now())
    start = event.start.replace(microsecond=0)
    entry.add("dtstart", start)
    entry.add("dtend", event.end.replace(microsecond=0) if event.end else start + timedelta(hours=2))
    entry.add("summary", event.title)
    entry.add("location", ", ".join(part for part in [event.place, " ".join(event.address.split())] if part))
    if event.intro:
        entry.add("description", event.intro)
    if event.full_url:  # absolute from the one configured base URL, like every link in a mail
        entry.add("url", settings.WAGTAILADMIN_BASE_URL.rstrip("/") + urlsplit(event.full_url).path)
    calendar.add_component(entry)
    return calendar.to_ical()


def event_registration_confirm(*, registration_id: int, language: str = "de") -> bool:
    """E-mail the visitor: what they registered for, the event as .ics, and how to cancel."""
    registration = EventRegistration.objects.select_related("event").filter(pk=registration_id).first()
    if registration is None:
        return False
    event = registration.event
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    with translation.override(language):
        cancel_url = settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse(
            "cms:registration_cancel", args=[registration_cancel_token(registration)]
        )
        start = formats.date_format(timezone.localtime(event.start), "DATETIME_FORMAT")
        lines = [
            _("Guten Tag %(name)s,") % {"name": registration.name},
            "",
            _("Sie sind angemeldet für „%(title)s“ am %(start)s.") % {"title": event.title, "start": start},
            _("Ort: %(place)s") % {"place": ", ".join(p for p in [event.place, event.address] if p)},
            _("Personen: %(people)s") % {"people": registration.people},
            "",
            _("Den Termin für Ihren Kalender finden Sie im Anhang."),
            _(
                "Falls Sie nicht kommen können, melden Sie sich bitte hier ab, damit jemand anderes den Platz bekommt:"
            ),
            cancel_url,
            "",
            _("Ihr Lotse-Team"),
        ]
        message = EmailMessage(
            subject=f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}"
            + _("Anmeldung bestätigt: %(title)s") % {"title": event.title},
            body="\n".join(lines),
            to=[registration.email],
        )
    message.attach(
        "veranstaltung.ics", registration_ics(registration), "text/calendar; charset=utf-8; method=PUBLISH"
    )
    message.send()
    return True


def event_registration_cancel(*, registration: EventRegistration, now=None) -> EventRegistration:
    """Cancel before the start: the row goes, and with it the seats it held (seats are counted live)."""
    now = now or timezone.now()
    with transaction.atomic():
        EventPage.objects.select_for_update(of=("self",)).get(pk=registration.event_id)
        if now >= registration.event.start:
            raise RegistrationRefused(
                _("Die Veranstaltung hat schon begonnen; eine Abmeldung ist nicht mehr nötig.")
            )
        EventRegistration.objects.filter(pk=registration.pk).delete()
    return registration


def event_registration_notify(*, registration_id: int) -> bool:
    """E-mail the organiser about one registration, once. False when there was nothing to send."""
    registration = EventRegistration.objects.select_related("event").filter(pk=registration_id).first()
    if registration is None or registration.organiser_notified_at is not None:
        return False
    event = registration.event
    start = formats.date_format(timezone.localtime(event.start), "DATETIME_FORMAT")
    left = event.seats_left()
    lines = [
        _("Neue Anmeldung für „%(title)s“ am %(start)s:") % {"title": event.title, "start": start},
        "",
        f"{_('Name')}: {registration.name}",
        f"{_('E-Mail')}: {registration.email}",
        f"{_('Betrieb oder Organisation')}: {registration.organisation or '–'}",
        f"{_('Personen')}: {registration.people}",
        "",
        _("Anmeldungen insgesamt: %(count)s Personen") % {"count": event.seats_taken()},
    ]
    if left is not None:
        lines.append(_("Freie Plätze: %(left)s") % {"left": left})
    send_mail(
        subject=_("[Lotse] Neue Anmeldung: %(title)s") % {"title": event.title},
        message="\n".join(lines),
        from_email=None,
        recipient_list=[event.organiser_email],
    )
    EventRegistration.objects.filter(pk=registration.pk).update(organiser_notified_at=timezone.now())
    return True


# --- chamber sections: groups, page permissions, moderation workflow ----------------------------

EDITOR_PAGE_PERMISSIONS = ("add_page", "change_page")
LEAD_PAGE_PERMISSIONS = ("add_page", "change_page", "publish_page", "lock_page", "unlock_page")
IMAGE_PERMISSIONS = ("add_image", "choose_image")
DOCUMENT_PERMISSIONS = ("add_document", "choose_document")


def _permission(app_label: str, codename: str) -> Permission:
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def _grant_group(group: Group, *, section: Page, page_permissions: tuple[str, ...]) -> None:
    group.permissions.add(_permission("wagtailadmin", "access_admin"))
    for codename in page_permissions:
        GroupPagePermission.objects.get_or_create(
            group=group, page=section, permission=_permission("wagtailcore", codename)
        )
    root_collection = Collection.get_first_root_node()
    for app_label, codenames in (("wagtailimages", IMAGE_PERMISSIONS), ("wagtaildocs", DOCUMENT_PERMISSIONS)):
        for codename in codenames:
            GroupCollectionPermission.objects.get_or_create(
                group=group, collection=root_collection, permission=_permission(app_label, codename)
            )


@dataclass
class ChamberGroupNames:
    editors: str
    leads: str
    workflow: str
    task: str


def chamber_group_names(organisation) -> ChamberGroupNames:
    return ChamberGroupNames(
        editors=f"{organisation.name} Redaktion",
        leads=f"{organisation.name} Leitung",
        workflow=f"{organisation.name}: Freigabe",
        task=f"{organisation.name}: Freigabe durch die Leitung",
    )


@transaction.atomic
def chamber_section_setup(*, section: ChamberSectionPage) -> ChamberGroups:
    """Make (or repair) the chamber's two groups, their rights on the section and its workflow.

    Redaktion may add and edit pages in the section and submit them for moderation; Leitung may
    also publish and is the group that approves the workflow's single task. Idempotent.
    """
    organisation = section.organisation
    if organisation is None:
        raise ValueError("A chamber section needs its chamber organisation.")
    names = chamber_group_names(organisation)
    existing = (
        ChamberGroups.objects.filter(organisation=organisation).select_related("editors", "leads").first()
    )
    editors = existing.editors if existing else Group.objects.get_or_create(name=names.editors)[0]
    leads = existing.leads if existing else Group.objects.get_or_create(name=names.leads)[0]

    if existing and existing.section_id != section.pk:
        # The chamber moved to another section page: take the rights off the old one.
        GroupPagePermission.objects.filter(group__in=[editors, leads], page_id=existing.section_id).delete()
    _grant_group(editors, section=section, page_permissions=EDITOR_PAGE_PERMISSIONS)
    _grant_group(leads, section=section, page_permissions=LEAD_PAGE_PERMISSIONS)

    workflow = existing.workflow if existing else Workflow.objects.get_or_create(name=names.workflow)[0]
    if not workflow.active:
        workflow.active = True
        workflow.save(update_fields=["active"])
    task = GroupApprovalTask.objects.filter(name=names.task).first()
    if task is None:
        task = GroupApprovalTask.objects.create(name=names.task)
    task.groups.set([leads])
    if not WorkflowTask.objects.filter(workflow=workflow, task=task).exists():
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    WorkflowPage.objects.update_or_create(page=section, defaults={"workflow": workflow})

    groups, _created = ChamberGroups.objects.update_or_create(
        organisation=organisation,
        defaults={"section": section, "editors": editors, "leads": leads, "workflow": workflow},
    )
    for membership in Membership.objects.filter(organisation=organisation, role=Role.CHAMBER_EDITOR):
        chamber_editor_sync(user=membership.user)
    return groups


def chamber_editor_sync(*, user) -> set[int]:
    """Put ``user`` into exactly the chamber groups their active chamber-editor memberships call for.

    A lead editor (``is_lead``) joins the chamber's Leitung, everyone else its Redaktion. Groups
    of chambers the user no longer edits for are taken away. Returns the chamber group ids kept.
    """
    all_groups = list(ChamberGroups.objects.all())
    managed = {group_id for groups in all_groups for group_id in groups.group_ids}
    memberships = Membership.objects.filter(
        user=user, role=Role.CHAMBER_EDITOR, is_active=True, organisation__kind=OrganisationKind.CHAMBER
    )
    by_organisation = {groups.organisation_id: groups for groups in all_groups}
    wanted: set[int] = set()
    for membership in memberships:
        groups = by_organisation.get(membership.organisation_id)
        if groups is not None:
            wanted.add(groups.leads_id if membership.is_lead else groups.editors_id)
    current = set(user.groups.filter(pk__in=managed).values_list("pk", flat=True))
    if current - wanted:
        user.groups.remove(*(current - wanted))
    if wanted - current:
        user.groups.add(*(wanted - current))
    return wanted
