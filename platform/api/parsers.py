"""The API's parser (kept apart from rest.py: DRF's settings import it while rest.py loads DRF's views)."""

from __future__ import annotations

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser as _JSONParser


class JSONParser(_JSONParser):
    """DRF's, but JSON nested too deep ("[[[[…") is a 400 like any malformed body, not a 500."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError as exc:
            raise ParseError("JSON parse error - nested too deep") from exc
