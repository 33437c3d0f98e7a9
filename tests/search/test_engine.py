"""search(): folding, precision, phrases, exclusions, ranking, filters, facets, snippets."""

import datetime as dt
import json

import pytest
from django.db import DatabaseError, connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles.models import Article, Entity
from articles.search import search, search_facets
from articles.services import curation
from articles.services.imports import import_paths

pytestmark = pytest.mark.django_db


def urls(page):
    return {hit.article.source_url for hit in page.hits}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("東京", {"https://example.jp/1", "https://example.jp/6", "https://example.jp/8"}),  # 東京都 too
        ("京都", {"https://example.jp/2"}),  # not 東京都
        ("ザッカーバーグ", {"https://news.example.com/3", "https://example.jp/4", "https://example.org/5"}),
        ("ｻﾞｯｶｰﾊﾞｰｸﾞ", {"https://news.example.com/3", "https://example.jp/4", "https://example.org/5"}),
        ("zuckerberg", {"https://news.example.com/3", "https://example.jp/4", "https://example.org/5"}),
        ("ceo", {"https://news.example.com/3", "https://example.jp/4"}),
        ("ＣＥＯ", {"https://news.example.com/3", "https://example.jp/4"}),
        ("アンディ", {"https://example.jp/7"}),  # SudachiPy folds アンディ and アンディー
        ("東京 知事", {"https://example.jp/1", "https://example.jp/8"}),
        ("東京 -知事", {"https://example.jp/6"}),
        ('"東京都 知事"', {"https://example.jp/1"}),
        ('"知事 東京都"', set()),
        ("東京都知事", {"https://example.jp/1"}),
    ],
)
def test_folding_precision_phrases_and_exclusions(search_articles, query, expected):
    assert urls(search(query)) == expected


def test_total_and_paging(search_articles):
    first = search("東京", limit=2)
    assert first.total == 3 and len(first.hits) == 2
    rest = search("東京", limit=2, offset=2)
    assert len(rest.hits) == 1
    assert not {h.article.pk for h in first.hits} & {h.article.pk for h in rest.hits}


def test_title_hit_outranks_body_hit(search_articles):
    hits = search("知事").hits
    assert hits[0].article.source_url == "https://example.jp/1"  # 知事 in its title
    assert hits[0].score > hits[-1].score


def test_snippets_are_escaped_with_marks_on_the_original_text(search_articles):
    [hit] = search("タグ").hits
    assert "<mark>タグ</mark>" in hit.snippet
    assert "&lt;b&gt;" in hit.snippet and "<b>" not in hit.snippet
    assert "&amp;" in hit.snippet
    assert "<script>" not in hit.title_html and "&lt;script&gt;" in hit.title_html
    [hit] = search("ｻﾞｯｶｰﾊﾞｰｸﾞ 市場").hits
    assert "<mark>ｻﾞｯｶｰﾊﾞｰｸﾞ</mark>" in hit.snippet  # the original text, not the folded term


def test_touching_matches_are_marked_as_one_run(search_articles):
    [hit] = search('"記者 会見"').hits
    assert "<mark>記者会見</mark>" in hit.snippet
    [hit] = search("会見 記者").hits
    assert "<mark>記者会見</mark>" in hit.snippet
    [hit] = search("東京都 知事 記者").hits
    assert "<mark>東京都</mark>の<mark>知事</mark>は<mark>記者</mark>会見" in hit.snippet


def test_titles_are_whole_with_their_matches_marked(search_articles):
    [hit] = search("人材").hits
    assert hit.title_html == "メタの<mark>人材</mark>獲得"
    [hit] = search("会見").hits
    assert hit.title_html == "東京都知事が<mark>会見</mark>"


@pytest.fixture
def compounds(db, write_file):
    """Articles where SudachiPy cuts 東京都 differently: alone, inside a longer word, and not at all."""
    texts = {
        "alone": "東京都は新しい計画を発表した。東京タワーも見える。",
        "inside": "本社は東京都中央区銀座にある。",
        "apart": "東京の都心で雪が降った。",
        "kyoto": "京都府の知事が話した。",
    }
    path = write_file("compounds.jsonl", "\n".join(
        json.dumps({"title": f"記事 {name}", "body": body, "url": f"https://example.jp/{name}"}, ensure_ascii=False)
        for name, body in texts.items()
    ))
    assert not import_paths([path]).failures


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # 東京都中央区銀座 is one word whose parts are 東京 都 中央 区 銀座
        ("東京都", {"alone", "inside"}),
        ('"東京都"', {"alone", "inside"}),
        ("中央区", {"inside"}),
        ("東京都 -中央区", {"alone"}),
        ("記事 -東京都", {"apart", "kyoto"}),
        ("京都", {"kyoto"}),  # never the 京都 inside 東京都
    ],
)
def test_a_compound_is_found_inside_longer_words(compounds, query, expected):
    assert {hit.article.source_url.rsplit("/", 1)[1] for hit in search(query).hits} == expected


