"""An editor in a real browser: logs in, merges two entities choosing the survivor, verifies
two claims in bulk, and reads the history."""

import pytest

from articles.models import Claim, Entity
from articles.services.imports import import_paths

from ..conftest import EDITOR_PASSWORD, SEED

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_editor_merges_reviews_and_reads_history(live_server, page, screenshot, editor):
    import_paths([SEED], workers=1)
    page.goto(f"{live_server.url}/admin/")
    page.fill("#id_username", editor.username)
    page.fill("#id_password", EDITOR_PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_selector("#content-main")
    screenshot("1-dashboard")

    # merge: select two entities, choose the survivor on the confirmation page
    andy = Entity.objects.get(name="アンディ・ストーン")
    tulloch = Entity.objects.get(name="アンドリュー・タロック")
    page.goto(f"{live_server.url}/admin/articles/entity/?kind__exact=person")
    page.check(f"input[name=_selected_action][value='{andy.pk}']")
    page.check(f"input[name=_selected_action][value='{tulloch.pk}']")
    page.select_option("select[name=action]", "merge")
    page.click("button[name=index]")
    page.wait_for_selector("input[name=survivor]")
    screenshot("2-merge-choose-survivor")
    page.check(f"#survivor-{tulloch.pk}")
    page.click("input[type=submit][value]")
    page.wait_for_selector(".messagelist .success")
    screenshot("3-merged")
    andy.refresh_from_db()
    assert andy.merged_into_id == tulloch.pk

    # bulk review: verify two claims
    claims = list(Claim.objects.order_by("id")[:2])
    page.goto(f"{live_server.url}/admin/articles/claim/")
    for claim in claims:
        page.check(f"input[name=_selected_action][value='{claim.pk}']")
    page.select_option("select[name=action]", "mark_verified")
    page.click("button[name=index]")
    page.wait_for_selector(".messagelist .success")
    screenshot("4-claims-verified")
    assert {c.status for c in Claim.objects.filter(pk__in=[c.pk for c in claims])} == {"verified"}

    # history: the survivor's page shows the merge, by this editor
    page.goto(f"{live_server.url}/admin/articles/entity/{tulloch.pk}/history/")
    history = page.inner_text("#content")
    assert editor.username in history
    screenshot("5-history")
    page.goto(f"{live_server.url}/admin/articles/claim/{claims[0].pk}/history/")
    assert editor.username in page.inner_text("#content")
