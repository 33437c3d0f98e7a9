"""export_archive / import_archive: the contract's format, a lossless round trip, and
restores that refuse bad files without writing anything."""

import json
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from articles.models import Article, Claim, Entity, Source
from articles.services import curation
from articles.services.archive import ArchiveError, archive_restore
from articles.services.imports import import_paths

from .conftest import SEED

pytestmark = pytest.mark.django_db


def export() -> str:
    out = StringIO()
    call_command("export_archive", stdout=out)
    return out.getvalue()


def wipe():
    for model in (Claim, Article, Entity, Source):
        model.objects.all().delete()


@pytest.fixture
def curated_archive(editor):
    import_paths([SEED])
    entities = {e.name: e for e in Entity.objects.all()}
    curation.entity_merge(survivor=entities["ミラ・ムラティ"], others=[entities["アンドリュー・タロック"]], user=editor)
    curation.claim_review(claims=list(Claim.objects.all()[:3]), status="disputed", user=editor, note="要確認")
    curation.article_set_status(articles=list(Article.objects.all()), status="draft", user=editor)


def test_export_follows_the_contract(curated_archive):
    lines = [json.loads(line) for line in export().splitlines()]
    types = [line["type"] for line in lines]
    assert types == sorted(types, key=["source", "entity", "article", "claim"].index)
    for kind in ("source", "entity", "article", "claim"):
        ids = [line["id"] for line in lines if line["type"] == kind]
        assert ids == sorted(ids)
    first = {line["type"]: line for line in reversed(lines)}
    assert list(first["source"])[:7] == ["type", "id", "name", "kind", "url", "domain", "aliases"]
    assert list(first["entity"])[:6] == ["type", "id", "name", "kind", "aliases", "merged_into"]
    assert list(first["article"])[:14] == [
        "type", "id", "slug", "title", "language", "status", "source", "source_url", "published_at",
        "subheadings", "figures", "attributed_to", "body", "mentions",
    ]
    assert list(first["claim"])[:13] == [
        "type", "id", "article", "text", "start", "end", "kind", "status", "speaker", "attributed_to",
        "entities", "quantities", "dates",
    ]
    article = first["article"]
    assert all(article["body"][m["start"] : m["end"]] == m["surface"] for m in article["mentions"])
    merged = [line for line in lines if line["type"] == "entity" and line["merged_into"]]
    assert len(merged) == 1


def test_export_restore_export_is_byte_identical(curated_archive, tmp_path):
    first = export()
    path = tmp_path / "archive.jsonl"
    path.write_text(first, encoding="utf-8")
    wipe()
    call_command("import_archive", str(path), stdout=StringIO())
    assert export() == first
    # the restored archive is searchable and keeps curating as before
    from articles.search import search

    assert search("ザッカーバーグ", status=None).total == 1
    assert Article.objects.get().status == "draft"
    assert Claim.objects.filter(status="disputed", note="要確認").count() == 3


def test_restore_refuses_a_database_that_is_not_empty(curated_archive, tmp_path):
    path = tmp_path / "archive.jsonl"
    path.write_text(export(), encoding="utf-8")
    with pytest.raises(CommandError, match="not empty"):
        call_command("import_archive", str(path))


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda lines: [*lines[: len(lines) // 2], lines[len(lines) // 2][:40]], "not valid JSON"),
        (lambda lines: [*lines, re.sub(r'"id":\d+,', '"id":999999,', lines[0])], "wrong order"),
        (lambda lines: [*lines, lines[-1]], "repeated"),
        (lambda lines: [line.replace('"kind":"person"', '"kind":"wizard"') for line in lines], "kind"),
        (lambda lines: [re.sub(r'"article":\d+,', '"article":999999,', line) for line in lines], "article 999999"),
        (lambda lines: ["[1, 2]", *lines], "expected an object"),
    ],
)
def test_bad_or_truncated_files_write_nothing(curated_archive, damage, message):
    lines = export().splitlines()
    wipe()
    with pytest.raises(ArchiveError, match=message):
        archive_restore(line + "\n" for line in damage(lines))
    assert not any(m.objects.exists() for m in (Source, Entity, Article, Claim))


def test_restore_command_reports_errors_without_a_traceback(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(CommandError, match="nothing was restored"):
        call_command("import_archive", str(path))
    with pytest.raises(CommandError, match="No such file"):
        call_command("import_archive", str(tmp_path / "missing.jsonl"))
