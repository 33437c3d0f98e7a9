"""manage.py search and rebuild_search_index."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

from articles.models import SearchDocument
from articles.search import search

pytestmark = pytest.mark.django_db


def test_search_command_prints_hits_and_json(search_articles):
    out = StringIO()
    call_command("search", "東京", "知事", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0] == "2 articles"
    assert "東京都知事が会見" in lines[1]
    out = StringIO()
    call_command("search", "--json", "ザッカーバーグ", stdout=out)
    hits = [json.loads(line) for line in out.getvalue().splitlines()]
    assert len(hits) == 3 and {"id", "slug", "title", "score", "snippet"} <= set(hits[0])
    assert any("<mark>" in hit["snippet"] for hit in hits)


def test_rebuild_gives_the_same_index(search_articles, write_file):
    from articles.services.imports import import_paths

    import_paths([write_file("cited.txt", "見出し\n\nロイター通信によると、10人が集まった。\n\n(共同通信によると)\n")])
    before = {d.article_id: (d.title, d.headings, d.body, d.names, bytes(d.title_offsets), bytes(d.body_offsets))
              for d in SearchDocument.objects.all()}
    SearchDocument.objects.all().delete()
    assert search("東京").total == 0
    out = StringIO()
    call_command("rebuild_search_index", "--batch-size", "3", stdout=out)
    assert out.getvalue().strip() == f"indexed {len(before)} articles, {len(before)} of them changed"
    after = {d.article_id: (d.title, d.headings, d.body, d.names, bytes(d.title_offsets), bytes(d.body_offsets))
             for d in SearchDocument.objects.all()}
    assert after == before
    assert search("東京").total == 3
    assert search("ロイター 共同通信").total == 1  # outlets cited per claim and per article


def test_rebuild_rewrites_only_documents_that_changed(search_articles):
    SearchDocument.objects.filter(article=next(iter(search_articles.values()))).update(names="古い 名前")
    out = StringIO()
    call_command("rebuild_search_index", stdout=out)
    assert out.getvalue().strip() == f"indexed {len(search_articles)} articles, 1 of them changed"
    assert search("古い").total == 0
    out = StringIO()
    call_command("rebuild_search_index", "--workers", "2", stdout=out)
    assert out.getvalue().strip() == f"indexed {len(search_articles)} articles, 0 of them changed"
