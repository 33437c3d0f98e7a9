"""Page speed at 100,000 articles: the home, search and article pages served by gunicorn.

    python bench/pages.py [--requests N] [--clients 1,4] [--workers W] [--database sqlite|postgresql]

The archive is the livedoor corpus repeated with varied titles (see _setup.large_archive;
built on first use). The run collects the static files, starts gunicorn as in production
(DEBUG off, a secret key, DJANGO_SECURE_SSL_REDIRECT=0 since it is plain HTTP on loopback)
on a free port, warms it up, then, for each number of concurrent clients, sends N requests
per page type from that many client threads (http.client, one keep-alive connection each):
the home page; searches for a mix of names, places, common words, phrases and exclusions;
article pages picked at random. It prints p50/p95 latency and requests per second per page
type (one client: the time a page takes; more: what the server sustains), then stops gunicorn.

In the same run, the baseline for the two reads that the pages bound (selectors.py): the
entities "in the news" and an article's related articles, timed in this process against
their naive forms, a GROUP BY over every mention.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import socket
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import quote

from _setup import ROOT, large_archive

SEARCHES = [
    "香川", "本田", "ソフトバンク", "iPhone", "トム・クルーズ", "ジブリ", "東京", "大阪", "アメリカ", "映画",
    "試合", "結婚", "記者会見", "日", "円", "話題", "東京 映画", "日本 代表 試合", '"日本代表"', "映画 -アニメ",
]


def percentile(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(q * (len(values) - 1)))]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_environment(database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        DATABASE_URL=database_url,
        DJANGO_SECRET_KEY="benchmark-only-not-a-secret",
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SETTINGS_MODULE="archive.settings",
    )
    return env


def start_gunicorn(env: dict[str, str], port: int, workers: int) -> subprocess.Popen:
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"], cwd=ROOT, env=env, check=True)
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "archive.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", str(workers), "--log-level", "warning"],
        cwd=ROOT, env=env,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/robots.txt")
            if connection.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("gunicorn did not start")


def load(port: int, paths: list[str], clients: int) -> tuple[list[float], float]:
    """Latencies (ms) of GET `paths` spread over `clients` threads, and the wall time (s)."""

    def client(share: list[str]) -> list[float]:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        times = []
        for path in share:
            started = time.perf_counter()
            connection.request("GET", path, headers={"Accept-Language": "ja"})
            response = connection.getresponse()
            response.read()
            times.append((time.perf_counter() - started) * 1000)
            if response.status != 200:
                raise SystemExit(f"{path}: HTTP {response.status}")
        connection.close()
        return times

    shares = [paths[i::clients] for i in range(clients)]
    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        latencies = [t for times in pool.map(client, shares) for t in times]
    return latencies, time.perf_counter() - started


def timed(run, inputs) -> list[float]:
    times = []
    for value in inputs:
        started = time.perf_counter()
        run(value)
        times.append((time.perf_counter() - started) * 1000)
    return times


def baselines(slugs: list[str]) -> list[tuple[str, list[float], list[float]]]:
    """The bounded reads of selectors.py against their naive forms, in this process."""
    from django.db.models import Count

    from articles import selectors
    from articles.models import Article, Entity

    def naive_most_mentioned(_):
        return list(
            Entity.objects.filter(mentions__article__status=Article.Status.PUBLISHED)
            .annotate(article_count=Count("mentions__article_id", distinct=True))
            .order_by("-article_count", "name", "id")[:12]
        )

    def naive_related(article):
        entity_ids = list(article.mentions.values_list("entity_id", flat=True).distinct())
        return list(
            selectors.article_listing().filter(mentions__entity_id__in=entity_ids).exclude(pk=article.pk)
            .annotate(shared=Count("mentions__entity_id", distinct=True)).order_by("-shared", "-id")[:5]
        )

    def bounded_related(article):
        entity_ids = list(article.mentions.values_list("entity_id", flat=True).distinct())
        return selectors.related_articles(article, entity_ids)

    articles = list(Article.objects.filter(slug__in=slugs[:20]))
    rounds = range(5)
    return [
        ("entities in the news", timed(lambda _: selectors.most_mentioned_entities(), rounds),
         timed(naive_most_mentioned, rounds)),
        ("related articles", timed(bounded_related, articles), timed(naive_related, articles)),
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=400, help="requests per page type")
    parser.add_argument("--clients", default="1,4", help="numbers of concurrent client threads, comma-separated")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2, help="gunicorn workers")
    parser.add_argument("--skip-baseline", action="store_true")
    args = parser.parse_args()
    url = large_archive(args.articles, args.database, args.database_url)

    from django.db import connection

    from articles.models import Article

    rng = random.Random(7)
    slugs = rng.sample(list(Article.objects.published().values_list("slug", flat=True)), 200)
    pages = {
        "home": ["/"],
        "search": [f"/search/?q={quote(q)}" for q in SEARCHES],
        "article": [f"/articles/{quote(slug)}/" for slug in slugs],
    }
    concurrency = [int(n) for n in args.clients.split(",")]
    port = free_port()
    server = start_gunicorn(server_environment(url), port, args.workers)
    results = {}
    try:
        for kind, paths in pages.items():
            load(port, paths[:8] * 2, max(concurrency))  # warm every worker's caches
            for clients in concurrency:
                requested = [rng.choice(paths) for _ in range(args.requests)]
                results[kind, clients] = load(port, requested, clients)
    finally:
        server.terminate()
        server.wait(timeout=30)

    print(f"database: {connection.vendor} ({url})   articles: {Article.objects.count():,}")
    print(f"gunicorn: {args.workers} sync workers, DEBUG off, on loopback; {args.requests} requests per page type"
          f" and number of keep-alive clients")
    for (kind, clients), (latencies, seconds) in results.items():
        print(f"{kind:8} {clients:2} client{'s' if clients > 1 else ' '}  p50 {percentile(latencies, .5):7.1f} ms"
              f"   p95 {percentile(latencies, .95):7.1f} ms   mean {statistics.mean(latencies):7.1f} ms"
              f"   {len(latencies) / seconds:7.1f} req/s")
    if not args.skip_baseline:
        print("baseline (in process): bounded read of selectors.py vs the naive GROUP BY over all mentions")
        for name, fast, slow in baselines(slugs):
            print(f"{name:22} bounded p50 {percentile(fast, .5):7.1f} ms  p95 {percentile(fast, .95):7.1f} ms"
                  f"   naive p50 {percentile(slow, .5):7.1f} ms  p95 {percentile(slow, .95):7.1f} ms"
                  f"   ({statistics.mean(slow) / statistics.mean(fast):.0f}x)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
