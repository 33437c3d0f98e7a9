"""The reader site in a real browser (Debian's chromium): search in Japanese, open a result,
follow an entity, narrow with the facets, switch the language, use the keyboard and a phone
sized screen. Screenshots go to artifacts/screenshots/<test name>/."""

from __future__ import annotations

import re

import pytest

from articles.models import Article

from ..site_data import import_more_articles, import_site_archive
from .conftest import ARTIFACTS

# transactional, so that the live server's thread sees the data; serialized_rollback restores
# what migrations put in the database (the Editors group) for the tests that follow
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def site(live_server, tmp_path):
    import_site_archive(tmp_path)
    return live_server.url


@pytest.fixture
def console_errors(page):
    """Messages the browser logs as errors (a Content-Security-Policy violation is one)."""
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    return errors


def test_search_in_japanese_open_a_result_and_follow_an_entity(page, site, screenshot, console_errors):
    from playwright.sync_api import expect

    page.goto(site + "/")
    expect(page.locator("html")).to_have_attribute("lang", "ja")
    expect(page.get_by_role("heading", level=1)).to_have_text("ニュースアーカイブを検索")
    screenshot("1-home")

    page.get_by_role("searchbox", name="アーカイブを検索").fill("ザッカーバーグ")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("「ザッカーバーグ」の検索結果")
    expect(page.get_by_role("searchbox", name="アーカイブを検索")).to_have_value("ザッカーバーグ")
    expect(page.locator(".result-count")).to_contain_text("2 件の記事が見つかりました。")
    expect(page.locator(".result mark").first).to_have_text("ザッカーバーグ")
    screenshot("2-results")

    page.get_by_role("link", name="ザッカーバーグ氏、新たなAI研究所を発表").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("ザッカーバーグ氏、新たなAI研究所を発表")
    expect(page.locator(".badge").first).to_have_text("未検証")
    screenshot("3-article")

    page.locator(".article-body a.mention", has_text="マーク・ザッカーバーグ").first.click()
    expect(page).to_have_url(re.compile(r"/entities/\d+/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("マーク・ザッカーバーグ")
    expect(page.locator("#articles .article-item")).to_have_count(2)
    screenshot("4-entity")
    assert console_errors == []


def test_facets_and_pages_narrow_the_results(page, site, screenshot, tmp_path):
    from playwright.sync_api import expect

    import_more_articles(tmp_path, 25)
    page.goto(site + "/search/?q=ザッカーバーグ")
    expect(page.locator(".result-count")).to_contain_text("27 件")
    expect(page.locator(".result")).to_have_count(20)
    page.get_by_role("navigation", name="検索結果のページ").get_by_role("link", name="次へ").click()
    expect(page.locator(".result")).to_have_count(7)
    screenshot("1-second-page")

    page.get_by_role("complementary", name="結果を絞り込む").get_by_role("link", name="2025").click()
    expect(page.locator(".result-count")).to_contain_text("1 件")
    expect(page.locator(".active-filters")).to_contain_text("2025 年")
    screenshot("2-year")

    page.locator(".active-filters a").click()  # remove the filter
    expect(page.locator(".result-count")).to_contain_text("27 件")
    page.get_by_role("complementary", name="結果を絞り込む").get_by_role("link", name="人物", exact=True).click()
    expect(page.locator(".result-count")).to_contain_text("27 件")  # every result names a person
    page.get_by_role("link", name="ロイター").click()
    expect(page.locator(".result-count")).to_contain_text("26 件")
    expect(page.locator(".active-filters li")).to_have_count(2)
    screenshot("3-kind-and-entity")


def test_switch_language(page, site, screenshot):
    from playwright.sync_api import expect

    page.goto(site + "/search/?q=ムラティ")
    page.get_by_role("link", name="ムラティ氏の新会社、資金調達").click()
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", name="Claims in this article")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("ムラティ氏の新会社、資金調達")  # the same page
    screenshot("1-english")
    assert any(c["name"] == "archive_language" and c["value"] == "en" for c in page.context.cookies())

    page.get_by_role("link", name="Home").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Search the news archive")
    page.get_by_role("button", name="日本語").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("ニュースアーカイブを検索")


def test_keyboard_and_small_screen(browser, site, request):
    from playwright.sync_api import expect

    seed = Article.objects.get(source_url__contains="vietnamnet.vn")
    context = browser.new_context(locale="ja-JP", viewport={"width": 375, "height": 740})
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        page.goto(site + "/search/?q=ザッカーバーグ")
        page.keyboard.press("Tab")
        expect(page.locator(".skip-link")).to_be_focused()
        page.keyboard.press("Enter")
        expect(page.locator("main")).to_be_focused()
        page.keyboard.press("Tab")  # the first control of the main content: the search box
        expect(page.get_by_role("searchbox", name="アーカイブを検索")).to_be_focused()
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")  # no sideways scroll
        page.goto(site + seed.get_absolute_url())
        expect(page.locator(".figure")).to_contain_text("写真: WSJ")
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        folder = ARTIFACTS / request.node.name
        folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(folder / "1-article-phone.png"), full_page=True)
    finally:
        context.close()
