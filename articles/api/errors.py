"""Every API error as JSON, with its status and a message a person can act on:

    {"status": 400, "code": "invalid", "message": "page_size: Must be 1 to 1000.",
     "fields": {"page_size": ["Must be 1 to 1000."]}}

`fields` comes with validation errors only. Django's ValidationError (raised by the services)
becomes a 400 like DRF's, and Django's request limits (DATA_UPLOAD_MAX_MEMORY_SIZE,
DATA_UPLOAD_MAX_NUMBER_FIELDS) a 413 and a 400, a database another writer holds (SQLite, during
an import) a 503 with Retry-After; anything unexpected is logged and answered with a JSON 500.
Errors are JSON whatever the client accepts: the browsable API (text/html) and the schema's
YAML are for what was asked for, not for what went wrong.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.exceptions import DisallowedHost, PermissionDenied, RequestDataTooBig, TooManyFieldsSent
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.views import defaults
from rest_framework import exceptions, status
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from articles.busy import RETRY_AFTER, database_locked

logger = logging.getLogger(__name__)
GENERAL = "non_field_errors"


class RequestTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "request_too_large"


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = "The object has changed: its ETag is not the one in If-Match."
    default_code = "precondition_failed"


class Busy(exceptions.APIException):
    """SQLite lets one writer in at a time, and its busy timeout can run out while an import
    writes batch after batch: the client may simply retry, so a 503 with Retry-After, not a 500."""

    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = "The archive is busy writing (an import may be running); nothing was changed. Try again."
    default_code = "busy"
    wait = RETRY_AFTER  # seconds: DRF's handler sends it as Retry-After


def _messages(detail, prefix: str = "") -> list[str]:
    """Nested DRF error details as flat 'where: what' lines."""
    if isinstance(detail, dict):
        return [line for key, value in detail.items() for line in _messages(value, _join(prefix, key))]
    if isinstance(detail, list):
        return [line for item in detail for line in _messages(item, prefix)]
    return [f"{prefix}: {detail}" if prefix else str(detail)]


def _join(prefix: str, key) -> str:
    if key == GENERAL:
        return prefix
    if isinstance(key, int):
        return f"{prefix}[{key}]"
    return f"{prefix}.{key}" if prefix else str(key)


INTERNAL_ERROR = "Internal error; it has been logged."


# Django's own 400 and 500 (handler400, handler500: a Host it does not serve, an error in a
# middleware) come before or around any API view: JSON under /api/ too, the site's page elsewhere


def _under_api(request) -> bool:
    return request.path.startswith("/api/")


def bad_request(request, exception):
    if not _under_api(request):
        return defaults.bad_request(request, exception)
    message = ("The Host header names a host this server does not serve." if isinstance(exception, DisallowedHost)
               else "Bad request.")
    return JsonResponse({"status": 400, "code": "bad_request", "message": message}, status=400)


def server_error(request):
    if not _under_api(request):
        return defaults.server_error(request)
    return JsonResponse({"status": 500, "code": "error", "message": INTERNAL_ERROR}, status=500)


def exception_handler(exc, context):
    request = context.get("request")
    if request is not None:  # DRF's finalize_response renders the error with the request's renderer
        request.accepted_renderer, request.accepted_media_type = JSONRenderer(), JSONRenderer.media_type
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(as_serializer_error(exc))
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, RequestDataTooBig):
        exc = RequestTooLarge(f"The body is larger than {settings.DATA_UPLOAD_MAX_MEMORY_SIZE} bytes.")
    elif isinstance(exc, TooManyFieldsSent):
        exc = exceptions.ParseError(f"More than {settings.DATA_UPLOAD_MAX_NUMBER_FIELDS} query parameters.")
    elif database_locked(exc):
        exc = Busy()
    response = drf_exception_handler(exc, context)
    if response is None:
        logger.exception("API error in %s", context.get("view"), exc_info=exc)
        set_rollback()
        return Response(
            {"status": 500, "code": "error", "message": INTERNAL_ERROR},
            status=status.HTTP_500_INTERNAL_SERVER_ERROR,
        )
    body = {"status": response.status_code, "code": _code(exc), "message": "; ".join(_messages(exc.detail))}
    if isinstance(exc, exceptions.ValidationError):
        detail = exc.detail if isinstance(exc.detail, dict) else {GENERAL: exc.detail}
        body["fields"] = {key: _messages(value) for key, value in detail.items()}
    response.data = body
    return response


def _code(exc: exceptions.APIException) -> str:
    codes = exc.get_codes()
    return codes if isinstance(codes, str) else exc.default_code
