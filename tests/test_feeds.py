"""RSS and Atom feeds: the latest articles, per entity and per source; published articles
only, text escaped for readers that take it as HTML, a fixed number of queries."""

from __future__ import annotations

import html
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from articles.models import Article, Entity, Source
from articles.services import curation

from .site_data import import_more_articles, import_site_archive

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def archive(db, tmp_path):
    return import_site_archive(tmp_path)


def rss_items(response) -> list[dict]:
    assert response.status_code == 200 and response["Content-Type"].startswith("application/rss+xml")
    channel = ET.fromstring(response.content).find("channel")
    return [{child.tag: child.text for child in item} for item in channel.findall("item")]


def atom_entries(response) -> list[dict]:
    assert response.status_code == 200 and response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    return [
        {"title": e.findtext(f"{ATOM}title"), "link": e.find(f"{ATOM}link").get("href"),
         "summary": e.findtext(f"{ATOM}summary"), "updated": e.findtext(f"{ATOM}updated")}
        for e in feed.findall(f"{ATOM}entry")
    ]


def test_latest_articles_rss(client, archive):
    response = client.get(reverse("articles:latest_feed_rss"))
    items = rss_items(response)
    assert ET.fromstring(response.content).findtext("channel/title") == "ニュースアーカイブ: 最新の記事"
    published = Article.objects.published()
    assert {html.unescape(i["title"]) for i in items} == {a.title for a in published}
    assert all(i["link"].startswith("http://testserver/articles/") for i in items)
    lab = next(i for i in items if "研究所" in i["title"])
    assert lab["pubDate"] == "Sat, 01 Feb 2025 01:00:00 +0000"


def test_feeds_put_the_undated_articles_last(client, archive):
    zuckerberg = Entity.objects.get(name="マーク・ザッカーバーグ")
    for url in (reverse("articles:latest_feed_rss"), reverse("articles:entity_feed_rss", args=[zuckerberg.pk])):
        dated = ["pubDate" in item for item in rss_items(client.get(url))]
        assert dated == sorted(dated, reverse=True) and not dated[-1]  # the seed has no date


def test_latest_articles_atom(client, archive):
    entries = atom_entries(client.get(reverse("articles:latest_feed_atom")))
    assert len(entries) == Article.objects.published().count()
    assert all(e["updated"] for e in entries)


def test_feed_titles_follow_the_language(client, archive):
    response = client.get(reverse("articles:latest_feed_rss"), HTTP_ACCEPT_LANGUAGE="en")
    assert ET.fromstring(response.content).findtext("channel/title") == "News archive: latest articles"


def test_entity_feeds_list_the_published_articles_naming_it(client, archive):
    zuckerberg = Entity.objects.get(name="マーク・ザッカーバーグ")
    for name in ("articles:entity_feed_rss", "articles:entity_feed_atom"):
        response = client.get(reverse(name, args=[zuckerberg.pk]))
        items = rss_items(response) if name.endswith("rss") else atom_entries(response)
        titles = {html.unescape(i["title"]) for i in items}
        assert titles == {"Meta CEO マーク・ザッカーバーグ氏からの 10 億ドルのオファー", "ザッカーバーグ氏、新たなAI研究所を発表"}


def test_source_feeds_list_its_published_articles(client, archive):
    site = Source.objects.get(name="example.jp")  # two published articles and the draft
    items = rss_items(client.get(reverse("articles:source_feed_rss", args=[site.pk])))
    assert {html.unescape(i["title"]) for i in items} == {"<script>alert('x')</script>の記事", "東京都知事が会見"}
    assert len(atom_entries(client.get(reverse("articles:source_feed_atom", args=[site.pk])))) == 2


def test_feed_text_is_escaped_for_readers_that_read_it_as_html(client, archive):
    rss = client.get(reverse("articles:latest_feed_rss"))
    assert b"<script>" not in rss.content
    item = next(i for i in rss_items(rss) if "alert" in i["title"])
    # the element text is HTML whose text is the title: markup in the title stays text
    assert item["title"] == "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;の記事"
    assert "&lt;b&gt;タグ&lt;/b&gt;" in item["description"]
    atom = client.get(reverse("articles:latest_feed_atom"))
    assert b"<script>" not in atom.content
    entry = next(e for e in atom_entries(atom) if "alert" in e["title"])
    # an Atom title without a type is plain text (RFC 4287 3.1.1); the summary is type="html"
    assert entry["title"] == "<script>alert('x')</script>の記事"
    assert "&lt;b&gt;タグ&lt;/b&gt;" in entry["summary"]


def test_feed_names_are_escaped_as_their_format_reads_them(client, archive, editor):
    entity = curation.entity_update(entity=Entity.objects.get(name="マーク・ザッカーバーグ"), user=editor,
                                    name="<script>alert(9)</script> & Co")
    source = curation.source_update(source=Source.objects.get(name="news.example.com"), user=editor,
                                    name="<script>alert(9)</script> & Co")
    for rss_name, atom_name, pk in (("articles:entity_feed_rss", "articles:entity_feed_atom", entity.pk),
                                    ("articles:source_feed_rss", "articles:source_feed_atom", source.pk)):
        rss = client.get(reverse(rss_name, args=[pk]))
        assert b"<script>" not in rss.content
        channel = ET.fromstring(rss.content).find("channel")
        # RSS readers take the channel's title and description as HTML, as they take the items'
        for field in ("title", "description"):
            assert "&lt;script&gt;alert(9)&lt;/script&gt; &amp; Co" in channel.findtext(field)
        atom = ET.fromstring(client.get(reverse(atom_name, args=[pk])).content)
        for field in ("title", "subtitle"):  # plain text
            assert "<script>alert(9)</script> & Co" in atom.findtext(f"{ATOM}{field}")


def test_atom_entries_are_identified_by_their_address(client, archive):
    feed = ET.fromstring(client.get(reverse("articles:latest_feed_atom")).content)
    entries = feed.findall(f"{ATOM}entry")
    assert entries
    for entry in entries:  # an absolute IRI (RFC 4287 4.2.6) that stays as long as the article
        assert entry.findtext(f"{ATOM}id") == entry.find(f"{ATOM}link").get("href")
        assert entry.findtext(f"{ATOM}id").startswith("http://testserver/articles/")


def test_unknown_feeds_are_not_found(client, archive):
    assert client.get(reverse("articles:entity_feed_rss", args=[999999])).status_code == 404
    assert client.get(reverse("articles:source_feed_atom", args=[999999])).status_code == 404


@pytest.mark.parametrize("size", [0, 25])
def test_feed_queries(client, archive, tmp_path, size, django_assert_num_queries):
    if size:
        import_more_articles(tmp_path, size)
    zuckerberg = Entity.objects.get(name="マーク・ザッカーバーグ")
    site = Source.objects.get(name="news.example.com")
    with django_assert_num_queries(1):  # the articles with their sources
        client.get(reverse("articles:latest_feed_rss"))
    with django_assert_num_queries(3):  # the entity, its article count (to pick the plan), the articles
        client.get(reverse("articles:entity_feed_atom", args=[zuckerberg.pk]))
    with django_assert_num_queries(3):  # the source, its article count (to pick the plan), the articles
        client.get(reverse("articles:source_feed_rss", args=[site.pk]))
