"""Errors are JSON with a status, a code and a message: unknown addresses and parameters,
throttling (429 with Retry-After), and nothing a client sends gives a 500."""

import json

import pytest
from django.test import override_settings
from django.urls import reverse

pytestmark = pytest.mark.django_db

SLOW = {"anon": "3/minute", "user": "5/minute"}


def throttled(rates: dict):
    from django.conf import settings

    return override_settings(REST_FRAMEWORK={**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates})


@pytest.mark.parametrize("url", ["/api/v1/nothing/", "/api/v1/articles", "/api/v1/articles/abc/",
                                 "/api/v1/articles/9999999999999999999999/", "/api/v2/articles/"])
def test_unknown_addresses_are_json_404(anon, url):
    response = anon.get(url)
    assert response.status_code == 404 and response["Content-Type"] == "application/json"
    assert response.json()["code"] == "not_found" and response.json()["message"]


def test_missing_objects_are_json_404(anon, archive):
    response = anon.get("/api/v1/entities/99999/")
    assert response.status_code == 404 and response.json() == {"status": 404, "code": "not_found",
                                                                "message": response.json()["message"]}


def test_unknown_query_parameters_are_400_listing_the_known_ones(anon, archive):
    response = anon.get("/api/v1/claims/", {"statuss": "verified"})
    assert response.status_code == 400
    assert "status" in response.json()["fields"]["statuss"][0]
    assert anon.get("/api/v1/claims/1/", {"page_size": 3}).status_code == 400  # details take no list parameters
    assert anon.get("/api/v1/export/", {"since": "x"}).status_code == 400
    assert anon.get("/api/v1/claims/", {"format": "json"}).status_code == 200


def test_anonymous_clients_are_throttled_with_retry_after(anon, archive):
    with throttled(SLOW):
        statuses = [anon.get("/api/v1/sources/").status_code for _ in range(4)]
        assert statuses == [200, 200, 200, 429]
        response = anon.get("/api/v1/articles/")
        assert response.status_code == 429 and int(response["Retry-After"]) > 0
        assert response.json()["code"] == "throttled"


def test_authenticated_clients_have_their_own_rate(editor_client, anon, archive):
    with throttled(SLOW):
        assert [editor_client.get("/api/v1/sources/").status_code for _ in range(6)] == [200] * 5 + [429]
        assert anon.get("/api/v1/sources/").status_code == 200  # counted apart


def test_forwarded_for_does_not_evade_the_anonymous_rate(anon, archive):
    with throttled(SLOW):
        statuses = [anon.get("/api/v1/sources/", HTTP_X_FORWARDED_FOR=f"10.0.0.{i}").status_code for i in range(4)]
        assert statuses[-1] == 429


def test_services_validation_errors_are_400_not_500(editor_client, archive):
    from articles.models import Entity

    entity = Entity.objects.get(name="OpenAI")
    response = editor_client.patch(f"/api/v1/entities/{entity.pk}/", {"name": "\u3000"}, format="json")
    assert response.status_code == 400 and response.json()["fields"]


def test_unexpected_errors_are_json_500(anon, archive, monkeypatch):
    from articles.api import views

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(views.SourceViewSet, "get_queryset", broken)
    response = anon.get("/api/v1/sources/")
    assert response.status_code == 500 and response.json()["code"] == "error" and "boom" not in response.json()["message"]


def test_not_acceptable_and_unsupported_media_types(editor_client, archive):
    assert editor_client.get("/api/v1/sources/", HTTP_ACCEPT="text/csv").status_code == 406
    claim = archive.seed.claims.last()
    response = editor_client.generic("PATCH", f"/api/v1/claims/{claim.pk}/", "status=verified",
                                     content_type="text/plain")
    assert response.status_code == 415 and response.json()["code"] == "unsupported_media_type"


def test_api_root_lists_the_endpoints(anon):
    body = anon.get(reverse("api:api-root")).json()
    assert set(body) == {"articles", "entities", "claims", "sources"}


def test_options_and_head_answer_without_a_body_error(editor_client, anon, archive):
    for client in (anon, editor_client):
        assert client.options("/api/v1/claims/").status_code == 200
        assert client.options(f"/api/v1/claims/{archive.seed.claims.last().pk}/").status_code == 200
        assert client.head("/api/v1/articles/").status_code == 200


def test_json_nested_too_deeply_is_a_400_parse_error(editor_client, archive):
    from articles.models import EntityMerge

    deep = b'{"others": ' + b"[" * 5000 + b"]" * 5000 + b"}"
    survivor, claim = archive.seed.mentions.first().entity, archive.seed.claims.last()
    for method, url in (("POST", f"/api/v1/entities/{survivor.pk}/merge/"), ("PATCH", f"/api/v1/claims/{claim.pk}/")):
        response = editor_client.generic(method, url, deep, content_type="application/json")
        assert response.status_code == 400 and response.json()["code"] == "parse_error", (url, response.content)
        assert "deep" in response.json()["message"]
    assert not EntityMerge.objects.exists() and claim.history.count() == 0
    response = editor_client.patch(f"/api/v1/claims/{claim.pk}/", {"note": [[["浅い"]]]}, format="json")
    assert response.status_code == 400 and "note" in response.json()["fields"]  # shallow nesting: the field's error


