"""The GDPR export as a readable document in the reader's language (beside the JSON download).

The JSON keeps every key as the apps wrote it; a person reads labels. Each app registers, with its
exporter, the labels of its keys and the words for its coded values (``register_labels``); keys it
marks hidden are technical (ESCO URIs, notice kinds) and stay in the JSON only. A key without a
label would show as code on an Arabic page: ``missing_labels`` lets a test fail on it.

Free text is shown in the language it was written in: an exporter that knows it puts it beside
the text as ``<key>_lang`` (``{"title": "Deutsch B1", "title_lang": "de"}``); the row then carries
that language (for ``lang=``) and the ``_lang`` key itself is no row of its own.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.utils import formats
from django.utils.translation import gettext as _

_labels: dict[str, Any] = {}
_values: dict[str, dict[str, Any]] = {}
_hidden: set[str] = set()


def register_labels(
    *, labels: dict[str, Any], values: dict[str, dict[str, Any]] | None = None, hidden: set[str] | None = None
) -> None:
    """``labels``: key → label; ``values``: key → {code: label}; ``hidden``: keys left out
    (a plain key everywhere, or "<part>.<key>" in one registered part only)."""
    _labels.update(labels)
    for key, words in (values or {}).items():
        _values.setdefault(key, {}).update(words)
    _hidden.update(hidden or set())


LANG_SUFFIX = "_lang"


def _is_language_of(key: str, data: dict[str, Any]) -> bool:
    """``key`` names the language of a sibling text (``title_lang`` beside ``title``)."""
    return key.endswith(LANG_SUFFIX) and key[: -len(LANG_SUFFIX)] in data


@dataclass
class Section:
    title: str
    # (label, value, language of the value if it is free text written in a known language, else "")
    rows: list[tuple[str, str, str]] = field(default_factory=list)
    children: list[Section] = field(default_factory=list)
    empty: bool = False


def _label(key: str) -> str:
    known = _labels.get(key)
    return str(known) if known is not None else key


def _value(key: str, value: Any) -> str:
    if value is None or value == "" or value == []:
        return "–"
    if isinstance(value, bool):
        return _("ja") if value else _("nein")
    if isinstance(value, list):
        return ", ".join(_value(key, item) for item in value)
    text = str(value)
    words = _values.get(key)
    if words and text in words:
        return str(words[text])
    return _date(text) or text


def _date(text: str) -> str:
    if len(text) < 10 or text[4] != "-" or text[7] != "-":
        return ""
    try:
        if len(text) == 10:
            return formats.date_format(datetime.date.fromisoformat(text), "SHORT_DATE_FORMAT")
        moment = datetime.datetime.fromisoformat(text)
    except ValueError:
        return ""
    return formats.date_format(moment, "SHORT_DATETIME_FORMAT")


def _scalar(value: Any) -> bool:
    return not isinstance(value, dict) and not (
        isinstance(value, list) and any(isinstance(item, (dict, list)) for item in value)
    )


def _is_hidden(part: str, key: str) -> bool:
    return key in _hidden or f"{part}.{key}" in _hidden


def _section(title: str, data: Any, part: str) -> Section:
    section = Section(title=title)
    if isinstance(data, dict):
        for key, value in data.items():
            if _is_hidden(part, key) or _is_language_of(key, data):
                continue
            if _scalar(value):
                written = data.get(f"{key}{LANG_SUFFIX}")
                shown = _value(key, value)
                lang = str(written) if written and isinstance(value, str) and value and shown == value else ""
                section.rows.append((_label(key), shown, lang))
            else:
                section.children.append(_section(_label(key), value, part))
    elif isinstance(data, list):
        if not data:
            section.empty = True
        for number, item in enumerate(data, start=1):
            if isinstance(item, dict):
                section.children.append(_section(f"{title} {number}", item, part))
            else:
                section.rows.append(("", _value("", item), ""))
    elif data is None:
        section.empty = True
    else:
        section.rows.append(("", _value("", data), ""))
    return section


def export_document(data: dict[str, Any]) -> list[Section]:
    """The export's parts as sections with labelled rows, in the active language."""
    return [_section(_label(name), part, name) for name, part in data.items() if name not in _hidden]


def missing_labels(data: Any, part: str = "") -> set[str]:
    """Keys of ``data`` (at any depth) that have no label and are not hidden."""
    missing: set[str] = set()
    if isinstance(data, dict):
        for key, value in data.items():
            if _is_hidden(part, key) or _is_language_of(key, data):
                continue
            if key not in _labels:
                missing.add(key)
            missing |= missing_labels(value, part or key)
    elif isinstance(data, list):
        for item in data:
            missing |= missing_labels(item, part)
    return missing


def model_words(*models: Any) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """Labels (verbose names) and coded values (choices) of the fields of ``models``."""
    labels: dict[str, Any] = {}
    values: dict[str, dict[str, Any]] = {}
    for model in models:
        for model_field in model._meta.get_fields():
            if not getattr(model_field, "concrete", False):
                continue
            labels.setdefault(model_field.name, model_field.verbose_name)
            if model_field.choices:
                values.setdefault(model_field.name, {}).update(
                    {str(code): word for code, word in model_field.flatchoices}
                )
    return labels, values
