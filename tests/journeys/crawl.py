"""A crawler that uses the app as a person does: it starts at `/app/` and follows only the links
and GET forms that pages show. What it reaches is what a person can find without being told a URL."""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from django.test import Client
from django.urls import Resolver404, resolve

START = "/app/"
# Pages of one kind (one URL name) visited at most this often: enough to find what hangs off
# them, few enough that a caseload of 40 people does not make 40 rounds of the same pages.
PER_VIEW = 10


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "a" and values.get("href"):
            self.hrefs.append(values["href"] or "")
        elif tag == "form" and (values.get("method") or "get").lower() == "get":
            self.hrefs.append(values.get("action") or "")


@dataclass
class Crawl:
    reached: set[str] = field(default_factory=set)  # URL names answered 200
    failures: dict[str, int] = field(default_factory=dict)  # path -> status >= 500
    pages: int = 0


def crawl(
    client: Client,
    *,
    start: str = START,
    scope: str = "/app/",
    limit: int = 600,
    on_page: Callable[[str, str], None] | None = None,
) -> Crawl:
    """Breadth-first over the pages a signed-in client is shown, inside ``scope``; ``on_page(path,
    html)`` sees every HTML page that answered 200."""
    result = Crawl()
    queue: deque[str] = deque([start])
    seen: set[str] = {start}
    per_view: Counter[str] = Counter()
    while queue and result.pages < limit:
        path = queue.popleft()
        try:
            match = resolve(urlsplit(path).path)
        except Resolver404:
            continue
        if per_view[match.view_name] >= PER_VIEW:
            continue
        per_view[match.view_name] += 1
        response = client.get(path)
        result.pages += 1
        if response.status_code >= 500:
            result.failures[path] = response.status_code
            continue
        if response.status_code != 200:
            continue
        result.reached.add(match.view_name)
        if "html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        if on_page is not None:
            on_page(path, html)
        parser = _Links()
        parser.feed(html)
        for href in parser.hrefs:
            target = urljoin(path, href)
            parts = urlsplit(target)
            if parts.scheme or parts.netloc or not parts.path.startswith(scope):
                continue
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            if target not in seen:
                seen.add(target)
                queue.append(target)
    return result
