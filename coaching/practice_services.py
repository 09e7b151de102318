"""Writes of the practice shared between municipalities (issue 23 §4): a coordinator keeps the
municipality's templates (handover checklists, assessment guides, event formats, practice notes),
shares them with the other municipalities if they opt in, and imports another municipality's shared
template with one click to adapt it.

Nothing personal crosses: every text (title, description, each item) is checked when it is saved,
again when the template is shared and again when another municipality imports it (a person may have
become a candidate of the municipality since). Refused with a form error, the input kept: a first or
last name of any candidate of the municipality, an e-mail address, a telephone number, a candidate's
reference (``7KQ2M-9XD3A``) and a case or file number ("Fall 123", "Az. 4711")."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from candidates.models import REFERENCE_PATTERN, Candidate

from .barrier_services import EMAIL, name_parts
from .models import PracticeKind, PracticeTemplate

if TYPE_CHECKING:
    from accounts.models import User

MAX_ITEMS = 60
ITEM_LENGTH = 500
TITLE_LENGTH = 200
IMPORTED = " (übernommen)"

# Six digits or more, perhaps split by spaces, slashes, brackets or dashes, perhaps with "+":
# "0561 123456", "+49 (561) 12 34 56". Dates ("01.02.2026") and paragraph numbers stay allowed.
PHONE = re.compile(r"(?<!\w)\+?\(?\d(?:[\s/()\-]{0,2}\d){5,}")
REFERENCE = re.compile(rf"(?<!\w){REFERENCE_PATTERN}(?!\w)", flags=re.IGNORECASE)
# A number after a word for a case or file: "Fall 123", "Fallnummer: 88", "Az. 4711/22", "Akte #5".
CASE_NUMBER = re.compile(
    r"(?<!\w)(?:fall|fallnr|fallnummer|fall-nr|akte|aktenzeichen|az|vorgang|vorgangsnummer)\.?[\s:#\-]*\d",
    flags=re.IGNORECASE,
)
WORD = re.compile(r"\w+(?:['’]\w+)*")


def candidate_names(*, municipality_id: int) -> set[str]:
    """The first and last names of the municipality's candidates and their parts, lower-cased (one
    query; compared word by word with a text)."""
    names: set[str] = set()
    for first, last in Candidate.objects.filter(municipality_id=municipality_id).values_list(
        "first_name", "last_name"
    ):
        names.update(p.casefold() for p in name_parts(first, last) if len(p) >= 2)
    return names


def _named(text: str, names: set[str]) -> str:
    """The first word of ``text`` that is (a part of) a candidate's name, as written, or ""."""
    for match in WORD.findall(text):
        for word in (match, *re.findall(r"\w+", match)):
            if word.casefold() in names:
                return word
    return ""


def _is_reference(found: str) -> bool:
    """A match of the reference's shape is a reference when it has a digit (nearly every one has)
    or when a candidate holds exactly it: "ABEND-ESSEN" in capitals is left alone."""
    upper = found.upper()
    return any(c.isdigit() for c in upper) or Candidate.objects.filter(public_ref=upper).exists()


def personal_data_problem(*, text: str, names: set[str]) -> str:
    """Why ``text`` may not stand in a template that may be shared (a form error), or ""."""
    if not text:
        return ""
    named = _named(text, names)  # multi-word names are matched by their parts (name_parts)
    if named:
        return _(
            "Der Text enthält den Namen einer Person aus den Fällen der Kommune („%(name)s“). Bitte "
            "schreiben Sie ihn ohne Namen: geteilte Praxis enthält nichts Persönliches."
        ) % {"name": named}
    if EMAIL.search(text):
        return _("Der Text enthält eine E-Mail-Adresse. Bitte lassen Sie sie weg.")
    if PHONE.search(text):
        return _("Der Text enthält eine Telefonnummer oder eine lange Nummer. Bitte lassen Sie sie weg.")
    if any(_is_reference(m.group(0)) for m in REFERENCE.finditer(text)) or CASE_NUMBER.search(text):
        return _(
            "Der Text enthält die Referenz einer Klient*in oder eine Fall- oder Aktennummer. Bitte "
            "lassen Sie sie weg."
        )
    return ""


def clean_items(items: Iterable[str]) -> list[str]:
    """The items as stored: each on one line, blank ones dropped, the order kept."""
    return [" ".join(str(item).split()) for item in items if str(item).strip()]


def _check(*, municipality_id: int, kind: str, title: str, description: str, items: Sequence[str]) -> None:
    errors: dict[str, list[str]] = {}
    if kind not in PracticeKind.values:
        errors["kind"] = [_("Bitte wählen Sie eine Art der Vorlage.")]
    if not title:
        errors["title"] = [_("Bitte geben Sie einen Titel an.")]
    if len(items) > MAX_ITEMS:
        errors["items"] = [_("Höchstens %(n)s Punkte.") % {"n": MAX_ITEMS}]
    elif any(len(item) > ITEM_LENGTH for item in items):
        errors["items"] = [_("Ein Punkt hat höchstens %(n)s Zeichen.") % {"n": ITEM_LENGTH}]
    names = candidate_names(municipality_id=municipality_id)
    for field, text in (("title", title), ("description", description), ("items", "\n".join(items))):
        problem = personal_data_problem(text=text, names=names)
        if problem:
            errors.setdefault(field, []).append(problem)
    if errors:
        raise ValidationError(errors)


