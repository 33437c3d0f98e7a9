"""import_articles: every layout and encoding, bad input beside good, idempotence, and
editors' work surviving a re-import."""

import json
import logging
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, connection

from articles.models import Article, Claim, Entity, Mention, Source
from articles.search import search_facets
from articles.services import curation
from articles.services.imports import import_paths, import_upload
from articles.services.rows import update_statistics

from .conftest import SEED

pytestmark = pytest.mark.django_db

ARTICLE = """東京都の新しい条例

東京都の小池百合子知事は10日、新しい条例案を発表した。総額は約300億円にのぼる。

小池知事は「都民の安全を守る」と述べた。

出典: https://news.example.jp/articles/1
"""


def run(*paths, **options):
    """Run the command; returns (exit code, stdout, stderr)."""
    out, err = StringIO(), StringIO()
    try:
        call_command("import_articles", *map(str, paths), stdout=out, stderr=err, **options)
        code = 0
    except CommandError as exc:
        code = exc.returncode
    return code, out.getvalue(), err.getvalue()


def test_seed_article_is_imported_with_its_structure():
    code, out, _ = run(SEED)
    assert code == 0
    assert out.startswith("1 imported, 0 updated, 0 unchanged, 0 failed;")
    article = Article.objects.get()
    assert article.title == "Meta CEO マーク・ザッカーバーグ氏からの 10 億ドルのオファー"
    assert article.source.domain == "vietnamnet.vn"
    assert article.source_url.startswith("https://vietnamnet.vn/")
    assert [s.name for s in article.attributed_to.all()] == ["WSJ"]
    assert article.figures == [{"image": "3lbl71ki.png", "caption": "マーク・ザッカーバーグ氏(左)とミラ・ムラティ氏。", "credit": "WSJ"}]
    assert article.subheadings == ["スタートアップ文化、AGIミッション、そして稀有な忠誠心"]
    for line in ("3lbl71ki.png", "出典", "(WSJによると)", article.title, article.subheadings[0]):
        assert line not in article.body
    assert all(article.body[m.start : m.end] == m.surface for m in article.mentions.all())
    assert all(article.body[c.start : c.end] == c.text for c in article.claims.all())


def test_seed_extraction_finds_people_aliases_money_and_speakers():
    run(SEED)
    zuck = Entity.objects.get(name="マーク・ザッカーバーグ")
    assert zuck.kind == "person" and "ザッカーバーグ" in zuck.aliases
    assert not Entity.objects.filter(name="ザッカーバーグ").exists()  # a shortened mention, not a new entity
    ssi = Entity.objects.get(name="Safe Superintelligence")
    assert "SSI" in ssi.aliases and ssi.kind == "organization"
    offer = Claim.objects.get(text__startswith="ザッカーバーグ氏は、ボーナスや株価")
    assert offer.kind == "quantity"
    assert offer.quantities[0] == {"kind": "money", "value": "1000000000", "unit": "USD", "text": "約10億ドル", "approximate": True}
    denial = Claim.objects.get(text__startswith="メタの広報担当")
    assert denial.kind == "quote" and denial.speaker.name == "アンディ・ストーン"
    wsj = Claim.objects.get(text__startswith="ウォール・ストリート・ジャーナルによると")
    assert wsj.attributed_to.name == "ウォール・ストリート・ジャーナル"
    carried = Claim.objects.get(text__startswith="報道によると、彼は同社の約50人")
    assert carried.attributed_to == wsj.attributed_to  # the paragraph opened with the attribution
    assert Claim.objects.get(text__contains="2024年9月に同社を退社").dates[0] == {"text": "2024年9月", "value": "2024-09"}


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "cp932", "euc_jp"])
def test_every_encoding_imports_the_same_article(write_file, encoding):
    code, _, _ = run(write_file(f"a-{encoding}.txt", ARTICLE, encoding))
    assert code == 0
    article = Article.objects.get()
    assert article.title == "東京都の新しい条例"
    assert "小池百合子知事" in article.body


