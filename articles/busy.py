"""A request SQLite cannot serve before its busy timeout runs out (another writer holds the
database: an import writes batch after batch) is a 503 with Retry-After, on the site and in the
admin as in the API (articles.api.errors.Busy), not a 500: the client may simply retry. Editors'
edits and actions go through atomic services, so the one refused is rolled back whole; an
upload keeps the batches it stored before, and its retry finds them unchanged."""

from django.db import OperationalError
from django.http import HttpResponse
from django.template import loader

RETRY_AFTER = 5  # seconds


def database_locked(exc: BaseException) -> bool:
    return isinstance(exc, OperationalError) and "database is locked" in str(exc)


class BusyDatabaseMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not database_locked(exception):
            return None
        response = HttpResponse(loader.render_to_string("503.html"), status=503)
        response["Retry-After"] = str(RETRY_AFTER)
        return response
