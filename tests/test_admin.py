"""Editors in the admin: changelists, merge and undo, bulk review, upload, history, permissions,
and a fixed number of queries per changelist whatever the page holds."""

import json
import subprocess
import sys
from io import StringIO

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Group, Permission, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.models import Article, Claim, Entity, EntityMerge, Mention, Source
from articles.search import search
from articles.services.imports import import_paths

from .conftest import ROOT, SEED

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_editor(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def seeded(db):
    import_paths([SEED])


def changelist(model):
    return reverse(f"admin:articles_{model._meta.model_name}_changelist")


def test_editors_group_holds_exactly_the_curation_permissions():
    group = Group.objects.get(name="Editors")
    codenames = set(group.permissions.values_list("content_type__app_label", "codename"))
    assert codenames == {
        ("articles", f"{action}_{model}")
        for model in ("article", "entity", "claim", "source")
        for action in ("add", "change", "view")
    } | {("articles", f"view_{model}") for model in ("mention", "entitymerge", "sourcemerge")}
    assert not group.permissions.filter(content_type__app_label__in=["auth", "sites", "authtoken"]).exists()
    assert not Permission.objects.filter(group=group, codename__startswith="delete_").exists()


@pytest.mark.parametrize("model", [Article, Entity, Claim, Source, EntityMerge])
def test_changelists_and_change_pages_open(client_editor, seeded, model):
    assert client_editor.get(changelist(model)).status_code == 200
    obj = model.objects.first()
    if obj is not None:
        url = reverse(f"admin:articles_{model._meta.model_name}_change", args=[obj.pk])
        assert client_editor.get(url).status_code == 200


def test_editors_cannot_reach_users_or_groups(client_editor):
    assert client_editor.get(reverse("admin:auth_user_changelist")).status_code == 403
    assert client_editor.get(reverse("admin:auth_group_changelist")).status_code == 403


def test_entity_search_finds_aliases(client_editor, seeded):
    response = client_editor.get(changelist(Entity), {"q": "ムラティ"})
    assert "ミラ・ムラティ" in response.content.decode()


def test_has_duplicates_filter(client_editor, seeded):
    Entity.objects.create(name="ミラ ムラティ", kind="person")  # the same name key
    from articles.services.names import entity_names_sync

    entity_names_sync(Entity.objects.all())
    response = client_editor.get(changelist(Entity), {"duplicates": "yes"})
    names = [e.name for e in response.context["cl"].result_list]
    assert sorted(names) == ["ミラ ムラティ", "ミラ・ムラティ"]


def test_merge_asks_for_the_survivor_then_moves_everything_and_can_be_undone(client_editor, seeded, editor):
    andy = Entity.objects.get(name="アンディ・ストーン")
    tulloch = Entity.objects.get(name="アンドリュー・タロック")
    post = {"action": "merge", ACTION_CHECKBOX_NAME: [andy.pk, tulloch.pk]}
    page = client_editor.post(changelist(Entity), post)
    assert page.status_code == 200 and "アンドリュー・タロック" in page.content.decode()
    assert Entity.objects.get(pk=andy.pk).merged_into is None  # nothing happens before the confirmation

    response = client_editor.post(changelist(Entity), {**post, "confirm": "yes", "survivor": tulloch.pk})
    assert response.status_code == 302
    andy.refresh_from_db()
    tulloch.refresh_from_db()
    assert andy.merged_into == tulloch
    assert "アンディ・ストーン" in tulloch.aliases
    assert not Mention.objects.filter(entity=andy).exists()
    assert Claim.objects.get(text__startswith="メタの広報担当").speaker == tulloch
    assert search("アンディ・ストーン タロック").total == 1

    merge = EntityMerge.objects.get()
    assert merge.user == editor
    client_editor.post(reverse("admin:articles_entitymerge_changelist"),
                       {"action": "undo", ACTION_CHECKBOX_NAME: [merge.pk]})
    andy.refresh_from_db()
    tulloch.refresh_from_db()
    assert andy.merged_into is None and "アンディ・ストーン" not in tulloch.aliases
    assert Claim.objects.get(text__startswith="メタの広報担当").speaker == andy
    assert Mention.objects.filter(entity=andy).exists()
    again = client_editor.post(reverse("admin:articles_entitymerge_changelist"),
                               {"action": "undo", ACTION_CHECKBOX_NAME: [merge.pk]}, follow=True)
    assert "already been undone" in again.content.decode()


def test_actions_on_a_tampered_selection_are_bad_requests(client_editor, seeded):
    for url, action in ((changelist(Entity), "merge"), (changelist(Claim), "mark_verified"),
                        (reverse("admin:articles_entitymerge_changelist"), "undo")):
        response = client_editor.post(url, {"action": action, ACTION_CHECKBOX_NAME: ["abc"]})
        assert response.status_code == 400, url


def test_bulk_review_records_who_and_when(client_editor, seeded, editor):
    claims = list(Claim.objects.order_by("id")[:2])
    client_editor.post(changelist(Claim), {"action": "mark_verified", ACTION_CHECKBOX_NAME: [c.pk for c in claims]})
    for claim in claims:
        claim.refresh_from_db()
        assert claim.status == "verified" and claim.reviewed_by == editor and claim.reviewed_at
    assert claims[0].history.count() == 2  # the state before, and the review
    assert claims[0].history.first().history_user == editor


def test_claim_filters(client_editor, seeded):
    response = client_editor.get(changelist(Claim), {"has_quantity": "yes"})
    shown = list(response.context["cl"].result_list)
    assert shown and all(c.quantities for c in shown)
    response = client_editor.get(changelist(Claim), {"kind__exact": "quote"})
    assert all(c.kind == "quote" for c in response.context["cl"].result_list)


def test_editing_a_claim_goes_through_the_service(client_editor, seeded, editor):
    claim = Claim.objects.get(text__startswith="7人の共同創業者")
    url = reverse("admin:articles_claim_change", args=[claim.pk])
    page = client_editor.get(url)
    assert "<mark>7人の共同創業者" in page.content.decode()  # shown in its context
    response = client_editor.post(url, {
        "text": "共同創業者7人が在籍。", "kind": "quantity", "status": "disputed", "speaker": "",
        "attributed_to": "", "note": "人数は未確認",
    })
    assert response.status_code == 302
    claim.refresh_from_db()
    assert (claim.text, claim.status, claim.note, claim.edited, claim.reviewed_by) == (
        "共同創業者7人が在籍。", "disputed", "人数は未確認", True, editor)


def test_renaming_an_entity_in_the_form_curates_it(client_editor, seeded):
    entity = Entity.objects.get(name="ミラ・ムラティ")
    url = reverse("admin:articles_entity_change", args=[entity.pk])
    response = client_editor.post(url, {"name": "Mira Murati", "kind": "person", "aliases": "ミラ・ムラティ\nムラティ"})
    assert response.status_code == 302
    entity.refresh_from_db()
    assert entity.name == "Mira Murati" and entity.curated and entity.aliases == ["ミラ・ムラティ", "ムラティ"]
    history = client_editor.get(reverse("admin:articles_entity_history", args=[entity.pk])).content.decode()
    assert "editor" in history and "state before the first edit" in history


def test_a_change_the_database_cannot_take_yet_is_a_503_to_retry(client_editor, seeded, monkeypatch):
    """SQLite lets one writer in at a time: when its busy timeout runs out behind an import's
    batches, the editor gets a page that says to retry, not a server error, and nothing of the
    change was written."""
    from django.db import OperationalError, transaction

    from articles.services import curation

    entity = Entity.objects.get(name="ミラ・ムラティ")

    @transaction.atomic  # as every curation service is
    def locked(**kwargs):
        Entity.objects.filter(pk=entity.pk).update(name="半分")  # what the write did before the lock
        raise OperationalError("database is locked")

    monkeypatch.setattr(curation, "entity_update", locked)
    url = reverse("admin:articles_entity_change", args=[entity.pk])
    response = client_editor.post(url, {"name": "Mira Murati", "kind": "person", "aliases": ""})
    assert response.status_code == 503 and response["Retry-After"] == "5"
    assert "もう一度お試しください" in response.content.decode()
    entity.refresh_from_db()
    assert entity.name == "ミラ・ムラティ" and not entity.curated


@pytest.mark.parametrize("model", [Entity, Source])
def test_names_and_aliases_without_a_visible_character_are_form_errors(client_editor, seeded, model):
    record = model.objects.order_by("id").first()
    url = reverse(f"admin:articles_{model._meta.model_name}_change", args=[record.pk])
    form = {"name": record.name, "kind": record.kind, "url": getattr(record, "url", ""), "aliases": ""}
    versions = record.history.count()
    for field, value in (("name", "\u200b\ufeff"), ("aliases", "別名\n\u2060")):
        page = client_editor.post(url, {**form, field: value})
        assert page.status_code == 200 and page.context["adminform"].form.errors[field], field
    record.refresh_from_db()
    assert not record.curated and record.history.count() == versions
    assert client_editor.post(url, {**form, "aliases": "別名"}).status_code == 302


def test_records_an_editor_adds_are_found_by_later_imports(client_editor, db, write_file):
    add = client_editor.post(reverse("admin:articles_source_add"),
                             {"name": "Example News", "kind": "website", "url": "https://www.example.com/", "aliases": ""})
    assert add.status_code == 302
    source = Source.objects.get(name="Example News")
    assert source.domain == "example.com" and source.curated
    add = client_editor.post(reverse("admin:articles_entity_add"),
                             {"name": "新田新太郎", "kind": "person", "aliases": "新田氏"})
    assert add.status_code == 302
    entity = Entity.objects.get(name="新田新太郎")
    report = import_paths([write_file("a.txt", "新田新太郎さんが来日\n\n新田新太郎さんは5日に来日した。\n\n"
                                               "出典: https://example.com/news/1\n")])
    assert not report.failures
    article = Article.objects.get()
    assert article.source == source and article.mentions.filter(entity=entity).exists()


def test_editors_add_no_claims_and_bad_ids_find_nothing(client_editor, seeded):
    assert client_editor.get(reverse("admin:articles_claim_add")).status_code == 403
    entity = Entity.objects.order_by("id").first()
    for url in ("/admin/articles/entity/abc/history/", f"/admin/articles/entity/{entity.pk}/history/abc/",
                "/admin/articles/claim/1.5/history/"):
        assert client_editor.get(url).status_code == 404, url
    form = {"name": entity.name, "kind": entity.kind, "aliases": "ab\x00cd"}
    page = client_editor.post(reverse("admin:articles_entity_change", args=[entity.pk]), form)
    assert page.status_code == 200 and page.context["adminform"].form.errors["aliases"]


def test_publish_and_unpublish_actions(client_editor, seeded):
    article = Article.objects.get()
    client_editor.post(changelist(Article), {"action": "unpublish", ACTION_CHECKBOX_NAME: [article.pk]})
    article.refresh_from_db()
    assert article.status == "draft"
    client_editor.post(changelist(Article), {"action": "publish", ACTION_CHECKBOX_NAME: [article.pk]})
    article.refresh_from_db()
    assert article.status == "published"


def test_article_page_shows_the_body_escaped_with_marks(client_editor, db, write_file):
    import_paths([write_file("x.txt", "見出し\n\n<script>alert(1)</script>と東京都の小池百合子知事は述べた。10人が来た。\n")])
    article = Article.objects.get()
    html = client_editor.get(reverse("admin:articles_article_change", args=[article.pk])).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)</script>" not in html
    assert 'class="mention"' in html and '<mark class="claim' in html