def test_json_lines_and_livedoor_layouts(write_file):
    records = [
        {"title": "一つ目の記事", "body": "日本銀行は金利を0.25%に引き上げた。", "url": "https://example.com/a", "published_at": "2024-07-31T15:00:00+09:00", "language": "ja"},
        {"title": "Second", "body": "The Bank of Japan raised rates.", "language": "en"},
    ]
    jsonl = write_file("batch.jsonl", "\n".join(json.dumps(r, ensure_ascii=False) for r in records))
    livedoor = write_file(
        "corpus/topic-news/topic-news-1.txt",
        "http://news.livedoor.com/article/detail/1/\n2012-02-19T13:00:00+0900\n記事の題\n本文です。\n",
    )
    write_file("corpus/topic-news/LICENSE.txt", "ライセンス文")
    code, out, err = run(jsonl, livedoor.parent.parent)
    assert code == 0, err
    assert out.startswith("3 imported")
    first = Article.objects.get(source_url="https://example.com/a")
    assert first.published_at.isoformat() == "2024-07-31T06:00:00+00:00"
    assert Article.objects.get(title="Second").language == "en"
    ld = Article.objects.get(title="記事の題")
    assert ld.source.domain == "news.livedoor.com" and ld.published_at.year == 2012


def test_bad_files_get_one_line_each_and_the_good_ones_still_import(write_file, settings):
    settings.ARCHIVE_MAX_IMPORT_BYTES = 10_000
    good = write_file("good.txt", ARTICLE)
    bad = [
        write_file("empty.txt", b""),
        write_file("blank.txt", "  \n\n \t"),
        write_file("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 10),
        write_file("latin1.txt", "caf\xe9 na\xefve r\xe9sum\xe9 \xff\xfe\xfd".encode("latin-1") * 3),
        write_file("huge.txt", "大" * 20_000),
        write_file("title-only.txt", "タイトルだけ\n"),
    ]
    code, out, err = run(*bad, good, tmp_missing := good.parent / "missing.txt")
    assert code == 1
    lines = err.strip().splitlines()
    assert len(lines) == len(bad) + 1
    for path in [*bad, tmp_missing]:
        assert any(line.startswith(str(path)) for line in lines)
    assert "Traceback" not in err
    assert "empty" in err and "whitespace" in err and "binary" in err and "limit" in err and "no body" in err
    assert Article.objects.get().title == "東京都の新しい条例"
    assert out.startswith("1 imported, 0 updated, 0 unchanged, 7 failed")  # the missing file too


def test_unlistable_folders_and_link_loops_are_failures(tmp_path, write_file, without_permission_override):
    good = write_file("corpus/good.txt", ARTICLE)
    locked = good.parent / "locked"
    write_file("corpus/locked/inside.txt", ARTICLE.replace("東京都", "大阪府"))
    loop = good.parent / "loop.txt"
    loop.symlink_to(loop)
    missing = tmp_path / "missing.txt"
    locked.chmod(0)
    try:
        code, out, err = run(good.parent)
        alone = run(locked, loop, missing)
    finally:
        locked.chmod(0o755)
    assert code == 1
    assert err.splitlines() == [
        f"{locked}: cannot list the folder (Permission denied)",
        f"{loop}: cannot read the file (Too many levels of symbolic links)",
    ]
    assert out.startswith("1 imported, 0 updated, 0 unchanged, 2 failed")
    code, out, err = alone
    assert code == 1
    assert err.splitlines() == [
        f"{locked}: cannot list the folder (Permission denied)",
        f"{loop}: cannot read the file (Too many levels of symbolic links)",
        f"{missing}: cannot read the file (No such file or directory)",
    ]
    assert out.startswith("0 imported, 0 updated, 0 unchanged, 3 failed")  # the same count as the exit status's
    assert Article.objects.count() == 1


def test_characters_no_database_stores_are_refused_on_every_database(write_file, caplog):
    """PostgreSQL refuses NUL in text (SQLite took it) and neither stores a lone surrogate:
    such records fail alike on both, with one line and no logged traceback."""
    records = [
        '{"title": "NULを含む", "body": "名古屋市で\\u0000会議が開かれた。"}',
        '{"title": "代用符 \\ud800", "body": "福岡市で会議が開かれた。"}',
        '{"title": "普通の記事", "body": "札幌市で会議が開かれた。", "url": "https://example.com/\\u0000"}',
        '{"title": "普通の記事", "body": "札幌市で会議が開かれた。"}',
    ]
    jsonl = write_file("nul.jsonl", "\n".join(records))
    utf16 = write_file("utf16.txt", "題名\n\n本文に\x00があります。ここは長い本文です。", "utf-16")
    code, out, err = run(jsonl, utf16)
    assert code == 1
    assert err.splitlines() == [
        f"{jsonl}: line 1: 'body' holds a NUL character (\\u0000), which is not text",
        f"{jsonl}: line 2: 'title' holds a lone surrogate (\\ud800), which is not text",
        f"{jsonl}: line 3: 'url' holds a NUL character (\\u0000), which is not text",
        f"{utf16}: the file looks binary, not text (it holds NUL bytes)",
    ]
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert out.startswith("1 imported, 0 updated, 0 unchanged, 4 failed")
    assert list(Article.objects.values_list("title", flat=True)) == ["普通の記事"]


def test_a_refusal_of_the_database_is_one_line_without_a_traceback(write_file, monkeypatch, caplog):
    from articles.services import imports

    if connection.vendor != "postgresql":
        pytest.skip("SQLite stores what PostgreSQL refuses here")
    original = imports._fill

    def nul_in_the_body(article, *args):
        original(article, *args)
        article.body += "\x00"

    monkeypatch.setattr(imports, "_fill", nul_in_the_body)
    path = write_file("a.txt", ARTICLE)
    report = import_paths([path])
    [(name, reason)] = report.failures
    assert name == str(path) and reason.startswith("the database refused it (")
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


def test_only_regular_files_are_read(tmp_path, write_file):
    """A named pipe would wait for a writer forever and a device never ends; both are refused
    without reading, and the file beside them still imports."""
    import os
    import signal

    pipe = tmp_path / "pipe.txt"
    os.mkfifo(pipe)
    good = write_file("good.txt", ARTICLE)

    def hung(*args):
        pytest.fail("the import hung")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(30)
    try:
        code, out, err = run(pipe, "/dev/zero", good)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    assert code == 1
    assert err.splitlines() == [f"{pipe}: a named pipe, not a regular file", "/dev/zero: a device, not a regular file"]
    assert out.startswith("1 imported, 0 updated, 0 unchanged, 2 failed")


def test_no_more_than_the_limit_is_read_whatever_the_size_on_record():
    """Files under /proc say they hold 0 bytes; the reading itself stops at the limit."""
    from pathlib import Path

    from articles.ingest import read_file

    [item] = read_file(Path("/proc/self/maps"), max_bytes=100)
    assert str(item) == "the file is over the 100-byte limit"


def test_an_article_is_written_in_one_transaction(write_file, monkeypatch):
    from articles.services import imports

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(imports, "_sync_claims", broken)
    path = write_file("a.txt", ARTICLE)
    report = import_paths([path], workers=1)
    assert report.failures == [(str(path), "could not be stored (RuntimeError: disk full)")]
    assert not Article.objects.exists() and not Mention.objects.exists() and not Entity.objects.exists()


@pytest.mark.parametrize(("error", "message"), [
    (OverflowError("date value out of range"), "could not be stored (OverflowError: date value out of range)"),
    (IntegrityError("refused"), "the database refused it (refused)"),
])
def test_an_article_that_cannot_be_stored_fails_alone(write_file, monkeypatch, error, message):
    """A batch is all or nothing; whatever goes wrong with one article, it is found and named,
    and the others still go through."""
    from articles.services import imports

    original = imports._sync_claims

    def break_the_second(work, *args):
        if any(article.title == "二番目" for _, article, _ in work):
            raise error
        return original(work, *args)

    monkeypatch.setattr(imports, "_sync_claims", break_the_second)
    files = [write_file(f"{i}.txt", f"{title}\n\n{title}の本文です。10人が集まった。\n")
             for i, title in enumerate(["一番目", "二番目", "三番目"])]
    code, out, err = run(*files)
    assert code == 1
    assert err.splitlines()[0] == f"{files[1]}: {message}"
    assert "Traceback" not in err
    assert out.startswith("2 imported, 0 updated, 0 unchanged, 1 failed")
    assert sorted(Article.objects.values_list("title", flat=True)) == ["一番目", "三番目"]
    assert not Mention.objects.filter(article__title="二番目").exists()


def test_every_record_that_fails_names_its_line(write_file, monkeypatch):
    """Whether a JSON Lines record fails in reading, analysis, validation or the database, or is
    skipped as a duplicate, its line says which; the exit status counts failures, not files."""
    from django.db import IntegrityError

    from articles.ingest import parallel
    from articles.services import imports

    parse, sync = parallel.parse_document, imports._sync_claims

    def break_analysis(document, **kwargs):
        if document.title == "解析できない":
            raise RuntimeError("broken")
        return parse(document, **kwargs)

    def refuse(work, *args):
        if any(article.title == "拒否される" for _, article, _ in work):
            raise IntegrityError("refused")
        return sync(work, *args)

    monkeypatch.setattr(parallel, "parse_document", break_analysis)
    monkeypatch.setattr(imports, "_sync_claims", refuse)
    body = "名古屋市で会議が開かれた。参加者は400人だった。"
    records = [
        {"title": "一番目", "body": body, "url": "https://example.com/1"},
        {"title": "解析できない", "body": body + "二"},
        {"title": "長すぎる住所", "body": body + "三", "url": "https://example.com/" + "a" * 1200},
        {"title": "拒否される", "body": body + "四"},
        {"title": "一番目", "body": body, "url": "https://example.com/5"},
        {"title": "JSONではない"},
    ]
    jsonl = write_file("records.jsonl", "\n".join(json.dumps(r, ensure_ascii=False) for r in records))
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError) as failed:
        call_command("import_articles", str(jsonl), stdout=out, stderr=err)
    assert str(failed.value) == "4 failures in 1 file"
    article = Article.objects.get()
    lines = err.getvalue().splitlines()
    [invalid] = [line for line in lines if line.startswith(f"{jsonl}: line 3: ")]  # the URL field's own message
    assert set(lines) - {invalid} == {
        f"{jsonl}: line 2: could not be analysed (RuntimeError: broken)",
        f"{jsonl}: line 4: the database refused it (refused)",
        f"{jsonl}: line 5: skipped, the same text as article {article.pk} (https://example.com/1)",
        f"{jsonl}: line 6: missing 'body'",
    }
    assert len(lines) == 5
    assert out.getvalue().startswith("1 imported, 0 updated, 1 unchanged (1 duplicate), 4 failed")


