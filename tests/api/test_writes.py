"""Editors' writes through the curation services: claims, entities, merges; who may write;
history; bad bodies; and curated work surviving a re-import."""

import pytest
from django.contrib.auth.models import Permission, User
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from articles.models import Article, Claim, Entity, EntityMerge, Mention
from articles.services.imports import import_paths

from ..conftest import SEED
from .conftest import PUBLISHED, write_jsonl

pytestmark = pytest.mark.django_db


@pytest.fixture
def claim(archive):
    return archive.seed.claims.exclude(pk=archive.rejected.pk).order_by("id").first()


def test_anonymous_writes_are_401_with_a_token_challenge(anon, claim):
    response = anon.patch(f"/api/v1/claims/{claim.pk}/", {"status": "verified"}, format="json")
    assert response.status_code == 401 and response["WWW-Authenticate"] == "Token"
    assert response.json()["code"] == "not_authenticated"
    assert anon.post("/api/v1/entities/1/merge/", {"others": [2]}, format="json").status_code == 401
    bad_token = APIClient()
    bad_token.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    assert bad_token.get("/api/v1/articles/").status_code == 401  # a wrong token is an error, not anonymity
    assert Claim.objects.get(pk=claim.pk).status == "unreviewed"


def test_users_who_are_not_editors_get_403(reader_client, claim):
    response = reader_client.patch(f"/api/v1/claims/{claim.pk}/", {"status": "verified"}, format="json")
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"
    assert reader_client.patch("/api/v1/entities/1/", {"name": "x"}, format="json").status_code == 403


def test_writes_need_the_models_change_permission(claim):
    viewer = User.objects.create_user("viewer")
    viewer.user_permissions.add(*Permission.objects.filter(codename__in=["view_claim", "change_entity"]))
    client = APIClient()
    client.force_authenticate(viewer)
    assert client.patch(f"/api/v1/claims/{claim.pk}/", {"note": "x"}, format="json").status_code == 403
    entity = Entity.objects.get(name="OpenAI")
    assert client.patch(f"/api/v1/entities/{entity.pk}/", {"kind": "organization"}, format="json").status_code == 200


def test_session_writes_need_the_csrf_token(editor, claim):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(editor)
    response = client.patch(f"/api/v1/claims/{claim.pk}/", {"status": "verified"}, format="json")
    assert response.status_code == 403 and "CSRF" in response.json()["message"]


def test_reviewing_a_claim_records_the_editor(editor_client, editor, claim):
    response = editor_client.patch(f"/api/v1/claims/{claim.pk}/", {"status": "verified", "note": "原典で確認"},
                                   format="json")
    assert response.status_code == 200
    assert response.json()["status"] == "verified" and response.json()["note"] == "原典で確認"
    claim.refresh_from_db()
    assert (claim.status, claim.reviewed_by, claim.note) == ("verified", editor, "原典で確認")
    assert claim.reviewed_at is not None and response.json()["reviewed_at"]
    assert claim.history.count() == 2 and claim.history.first().history_user == editor


def test_an_empty_patch_changes_and_records_nothing(editor_client, claim):
    response = editor_client.patch(f"/api/v1/claims/{claim.pk}/", {}, format="json")
    assert response.status_code == 200 and response.json()["id"] == claim.pk
    assert claim.history.count() == 0


def test_writes_take_json_only(editor_client, claim):
    response = editor_client.patch(f"/api/v1/claims/{claim.pk}/", {"status": "verified"})  # multipart
    assert response.status_code == 415


def test_editing_a_claims_text_marks_it_edited(editor_client, claim):
    response = editor_client.patch(f"/api/v1/claims/{claim.pk}/", {"text": "  書き直した文。 "}, format="json")
    assert response.status_code == 200 and response.json()["text"] == "書き直した文。" and response.json()["edited"]


