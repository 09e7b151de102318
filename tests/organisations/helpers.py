"""Helpers of the organisations tests."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse
from django.utils import translation

from organisations import kept_page


def kept(client: Client, url: str) -> str:
    """The page asked for as a returning visitor does (a first visit, then the drawing kept); checks
    that it is kept now, so the next request for it is served only after its rows are checked."""
    before = len(kept_page._pages)
    client.get(url)
    body = client.get(url).content.decode()
    assert len(kept_page._pages) == before + 1, "the page was not kept"
    return body


def case_url(case, language: str = "de") -> str:
    """The case page's address in ``language``."""
    with translation.override(language):
        return reverse("candidates:case_detail", args=[case.pk])


def drawings(monkeypatch, module, name: str) -> list[int]:
    """A list that grows by one each time ``module.name`` (a page's drawing) runs."""
    counted: list[int] = []
    draw = getattr(module, name)

    def counting(*args, **kwargs):
        counted.append(1)
        return draw(*args, **kwargs)

    monkeypatch.setattr(module, name, counting)
    return counted
