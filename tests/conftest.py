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


@pytest.fixture
def without_permission_override():
    """File modes bind this test as they bind any user: root's overrides (CAP_DAC_OVERRIDE,
    CAP_DAC_READ_SEARCH) leave this thread's effective capabilities until the test ends."""
    import ctypes
    import os

    if os.geteuid() != 0:
        yield
        return

    class Header(ctypes.Structure):
        _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]

    class Data(ctypes.Structure):
        _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32), ("inheritable", ctypes.c_uint32)]

    libc = ctypes.CDLL(None, use_errno=True)
    header, data = Header(0x20080522, 0), (Data * 2)()  # _LINUX_CAPABILITY_VERSION_3: two words
    if libc.capget(ctypes.byref(header), data) != 0:
        pytest.skip("cannot read this process's capabilities")
    effective = data[0].effective
    data[0].effective &= ~(1 << 1 | 1 << 2)  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH
    if libc.capset(ctypes.byref(header), data) != 0:
        pytest.skip("cannot drop this process's capabilities")
    try:
        yield
    finally:
        data[0].effective = effective
        libc.capset(ctypes.byref(header), data)


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
