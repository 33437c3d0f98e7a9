"""Paging: cursors on id for lists, offsets for ranked search results.

Lists are ordered by id and a cursor holds the last id seen, so walking every page returns
every object once, however long the walk takes and whatever is imported meanwhile (new
objects get higher ids and turn up on the last pages). There is no count and no cap.

A ranked search (`?search=`) is ordered by score, which has no stable position to hold: its
cursors hold an offset, its pages are at most MAX_SEARCH_PAGE, and its response also gives
`total`. The engine ranks in blocks of the newest matches, so following the next links
meets every match once, unless articles are imported meanwhile; to walk everything, use the
lists.
"""

from __future__ import annotations

import re
from base64 import b64decode, b64encode
from binascii import Error as Base64Error

from rest_framework.exceptions import ValidationError
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from articles.filtersets import MAX_ID
from articles.search.engine import MAX_LIMIT as MAX_SEARCH_PAGE

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 1000
CURSOR = "cursor"
PAGE_SIZE = "page_size"
_NUMBER = re.compile(r"[0-9]{1,19}")


def page_size(request, *, maximum: int) -> int:
    raw = request.query_params.get(PAGE_SIZE)
    if not raw:  # absent or empty, like every other parameter
        return min(DEFAULT_PAGE_SIZE, maximum)
    if not (_NUMBER.fullmatch(raw) and 1 <= int(raw) <= maximum):
        raise ValidationError({PAGE_SIZE: f"Must be a whole number from 1 to {maximum}."})
    return int(raw)


def _invalid_cursor(reason: str) -> ValidationError:
    return ValidationError({CURSOR: f"{reason}; use the next or previous link of a page as it is."})


def _decode(encoded: str) -> dict[str, str]:
    try:
        text = b64decode(encoded.encode("ascii"), validate=True).decode("ascii")
    except (UnicodeError, Base64Error):
        raise _invalid_cursor("Malformed cursor") from None
    tokens = dict(part.partition("=")[::2] for part in text.split("&") if part)
    if not all(_NUMBER.fullmatch(v) and int(v) <= MAX_ID for v in tokens.values()):
        raise _invalid_cursor("Malformed cursor")
    return tokens


def _encode(tokens: dict[str, int]) -> str:
    return b64encode("&".join(f"{k}={v}" for k, v in tokens.items()).encode("ascii")).decode("ascii")


class IdCursorPagination(CursorPagination):
    ordering = "id"
    page_size = DEFAULT_PAGE_SIZE
    max_page_size = MAX_PAGE_SIZE
    page_size_query_param = PAGE_SIZE
    offset_cutoff = 0  # ids are unique: a cursor never needs an offset

    def get_page_size(self, request):
        return page_size(request, maximum=self.max_page_size)

    def decode_cursor(self, request):
        encoded = request.query_params.get(CURSOR)
        if encoded is None:
            return None
        tokens = _decode(encoded)
        if "s" in tokens or not set(tokens) <= {"p", "r", "o"} or tokens.get("o", "0") != "0":
            raise _invalid_cursor("This cursor belongs to another list or to a search")
        return super().decode_cursor(request)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == PAGE_SIZE:
                parameter["schema"].update(minimum=1, maximum=self.max_page_size, default=self.page_size)
                parameter["description"] = f"Objects per page, 1 to {self.max_page_size}."
                if "search" in view.filterset_class.base_filters:  # OpenAPI cannot make a maximum depend on it
                    parameter["description"] += f" With `search`, 1 to {MAX_SEARCH_PAGE}: more is a 400."
            else:
                parameter["description"] = (
                    "Opaque: where the page starts, as the `next` or `previous` link of a page gives it. "
                    "Any other value is a 400."
                )
        return parameters


class ArticlePagination(IdCursorPagination):
    """The articles' lists: the same, and their schema says that a search adds `total`."""

    def get_paginated_response_schema(self, schema):
        response = super().get_paginated_response_schema(schema)
        response["properties"]["total"] = {
            "type": "integer",
            "description": "With search only: how many articles match.",
        }
        return response


class SearchPagination:
    """Offset pages over a ranked search; the cursor is opaque like the lists' cursors."""

    def window(self, request) -> tuple[int, int]:
        self.request = request
        self.limit = page_size(request, maximum=MAX_SEARCH_PAGE)
        encoded = request.query_params.get(CURSOR)
        tokens = _decode(encoded) if encoded is not None else {"s": "0"}
        if set(tokens) != {"s"}:
            raise _invalid_cursor("This cursor belongs to a list, not to a search")
        self.offset = int(tokens["s"])
        return self.limit, self.offset

    def _link(self, offset: int) -> str:
        url = self.request.build_absolute_uri()
        return replace_query_param(url, CURSOR, _encode({"s": offset})) if offset else remove_query_param(url, CURSOR)

    def response(self, data: list, *, total: int) -> Response:
        following = self.offset + self.limit
        return Response({
            "next": self._link(following) if following < total else None,
            "previous": self._link(max(0, self.offset - self.limit)) if self.offset else None,
            "total": total,
            "results": data,
        })