def test_a_compound_is_marked_where_its_parts_stand_together(compounds):
    hits = {hit.article.source_url.rsplit("/", 1)[1]: hit for hit in search("東京都").hits}
    assert "<mark>東京都</mark>中央区銀座" in hits["inside"].snippet
    # its parts alone are not the word asked for: 東京タワー's 東京 stays unmarked
    assert hits["alone"].snippet.count("<mark>") == 1 and "<mark>東京都</mark>は" in hits["alone"].snippet


def test_a_word_typed_whole_ranks_where_its_words_stand_side_by_side(db, write_file):
    # 日本代表 is two words, 日本 and 代表: both must be there, but side by side ranks first
    articles = [
        {"title": "会議の報告", "body": "日本の選手から代表を選ぶ会議が開かれ、日本各地の代表が集まった。",
         "url": "https://example.jp/apart"},
        {"title": "試合の結果", "body": "昨夜の試合で日本代表が勝った。", "url": "https://example.jp/together"},
        *({"title": f"天気 {i}", "body": f"今日は晴れ。気温は{i}度。", "url": f"https://example.jp/w{i}"} for i in range(8)),
    ]
    path = write_file("ranking.jsonl", "\n".join(json.dumps(a, ensure_ascii=False) for a in articles))
    assert not import_paths([path]).failures
    assert [hit.article.source_url.rsplit("/", 1)[1] for hit in search("日本代表").hits] == ["together", "apart"]


@pytest.fixture
def fields_meeting(db, write_file):
    """An article whose title ends with 東京 and whose figure caption (the next field) begins with 大学."""
    path = write_file("fields.txt", "地方と東京\n\n本文は地方の話です。\n\nphoto.png\n大学の写真\n\n出典: https://example.jp/fields\n")
    assert not import_paths([path]).failures


@pytest.mark.parametrize(("query", "total"), [('"東京 大学"', 0), ("東京大学", 0), ("東京 大学", 1)])
def test_a_phrase_never_spans_two_fields(fields_meeting, query, total):
    assert search(query).total == total


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_migration_sets_the_fields_of_existing_vectors_apart(fields_meeting):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite's FTS5 columns were always apart")
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    executor.migrate([("articles", "0008_newest_first_undated_last")])
    assert search('"東京 大学"').total == 1  # as vectors were built before
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert search('"東京 大学"').total == 0


def test_drafts_are_not_found_unless_asked(search_articles):
    article = search_articles["https://example.jp/2"]
    curation.article_set_status(articles=[article], status="draft")
    assert search("紅葉").total == 0
    assert search("紅葉", status=None).total == 1


def test_filters(search_articles):
    zuck = Entity.objects.get(name="マーク・ザッカーバーグ")
    assert urls(search("獲得", entity=zuck.pk)) == {"https://news.example.com/3"}
    assert urls(search("ザッカーバーグ", language="en")) == {"https://example.org/5"}
    example_org = search_articles["https://example.org/5"].source
    assert urls(search("ザッカーバーグ", source=example_org.pk)) == {"https://example.org/5"}

    assert urls(search("東京", published_from=dt.date(2024, 9, 1), published_to=dt.date(2024, 9, 1))) == {
        "https://example.jp/1"
    }
    assert urls(search("ザッカーバーグ", entity_kind="person")) >= {"https://news.example.com/3"}


def test_facets_count_the_whole_result_set(search_articles):
    facets = search_facets("ザッカーバーグ")
    years = dict(facets.years)
    assert years == {2025: 2, 2024: 1}
    assert any(entity.name == "マーク・ザッカーバーグ" for entity, _ in facets.entities)
    assert sum(n for _, n in facets.sources) == 3
    assert facets.kinds and all(search("ザッカーバーグ", entity_kind=kind).total == n for kind, n in facets.kinds)


