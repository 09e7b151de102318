"""``{% fixed %}…{% endfixed %}``: markup that is the same for everyone of one language.

The base layout's header, language list and footer are the same bytes for every request in one
language (and sign-in state), yet rendering their translations, URLs and static paths cost about a
millisecond of every page. A fixed block is rendered once per process, language and sign-in state
and then reused.

Nothing from the request can reach that copy: the block is rendered against a context holding only
``LANGUAGE_CODE``, ``LOTSE_RTL``, ``LOTSE_LANGUAGES`` and ``signed_in``, so a variable of a request
(a name, a CSRF token, a path) renders empty in it rather than being shown to the next person.
"""

from __future__ import annotations

import weakref

from django import template
from django.conf import settings
from django.template.base import Node, NodeList, Parser, Token
from django.template.context import Context
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, get_language_bidi

register = template.Library()
_nodes: weakref.WeakSet[FixedNode] = weakref.WeakSet()


def forget_fixed() -> None:
    """Render every fixed block afresh on its next use (tests compare both renderings)."""
    for node in list(_nodes):
        node.rendered.clear()


class FixedNode(Node):
    def __init__(self, nodelist: NodeList) -> None:
        self.nodelist = nodelist
        self.rendered: dict[tuple[str, bool], SafeString] = {}  # (language, signed in): at most 2 × languages
        _nodes.add(self)

    def render(self, context: Context) -> SafeString:
        request = context.get("request")
        signed_in = bool(getattr(getattr(request, "user", None), "is_authenticated", False))
        key = (get_language(), signed_in)
        found = self.rendered.get(key)
        if found is None:
            fixed = Context(
                {
                    "LANGUAGE_CODE": key[0],
                    "LOTSE_RTL": get_language_bidi(),
                    "LOTSE_LANGUAGES": settings.LANGUAGES,
                    "signed_in": signed_in,
                },
                autoescape=context.autoescape,
            )
            fixed.template = context.template  # {% url %} and {% static %} need the engine, not the request
            found = self.rendered[key] = mark_safe(self.nodelist.render(fixed))  # noqa: S308 - rendered by the template engine
        return found


@register.tag("fixed")
def do_fixed(parser: Parser, token: Token) -> FixedNode:
    nodelist = parser.parse(("endfixed",))
    parser.delete_first_token()
    return FixedNode(nodelist)
