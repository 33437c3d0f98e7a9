"""OpenAPI post-processing: what drf-spectacular cannot know from the code.

Errors come from one exception handler (articles.api.errors) with one shape, so they are
added here once for all operations. Reads take credentials but do not need them. Query
parameters may be empty (an empty filter is no filter, as in an HTML form), ids are
positive 64-bit integers, and yes/no filters are plain booleans.
"""

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
    "429": "Too many requests: wait for Retry-After seconds",
}


def document_errors(result, generator, request, public):
    result["components"].setdefault("schemas", {})["Error"] = ERROR
    for path, operations in result["paths"].items():
        for method, operation in operations.items():
            if method in ("get", "head") and operation.get("security"):
                operation["security"].append({})  # reading needs no credentials; they only widen what is seen
            codes = ["400", "429"]
            if "{" in path:
                codes.append("404")
            if method not in ("get", "head", "options"):
                codes += ["401", "403"]
            for code in codes:
                operation["responses"].setdefault(code, {
                    "description": REASONS[code],
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
                })
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "query":
                    _document_query_parameter(parameter)
    return result


def _document_query_parameter(parameter: dict) -> None:
    schema = parameter["schema"]
    parameter["allowEmptyValue"] = True
    if schema.get("type") == "integer" and parameter["name"] != "page_size":
        schema.update(minimum=1, maximum=MAX_ID)
    if schema.get("type") == "boolean":
        schema.pop("enum", None)  # the filter's choices are the strings "true" and "false"
