"""The OpenAPI schema and its docs, and schemathesis: requests generated from the schema
(valid and invalid ones, anonymous and as an editor) never get a 500 and match the schema;
the schema takes the bodies the server takes, and documents every status it answers."""

import json
import re

import pytest
import schemathesis
from django.conf import settings as django_settings
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, settings
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    positive_data_acceptance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from articles.models import Entity

pytestmark = pytest.mark.django_db

EXAMPLES_PER_OPERATION = 25


def test_schema_is_openapi_3_with_every_endpoint(anon):
    response = anon.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert set(schema["paths"]) == {
        "/api/v1/articles/", "/api/v1/articles/{id}/", "/api/v1/entities/", "/api/v1/entities/{id}/",
        "/api/v1/entities/{id}/merge/", "/api/v1/claims/", "/api/v1/claims/{id}/", "/api/v1/sources/",
        "/api/v1/sources/{id}/", "/api/v1/export/",
    }
    assert set(schema["paths"]["/api/v1/claims/{id}/"]) == {"get", "patch"}
    article_list = schema["components"]["schemas"]["ArticleList"]
    assert "body" in article_list["properties"] and "body" not in article_list["required"]
    assert "body" in schema["components"]["schemas"]["Article"]["required"]
    assert schema["components"]["securitySchemes"]["tokenAuth"]["type"] == "apiKey"


def test_docs_use_local_assets_only(anon):
    page = anon.get("/api/docs/").content.decode()
    # Every asset the page loads (src=, href=, and the quoted URLs its script passes on) is a
    # path on this server; a random token in the page must not decide the outcome.
    assets = re.findall(r'(?:src|href)\s*=\s*"([^"]+)"', page) + re.findall(r'"((?:https?:)?//[^"]+)"', page)
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in assets
    assert "/api/schema/" in page
    assert assets and all(url.startswith("/") and not url.startswith("//") for url in assets), assets


def served_schema():
    """The schema as /api/schema/ serves it (its generation reads no database, so it can be
    fetched while tests are collected); requests go to the WSGI application in-process, inside
    each test's transaction. (schemathesis.pytest.from_fixture does not run on pytest 9.)"""
    schema = schemathesis.openapi.from_dict(Client().get("/api/schema/", {"format": "json"}).json())
    schema.app = WSGIHandler()
    schema.config.generation.update(
        modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE], max_examples=EXAMPLES_PER_OPERATION,
    )
    return schema


generated = served_schema()