def _title_taken(*, municipality_id: int, title: str, exclude_pk: int | None = None) -> bool:
    found = PracticeTemplate.objects.filter(municipality_id=municipality_id, title__iexact=title)
    if exclude_pk:
        found = found.exclude(pk=exclude_pk)
    return found.exists()


TITLE_TAKEN = gettext_noop("Die Kommune hat schon eine Vorlage mit diesem Titel.")


def _save(template: PracticeTemplate, **kwargs) -> PracticeTemplate:
    """Save under the unique title constraint: a title taken in the meantime is a form error too."""
    try:
        with transaction.atomic():
            template.save(**kwargs)
    except IntegrityError as error:
        if "practicetemplate_unique_title" in str(error):
            raise ValidationError({"title": [_(TITLE_TAKEN)]}) from error
        raise
    return template


def practice_create(
    *,
    actor: User,
    municipality_id: int,
    kind: str,
    title: str,
    description: str = "",
    items: Iterable[str] = (),
) -> PracticeTemplate:
    """A new template of the municipality, not shared (sharing is a step of its own)."""
    title, description, items = title.strip(), description.strip(), clean_items(items)
    _check(municipality_id=municipality_id, kind=kind, title=title, description=description, items=items)
    if _title_taken(municipality_id=municipality_id, title=title):
        raise ValidationError({"title": [_(TITLE_TAKEN)]})
    return _save(
        PracticeTemplate(
            municipality_id=municipality_id,
            kind=kind,
            title=title,
            description=description,
            items=items,
            created_by=actor,
        )
    )


def practice_update(
    *,
    template: PracticeTemplate,
    actor: User,
    kind: str,
    title: str,
    description: str = "",
    items: Iterable[str] = (),
) -> PracticeTemplate:
    """Change a template; a shared one is seen changed by the other municipalities at once (the
    copies they imported stay as they are)."""
    title, description, items = title.strip(), description.strip(), clean_items(items)
    _check(
        municipality_id=template.municipality_id, kind=kind, title=title, description=description, items=items
    )
    if _title_taken(municipality_id=template.municipality_id, title=title, exclude_pk=template.pk):
        raise ValidationError({"title": [_(TITLE_TAKEN)]})
    template.kind, template.title, template.description, template.items = kind, title, description, items
    return _save(template, update_fields=["kind", "title", "description", "items", "updated_at"])


def _recheck(template: PracticeTemplate) -> None:
    """Before a template leaves its municipality: its texts against today's candidates."""
    try:
        _check(
            municipality_id=template.municipality_id,
            kind=template.kind,
            title=template.title,
            description=template.description,
            items=template.items,
        )
    except ValidationError as error:
        raise ValidationError(
            [
                _("Die Vorlage kann nicht geteilt werden: %(problem)s Bitte bearbeiten Sie sie zuerst.")
                % {"problem": " ".join(error.messages)}
            ]
        ) from error


def practice_share(*, template: PracticeTemplate, actor: User) -> PracticeTemplate:
    """Share the template with every other municipality (opt-in, once: sharing again keeps the first
    day). Its texts are checked again first."""
    if template.shared:
        return template
    _recheck(template)
    template.shared, template.shared_at = True, timezone.now()
    template.save(update_fields=["shared", "shared_at", "updated_at"])
    return template


def practice_unshare(*, template: PracticeTemplate, actor: User) -> PracticeTemplate:
    """Stop sharing: other municipalities no longer see it; the copies they made stay theirs."""
    if template.shared:
        template.shared, template.shared_at = False, None
        template.save(update_fields=["shared", "shared_at", "updated_at"])
    return template


def _free_title(*, municipality_id: int, title: str) -> str:
    """``title`` if the municipality has none like it, else with " (übernommen)", then numbered."""
    if not _title_taken(municipality_id=municipality_id, title=title):
        return title
    for n in range(1, 1000):
        suffix = IMPORTED if n == 1 else f" (übernommen {n})"
        candidate = title[: TITLE_LENGTH - len(suffix)] + suffix
        if not _title_taken(municipality_id=municipality_id, title=candidate):
            return candidate
    raise ValidationError({"title": [_(TITLE_TAKEN)]})


@transaction.atomic
def practice_import(*, source: PracticeTemplate, actor: User, municipality_id: int) -> PracticeTemplate:
    """Copy a template another municipality shares into ``municipality_id``: the same kind, text and
    items, a free title, not shared, the source and its municipality's name recorded."""
    if not source.shared or source.municipality_id == municipality_id:
        raise ValidationError(_("Nur Vorlagen, die andere Kommunen teilen, lassen sich übernehmen."))
    _recheck(source)
    copy = PracticeTemplate(
        municipality_id=municipality_id,
        kind=source.kind,
        title=_free_title(municipality_id=municipality_id, title=source.title),
        description=source.description,
        items=list(source.items),
        source=source,
        source_municipality_name=source.municipality.name,
        created_by=actor,
    )
    return _save(copy)
