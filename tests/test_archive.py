"""export_archive / import_archive: the contract's format, a lossless round trip, and
restores that refuse bad files without writing anything."""

import json
import re
from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from articles.models import Article, Claim, Entity, Source
from articles.services import curation
from articles.services.archive import ArchiveError, _Reader, archive_restore
from articles.services.imports import import_paths

from .conftest import EDITOR_PASSWORD, SEED

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
    curation.claim_update(claim=Claim.objects.last(), user=editor, kind="quote")
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
    out = StringIO()
    call_command("import_archive", str(path), stdout=out)
    assert out.getvalue() == "3 sources, 21 entities, 1 article, 23 claims restored\n"
    assert export() == first
    # the restored archive is searchable and keeps curating as before
    from articles.search import search

    assert search("ザッカーバーグ", status=None).total == 1
    assert Article.objects.get().status == "draft"
    assert Claim.objects.filter(status="disputed", note="要確認").count() == 3


def test_restore_counts_what_it_restored_in_words(curated_archive, tmp_path):
    path = tmp_path / "archive.jsonl"
    path.write_text(export(), encoding="utf-8")
    wipe()
    out = StringIO()
    call_command("import_archive", str(path), stdout=out)
    assert re.fullmatch(r"\d+ sources, \d+ entities, 1 article, \d+ claims restored\n", out.getvalue())


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
        (lambda lines: [line.replace('"published_at":null', '"published_at":"0001-01-01T00:00:00+09:00"')
                        for line in lines], "out of range"),
    ],
)
def test_bad_or_truncated_files_write_nothing(curated_archive, damage, message):
    lines = export().splitlines()
    wipe()
    with pytest.raises(ArchiveError, match=message):
        archive_restore(line + "\n" for line in damage(lines))
    assert not any(m.objects.exists() for m in (Source, Entity, Article, Claim))


def records() -> list[dict]:
    return [json.loads(line) for line in export().splitlines()]


def restore(records: list[dict]) -> None:
    archive_restore(json.dumps(r, ensure_ascii=False) + "\n" for r in records)


def first(records: list[dict], kind: str, **fields) -> dict:
    return next(r for r in records if r["type"] == kind and all(r[k] == v for k, v in fields.items()))


def add_copy(records: list[dict], original: dict, **changes) -> dict:
    """A copy of `original` with the next id of its type and `changes`, put after the last of its type."""
    last = max(i for i, r in enumerate(records) if r["type"] == original["type"])
    copy = {**original, "id": records[last]["id"] + 1, **changes}
    records.insert(last + 1, copy)
    return copy


def other_article(records: list[dict], *keep: str) -> dict:
    """A second article, sharing with the first only the fields named in `keep`."""
    fields = {"slug": "another-article", "title": "別の記事", "body": "別の本文。", "mentions": [],
              "source_url": "https://example.jp/another"}
    return add_copy(records, first(records, "article"), **{k: v for k, v in fields.items() if k not in keep})


def set_fields(record: dict, **changes) -> dict:
    record.update(changes)
    return record


def null_mention_entity(records: list[dict]) -> dict:
    article = first(records, "article")
    article["mentions"][0]["entity"] = None
    return article


def merge_chain(records: list[dict]) -> dict:
    merged = next(r for r in records if r["type"] == "entity" and r["merged_into"])
    set_fields(first(records, "entity", id=merged["merged_into"]), merged_into=first(records, "entity")["id"])
    return merged


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda rs: other_article(rs, "slug"), r"same slug .* as article \d+"),
        (lambda rs: other_article(rs, "title", "body"), r"same title and body as article \d+"),
        (lambda rs: other_article(rs, "source_url"), r"same source_url .* as article \d+"),
        (lambda rs: add_copy(rs, first(rs, "source", domain="vietnamnet.vn"), name="VNN"), r"same url .* as source \d+"),
        (null_mention_entity, "mention 0: field 'entity' is null"),
        (lambda rs: set_fields(first(rs, "article"), published_at="0001-01-01T00:00:00+09:00"), "out of range"),
        # 3000 in the archive's zone (Asia/Tokyo), where the site counts years
        (lambda rs: set_fields(first(rs, "article"), published_at="2999-12-31T23:59:59-09:00"), "out of range"),
        (lambda rs: set_fields(first(rs, "entity"), updated_at="yesterday"), "not an ISO 8601 date"),
        # it becomes the article page's lang attribute, as the importer's check says
        (lambda rs: set_fields(first(rs, "article"), language='ja"><b>'), "language: .*zh-Hant"),
        (lambda rs: set_fields(first(rs, "claim"), reviewed_by=7), "field 'reviewed_by' has the wrong type"),
        (lambda rs: set_fields(first(rs, "claim"), reviewed_by="x" * 151), "reviewed_by: "),
        (lambda rs: add_copy(rs, first(rs, "claim")), r"same fingerprint .* in article \d+ as claim \d+"),
        (lambda rs: set_fields(first(rs, "claim"), end=len(first(rs, "article")["body"]) + 1), "outside the body"),
        (lambda rs: set_fields(first(rs, "claim"), start=10, end=5), "outside the body"),
        (lambda rs: set_fields(first(rs, "entity"), merged_into=first(rs, "entity")["id"]), "merged into itself"),
        (lambda rs: set_fields(first(rs, "source"), merged_into=first(rs, "source")["id"]), "merged into itself"),
        (merge_chain, r"merged into entity \d+, which is itself merged into entity \d+"),
    ],
)
def test_records_that_break_a_rule_are_refused_by_line_and_id(curated_archive, damage, message):
    damaged = records()
    culprit = damage(damaged)
    wipe()
    with pytest.raises(ArchiveError) as refused:
        restore(damaged)
    line = damaged.index(culprit) + 1
    assert re.match(f"line {line}, {culprit['type']} {culprit['id']}[:,] ", str(refused.value))
    assert re.search(message, str(refused.value))
    assert not any(m.objects.exists() for m in (Source, Entity, Article, Claim))