def test_upload_imports_files_and_reports_bad_ones(client_editor):
    good = SimpleUploadedFile("good.txt", "見出し\n\n東京で10人が集まった。\n".encode("cp932"))
    bad = SimpleUploadedFile("bad.txt", b"\x00\x01\x02\x03" * 10)
    response = client_editor.post(reverse("admin:articles_article_upload"),
                                  {"files": [good, bad], "status": "draft"}, follow=True)
    text = response.content.decode()
    assert "Not imported: bad.txt: the file looks binary" in text
    assert "1 imported" in text
    assert Article.objects.get().status == "draft"


def test_upload_says_which_file_holds_another_urls_article(client_editor):
    text = "見出し\n\n東京で10人が集まった。\n\n出典: https://example.com/{}\n"
    first = SimpleUploadedFile("first.txt", text.format(1).encode())
    copy = SimpleUploadedFile("copy.txt", text.format(2).encode())
    response = client_editor.post(reverse("admin:articles_article_upload"),
                                  {"files": [first, copy], "status": "published"}, follow=True)
    article = Article.objects.get()
    assert article.source_url == "https://example.com/1"
    assert f"Not imported: copy.txt: skipped, the same text as article {article.pk} (https://example.com/1)" in response.content.decode()


def test_an_upload_without_files_asks_for_them(client_editor):
    page = client_editor.post(reverse("admin:articles_article_upload"), {"status": "draft"})
    assert page.status_code == 200 and page.context["form"].errors["files"]