def test_editing_an_entity_curates_it_and_its_names_are_found(editor_client, anon, editor, archive):
    entity = Entity.objects.get(name="ミラ・ムラティ")
    response = editor_client.patch(f"/api/v1/entities/{entity.pk}/",
                                   {"name": "Mira Murati", "kind": "person", "aliases": ["ミラ・ムラティ", "ムラティ"]},
                                   format="json")
    assert response.status_code == 200
    assert response.json()["aliases"] == ["ミラ・ムラティ", "ムラティ"] and response.json()["curated"] is True
    entity.refresh_from_db()
    assert entity.name == "Mira Murati" and entity.history.first().history_user == editor
    assert [e["id"] for e in anon.get("/api/v1/entities/", {"name": "mira murati"}).json()["results"]] == [entity.pk]


def test_merging_entities_moves_mentions_and_can_be_undone_in_the_admin(editor_client, editor, archive):
    tulloch, andy = Entity.objects.get(name="アンドリュー・タロック"), Entity.objects.get(name="アンディ・ストーン")
    response = editor_client.post(f"/api/v1/entities/{tulloch.pk}/merge/", {"others": [andy.pk]}, format="json")
    assert response.status_code == 200 and "アンディ・ストーン" in response.json()["aliases"]
    andy.refresh_from_db()
    assert andy.merged_into == tulloch and not Mention.objects.filter(entity=andy).exists()
    merge = EntityMerge.objects.get()
    assert merge.user == editor and merge.survivor == tulloch
    # merging into a merged entity, or what is already merged, is refused by the service
    response = editor_client.post(f"/api/v1/entities/{andy.pk}/merge/", {"others": [tulloch.pk]}, format="json")
    assert response.status_code == 400 and "survivor" in response.json()["message"]


@pytest.mark.parametrize(("body", "field"), [
    ({"others": []}, "others"),
    ({"others": [999999]}, "others"),
    ({"others": ["x"]}, "others"),
    ({"others": 5}, "others"),
    ({}, "others"),
    ({"others": "OTHER", "survivor": 2}, "survivor"),
])
def test_bad_merge_bodies_are_400(editor_client, archive, body, field):
    survivor = Entity.objects.get(name="OpenAI")
    if body.get("others") == "OTHER":
        body = {**body, "others": [Entity.objects.get(name="ChatGPT").pk]}
    response = editor_client.post(f"/api/v1/entities/{survivor.pk}/merge/", body, format="json")
    assert response.status_code == 400 and field in response.json()["fields"], response.content
    assert not EntityMerge.objects.exists()


def test_merging_an_entity_into_itself_is_400(editor_client, archive):
    entity = Entity.objects.get(name="OpenAI")
    response = editor_client.post(f"/api/v1/entities/{entity.pk}/merge/", {"others": [entity.pk]}, format="json")
    assert response.status_code == 400 and "at least one other" in response.json()["message"]


def test_merging_what_is_already_merged_says_into_which(editor_client, archive):
    openai, chatgpt, murati = (Entity.objects.get(name=n) for n in ("OpenAI", "ChatGPT", "ミラ・ムラティ"))
    assert editor_client.post(f"/api/v1/entities/{openai.pk}/merge/", {"others": [chatgpt.pk]},
                              format="json").status_code == 200
    again = editor_client.post(f"/api/v1/entities/{openai.pk}/merge/", {"others": [chatgpt.pk]}, format="json")
    assert again.status_code == 400 and again.json()["message"] == "ChatGPT is already merged into OpenAI."
    elsewhere = editor_client.post(f"/api/v1/entities/{murati.pk}/merge/", {"others": [chatgpt.pk]}, format="json")
    assert elsewhere.status_code == 400 and elsewhere.json()["message"] == "ChatGPT is already merged into another entity."
    assert EntityMerge.objects.count() == 1


@pytest.mark.parametrize(("body", "field"), [
    ({"status": "true"}, "status"),
    ({"status": None}, "status"),
    ({"text": ""}, "text"),
    ({"id": 5}, "id"),
    ({"stauts": "verified"}, "stauts"),
    ({"speaker": 3}, "speaker"),
    ({"note": 5}, "note"),  # a string, not a number made one
    (["verified"], "non_field_errors"),
])
def test_bad_claim_bodies_are_400(editor_client, claim, body, field):
    response = editor_client.patch(f"/api/v1/claims/{claim.pk}/", body, format="json")
    assert response.status_code == 400 and field in response.json()["fields"], response.content
    assert Claim.objects.get(pk=claim.pk).history.count() == 0  # nothing was written