def test_publication_dates_out_of_range_are_refused_alone(write_file):
    """Years the databases or a time zone shift cannot hold would stop the run (SQLite) or
    break every page (PostgreSQL); the reader site's year filter offers the same span."""
    body = "名古屋市で会議が開かれた。"
    records = [
        {"title": "紀元一年", "body": body, "published_at": "0001-01-01T00:00:00+09:00"},
        {"title": "一万年前夜", "body": body, "published_at": "9999-12-31T23:59:59-09:00"},
        {"title": "千年紀", "body": body, "published_at": "1000-01-01T00:00:00+09:00"},
        {"title": "三千年前夜", "body": body, "published_at": "2999-12-31T23:59:59+09:00"},
        # within the years as written, not in the archive's zone (Asia/Tokyo), where the site
        # counts years: its year facet would offer 999 and 3000, which its year filter refuses
        {"title": "東の千年紀", "body": body, "published_at": "1000-01-01T00:00:00+14:00"},
        {"title": "西の三千年前夜", "body": body, "published_at": "2999-12-31T23:59:59-09:00"},
    ]
    jsonl = write_file("dates.jsonl", "\n".join(json.dumps(r, ensure_ascii=False) for r in records))
    livedoor = write_file("livedoor.txt", "http://news.livedoor.com/article/detail/9/\n0999-12-31T23:00:00+0900\n題\n本文。\n")
    good = write_file("good.txt", ARTICLE)
    code, out, err = run(jsonl, livedoor, good)
    assert code == 1
    assert set(err.splitlines()[:5]) == {
        f"{jsonl}: line 1: 'published_at' is out of range (years 1000 to 2999): '0001-01-01T00:00:00+09:00'",
        f"{jsonl}: line 2: 'published_at' is out of range (years 1000 to 2999): '9999-12-31T23:59:59-09:00'",
        f"{jsonl}: line 5: 'published_at' is out of range (years 1000 to 2999): '1000-01-01T00:00:00+14:00'",
        f"{jsonl}: line 6: 'published_at' is out of range (years 1000 to 2999): '2999-12-31T23:59:59-09:00'",
        f"{livedoor}: 'published_at' is out of range (years 1000 to 2999): '0999-12-31T23:00:00+0900'",
    }
    assert out.startswith("3 imported, 0 updated, 0 unchanged, 5 failed")
    assert sorted(Article.objects.values_list("title", flat=True)) == ["三千年前夜", "千年紀", "東京都の新しい条例"]
    assert {a.published_at.year for a in Article.objects.exclude(published_at=None)} == {999, 2999}  # in UTC
    assert [year for year, _ in search_facets("名古屋").years] == [2999, 1000]  # in Tokyo, each one the filter takes


