"""The API's JSON parser: DRF's, except that a body nested too deep for Python's parser (a RecursionError,
which DRF would let through as a 500) is a 400 like any other malformed body."""

from collections.abc import Mapping
from typing import Any

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

MSG_TOO_DEEP = "JSON parse error - the body is nested too deeply."


class SafeJSONParser(JSONParser):
    def parse(self, stream: Any, media_type: str | None = None, parser_context: Mapping[str, Any] | None = None) -> Any:
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError as exc:
            raise ParseError(MSG_TOO_DEEP) from exc