def test_upload_refuses_users_without_add_permission(client, django_user_model):
    user = django_user_model.objects.create_user("viewer", password="x", is_staff=True)
    client.force_login(user)
    assert client.get(reverse("admin:articles_article_upload")).status_code == 403


def _make_rows(n):
    """n articles, each with entities and claims, through the real importer."""
    families = ["佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "山本", "中村", "小林", "加藤"]
    givens = ["太郎", "花子", "一郎", "美咲", "健太"]
    return [
        json.dumps({
            "title": f"記事{i}", "url": f"https://site{i % 23}.example.jp/{i}",
            "body": f"{families[i % 10]}{givens[i // 10 % 5]}氏は東京で「賛成だ」と述べた。"
                    f"約{i + 10}億円の予算で{i + 2}人が参加した。",
        }, ensure_ascii=False)
        for i in range(n)
    ]


# session, user, count, page rows, and per list filter its choices (sources for Article and
# Claim): never one per row
@pytest.mark.parametrize(("model", "expected"), [(Article, 8), (Entity, 6), (Claim, 7), (Source, 6)])
def test_changelists_use_a_fixed_number_of_queries(client_editor, db, tmp_path, model, expected):
    from django.db import connection

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client_editor.get(changelist(model)).status_code == 200
        return len(captured)

    path = tmp_path / "few.jsonl"
    path.write_text("\n".join(_make_rows(3)), encoding="utf-8")
    import_paths([path], workers=1)
    few = queries()
    path = tmp_path / "many.jsonl"
    path.write_text("\n".join(_make_rows(40)), encoding="utf-8")
    import_paths([path], workers=1)
    assert model.objects.count() > 10
    assert queries() == few
    assert few == expected


def test_create_editor_without_a_terminal_says_to_use_password_env(monkeypatch, editor):  # editor: the group exists
    # a new session has no controlling terminal, so getpass falls back to stdin, which is empty
    done = subprocess.run([sys.executable, str(ROOT / "manage.py"), "create_editor", "bob"], cwd=ROOT,
                          stdin=subprocess.DEVNULL, capture_output=True, text=True, start_new_session=True, timeout=60)
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    assert done.stderr.strip().splitlines()[-1].startswith("CommandError:") and "--password-env" in done.stderr
    monkeypatch.setenv("BOB_PASSWORD", "correct horse battery staple")
    call_command("create_editor", "bob", "--password-env", "BOB_PASSWORD", stdout=StringIO())
    assert User.objects.get(username="bob").groups.filter(name="Editors").exists()


@pytest.mark.parametrize("model", [Entity, Source])
def test_saving_a_name_another_record_has_warns_with_links_to_both(client_editor, seeded, model):
    first, second = model.objects.order_by("id")[:2]
    url = reverse(f"admin:articles_{model._meta.model_name}_change", args=[second.pk])
    form = {"kind": second.kind, "url": getattr(second, "url", ""), "aliases": ""}
    page = client_editor.post(url, {**form, "name": "<b>別名</b>"}, follow=True)
    assert [m.level_tag for m in page.context["messages"]] == ["success"]  # no namesake: no warning
    page = client_editor.post(url, {**form, "name": first.name}, follow=True)
    second.refresh_from_db()
    assert second.name == first.name  # saved all the same: namesakes can be different people
    warning = next(m for m in page.context["messages"] if m.level_tag == "warning")
    first_url = reverse(f"admin:articles_{model._meta.model_name}_change", args=[first.pk])
    assert f'<a href="{first_url}">' in str(warning) and "?q=" in str(warning)
    html = page.content.decode()
    assert f'<a href="{first_url}">' in html  # shown as a link, not as escaped markup
    assert "&lt;b&gt;別名&lt;/b&gt;" in html and "<b>別名</b>" not in html  # the old name, now an alias, escaped