def test_reimport_is_idempotent(write_file):
    path = write_file("a.txt", ARTICLE)
    run(path)
    counts = [m.objects.count() for m in (Article, Entity, Claim, Mention, Source)]
    _, out, _ = run(path)
    assert out.startswith("0 imported, 0 updated, 1 unchanged")
    _, out, _ = run(path, force=True)
    assert out.startswith("0 imported, 1 updated, 0 unchanged")
    assert [m.objects.count() for m in (Article, Entity, Claim, Mention, Source)] == counts


def test_same_content_under_another_name_is_the_same_article(write_file):
    run(write_file("a.txt", ARTICLE))
    run(write_file("copy/a-copy.txt", ARTICLE.replace("\n\n", "\n\n\n")))
    assert Article.objects.count() == 1


def test_the_same_text_from_another_url_is_a_duplicate_that_changes_nothing(write_file):
    """The livedoor corpus holds one story under two URLs (topic-news-6401347 and -6401348):
    the second file must not take the first one's article over on every re-import."""
    text = "記事の題\n\n名古屋市で会議が開かれた。参加者は400人だった。\n"
    first = write_file("corpus/topic-news-1.txt", f"http://news.livedoor.com/article/detail/1/\n2012-02-19T13:00:00+0900\n{text}")
    second = write_file("corpus/topic-news-2.txt", f"http://news.livedoor.com/article/detail/2/\n2012-02-19T13:00:00+0900\n{text}")
    code, out, err = run(first.parent)
    assert code == 0
    assert out.startswith("1 imported, 0 updated, 1 unchanged (1 duplicate), 0 failed")
    article = Article.objects.get()
    assert err.splitlines() == [
        f"{second}: skipped, the same text as article {article.pk} (http://news.livedoor.com/article/detail/1/)"
    ]
    history = article.history.count()
    for _ in range(2):
        code, out, err = run(first.parent)
        assert code == 0 and out.startswith("0 imported, 0 updated, 2 unchanged (1 duplicate)")
        assert err.startswith(f"{second}: skipped")
    stored = Article.objects.get()
    assert (stored.source_url, stored.updated_at) == (article.source_url, article.updated_at)
    assert stored.history.count() == history
    code, out, _ = run(first.parent, force=True)
    assert out.startswith("0 imported, 1 updated, 1 unchanged (1 duplicate)")  # re-extracted once, from its own file
    assert Article.objects.get().source_url == article.source_url


