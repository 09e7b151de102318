"""The kinds of notice. Each app registers its own kinds in ``AppConfig.ready`` with a lazy German
title that is addressed to the reader's role (a candidate reads "Sie", a case manager reads "eine
Person aus Ihrer Fallverantwortung"): one audience, one kind.

``detail`` turns a notice's small, non-personal ``params`` into a line of text; it runs when the
notice is shown, under the reader's language, so choices and dates come out in it. E-mail says
less than the signed-in page: only ``mail_detail`` (e.g. a date) goes into a mail, never the
business or the placement — a mail box is not behind our login.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise


@dataclass(frozen=True)
class Kind:
    key: str
    title: str | Promise
    detail: Callable[[dict[str, Any]], str] | None = None
    mail_detail: Callable[[dict[str, Any]], str] | None = None


_kinds: dict[str, Kind] = {}


def register(
    key: str,
    title: str | Promise,
    *,
    detail: Callable[[dict[str, Any]], str] | None = None,
    mail_detail: Callable[[dict[str, Any]], str] | None = None,
) -> Kind:
    """Register (or re-register, e.g. after a reload) one kind of notice."""
    kind = Kind(key=key, title=title, detail=detail, mail_detail=mail_detail)
    _kinds[key] = kind
    return kind


def get(key: str) -> Kind | None:
    return _kinds.get(key)


def is_registered(key: str) -> bool:
    return key in _kinds


def kind_keys() -> list[str]:
    return sorted(_kinds)


def show_date(value: str) -> str:
    """An ISO date from ``params`` in the active language's short format."""
    from datetime import date

    from django.utils.formats import date_format

    return date_format(date.fromisoformat(value), "SHORT_DATE_FORMAT")


def show_datetime(value: str) -> str:
    """An ISO date and time from ``params`` in local time and the active language's format."""
    from datetime import datetime

    from django.utils import timezone
    from django.utils.formats import date_format

    moment = datetime.fromisoformat(value)
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return date_format(moment, "SHORT_DATETIME_FORMAT")
