"""Shared fixtures: corpus paths, importing text, an editor user."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "000_89299e0010fc7634.txt"
CORPORA = ROOT.parent / "shared" / "corpora"
LIVEDOOR = CORPORA / "livedoor"


@pytest.fixture(autouse=True)
def _plain_static_files(settings):
    """Tests serve static files from the apps; the hashed manifest is for collectstatic'd deploys."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def rank_window(monkeypatch):
    """rank_window(n): search ranks in blocks of n matches on either database, so that a few
    articles span several blocks."""
    from articles.search import postgres, sqlite

    def set_window(size: int) -> None:
        monkeypatch.setattr(sqlite.SqliteBackend, "rank_window", size)
        monkeypatch.setattr(postgres.PostgresBackend, "rank_window", size)

    return set_window


@pytest.fixture
def livedoor_files():
    """A few livedoor news articles from several categories (skipped where absent)."""
    if not LIVEDOOR.exists():
        pytest.skip(f"{LIVEDOOR} is absent")
    files = []
    for category in sorted(p for p in LIVEDOOR.iterdir() if p.is_dir()):
        files += sorted(f for f in category.glob("*.txt") if f.name != "LICENSE.txt")[:2]
    return files


@pytest.fixture
def write_file(tmp_path):
    """write_file(name, text_or_bytes, encoding="utf-8") -> Path in a temporary folder."""

    def write(name: str, content: str | bytes, encoding: str = "utf-8") -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content if isinstance(content, bytes) else content.encode(encoding))
        return path

    return write


EDITOR_PASSWORD = "correct horse battery staple"


@pytest.fixture
def editor(db):
    import importlib

    from django.apps import apps
    from django.contrib.auth.models import Group, User

    if not Group.objects.filter(name="Editors").exists():  # a transactional test flushed the migration's rows
        importlib.import_module("articles.migrations.0003_editors_group").create_editors(apps, None)
    user = User.objects.create_user("editor", password=EDITOR_PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    return user


@pytest.fixture
def seed_article(db):
    from articles.services.imports import import_paths

    report = import_paths([SEED])
    assert not report.failures
    from articles.models import Article

    return Article.objects.get()
