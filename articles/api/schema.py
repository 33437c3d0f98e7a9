"""OpenAPI post-processing: what drf-spectacular cannot know from the code.

Errors come from one exception handler (articles.api.errors) with one shape, so they are
added here once for all operations, with the statuses each can answer. Reads take
credentials but do not need them. Query parameters may be empty (an empty filter is no
filter, as in an HTML form), ids are positive 64-bit integers, and yes/no filters are plain
booleans. Details carry an ETag and answer If-None-Match with a 304 (conditional GET); reads
and writes of one object take If-Match, and answer 412 when it names another version.
"""

from django.conf import settings

from articles.filtersets import MAX_ID

ERROR = {
    "type": "object",
    "required": ["status", "code", "message"],
    "properties": {
        "status": {"type": "integer"},
        "code": {"type": "string"},
        "message": {"type": "string"},
        "fields": {
            "type": "object",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
            "description": "Validation errors only: the messages for each parameter or field.",
        },
    },
}
REASONS = {
    "400": "Invalid parameters or body",
    "401": "Not authenticated (send a token: `Authorization: Token <key>`)",
    "403": "Not allowed: editors only",
    "404": "Not found, or not visible to you",
    "406": "Not acceptable: the API answers in JSON (or the browsable API's HTML)",
    "412": "If-Match names another ETag: the object has changed since that copy was read",
    "413": f"Body larger than {settings.DATA_UPLOAD_MAX_MEMORY_SIZE} bytes",
    "415": "Unsupported media type: the body must be JSON (Content-Type: application/json)",
    "429": "Too many requests: wait for Retry-After seconds",
    "503": "Busy: another writer holds the database (SQLite, during an import); nothing was changed, "
           "retry after Retry-After seconds",
}
ETAG = {"schema": {"type": "string"}, "description": "The object's version, for If-None-Match"}


def document_errors(result, generator, request, public):
    result["components"].setdefault("schemas", {})["Error"] = ERROR
    for path, operations in result["paths"].items():
        for method, operation in operations.items():
            if method in ("get", "head") and operation.get("security"):
                operation["security"].append({})  # reading needs no credentials; they only widen what is seen
            codes = ["400", "429"]
            if "application/json" in operation["responses"].get("200", {}).get("content", {}):
                codes.append("406")  # negotiated (the export is JSON Lines whatever the client accepts)
            if "{" in path:
                codes.append("404")
            if method not in ("get", "head", "options"):
                codes += ["401", "403", "503"]
            if "requestBody" in operation:
                codes += ["413", "415"]
            if "{" in path and method in ("get", "patch", "post"):  # a detail, its edit, a merge into it
                codes.append("412")
                _document_if_match(operation)
            if method == "get" and "{" in path:
                _document_conditional_get(operation)
            for code in codes:
                operation["responses"].setdefault(code, {
                    "description": REASONS[code],
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
                })
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "query":
                    _document_query_parameter(parameter)
    return result


def _document_if_match(operation: dict) -> None:
    operation.setdefault("parameters", []).append({
        "in": "header", "name": "If-Match", "required": False, "schema": {"type": "string"},
        "description": "The ETag of the copy you read (GET of the same URL, with the same `expand`): "
                       "412 if the object has changed since.",
    })


def _document_conditional_get(operation: dict) -> None:
    operation.setdefault("parameters", []).append({
        "in": "header", "name": "If-None-Match", "required": False, "schema": {"type": "string"},
        "description": "The ETag of the copy you hold: 304 while the object is unchanged.",
    })
    operation["responses"]["200"].setdefault("headers", {})["ETag"] = ETAG
    operation["responses"]["304"] = {"description": "Not modified: the copy named by If-None-Match is current",
                                     "headers": {"ETag": ETAG}}


def _document_query_parameter(parameter: dict) -> None:
    schema = parameter["schema"]
    parameter["allowEmptyValue"] = True
    if schema.get("type") == "integer" and parameter["name"] != "page_size":
        schema.update(minimum=1, maximum=MAX_ID)
    if schema.get("type") == "boolean":
        schema.pop("enum", None)  # the filter's choices are the strings "true" and "false"