@pytest.mark.parametrize("body", [b"{", b"\xff\xfe", b'{"status": "verified",}', b"null"])
def test_malformed_json_is_400(editor_client, claim, body):
    response = editor_client.generic("PATCH", f"/api/v1/claims/{claim.pk}/", body, content_type="application/json")
    assert response.status_code == 400 and response.json()["status"] == 400


def test_bad_entity_bodies_are_400(editor_client, archive):
    entity = Entity.objects.get(name="OpenAI")
    for body in ({"kind": "alien"}, {"aliases": "OpenAI Inc."}, {"aliases": [None]}, {"name": " "},
                 {"name": "x" * 301}, {"merged_into": 3}, {"name": 12345}, {"aliases": [1, 2]}):
        response = editor_client.patch(f"/api/v1/entities/{entity.pk}/", body, format="json")
        assert response.status_code == 400, body
    assert not Entity.objects.get(pk=entity.pk).curated


def test_unsupported_methods_are_405_with_allow(editor_client, claim):
    for method, url in (("put", f"/api/v1/claims/{claim.pk}/"), ("delete", f"/api/v1/claims/{claim.pk}/"),
                        ("post", "/api/v1/claims/"), ("patch", f"/api/v1/articles/{claim.article_id}/"),
                        ("get", "/api/v1/entities/1/merge/")):
        response = getattr(editor_client, method)(url, {}, format="json")
        assert response.status_code == 405, (method, url)
        assert response.json()["code"] == "method_not_allowed" and response["Allow"]


def test_writes_to_missing_objects_are_404(editor_client, archive):
    assert editor_client.patch("/api/v1/claims/999999/", {"note": "x"}, format="json").status_code == 404
    other = Entity.objects.first().pk
    assert editor_client.post("/api/v1/entities/999999/merge/", {"others": [other]}, format="json").status_code == 404


def test_curated_changes_survive_a_reimport(editor_client, archive, tmp_path):
    claim = archive.seed.claims.filter(kind="quote").first()
    assert editor_client.patch(f"/api/v1/claims/{claim.pk}/", {"status": "verified", "text": "編集した引用。"},
                               format="json").status_code == 200
    tulloch, andy = Entity.objects.get(name="アンドリュー・タロック"), Entity.objects.get(name="アンディ・ストーン")
    assert editor_client.post(f"/api/v1/entities/{tulloch.pk}/merge/", {"others": [andy.pk]},
                              format="json").status_code == 200
    counts = (Article.objects.count(), Entity.objects.count(), Claim.objects.count(), Mention.objects.count())

    report = import_paths([SEED, write_jsonl(tmp_path / "again.jsonl", PUBLISHED)], force=True, workers=1)
    assert not report.failures and report.counts["updated"] == 3

    assert (Article.objects.count(), Entity.objects.count(), Claim.objects.count(), Mention.objects.count()) == counts
    detail = editor_client.get(f"/api/v1/claims/{claim.pk}/").json()
    assert (detail["status"], detail["text"], detail["edited"]) == ("verified", "編集した引用。", True)
    andy_now = editor_client.get(f"/api/v1/entities/{andy.pk}/").json()
    assert andy_now["merged_into"] == tulloch.pk
    assert not Mention.objects.filter(entity=andy).exists()  # the re-import resolved the name to the survivor
    assert Mention.objects.filter(entity=tulloch, surface__contains="ストーン").exists()