def test_what_the_database_refuses_is_reported_without_a_traceback(curated_archive, monkeypatch):
    damaged = records()
    other_article(damaged, "slug")
    wipe()
    monkeypatch.setattr(_Reader, "take", lambda *args: None)  # let the database find it
    with pytest.raises(ArchiveError, match="the database refused a record between line 1 and line"):
        restore(damaged)
    assert not any(m.objects.exists() for m in (Source, Entity, Article, Claim))


def test_restore_keeps_reviewers_and_times(curated_archive, editor, tmp_path):
    long_ago = datetime(2020, 1, 2, 3, 4, 5, 678901, tzinfo=UTC)
    for n, model in enumerate((Source, Entity, Article, Claim)):
        model.objects.update(created_at=long_ago, updated_at=long_ago + timedelta(days=n))
    reviewed = {c.pk for c in Claim.objects.exclude(reviewed_by=None)}
    first = export()
    claims = [r for r in map(json.loads, first.splitlines()) if r["type"] == "claim"]
    assert {r["id"] for r in claims if r["reviewed_by"] == "editor"} == reviewed
    assert {r["created_at"] for r in claims} == {"2020-01-02T03:04:05.678901Z"}
    path = tmp_path / "archive.jsonl"
    path.write_text(first, encoding="utf-8")
    wipe()
    call_command("import_archive", str(path), stdout=StringIO())
    assert export() == first
    assert {c.pk for c in Claim.objects.filter(reviewed_by=editor)} == reviewed
    for n, model in enumerate((Source, Entity, Article, Claim)):
        assert set(model.objects.values_list("created_at", "updated_at")) == {(long_ago, long_ago + timedelta(days=n))}


def test_restore_keeps_the_claims_editors_changed(curated_archive):
    changed = set(Claim.objects.filter(curated=True).values_list("id", flat=True))
    assert changed
    first = export()
    wipe()
    restore([json.loads(line) for line in first.splitlines()])
    assert set(Claim.objects.filter(curated=True).values_list("id", flat=True)) == changed
    assert export() == first


def test_a_reviewer_without_an_account_gets_one_that_cannot_log_in(curated_archive, editor, monkeypatch):
    """The review keeps its reviewer (in the admin, and in the next export); create_editor
    gives the account a password."""
    first = export()
    wipe()
    editor.delete()
    restore([json.loads(line) for line in first.splitlines()])
    assert export() == first
    reviewer = Claim.objects.exclude(reviewed_by=None).first().reviewed_by
    assert reviewer.username == "editor"
    assert not reviewer.has_usable_password() and not reviewer.is_staff and not reviewer.groups.exists()
    monkeypatch.setenv("EDITOR_PASSWORD", EDITOR_PASSWORD)
    call_command("create_editor", "editor", password_env="EDITOR_PASSWORD", stdout=StringIO())
    reviewer.refresh_from_db()
    assert reviewer.check_password(EDITOR_PASSWORD) and reviewer.is_staff


def test_files_from_before_reviewers_and_times_were_exported_restore(curated_archive):
    older = [{k: v for k, v in r.items() if k not in ("reviewed_by", "created_at", "updated_at")} for r in records()]
    wipe()
    before = timezone.now()
    restore(older)
    assert Claim.objects.filter(status="disputed").count() == 3
    assert Article.objects.get().created_at >= before


@pytest.mark.parametrize("content", ["", "\n\n"])
def test_a_file_without_records_is_refused(db, tmp_path, content):
    path = tmp_path / "empty.jsonl"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CommandError, match=r"holds no records .*; nothing was restored"):
        call_command("import_archive", str(path))


def test_restore_command_reports_errors_without_a_traceback(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(CommandError, match="nothing was restored"):
        call_command("import_archive", str(path))
    with pytest.raises(CommandError, match="No such file"):
        call_command("import_archive", str(tmp_path / "missing.jsonl"))