def test_changed_article_at_the_same_url_is_updated_in_place(write_file):
    run(write_file("a.txt", ARTICLE))
    article = Article.objects.get()
    run(write_file("b.txt", ARTICLE.replace("約300億円", "約400億円")))
    updated = Article.objects.get()
    assert updated.pk == article.pk and updated.slug == article.slug
    assert "約400億円" in updated.body
    assert Claim.objects.filter(text__contains="400億円").exists()
    assert not Claim.objects.filter(text__contains="300億円").exists()


def test_editors_work_survives_a_reimport(write_file, editor):
    path = write_file("a.txt", ARTICLE)
    run(SEED, path)
    zuck = Entity.objects.get(name="マーク・ザッカーバーグ")
    stone = Entity.objects.get(name="アンディ・ストーン")
    curation.entity_update(entity=zuck, user=editor, name="Mark Zuckerberg", kind="person",
                           aliases=[*zuck.aliases, "マーク・ザッカーバーグ"])
    curation.entity_merge(survivor=zuck, others=[stone], user=editor)
    reviewed = Claim.objects.get(text__startswith="ザッカーバーグ氏は、ボーナスや株価")
    curation.claim_review(claims=[reviewed], status="verified", user=editor, note="WSJ confirmed")
    edited = Claim.objects.get(text__startswith="7人の共同創業者全員が")
    curation.claim_update(claim=edited, user=editor, text="アンスロピックの共同創業者7人全員が在籍している。")
    counts = [m.objects.count() for m in (Article, Entity, Claim, Source)]

    code, out, _ = run(SEED, path, force=True)
    assert code == 0 and "2 updated" in out

    zuck.refresh_from_db()
    assert (zuck.name, zuck.kind) == ("Mark Zuckerberg", "person")
    stone.refresh_from_db()
    assert stone.merged_into == zuck
    assert not Entity.objects.filter(name="アンディ・ストーン", merged_into=None).exists()
    assert Mention.objects.filter(entity=zuck, surface="アンディ・ストーン").exists()
    reviewed.refresh_from_db()
    assert (reviewed.status, reviewed.note, reviewed.reviewed_by) == ("verified", "WSJ confirmed", editor)
    edited.refresh_from_db()
    assert edited.text == "アンスロピックの共同創業者7人全員が在籍している。" and edited.edited
    denial = Claim.objects.get(text__startswith="メタの広報担当")
    assert denial.speaker == zuck  # the merged-away name resolves to the survivor
    assert [m.objects.count() for m in (Article, Entity, Claim, Source)] == counts