def test_year_facets_count_years_in_the_archive_time_zone(db, write_file):
    # 2025-01-01 08:00 in Tokyo is still 2024 in UTC: the facet agrees with the date filter
    path = write_file("new-year.jsonl", json.dumps(
        {"title": "元日の東京", "body": "元日の東京は晴れた。", "url": "https://example.jp/new-year",
         "published_at": "2025-01-01T08:00:00+09:00"}, ensure_ascii=False))
    assert not import_paths([path]).failures
    assert dict(search_facets("元日").years) == {2025: 1}
    assert search("元日", published_from=dt.date(2025, 1, 1)).total == 1


def test_source_facets_count_what_their_links_find(db, write_file):
    # the source filter finds the articles a source published and those citing it: so do its counts
    own = write_file("own.jsonl", json.dumps(
        {"title": "キラキラ星の記事", "body": "キラキラ星の記事です。", "url": "https://zz.example/1",
         "published_at": "2020-06-01T12:00:00+09:00"}, ensure_ascii=False))
    citing = write_file("citing.txt", "キラキラ星の続報\n\nキラキラ星の続報です。\n\n(zz.exampleによると)\n\n"
                                      "出典: https://yy.example/2\n")
    assert not import_paths([own, citing]).failures
    facets = search_facets("キラキラ星")
    assert {source.name: n for source, n in facets.sources} == {"zz.example": 2, "yy.example": 1}
    for source, n in facets.sources:
        assert search("キラキラ星", source=source.pk).total == n


def test_an_alias_finds_articles_that_use_another_name(search_articles, editor):
    assert search("Facebook創業者").total == 0
    zuck = Entity.objects.get(name="マーク・ザッカーバーグ")
    curation.entity_update(entity=zuck, user=editor, aliases=[*zuck.aliases, "Facebook創業者"])
    # every article that mentions him, whichever script it spells his name in
    assert urls(search("Facebook創業者")) == {"https://news.example.com/3", "https://example.jp/4", "https://example.org/5"}


def test_an_outlet_abbreviation_finds_articles_citing_it(db, write_file, editor):
    import_paths([write_file("a.txt", "見出し\n\n本文です。10人が参加した。\n\n(ウォール・ストリート・ジャーナルによると)\n")])
    from articles.models import Source

    wsj = Source.objects.get(name="ウォール・ストリート・ジャーナル")
    curation.source_update(source=wsj, user=editor, aliases=["WSJ"])
    assert search("WSJ").total == 1


def test_the_index_follows_reimports(db, write_file):
    path = write_file("a.txt", "見出し\n\n最初は富士山の話。\n\n出典: https://example.jp/x\n")
    import_paths([path])
    assert search("富士山").total == 1
    write_file("a.txt", "見出し\n\n今度は琵琶湖の話。\n\n出典: https://example.jp/x\n")
    import_paths([path])
    assert search("富士山").total == 0 and search("琵琶湖").total == 1
    Article.objects.all().delete()
    assert search("琵琶湖").total == 0


@pytest.fixture
def separated_words(db, write_file):
    body = "イー・モバイルとセブン‐イレブンが提携した。"
    path = write_file("separated.jsonl", json.dumps(
        {"title": "提携の発表", "body": body, "url": "https://example.jp/separated"}, ensure_ascii=False))
    assert not import_paths([path]).failures


def _finds_separated_words():
    """What a reader finds where ・ and ‐ stand between words: each word, and the whole,
    marked in the original text."""
    assert search("モバイル").total == 1 and search("イレブン").total == 1
    page = search("イー・モバイル")
    assert page.total == 1 and "<mark>イー・モバイル</mark>" in page.hits[0].snippet
    assert search("モバイルイー").total == 0


def test_words_are_found_on_either_side_of_a_separating_character(separated_words):
    _finds_separated_words()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_migration_separates_the_terms_already_stored(separated_words):
    """Migration 0011: terms stored before it hold ・ where the analysis now writes "-"."""
    from django.db.migrations.executor import MigrationExecutor
    from django.db.models import F, Value
    from django.db.models.functions import Replace

    from articles.models import SearchDocument

    executor = MigrationExecutor(connection)
    executor.migrate([("articles", "0010_article_language_tag")])
    SearchDocument.objects.update(body=Replace(F("body"), Value("イー-"), Value("イー・")))
    assert "イー・モバイル" in SearchDocument.objects.get().body
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert "イー-モバイル" in SearchDocument.objects.get().body
    _finds_separated_words()
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("SELECT sql FROM sqlite_master WHERE name = 'articles_fts'")
            assert "tokenize='ascii'" in cursor.fetchone()[0]