def test_tokens_of_editors_work_like_their_sessions(editor, claim):
    token = Token.objects.create(user=editor)
    client = APIClient(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert client.patch(f"/api/v1/claims/{claim.pk}/", {"status": "disputed"}, format="json").status_code == 200


@pytest.mark.parametrize(("body", "field"), [
    ({"name": "\u200b\ufeff"}, "name"),  # zero-width space, byte-order mark
    ({"name": "\u2060\u00ad\u3000"}, "name"),  # word joiner, soft hyphen, ideographic space
    ({"name": "OpenAI", "aliases": ["オープンAI", "\u200d"]}, "aliases"),  # zero-width joiner
])
def test_names_and_aliases_need_a_visible_character(editor_client, archive, body, field):
    entity = Entity.objects.get(name="OpenAI")
    response = editor_client.patch(f"/api/v1/entities/{entity.pk}/", body, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400 and list(response.json()["fields"]) == [field], response.content
    assert "visible character" in response.json()["message"]
    entity.refresh_from_db()
    assert entity.name == "OpenAI" and not entity.curated and entity.history.count() == 0
    response = editor_client.patch(f"/api/v1/entities/{entity.pk}/", {"name": "Open\u200bAI", "aliases": ["オープンAI"]},
                                   format="json")
    assert response.status_code == 200 and response.json()["aliases"] == ["オープンAI", "OpenAI"]  # the old name kept


def test_an_edit_with_a_stale_if_match_is_412_and_changes_nothing(editor_client, claim):
    url = f"/api/v1/claims/{claim.pk}/"
    read = editor_client.get(url)["ETag"]
    assert editor_client.patch(url, {"note": "一人目"}, format="json", HTTP_IF_MATCH=read).status_code == 200
    # a second editor still holding the first copy would overwrite the change unseen
    stale = editor_client.patch(url, {"note": "二人目"}, format="json", HTTP_IF_MATCH=read)
    assert stale.status_code == 412 and stale.json()["code"] == "precondition_failed"
    assert Claim.objects.get(pk=claim.pk).note == "一人目"
    current = editor_client.get(url)["ETag"]
    assert editor_client.patch(url, {"note": "x"}, format="json", HTTP_IF_MATCH=f"W/{current}").status_code == 412
    assert editor_client.patch(url, {"note": "二人目"}, format="json",
                               HTTP_IF_MATCH=f'"other", {current}').status_code == 200
    assert editor_client.patch(url, {"note": "三人目"}, format="json", HTTP_IF_MATCH="*").status_code == 200
    assert Claim.objects.get(pk=claim.pk).note == "三人目"


def test_a_merge_with_a_stale_if_match_is_412_and_merges_nothing(editor_client, archive):
    tulloch, andy = Entity.objects.get(name="アンドリュー・タロック"), Entity.objects.get(name="アンディ・ストーン")
    url = f"/api/v1/entities/{tulloch.pk}/"
    read = editor_client.get(url)["ETag"]
    assert editor_client.patch(url, {"aliases": ["タロック"]}, format="json").status_code == 200
    response = editor_client.post(f"{url}merge/", {"others": [andy.pk]}, format="json", HTTP_IF_MATCH=read)
    assert response.status_code == 412 and not EntityMerge.objects.exists()
    current = editor_client.get(url)["ETag"]
    assert editor_client.post(f"{url}merge/", {"others": [andy.pk]}, format="json",
                              HTTP_IF_MATCH=current).status_code == 200


def test_a_write_the_database_cannot_take_yet_is_a_503_to_retry(editor_client, claim, monkeypatch):
    """SQLite lets one writer in at a time: when its busy timeout runs out behind an import's
    batches, the editor is told to retry, and nothing was written."""
    from django.db import OperationalError, transaction

    from articles.services import curation

    @transaction.atomic  # as every curation service is
    def locked(**kwargs):
        Claim.objects.filter(pk=claim.pk).update(note="半分")  # what the write did before the lock
        raise OperationalError("database is locked")

    monkeypatch.setattr(curation, "claim_update", locked)
    response = editor_client.patch(f"/api/v1/claims/{claim.pk}/", {"note": "確認中"}, format="json")
    assert response.status_code == 503 and response["Retry-After"] == "5"
    assert response.json()["code"] == "busy"
    assert Claim.objects.get(pk=claim.pk).note == ""