@pytest.fixture
def in_one_transaction():
    """Django's handler closes the database connection after a request outside a transaction
    it expects; the test client stops that, and so must a test that calls the WSGI app."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def no_throttling(settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK,
                               "DEFAULT_THROTTLE_RATES": {"anon": "100000/s", "user": "100000/s"}}


@generated.parametrize()
@settings(deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_generated_requests(case, archive, editor_token, no_throttling, in_one_transaction):
    # Every check but one: positive_data_acceptance counts any 400 to a schema-valid request
    # as a failure, and some rules cannot be put in a schema (search with updated_since,
    # search pages of at most 100, merging entities that exist and are not merged yet).
    unchecked = [positive_data_acceptance]
    case.call_and_validate(excluded_checks=unchecked)
    case.call_and_validate(headers={"Authorization": f"Token {editor_token}"}, excluded_checks=unchecked)


def test_write_bodies_are_valid_in_the_schema_exactly_when_the_server_takes_them(editor_client, archive):
    survivor, other = Entity.objects.get(name="OpenAI"), Entity.objects.get(name="ChatGPT")
    claim = archive.seed.claims.exclude(pk=archive.rejected.pk).last()
    writes = [
        ("/api/v1/claims/{id}/", "PATCH", claim.pk, {"status": "verified", "note": "確認済み"}),
        ("/api/v1/entities/{id}/", "PATCH", other.pk, {"kind": "product", "aliases": ["チャットGPT"]}),
        ("/api/v1/entities/{id}/merge/", "POST", survivor.pk, {"others": [other.pk]}),
    ]
    for template, method, pk, good in writes:
        body = generated[template][method].get_body_for_media_type("application/json")
        url = template.replace("{id}", str(pk))
        for extra in ({"unknown": 1}, {"id": pk}, {"merged_into": None}):
            assert not body.is_valid({**good, **extra}), (template, extra)
            response = editor_client.generic(method, url, json.dumps({**good, **extra}), content_type="application/json")
            assert response.status_code == 400 and "Unknown or read-only" in response.content.decode(), (url, extra)
        assert body.is_valid(good)
        assert editor_client.generic(method, url, json.dumps(good), content_type="application/json").status_code == 200


def test_list_parameters_document_the_rules_a_schema_cannot_express(anon, archive):
    articles = {p["name"]: p for p in generated["/api/v1/articles/"]["GET"].definition.raw["parameters"]}
    assert articles["page_size"]["schema"]["maximum"] == 1000
    assert "With `search`, 1 to 100: more is a 400" in articles["page_size"]["description"]
    assert anon.get("/api/v1/articles/", {"search": "東京", "page_size": 101}).status_code == 400
    assert anon.get("/api/v1/articles/", {"search": "東京", "page_size": 100}).status_code == 200
    claims = {p["name"]: p for p in generated["/api/v1/claims/"]["GET"].definition.raw["parameters"]}
    assert "search" not in claims["page_size"]["description"]
    assert claims["cursor"]["description"].startswith("Opaque")
    assert anon.get("/api/v1/claims/", {"cursor": "cD0x"}).status_code == 200  # "p=1", as a link gives it
    assert anon.get("/api/v1/claims/", {"cursor": "1"}).status_code == 400


def test_only_the_articles_lists_promise_a_total(anon, archive):
    def page_properties(path):
        response = generated[path]["GET"].definition.raw["responses"]["200"]["content"]["application/json"]
        return set(generated.raw_schema["components"]["schemas"][response["schema"]["$ref"].rsplit("/", 1)[1]][
            "properties"])

    assert "total" in page_properties("/api/v1/articles/")
    assert "total" in anon.get("/api/v1/articles/", {"search": "東京"}).json()
    for path in ("/api/v1/entities/", "/api/v1/claims/", "/api/v1/sources/"):
        assert "total" not in page_properties(path), path
        assert "total" not in anon.get(path).json()


def call(operation: str, method: str, *, pk=None, **request):
    """A request sent through the WSGI app, its response checked against the schema: its status
    is documented, and its body and headers are what the schema says for that status."""
    case = generated[operation][method].Case(path_parameters={"id": pk} if pk else None, **request)
    response = case.call()
    case.validate_response(response, checks=[status_code_conformance, content_type_conformance,
                                             response_schema_conformance, response_headers_conformance])
    return response


def test_statuses_the_server_answers_are_in_the_schema(archive, editor_token, in_one_transaction):
    editor = {"Authorization": f"Token {editor_token}"}
    claim = archive.seed.claims.exclude(pk=archive.rejected.pk).last()
    detail = call("/api/v1/claims/{id}/", "GET", pk=claim.pk)
    assert detail.status_code == 200 and detail.headers["etag"]
    etag = detail.headers["etag"][0]
    assert call("/api/v1/claims/{id}/", "GET", pk=claim.pk, headers={"If-None-Match": etag}).status_code == 304
    assert call("/api/v1/claims/{id}/", "GET", pk=claim.pk, headers={"If-Match": '"other"'}).status_code == 412
    for operation, pk in (("/api/v1/claims/", None), ("/api/v1/claims/{id}/", claim.pk)):
        assert call(operation, "GET", pk=pk, headers={"Accept": "text/csv"}).status_code == 406
    patch = {"pk": claim.pk, "headers": editor}
    assert call("/api/v1/claims/{id}/", "PATCH", **patch, body="status=verified",
                media_type="text/plain").status_code == 415
    too_large = {"note": "x" * django_settings.DATA_UPLOAD_MAX_MEMORY_SIZE}
    assert call("/api/v1/claims/{id}/", "PATCH", **patch, body=too_large).status_code == 413
    assert call("/api/v1/claims/{id}/", "PATCH", **patch, body={"status": "verified"}).status_code == 200
