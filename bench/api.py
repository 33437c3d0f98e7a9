"""API speed at 100,000 articles: requests per second and latency under concurrent clients.

    python bench/api.py [--database sqlite|postgresql] [--articles N] [--workers W] [--clients C] [--seconds S]

Serves the archive of _setup.large_archive (bench/data/archive-N.sqlite3, or a PostgreSQL
database of its own; built on first use)
with gunicorn (DEBUG off, W sync workers, throttling raised out of the way) on loopback, and
drives it with a load generator of C Python threads, each sending one request at a time over
http.client (a new connection per request: gunicorn's sync workers close it). Each endpoint
is driven for S seconds after a warm-up, then gunicorn is stopped:

  list    /api/v1/articles/?page_size=50, from the start or from a random cursor
  source  /api/v1/articles/?source=<id>&page_size=50, for every source: the publisher of them
          all, and outlets that a few articles cite
  search  /api/v1/articles/?search=<word>&page_size=20, the words of bench/search.py
  detail  /api/v1/articles/<random id>/

Prints requests per second, p50 and p95 (ms) and the errors for each. The client threads
share the machine's cores with gunicorn, so the numbers are a floor.
"""

from __future__ import annotations

import argparse
import base64
import http.client
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
from urllib.parse import quote

from _setup import ROOT, large_archive
from search import QUERIES, percentile


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(port: int, path: str) -> tuple[int, float]:
    started = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request("GET", path, headers={"Accept": "application/json"})
        response = connection.getresponse()
        response.read()
        status = response.status
    finally:
        connection.close()
    return status, (time.perf_counter() - started) * 1000


def start_gunicorn(database_url: str, port: int, workers: int) -> subprocess.Popen:
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_DEBUG"}
    env.update(
        DATABASE_URL=database_url, DJANGO_SECRET_KEY="benchmark-only", DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_ALLOWED_HOSTS="127.0.0.1", API_THROTTLE_ANON="1000000/s", API_THROTTLE_USER="1000000/s",
    )
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "archive.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", str(workers), "--timeout", "120", "--log-level", "warning"],
        cwd=ROOT, env=env,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if get(port, "/api/v1/")[0] == 200:
                return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("gunicorn did not answer within 60 s")


def drive(port: int, paths: list[str], *, clients: int, seconds: float) -> tuple[list[float], int, float]:
    """Each client sends requests one after another until the time is up. Returns the
    latencies, the number of errors and the seconds it took."""
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    started = time.perf_counter()
    stop = started + seconds

    def client(seed: int) -> None:
        nonlocal errors
        rng = random.Random(seed)
        mine, failed = [], 0
        while time.perf_counter() < stop:
            try:
                status, ms = get(port, rng.choice(paths))
            except OSError:
                failed += 1
                continue
            mine.append(ms)
            failed += status != 200
        with lock:
            latencies.extend(mine)
            errors += failed

    threads = [threading.Thread(target=client, args=(seed,)) for seed in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, errors, time.perf_counter() - started


def cursor(after_id: int) -> str:
    """The cursor a list page gives for the page after `after_id` (see api.pagination)."""
    return base64.b64encode(f"p={after_id}".encode()).decode()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2, help="gunicorn workers")
    parser.add_argument("--clients", type=int, default=4, help="concurrent client threads")
    parser.add_argument("--seconds", type=float, default=15, help="per endpoint")
    args = parser.parse_args()
    url = large_archive(args.articles, args.database)

    from django.db import connection

    from articles.models import Article, Source

    source_ids = list(Source.objects.values_list("id", flat=True))
    article_ids = list(Article.objects.published().values_list("id", flat=True))
    connection.close()
    rng = random.Random(1)
    sample = rng.sample(article_ids, min(2000, len(article_ids)))
    endpoints = {
        "list": ["/api/v1/articles/?page_size=50"]
                + [f"/api/v1/articles/?page_size=50&cursor={cursor(i)}" for i in sample],
        "source": [f"/api/v1/articles/?page_size=50&source={i}" for i in source_ids],
        "search": [f"/api/v1/articles/?page_size=20&search={quote(q)}" for q in QUERIES],
        "detail": [f"/api/v1/articles/{i}/" for i in sample],
    }
    port = free_port()
    server = start_gunicorn(url, port, args.workers)
    try:
        print(f"{len(article_ids):,} published articles ({url}); gunicorn with {args.workers} sync workers; "
              f"{args.clients} client threads (Python, http.client) for {args.seconds:.0f} s per endpoint; "
              f"{os.cpu_count()} cores shared by server and clients")
        for name, paths in endpoints.items():
            drive(port, paths, clients=args.clients, seconds=2)  # warm-up: dictionaries, caches, connections
            latencies, errors, elapsed = drive(port, paths, clients=args.clients, seconds=args.seconds)
            print(f"{name:7} {len(latencies) / elapsed:8.1f} req/s   p50 {percentile(latencies, .5):7.1f} ms"
                  f"   p95 {percentile(latencies, .95):7.1f} ms   mean {statistics.mean(latencies):7.1f} ms"
                  f"   {len(latencies):,} requests, {errors} errors")
    finally:
        server.terminate()
        server.wait(timeout=30)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
