"""Admin changelists with 100,000 articles and their claims, against a naive admin.

    python bench/admin.py [--articles N] [--rounds R]

Times the editors' changelists (claims: default, filtered by status, by quantity, searched;
entities; articles) through Django's test client on the large archive (see
_setup.large_archive), and, in the same run, the same lists in a naive ModelAdmin (no
select_related, counts by joins, a full result count), which is what one gets by default.
Budget: a changelist answers in well under a second.
"""

from __future__ import annotations

import argparse
import time

from _setup import large_archive


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    large_archive(args.articles, args.database)

    from django.contrib import admin
    from django.contrib.auth.models import User
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import override_settings
    from django.urls import path

    from articles.models import Article, Claim, Entity

    class NaiveClaimAdmin(admin.ModelAdmin):
        list_display = ["text", "kind", "status", "speaker", "attributed_to", "article", "reviewed_by"]
        list_filter = ["status", "kind", "attributed_to"]
        search_fields = ["text"]

    class NaiveEntityAdmin(admin.ModelAdmin):
        list_display = ["name", "kind", "merged_into", "mention_count"]
        list_filter = ["kind"]
        search_fields = ["name", "aliases"]

        def get_queryset(self, request):
            return super().get_queryset(request).annotate(n=Count("mentions"))

        def mention_count(self, obj):
            return obj.n

    class NaiveArticleAdmin(admin.ModelAdmin):
        change_list_template = "admin/change_list.html"  # not ours, which links to the upload page
        list_display = ["title", "source", "language", "status", "claim_count", "published_at"]
        list_filter = ["status", "language", "source"]

        def get_queryset(self, request):
            return super().get_queryset(request).annotate(n=Count("claims"))

        def claim_count(self, obj):
            return obj.n

    naive = admin.AdminSite(name="naive")
    naive.register(Claim, NaiveClaimAdmin)
    naive.register(Entity, NaiveEntityAdmin)
    naive.register(Article, NaiveArticleAdmin)

    import archive.urls

    urls = type("urls", (), {"urlpatterns": [path("naive/", naive.urls), *archive.urls.urlpatterns]})
    user = User.objects.filter(username="bench").first() or User.objects.create_superuser("bench", password=None)
    client = Client()
    client.force_login(user)

    pages = [
        ("claims", "articles/claim/"),
        ("claims ?status=verified", "articles/claim/?status__exact=verified"),
        ("claims ?has_quantity", "articles/claim/?has_quantity=yes"),
        ("claims ?q=億円", "articles/claim/?q=億円"),
        ("entities", "articles/entity/"),
        ("articles", "articles/article/"),
    ]
    naive_paths = {
        "claims ?has_quantity": None,  # the naive admin has no such filter
        "claims ?status=verified": "articles/claim/?status__exact=verified",
    }
    print(f"articles {Article.objects.count():,}, claims {Claim.objects.count():,}, "
          f"entities {Entity.objects.count():,}; best of {args.rounds} rounds")
    print(f"{'changelist':28s} {'ours':>10s} {'naive':>10s}")
    from django.conf import settings

    plain_static = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with override_settings(ROOT_URLCONF=urls, DEBUG=False, ALLOWED_HOSTS=["testserver"], SECURE_SSL_REDIRECT=False,
                           STORAGES=plain_static):
        for name, url in pages:
            ours = _best(client, f"/admin/{url}", args.rounds)
            naive_url = naive_paths.get(name, url)
            theirs = _best(client, f"/naive/{naive_url}", max(1, args.rounds // 2)) if naive_url else None
            compared = f"{theirs:8.0f} ms  ({theirs / ours:.1f}x)" if theirs else "       —"
            print(f"{name:28s} {ours:8.0f} ms {compared}")
    return 0


def _best(client, url: str, rounds: int) -> float:
    best = float("inf")
    for _ in range(rounds):
        started = time.perf_counter()
        response = client.get(url)
        elapsed = (time.perf_counter() - started) * 1000
        if response.status_code != 200:
            raise SystemExit(f"{url}: HTTP {response.status_code}")
        best = min(best, elapsed)
    return best


if __name__ == "__main__":
    raise SystemExit(main())
