"""Parsing many files on every core while the caller writes: analysis is CPU-bound and
independent per file, so worker processes read and analyse while the parent process stores.

    for path, items in parse_files(paths, workers=2):
        ...  # items: ParsedArticle or IngestError, in file order

At most a few chunks are in flight, so memory stays bounded on any number of files.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from .pipeline import DEFAULT_MAX_BYTES, parse_document, read_file
from .types import IngestError, ParsedArticle

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
    results: list[ParsedArticle | IngestError] = []
    for item in read_file(path, max_bytes=max_bytes):
        if isinstance(item, IngestError):
            results.append(item)
            continue
        try:
            results.append(parse_document(item, known_keys=_known_kinds, known_kind=_known_kinds.get))
        except Exception as exc:  # one unreadable article must not stop the others
            results.append(IngestError(f"could not be analysed ({type(exc).__name__}: {exc})"))
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
    # fork: workers inherit the warm analyser and need no re-import of the caller's main
    # module; they never touch the database connections they inherit
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_init, initargs=(known_kinds,)) as pool:
        pending: deque = deque()
        next_chunk = 0
        while next_chunk < len(chunks) or pending:
            while next_chunk < len(chunks) and len(pending) < workers * 3:
                pending.append((chunks[next_chunk], pool.submit(_parse_chunk, chunks[next_chunk], max_bytes)))
                next_chunk += 1
            chunk, future = pending.popleft()
            yield from zip(chunk, future.result(), strict=True)