def test_curated_names_teach_the_importer(write_file, editor):
    run(write_file("a.txt", ARTICLE))
    koike = Entity.objects.get(name="小池百合子")
    curation.entity_update(entity=koike, user=editor, aliases=["百合子知事"], kind="person")
    run(write_file("b.txt", "別の記事\n\n百合子知事が視察した。\n"))
    assert Mention.objects.filter(entity=koike, surface="百合子知事").exists()


def test_a_curated_short_name_does_not_swallow_a_longer_one(write_file, editor):
    run(write_file("a.txt", "サッカーの香川が2得点\n\nサッカー日本代表の香川真司選手が5日、2得点を挙げた。"
                            "香川は試合後「最高の気分だ」と語った。\n"))
    shinji = Entity.objects.get(name="香川真司")
    assert "香川" in shinji.aliases  # the surname, learnt from the article
    curation.entity_update(entity=shinji, user=editor, kind="person")
    run(write_file("b.txt", "香川照之が主演\n\n俳優の香川照之さんが新しいドラマに主演することが5日、分かった。\n"))
    mentions = Mention.objects.filter(article__title="香川照之が主演").select_related("entity")
    assert [(m.surface, m.entity.name) for m in mentions] == [("香川照之", "香川照之")]


def test_a_renamed_entity_keeps_its_old_name(write_file, editor):
    run(write_file("a.txt", "マツコが新番組\n\nタレントのマツコが5日、新番組の収録に臨んだ。\n"))
    matsuko = Entity.objects.get(name="マツコ")
    curation.entity_update(entity=matsuko, user=editor, name="マツコ・デラックス")
    assert Entity.objects.get(pk=matsuko.pk).aliases == ["マツコ"]
    run(write_file("b.txt", "マツコが語る\n\nタレントのマツコが6日、番組で持論を語った。\n"))
    mention = Mention.objects.get(article__title="マツコが語る", surface="マツコ")
    assert mention.entity_id == matsuko.pk and not Entity.objects.filter(name="マツコ").exists()


