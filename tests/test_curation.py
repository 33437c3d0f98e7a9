"""Curation services: merges move everything and undo exactly; reviews and edits are
recorded in the history with their editor."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from articles.ingest import name_key
from articles.models import Article, Claim, Entity, EntityMerge, EntityName, Source
from articles.search import search
from articles.services import curation
from articles.services.imports import KnownNames, import_paths
from articles.services.names import entity_names_sync

from .conftest import SEED

pytestmark = pytest.mark.django_db

CITING = "別の見出し\n\nウォール・ストリート・ジャーナルによると、ペンギンの数は2024年に倍増した。\n"


@pytest.fixture
def outlets(write_file):
    import_paths([SEED, write_file("citing.txt", CITING)], workers=1)
    return Source.objects.get(name="WSJ"), Source.objects.get(name="ウォール・ストリート・ジャーナル")


def test_source_merge_moves_citations_and_attributions_and_undoes_exactly(outlets, editor):
    wsj, long_name = outlets
    before = {
        "cited": sorted(Article.attributed_to.through.objects.values_list("article_id", "source_id")),
        "claims": sorted(Claim.objects.filter(attributed_to__isnull=False).values_list("id", "attributed_to_id")),
    }
    assert search("WSJ ペンギン").total == 0  # this article names the outlet only in full
    [merge] = curation.source_merge(survivor=wsj, others=[long_name], user=editor)
    long_name.refresh_from_db()
    wsj.refresh_from_db()
    assert long_name.merged_into == wsj and "ウォール・ストリート・ジャーナル" in wsj.aliases
    assert not Claim.objects.filter(attributed_to=long_name).exists()
    assert not Article.attributed_to.through.objects.filter(source=long_name).exists()
    assert search("WSJ ペンギン").total == 1  # the merged name now finds it
    with pytest.raises(ValidationError):
        curation.source_merge(survivor=wsj, others=[long_name], user=editor)  # already merged

    curation.source_merge_undo(merge=merge, user=editor)
    after = {
        "cited": sorted(Article.attributed_to.through.objects.values_list("article_id", "source_id")),
        "claims": sorted(Claim.objects.filter(attributed_to__isnull=False).values_list("id", "attributed_to_id")),
    }
    assert after == before
    wsj.refresh_from_db()
    assert wsj.aliases == [] and Source.objects.get(pk=long_name.pk).merged_into is None
    with pytest.raises(ValidationError, match="already been undone"):
        curation.source_merge_undo(merge=merge, user=editor)


def test_merging_into_a_merged_entity_is_refused_and_chains_stay_one_hop(seed_article, editor):
    a, b, c = (Entity.objects.get(name=n) for n in ("アンディ・ストーン", "アンドリュー・タロック", "ジョン・シュルマン"))
    curation.entity_merge(survivor=b, others=[a], user=editor)
    with pytest.raises(ValidationError, match="itself merged"):
        curation.entity_merge(survivor=a, others=[c], user=editor)
    [second] = curation.entity_merge(survivor=c, others=[b], user=editor)
    a.refresh_from_db()
    assert a.merged_into == c  # re-pointed: every merged name resolves in one hop
    first = a.merges_given.get()
    with pytest.raises(ValidationError, match="undo the later merges first"):
        curation.entity_merge_undo(merge=first, user=editor)
    curation.entity_merge_undo(merge=second, user=editor)
    a.refresh_from_db()
    assert a.merged_into == b
    curation.entity_merge_undo(merge=first, user=editor)
    assert Entity.objects.filter(pk__in=[a.pk, b.pk, c.pk], merged_into=None).count() == 3


def test_edits_are_validated_and_recorded(seed_article, editor):
    entity = Entity.objects.get(name="ミラ・ムラティ")
    with pytest.raises(ValidationError):
        curation.entity_update(entity=entity, user=editor, kind="wizard")
    curation.entity_update(entity=Entity.objects.get(pk=entity.pk), user=editor, aliases=["ムラティ", " ムラティ ", "Mira"])
    entity.refresh_from_db()
    assert entity.aliases == ["ムラティ", "Mira"] and entity.curated
    record = entity.history.first()
    assert record.history_user == editor and record.aliases == ["ムラティ", "Mira"]
    assert entity.history.last().history_change_reason == "state before the first edit"
    claim = Claim.objects.first()
    with pytest.raises(ValidationError):
        curation.claim_review(claims=[claim], status="maybe", user=editor)
    assert curation.claim_review(claims=[claim], status="rejected", user=editor) == 1
    claim.refresh_from_db()
    assert (claim.status, claim.reviewed_by) == ("rejected", editor) and claim.reviewed_at
    assert claim.history.first().history_user == editor


def test_a_merge_leaves_out_aliases_another_entity_answers_to(editor):
    group = Entity.objects.create(name="AKB", kind="organization")
    member = Entity.objects.create(name="AKB前田敦子", kind="person", aliases=["AKB", "あっちゃん"])
    maeda = Entity.objects.create(name="前田敦子", kind="person")
    entity_names_sync([group, member, maeda])
    curation.entity_merge(survivor=maeda, others=[member], user=editor)
    maeda.refresh_from_db()
    assert maeda.aliases == ["AKB前田敦子", "あっちゃん"]
    # nor does the merged entity answer to it any more: imports follow it to the survivor
    assert list(EntityName.objects.filter(key=name_key("AKB")).values_list("entity", flat=True)) == [group.pk]
    curation.entity_merge_undo(merge=EntityMerge.objects.get(), user=editor)
    assert EntityName.objects.filter(key=name_key("AKB"), entity=member).exists()


def test_a_name_two_entities_answer_to_teaches_the_importer_nothing(editor):
    shinji = Entity.objects.create(name="香川真司", kind="person", aliases=["香川"], curated=True)
    teruyuki = Entity.objects.create(name="香川照之", kind="person", aliases=["香川"])
    entity_names_sync([shinji, teruyuki])
    known = KnownNames().kinds
    assert name_key("香川真司") in known and name_key("香川") not in known


def test_a_long_name_whose_key_grows_is_stored(seed_article, editor):
    entity = Entity.objects.filter(kind="person").first()
    curation.entity_update(entity=entity, user=editor, name="㍿" * 120, aliases=["…" * 300])
    assert Entity.objects.get(pk=entity.pk).name == "㍿" * 120  # its keys are cut to the column


def test_publishing_marks_what_it_shows_as_updated(editor):
    import_paths([SEED], status="draft")
    article = Article.objects.get()
    before = timezone.now()
    curation.article_set_status(articles=[article], status="published", user=editor)
    assert not Claim.objects.filter(article=article, updated_at__lt=before).exists()
    assert not Entity.objects.filter(mentions__article=article, updated_at__lt=before).exists()
    assert not Source.objects.filter(articles=article, updated_at__lt=before).exists()


def test_a_second_merge_marks_the_records_it_repoints_as_updated(seed_article, editor):
    first, second, third = Entity.objects.filter(kind="person")[:3]
    curation.entity_merge(survivor=second, others=[first], user=editor)
    before = timezone.now()
    curation.entity_merge(survivor=third, others=[second], user=editor)
    first.refresh_from_db()
    assert first.merged_into == third and first.updated_at >= before


def test_a_claim_is_curated_when_an_editor_overrides_what_was_extracted(seed_article, editor):
    claim = Claim.objects.filter(kind="statement").first()
    curation.claim_update(claim=claim, user=editor, kind="statement")
    assert not Claim.objects.get(pk=claim.pk).curated  # nothing changed
    curation.claim_update(claim=claim, user=editor, kind="quote")
    assert Claim.objects.get(pk=claim.pk).curated


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_migration_marks_claims_editors_already_changed(seed_article, editor):
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    changed = Claim.objects.first()
    curation.claim_update(claim=changed, user=editor, kind="quote")
    Claim.objects.update(curated=False)  # as the claims were before the field existed
    executor = MigrationExecutor(connection)
    executor.migrate([("articles", "0006_search_lz4")])
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert list(Claim.objects.filter(curated=True)) == [changed]
    assert Claim.objects.count() > 1


def test_taking_a_rejection_back_marks_what_the_claim_names_as_updated(seed_article, editor):
    claim = Claim.objects.exclude(speaker=None).first()
    curation.claim_review(claims=[claim], status="rejected", user=editor)
    for restore in (
        lambda: curation.claim_review(claims=[claim], status="verified", user=editor),
        lambda: curation.claim_update(claim=Claim.objects.get(pk=claim.pk), user=editor, status="rejected"),
    ):
        before = timezone.now()
        restore()
        assert Entity.objects.get(pk=claim.speaker_id).updated_at >= before
