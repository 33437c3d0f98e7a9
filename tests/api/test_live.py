"""The API over real HTTP (pytest-django's live server, the standard library's urllib)."""

import json
import urllib.error
import urllib.request

import pytest
from rest_framework.authtoken.models import Token

from articles.models import Claim
from articles.services.imports import import_paths

from ..conftest import SEED

# serialized_rollback: the flush after these tests must not take the Editors group (a data
# migration) away from the tests that follow
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def fetch(url: str, *, method: str = "GET", body: dict | None = None, headers: dict | None = None):
    """(status, headers, bytes) for any status: urllib raises on 4xx/5xx and 304."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers={
        "Accept": "application/json", **({"Content-Type": "application/json"} if data else {}), **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def test_reading_syncing_and_curating_over_http(live_server, editor):
    assert not import_paths([SEED], workers=1).failures
    api = f"{live_server.url}/api/v1"

    status, _, body = fetch(f"{api}/claims/?page_size=5")
    page = json.loads(body)
    assert status == 200 and len(page["results"]) == 5
    seen = [c["id"] for c in page["results"]]
    while page["next"]:
        page = json.loads(fetch(page["next"])[2])
        seen += [c["id"] for c in page["results"]]
    assert seen == sorted(Claim.objects.values_list("id", flat=True))

    claim_url = f"{api}/claims/{seen[0]}/"
    status, headers, _ = fetch(claim_url)
    etag = headers["ETag"]
    assert status == 200 and etag
    assert fetch(claim_url, headers={"If-None-Match": etag})[0] == 304

    status, headers, body = fetch(claim_url, method="PATCH", body={"status": "verified"})
    assert status == 401 and headers["WWW-Authenticate"] == "Token" and json.loads(body)["status"] == 401
    token = Token.objects.create(user=editor).key
    status, _, body = fetch(claim_url, method="PATCH", body={"status": "verified"},
                            headers={"Authorization": f"Token {token}"})
    assert status == 200 and json.loads(body)["status"] == "verified"
    assert fetch(claim_url, headers={"If-None-Match": etag})[0] == 200  # it changed

    status, headers, body = fetch(f"{api}/export/")
    assert status == 200 and headers["Content-Type"].startswith("application/x-ndjson")
    records = [json.loads(line) for line in body.decode().splitlines()]
    assert {r["type"] for r in records} == {"source", "entity", "article", "claim"}

    status, _, body = fetch(f"{api}/articles/?page_size=abc")
    assert status == 400 and "page_size" in json.loads(body)["fields"]


def test_docs_and_their_local_assets_are_served(live_server):
    status, _, page = fetch(f"{live_server.url}/api/docs/", headers={"Accept": "text/html"})
    assert status == 200 and b"swagger-ui-bundle.js" in page
    status, _, script = fetch(f"{live_server.url}/static/drf_spectacular_sidecar/swagger-ui-dist/"
                                    "swagger-ui-bundle.js", headers={"Accept": "*/*"})
    assert status == 200 and len(script) > 100_000
    status, _, schema = fetch(f"{live_server.url}/api/schema/?format=json")
    assert status == 200 and json.loads(schema)["openapi"].startswith("3.")