def test_postgresql_stores_the_index_with_lz4(db):
    """Migration 0006: lz4, where the server has it, compresses faster than pglz."""
    if connection.vendor != "postgresql":
        pytest.skip("a PostgreSQL storage setting")
    with connection.cursor() as cursor:
        cursor.execute("SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'")
        if not cursor.fetchone()[0]:
            pytest.skip("this server was built without lz4")
        cursor.execute(
            "SELECT attrelid::regclass::text, attname, attcompression FROM pg_attribute"
            " WHERE attrelid IN ('articles_searchdocument'::regclass, 'articles_searchvector'::regclass)"
            " AND attnum > 0 AND atttypid IN ('text'::regtype, 'bytea'::regtype, 'tsvector'::regtype)"
        )
        columns = cursor.fetchall()
    assert len(columns) == 7
    assert {method for _, _, method in columns} == {"l"}, columns


HOSTILE = [
    '"', '""', '"""', "'", "AND", "OR", "NOT", "NEAR", "NEAR(東京 知事)", "東京 OR 京都", "*", "東*", "^東京",
    "(", ")", "((東京))", "title:東京", "body:東京", "-", "--", "- -", "-東京", "\\", "\\\\", "東京\\", "\x00",
    "東\x00京", "'; DROP TABLE articles_article; --", "1' OR '1'='1", "%", "_", "%_%", "&", "!", "!!東京",
    "東京 & 知事", "東京 | 京都", "東京:*", "<->", "東京 <-> 知事", ":", "::", "{}", "[]", "\u3000", "\ufeff",
    "🙂", "東京" * 5000, "a" * 10_000, " ".join(["東京"] * 2000), "\n\t\r", "NULL", "None", "0", "-0",
    "ｈｔｔｐ：／／", "@@", "@@ to_tsquery('x')", "'simple'", "\u202e東京", "\udcff".encode("utf-8", "surrogatepass").decode("utf-8", "replace"),
    "\udcff", "東\ud800京", "\udcff\udcfe",  # lone surrogates, as os.fsdecode() makes of bad bytes
]


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_queries_are_safe(search_articles, query, caplog):
    page = search(query)
    assert page.total >= 0
    search_facets(query)
    assert not [r for r in caplog.records if r.levelname == "ERROR"]  # no query the database refused


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=80))
def test_random_strings_never_raise(search_articles, query):
    page = search(query)
    assert page.total == 0 or page.hits


@pytest.fixture
def small_blocks(rank_window):
    rank_window(5)


@pytest.fixture
def many_matches(db, tmp_path):
    """23 articles that all match 東京, scored differently, 4 of them drafts, 6 in English."""
    rows = [
        {"title": f"第{i}報", "body": "東京" * (i % 4 + 1) + "の話題。" + "関係者は説明した。" * (i % 5),
         "url": f"https://example.jp/many/{i}", "language": "en" if i % 4 == 1 else "ja",
         "published_at": f"2024-01-{i + 1:02d}T10:00:00+09:00"}
        for i in range(23)
    ]
    path = tmp_path / "many.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    assert not import_paths([path], workers=1).failures
    articles = list(Article.objects.order_by("pk"))
    curation.article_set_status(articles=articles[3:20:5], status="draft")
    return articles


def walk(query, limit, **filters):
    """The ids of every page of a search, in order, following the offsets as a reader would."""
    ids, offset = [], 0
    while True:
        page = search(query, limit=limit, offset=offset, **filters)
        ids += [hit.article.pk for hit in page.hits]
        offset += limit
        if offset >= page.total:
            return ids, page.total


@pytest.mark.parametrize("limit", [1, 3, 4, 5, 7, 30])
@pytest.mark.parametrize(
    "filters",
    [{}, {"status": None}, {"status": "draft"}, {"language": "ja"}, {"published_from": dt.date(2024, 1, 4)}],
)
def test_walking_the_pages_meets_every_match_once(many_matches, small_blocks, limit, filters):
    ids, total = walk("東京", limit, **filters)
    expected = Article.objects.filter(body__contains="東京", **expected_lookups(filters))
    assert total == expected.count()
    assert sorted(ids) == sorted(expected.values_list("pk", flat=True))  # none twice, none missed


