"""The OpenAPI schema and its docs, and schemathesis: requests generated from the schema
(valid and invalid ones, anonymous and as an editor) never get a 500 and match the schema."""

import re

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, settings
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

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