def test_bodies_over_the_upload_limit_are_413(editor_client, archive, settings):
    from articles.models import EntityMerge

    survivor, claim = archive.seed.mentions.first().entity, archive.seed.claims.last()
    big = b'{"note": "' + b"x" * settings.DATA_UPLOAD_MAX_MEMORY_SIZE + b'"}'
    for method, url in (("POST", f"/api/v1/entities/{survivor.pk}/merge/"), ("PATCH", f"/api/v1/claims/{claim.pk}/")):
        response = editor_client.generic(method, url, big, content_type="application/json")
        assert response.status_code == 413 and response["Content-Type"] == "application/json", url
        body = response.json()
        assert body["status"] == 413 and body["code"] == "request_too_large"
        assert str(settings.DATA_UPLOAD_MAX_MEMORY_SIZE) in body["message"]
    assert not EntityMerge.objects.exists() and claim.history.count() == 0
    assert editor_client.patch(f"/api/v1/claims/{claim.pk}/", {"note": "x"}, format="json").status_code == 200


def test_more_query_parameters_than_django_parses_are_400(anon, archive, settings):
    many = "&".join(["entity=1"] * (settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1))
    response = anon.get(f"/api/v1/articles/?{many}")
    assert response.status_code == 400 and response.json()["code"] == "parse_error", response.content
    assert "parameters" in response.json()["message"]


@pytest.mark.parametrize(("url", "status"), [
    ("/api/v1/articles/?page_size=0", 400),
    ("/api/v1/articles/999999/", 404),
    ("/api/v1/articles/?format=api&page_size=0", 400),
    ("/api/v1/claims/?speaker=x", 400),
    ("/api/docs/?format=xml", 404),
    ("/api/schema/?format=xml", 404),
])
def test_errors_are_json_whatever_the_client_accepts(anon, archive, url, status):
    for accept in ("text/html", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"):
        response = anon.get(url, HTTP_ACCEPT=accept)
        assert response.status_code == status and response["Content-Type"] == "application/json", (url, accept)
        assert response.json()["status"] == status and response.json()["message"]


def test_writes_and_throttling_errors_are_json_for_browsers(editor_client, anon, archive):
    claim = archive.seed.claims.last()
    responses = [
        anon.patch(f"/api/v1/claims/{claim.pk}/", {"note": "x"}, format="json", HTTP_ACCEPT="text/html"),
        editor_client.patch(f"/api/v1/claims/{claim.pk}/", {"status": "x"}, format="json", HTTP_ACCEPT="text/html"),
        editor_client.delete(f"/api/v1/claims/{claim.pk}/", HTTP_ACCEPT="text/html"),
    ]
    with throttled({"anon": "1/minute", "user": "1/minute"}):
        responses += [anon.get("/api/v1/sources/", HTTP_ACCEPT="text/html") for _ in range(2)][1:]
    assert [r.status_code for r in responses] == [401, 400, 405, 429]
    assert all(r["Content-Type"] == "application/json" and r.json()["code"] for r in responses)
    assert editor_client.get(f"/api/v1/claims/{claim.pk}/", HTTP_ACCEPT="text/html")["Content-Type"].startswith(
        "text/html")  # what succeeds is still the browsable API


def test_a_failed_if_match_is_a_json_412(anon, archive):
    url = f"/api/v1/articles/{archive.seed.pk}/"
    etag = anon.get(url)["ETag"]
    assert anon.get(url, HTTP_IF_MATCH=etag).status_code == 200
    response = anon.get(url, HTTP_IF_MATCH='"another"', HTTP_ACCEPT="text/html")
    assert response.status_code == 412 and response["Content-Type"] == "application/json"
    assert response.json()["code"] == "precondition_failed"


def test_a_host_the_server_does_not_serve_is_a_json_400_under_the_api(anon, client):
    response = anon.get("/api/v1/articles/", HTTP_HOST="evil.example")
    assert response.status_code == 400 and response["Content-Type"] == "application/json"
    assert response.json() == {"status": 400, "code": "bad_request",
                               "message": "The Host header names a host this server does not serve."}
    page = client.get("/", HTTP_HOST="evil.example")  # the site keeps its page
    assert page.status_code == 400 and page["Content-Type"].startswith("text/html")


def test_djangos_own_500_is_json_under_the_api(rf):
    from articles.api.errors import server_error

    response = server_error(rf.get("/api/v1/articles/"))
    assert response.status_code == 500 and json.loads(response.content)["code"] == "error"
    assert server_error(rf.get("/")).content.lower().startswith(b"<!doctype html>")


def test_ids_past_the_largest_stored_are_a_plain_404(anon, archive):
    for digits in ("9223372036854775808", "1" * 30):  # 2**63, and more digits than any id has
        response = anon.get(f"/api/v1/articles/{digits}/")
        assert response.status_code == 404 and response.json()["message"] == "見つかりませんでした。", digits
    assert anon.get(f"/api/v1/entities/{'1' * 31}/").json()["message"].startswith("No API endpoint")


def test_the_api_root_refuses_unknown_parameters_too(anon):
    assert set(anon.get("/api/v1/").json()) >= {"articles", "entities", "claims", "sources"}
    response = anon.get("/api/v1/", {"foo": "1"})
    assert response.status_code == 400 and "foo" in response.json()["fields"]