def expected_lookups(filters):
    status = filters.get("status", "published")
    lookups = {"status": status} if status else {}
    if "language" in filters:
        lookups["language"] = filters["language"]
    if "published_from" in filters:
        lookups["published_at__date__gte"] = filters["published_from"]
    return lookups


FILTER_SETS = [{}, {"status": None}, {"status": "draft"}, {"language": "ja"}, {"language": "en", "status": None}]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(window=st.integers(1, 7), limit=st.integers(1, 9), offset=st.integers(0, 25),
       filters=st.sampled_from(FILTER_SETS), drafts=st.sets(st.integers(0, 22)))
def test_any_page_is_its_slice_of_the_walk(many_matches, rank_window, window, limit, offset, filters, drafts):
    rank_window(window)
    Article.objects.update(status="published")
    Article.objects.filter(pk__in=[many_matches[i].pk for i in drafts]).update(status="draft")
    walked, total = walk("東京", 1, **filters)
    expected = Article.objects.filter(**expected_lookups(filters))
    assert sorted(walked) == sorted(expected.values_list("pk", flat=True)) and total == len(walked)
    page = search("東京", limit=limit, offset=offset, **filters)
    assert [hit.article.pk for hit in page.hits] == walked[offset : offset + limit]
    assert search_facets("東京", **filters).partial == (total > window)


def test_pages_rank_the_newest_block_first(many_matches, small_blocks):
    published = list(Article.objects.filter(status="published").order_by("-pk").values_list("pk", flat=True))
    first, second = search("東京", limit=5), search("東京", limit=5, offset=5)
    assert first.total == second.total == len(published) == 19
    assert {h.article.pk for h in first.hits} == set(published[:5])  # drafts take no place in a block
    assert {h.article.pk for h in second.hits} == set(published[5:10])
    scores = [h.score for h in first.hits]
    assert scores == sorted(scores, reverse=True) and len(set(scores)) > 1  # ranked, not in id order


@pytest.mark.parametrize("filters", [{}, {"language": "ja"}, {"status": None}])
def test_a_page_past_the_end_is_empty(many_matches, small_blocks, filters, caplog):
    for offset in (30, 2**63 - 10):
        page = search("東京", limit=20, offset=offset, **filters)
        assert page.total > 0 and page.hits == []
    assert not [r for r in caplog.records if r.levelname == "ERROR"]


def test_facets_count_the_newest_block_of_published_matches(many_matches, rank_window):
    rank_window(5)
    assert search_facets("東京").partial  # 19 published matches, blocks of 5
    # 19 published fit in a block of 20, though all 23 matches would not: nothing is left out
    rank_window(20)
    facets = search_facets("東京")
    assert not facets.partial and facets.years == [(2024, 19)]


def test_counts_leave_out_drafts_and_follow_filters(search_articles):
    article = search_articles["https://example.jp/8"]
    curation.article_set_status(articles=[article], status="draft")
    assert search("東京").total == 2
    assert search("東京", status="draft").total == 1
    assert search("東京", status=None).total == 3
    assert search("東京", language="ja").total == 2


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # keeps the Editors group
@pytest.mark.parametrize("fails", [False, True])
def test_a_sqlite_search_reads_in_one_transaction(search_articles, monkeypatch, fails):
    """Its count, block edges and ranking see one snapshot, outside any transaction of the
    caller's; a failed statement leaves no transaction open behind it."""
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL searches run in a transaction of their own (PostgresBackend.reading)")
    from articles.search.sqlite import SqliteBackend

    seen = []
    count_and_starts = SqliteBackend.count_and_starts

    def spy(self, *args, **kwargs):
        seen.append(connection.connection.in_transaction)
        if fails:
            raise DatabaseError("disk I/O error")
        return count_and_starts(self, *args, **kwargs)

    monkeypatch.setattr(SqliteBackend, "count_and_starts", spy)
    assert not connection.in_atomic_block
    assert search("東京").total == (0 if fails else 3)
    assert seen == [True]
    assert not connection.connection.in_transaction


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # keeps the Editors group
def test_a_search_with_autocommit_off_sees_the_callers_own_writes(search_articles):
    connection.set_autocommit(False)
    try:
        Article.objects.filter(source_url="https://example.jp/2").update(status="draft")
        assert search("京都").total == 0
        assert search("東京").total == 3
    finally:
        connection.rollback()
        connection.set_autocommit(True)
