"""An archive imported through the real importer, and API clients: anonymous, a reader with
an account but no permissions, and an editor with a token."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from articles.models import Article, Claim, Entity, Source
from articles.services.curation import claim_review
from articles.services.imports import import_paths

from ..conftest import SEED

PUBLISHED = [
    {"title": "東京都知事が会見", "body": "東京都の小池百合子知事は記者会見で、新しい防災計画を発表した。計画の予算は約50億円だという。",
     "url": "https://example.jp/1", "published_at": "2024-09-01T10:00:00+09:00"},
    {"title": "Tech column", "body": "Zuckerberg announced a new AI lab in California.", "url": "https://example.org/5",
     "language": "en", "published_at": "2024-01-05T10:00:00+09:00"},
]
# a draft whose source, people and organisation appear nowhere else: anonymous clients must not learn of them
DRAFT = {"title": "極秘の人事", "body": "ソニーグループの吉田憲一郎会長は、来年の人事について「まだ何も決まっていない」と述べた。",
         "url": "https://draft.example.com/2", "published_at": "2024-10-01T10:00:00+09:00"}


@dataclass
class Archive:
    seed: Article
    tokyo: Article
    english: Article
    draft: Article
    rejected: Claim  # a claim of the seed article, rejected by an editor
    draft_entity: Entity  # known from the draft only
    draft_source: Source


def write_jsonl(path, articles: list[dict]):
    path.write_text("\n".join(json.dumps(a, ensure_ascii=False) for a in articles), encoding="utf-8")
    return path


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Users are made per test; the real hasher is slow on purpose."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_throttles():
    """Throttle counts live in the cache; each test starts with none."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def archive(db, tmp_path) -> Archive:
    for paths, status in (([SEED, write_jsonl(tmp_path / "published.jsonl", PUBLISHED)], "published"),
                          ([write_jsonl(tmp_path / "draft.jsonl", [DRAFT])], "draft")):
        report = import_paths(paths, status=status, workers=1)
        assert not report.failures
    seed = Article.objects.get(source_url__contains="vietnamnet")
    rejected = seed.claims.order_by("id").first()
    claim_review(claims=[rejected], status=Claim.Status.REJECTED)
    return Archive(
        seed=seed,
        tokyo=Article.objects.get(source_url="https://example.jp/1"),
        english=Article.objects.get(source_url="https://example.org/5"),
        draft=Article.objects.get(source_url=DRAFT["url"]),
        rejected=Claim.objects.get(pk=rejected.pk),
        draft_entity=Entity.objects.get(name="吉田憲一郎"),
        draft_source=Source.objects.get(domain="draft.example.com"),
    )


@pytest.fixture
def anon():
    return APIClient()


@pytest.fixture
def editor_token(editor) -> str:
    return Token.objects.create(user=editor).key


@pytest.fixture
def editor_client(editor_token):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {editor_token}")
    return client


@pytest.fixture
def reader_client(db):
    """Logged in, but not an editor: reads like anyone, may not write."""
    user = User.objects.create_user("reader", password="correct horse battery staple")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def results(response) -> list[dict]:
    assert response.status_code == 200, response.content
    return response.json()["results"]


def ids(response) -> list[int]:
    return [item["id"] for item in results(response)]


def walk(client, url: str, *, between=None) -> list[dict]:
    """Every page of a list, following `next`; `between(page_number)` runs between fetches."""
    items, page = [], 0
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.content
        body = response.json()
        items += body["results"]
        url = body["next"]
        page += 1
        if between and url:
            between(page)
    return items
