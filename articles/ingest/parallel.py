"""Analysing on every core while the caller writes: analysis is CPU-bound and independent
per article, so worker processes analyse while the parent process stores.

    for path, items in parse_files(paths, workers=2):
        ...  # items: ParsedArticle or IngestError, in file order
    for fields in map_in_workers(index_fields_of, batches_of_texts):
        ...  # the search index's fields, batch by batch, in order

At most a few tasks are in flight, so memory stays bounded on any number of articles.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from .pipeline import DEFAULT_MAX_BYTES, parse_document, read_file
from .types import Document, IngestError, ParsedArticle

CHUNK = 8  # files per task
MIN_FILES_FOR_WORKERS = 32  # below this, starting processes costs more than it saves
WARM_UP = 16  # files analysed before forking (see parse_files)

_known_kinds: Mapping[str, str] = {}


def default_workers() -> int:
    return max(1, min(os.cpu_count() or 1, 8))


def _init(known_kinds: Mapping[str, str]) -> None:
    global _known_kinds
    _known_kinds = known_kinds


def parse_path(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> list[ParsedArticle | IngestError]:
    """Every article of one file, parsed, or the reason each part failed. Never raises."""
    return parse_items(read_file(path, max_bytes=max_bytes), known_kinds=_known_kinds)


def parse_items(
    items: Iterable[Document | IngestError], *, known_kinds: Mapping[str, str]
) -> list[ParsedArticle | IngestError]:
    """Each document parsed, or the reason it failed; errors pass through. Never raises."""
    results: list[ParsedArticle | IngestError] = []
    for item in items:
        if isinstance(item, IngestError):
            results.append(item)
            continue
        try:
            results.append(parse_document(item, known_keys=known_kinds, known_kind=known_kinds.get))
        except Exception as exc:  # one unreadable article must not stop the others
            results.append(IngestError(item.locate(f"could not be analysed ({type(exc).__name__}: {exc})")))
    return results


def _parse_chunk(paths: list[Path], max_bytes: int) -> list[list[ParsedArticle | IngestError]]:
    return [parse_path(path, max_bytes) for path in paths]


def parse_files(
    paths: Sequence[Path],
    *,
    known_kinds: Mapping[str, str] | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    workers: int | None = None,
) -> Iterator[tuple[Path, list[ParsedArticle | IngestError]]]:
    """(path, parsed items) for each path, in order."""
    known_kinds = dict(known_kinds or {})
    workers = default_workers() if workers is None else workers
    _init(known_kinds)
    if workers <= 1 or len(paths) < MIN_FILES_FOR_WORKERS:
        for path in paths:
            yield path, parse_path(path, max_bytes)
        return
    # The first files are analysed here, before the workers fork: they then start with the
    # dictionary loaded and the word cache warm, instead of each filling its own from cold.
    for path in paths[:WARM_UP]:
        yield path, parse_path(path, max_bytes)
    paths = paths[WARM_UP:]
    chunks = [list(paths[i : i + CHUNK]) for i in range(0, len(paths), CHUNK)]
    results = map_in_workers(_parse_chunk, chunks, workers=workers, args=(max_bytes,),
                             initializer=_init, initargs=(known_kinds,))
    for chunk, parsed in zip(chunks, results, strict=True):
        yield from zip(chunk, parsed, strict=True)


def map_in_workers(
    function: Callable,
    items: Iterable,
    *,
    workers: int,
    args: tuple = (),
    initializer: Callable | None = None,
    initargs: tuple = (),
) -> Iterator:
    """function(item, *args) for each item, in order, in `workers` processes, with at most
    three tasks per worker in flight. `function` must be a module-level function."""
    # fork: workers inherit the caller's warm analyser and need no re-import of its main
    # module; they never touch the database connections they inherit
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(workers, mp_context=context, initializer=initializer, initargs=initargs) as pool:
        pending: deque = deque()
        items = iter(items)
        exhausted = False
        while not exhausted or pending:
            while not exhausted and len(pending) < workers * 3:
                item = next(items, _END)
                if item is _END:
                    exhausted = True
                else:
                    pending.append(pool.submit(function, item, *args))
            if pending:
                yield pending.popleft().result()


_END = object()
