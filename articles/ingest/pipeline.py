"""From a file to ParsedArticles: decode, read the layout, analyse once, extract.

The same SudachiPy analysis of each field feeds entity extraction, claims and the search
terms, so an article is tokenised once on import.
"""

from __future__ import annotations

import hashlib
import stat
from collections.abc import Callable, Container, Iterator
from pathlib import Path

from .analysis import analyse, fold
from .claims import find_claims
from .decoding import decode
from .entities import find_entity_spans, link_entities
from .gazetteer import find_known_spans, prefer_known
from .layouts import read_documents
from .terms import index_field
from .types import Document, IngestError, ParsedArticle

DEFAULT_MAX_BYTES = 16 * 1024 * 1024


def read_file(path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[Document | IngestError]:
    """The documents in one file, or the reasons it (or a record in it) cannot be read."""
    try:
        data = _read_regular_file(path, max_bytes)
    except IngestError as exc:
        yield exc
        return
    except OSError as exc:
        yield IngestError(f"cannot read the file ({exc.strerror or exc})")
        return
    yield from read_bytes(data, name=path.name)


def _read_regular_file(path: Path, max_bytes: int) -> bytes:
    # a named pipe would wait for a writer and a device may never end: neither is opened
    status = path.stat()
    if not stat.S_ISREG(status.st_mode):
        kind = _NOT_FILES.get(stat.S_IFMT(status.st_mode), "a special file")
        raise IngestError(f"{kind}, not a regular file")
    if status.st_size > max_bytes:
        raise IngestError(f"the file is {status.st_size:,} bytes, over the {max_bytes:,}-byte limit")
    with path.open("rb") as file:
        data = file.read(max_bytes + 1)  # the size on record may be wrong (/proc) or outdated
    if len(data) > max_bytes:
        raise IngestError(f"the file is over the {max_bytes:,}-byte limit")
    return data


_NOT_FILES = {
    stat.S_IFDIR: "a folder",
    stat.S_IFIFO: "a named pipe",
    stat.S_IFCHR: "a device",
    stat.S_IFBLK: "a device",
    stat.S_IFSOCK: "a socket",
}


def read_bytes(data: bytes, *, name: str = "") -> Iterator[Document | IngestError]:
    try:
        text = decode(data)
    except IngestError as exc:
        yield exc
        return
    yield from read_documents(text, name=name)


def content_hash(document: Document) -> str:
    """What decides that two files hold the same article: title and body, folded."""
    folded = " ".join(fold(document.title + "\n" + document.body).split())  # runs of spaces as one
    return hashlib.sha256(folded.encode("utf-8")).hexdigest()


def headings_text(document: Document) -> str:
    """Subheadings and figure captions, the text of the search index's headings field."""
    parts = list(document.subheadings) + [f.caption for f in document.figures if f.caption]
    return "\n".join(parts)


def parse_document(
    document: Document,
    *,
    known_keys: Container[str] = frozenset(),
    known_kind: Callable[[str], str | None] | None = None,
) -> ParsedArticle:
    """Analyse a Document: entities, mentions, claims, cited outlets and search terms.

    `known_keys` are name keys of entities editors have curated (found wherever they occur);
    `known_kind(key)` gives the kind the archive holds for a name, which outranks the vote.
    """
    body = document.body
    tokens = analyse(body)
    spans = find_entity_spans(tokens, body)
    if known_keys:
        spans = prefer_known(spans, find_known_spans(tokens, body, known_keys))
    entities, mentions = link_entities(spans, known_kind=known_kind)
    claims, outlets = find_claims(body, tokens, entities, mentions)
    headings = headings_text(document)
    return ParsedArticle(
        document=document,
        content_hash=content_hash(document),
        entities=entities,
        mentions=mentions,
        claims=claims,
        outlets=list(dict.fromkeys([*document.attributed_to, *outlets])),
        fields={
            "title": index_field(document.title),
            "headings": index_field(headings),
            "body": index_field(body, tokens),
        },
    )