def test_a_claims_kind_speaker_and_outlet_set_by_an_editor_survive_a_reimport(editor):
    run(SEED)
    claim = Claim.objects.filter(kind="statement", speaker=None).first()
    speaker, outlet = Entity.objects.get(name="マーク・ザッカーバーグ"), Source.objects.get(name="WSJ")
    curation.claim_update(claim=claim, user=editor, kind="quote", speaker=speaker, attributed_to=outlet)
    run(SEED, force=True)
    claim.refresh_from_db()
    assert (claim.kind, claim.speaker, claim.attributed_to, claim.status) == ("quote", speaker, outlet, "unreviewed")


def test_admin_upload_uses_the_same_importer():
    report = import_upload("upload.txt", ARTICLE.encode("cp932"))
    assert report.counts["imported"] == 1
    bad = import_upload("bad.bin", b"\x00\x01\x02" * 50)
    assert bad.failures == [("bad.bin", "the file looks binary, not text (it holds NUL bytes)")]


@pytest.mark.corpus
def test_livedoor_articles_import_in_parallel_with_entities_and_claims(livedoor_files):
    report = import_paths(livedoor_files, workers=2)
    assert not report.failures
    assert Article.objects.count() == len(livedoor_files)
    assert Entity.objects.filter(kind="person").exists()
    assert Entity.objects.filter(kind="organization").exists()
    assert Claim.objects.exclude(quantities=[]).exists()
    assert Claim.objects.exclude(dates=[]).exists()
    for article in Article.objects.prefetch_related("mentions", "claims"):
        assert article.published_at is not None and article.source.domain == "news.livedoor.com"
        assert all(article.body[m.start : m.end] == m.surface for m in article.mentions.all())
        assert all(article.body[c.start : c.end] == c.text for c in article.claims.all())


def test_an_import_leaves_sqlite_planner_statistics(write_file):
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL's autovacuum keeps its own statistics")
    run(write_file("a.txt", ARTICLE))
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'articles_mention'")
        assert cursor.fetchone()[0] > 0


def test_the_planner_counts_the_articles_of_each_status_in_full(db):
    """A sample of 400 index entries made 'published' look rare in a large archive (401 of
    100,000), so SQLite read every published article where one index entry would do."""
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL's autovacuum gathers its own statistics")
    Article.objects.bulk_create(
        Article(slug=f"a{i}", title="t", body="b", content_hash=f"h{i}") for i in range(1200)
    )
    update_statistics()
    with connection.cursor() as cursor:
        cursor.execute("SELECT stat FROM sqlite_stat1 WHERE idx = 'article_listing'")
        rows, per_status = cursor.fetchone()[0].split()[:2]
    assert (rows, per_status) == ("1200", "1200")


def test_a_name_learnt_later_finds_the_articles_stored_before(write_file):
    # the first article knows only the surname; the second teaches the entity the full name,
    # which the first article's index then holds too (as a rebuild of the index would)
    from articles.models import SearchDocument
    from articles.search import rebuild_index, search

    run(write_file("a.txt", "来日の話\n\nザッカーバーグ氏が5日、来日した。\n"))
    run(write_file("b.txt", "講演の話\n\nマーク・ザッカーバーグ氏が6日、講演した。ザッカーバーグ氏は質問に答えた。\n"))
    entity = Entity.objects.get(mentions__article__title="来日の話")
    assert {"ザッカーバーグ", "マーク・ザッカーバーグ"} <= set(entity.names)
    assert {hit.article.title for hit in search('"マーク・ザッカーバーグ"').hits} == {"来日の話", "講演の話"}
    stored = dict(SearchDocument.objects.values_list("article_id", "names"))
    assert rebuild_index() == (2, 0)  # nothing left for a rebuild to change
    assert dict(SearchDocument.objects.values_list("article_id", "names")) == stored


def test_the_summary_counts_an_entity_once_however_many_articles_name_it(write_file):
    files = [write_file(f"{i}.txt", f"{title}\n\nトヨタ自動車の豊田章男会長は東京都内で{title}について話した。\n")
             for i, title in enumerate(["決算", "新工場"])]
    code, out, _ = run(*files)
    assert code == 0
    named = Entity.objects.filter(mentions__isnull=False).distinct().count()
    assert Mention.objects.count() > named >= 2  # both articles name the same entities
    assert re.search(rf"; {named} entities, ", out), out
