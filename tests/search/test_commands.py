"""manage.py search and rebuild_search_index."""

import json
import os
import subprocess
import sys
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from articles.models import SearchDocument
from articles.search import search

from ..conftest import ROOT

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


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--limit", "0", "argument --limit: must be between 1 and 100, not 0"),
        ("--limit", "-5", "argument --limit: must be between 1 and 100, not -5"),
        ("--limit", "101", "argument --limit: must be between 1 and 100, not 101"),
        ("--offset", "-5", "argument --offset: must be 0 or more, not -5"),
        ("--offset", "many", "argument --offset: 'many' is not a whole number"),
    ],
)
def test_search_command_refuses_limits_it_would_change(option, value, message):
    """A limit or offset the engine would change silently is a usage error (exit status 2)."""
    with pytest.raises(CommandError) as refused:
        call_command("search", option, value, "東京")
    assert str(refused.value) == f"Error: {message}"


def test_commands_stop_quietly_when_the_reader_of_their_output_leaves(tmp_path):
    """`manage.py search ... | head -1`: head closes the pipe after its line, and the command
    stops without a traceback, as Unix tools do; so does export_archive."""
    env = {**os.environ, "DJANGO_DEBUG": "1", "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], env=env, check=True)
    subprocess.run([*manage, "shell", "-c", "from articles.models import Source; "
                    "Source.objects.create(name='example.com', kind='website', url='https://example.com/', domain='example.com')"],
                   env=env, check=True)
    for command in (["search", "東京"], ["export_archive"]):
        process = subprocess.Popen([*manage, *command], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        process.stdout.close()  # the reader has gone before the first line
        _, err = process.communicate(timeout=60)
        assert err.decode() == "", command
        assert process.returncode == 1, command


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
    if connection.vendor == "sqlite":  # FTS5 checks its index against the documents' terms
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO articles_fts(articles_fts, rank) VALUES ('integrity-check', 1)")
    out = StringIO()
    call_command("rebuild_search_index", "--workers", "2", stdout=out)
    assert out.getvalue().strip() == f"indexed {len(search_articles)} articles, 0 of them changed"
