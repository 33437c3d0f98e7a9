"""Text to Documents: the three file layouts the archive reads.

- the seed layout: title line, blank-line separated paragraphs, figures (an image file name
  line then its caption), subheadings, a `出典: URL` line and a `(WSJによると)` line;
- the livedoor news corpus: URL line, ISO date line, title line, body;
- JSON Lines: one article object per line (title, body, url, published_at, language).

`read_documents` yields a Document or an IngestError per record, so that one bad record in a
JSON Lines file does not stop the others.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import datetime, tzinfo

from .types import Document, Figure, IngestError

_IMAGE = re.compile(r"^[^\s/\\]+\.(?:png|jpe?g|gif|webp|avif|svg|bmp|tiff?)$", re.IGNORECASE)
_SOURCE_LINE = re.compile(r"^(?:出典|ソース|Source|SOURCE)\s*[:：]\s*(https?://\S+)\s*$")
_ATTRIBUTION_LINE = re.compile(r"^[(（]\s*(.{1,60}?)\s*(?:によると|による|より)\s*[)）]$")
_CREDIT = re.compile(r"\s*(?:写真|画像|撮影|Photo|photo|PHOTO)\s*[:：]\s*(.+?)\s*$")
_URL_LINE = re.compile(r"^https?://\S+$")
# a BCP 47 language tag's shape (ja, en, zh-Hant, pt-BR): it becomes the pages' lang attribute.
# The Article model checks it too, for restored archives (import_archive).
LANGUAGE_TAG = re.compile(r"\A[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*\Z")
_SENTENCE_END = re.compile(r"[。．.！？!?」』）)]$")
_KANA = re.compile(r"[\u3041-\u30ff]")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_LATIN = re.compile(r"[A-Za-z]")
_NOT_TEXT = re.compile("[\x00\ud800-\udfff]")

SUBHEADING_MAX_CHARS = 60
# Publication years the archive takes: far enough from the calendar's ends that any time zone
# and both databases hold them (the reader site's year filter offers the same span)
PUBLISHED_YEARS = range(1000, 3000)


def read_documents(text: str, *, name: str = "") -> Iterator[Document | IngestError]:
    """Every article in `text`, whatever the layout, in file order."""
    stripped = text.lstrip("\ufeff \t\n")
    if name.lower().endswith((".jsonl", ".ndjson")) or stripped.startswith("{"):
        yield from _json_lines(text)
        return
    lines = text.split("\n")
    head = [line.strip() for line in lines[:2]]
    try:
        if len(lines) >= 3 and _URL_LINE.match(head[0]) and _parse_datetime(head[1]):
            yield _livedoor(lines)
        else:
            yield _seed(lines)
    except IngestError as exc:
        yield exc


def detect_language(text: str) -> str:
    sample = text[:4000]
    if _KANA.search(sample):
        return "ja"
    if _CJK.search(sample):
        return "zh"
    if _LATIN.search(sample):
        return "en"
    return "und"


def _json_lines(text: str) -> Iterator[Document | IngestError]:
    for number, line in enumerate(text.split("\n"), start=1):
        line = line.strip().lstrip("\ufeff")
        if not line:
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield IngestError(f"line {number}: not valid JSON ({exc.msg})")
            continue
        if not isinstance(record, dict):
            yield IngestError(f"line {number}: expected a JSON object")
            continue
        try:
            yield _json_document(record, line=number)
        except IngestError as exc:
            yield IngestError(f"line {number}: {exc}")


def _json_document(record: dict, *, line: int) -> Document:
    def text_field(name: str) -> str:
        value = record.get(name)
        if value is None:
            return ""
        if not isinstance(value, str):
            raise IngestError(f"{name!r} must be a string")
        # JSON escapes can spell what no decoded file holds and no database stores
        if match := _NOT_TEXT.search(value):
            what = "a NUL character" if match.group() == "\x00" else "a lone surrogate"
            raise IngestError(f"{name!r} holds {what} (\\u{ord(match.group()):04x}), which is not text")
        return value.replace("\r\n", "\n").strip()

    title, body = text_field("title"), text_field("body")
    if not title:
        raise IngestError("missing 'title'")
    if not body:
        raise IngestError("missing 'body'")
    url = text_field("url") or text_field("source_url")
    if url and not _URL_LINE.match(url):
        raise IngestError(f"'url' is not an http(s) address: {url[:80]!r}")
    published = text_field("published_at")
    parse_published_at(published)
    language = text_field("language")
    if language and not (len(language) <= 16 and LANGUAGE_TAG.match(language)):
        raise IngestError(f"'language' is not a language tag such as ja or en: {language[:40]!r}")
    language = language or detect_language(title + body)
    return Document(
        title=title,
        body=body,
        language=language,
        source_url=url,
        published_at=published,
        line=line,
    )


def _livedoor(lines: list[str]) -> Document:
    url, published = lines[0].strip(), lines[1].strip()
    parse_published_at(published)
    rest = _strip_blank_edges(lines[2:])
    if not rest:
        raise IngestError("no title after the URL and date lines")
    document = _structure(rest[0].strip(), rest[1:])
    document.source_url = url
    document.published_at = published
    return document


def _seed(lines: list[str]) -> Document:
    lines = _strip_blank_edges(lines)
    return _structure(lines[0].strip(), lines[1:])


def _strip_blank_edges(lines: list[str]) -> list[str]:
    start, end = 0, len(lines)
    while start < end and not lines[start].strip():
        start += 1
    while end > start and not lines[end - 1].strip():
        end -= 1
    return lines[start:end]


def _structure(title: str, lines: list[str]) -> Document:
    """Split the lines after the title into body paragraphs and the special lines."""
    if not title:
        raise IngestError("no title")
    document = Document(title=title, body="")
    blocks: list[list[str]] = [[]]
    pending_figure: str | None = None
    for raw in lines:
        line = raw.strip()
        if not line:
            if blocks[-1]:
                blocks.append([])
            continue
        if pending_figure is not None:
            document.figures.append(_figure(pending_figure, line))
            pending_figure = None
            continue
        if match := _SOURCE_LINE.match(line):
            document.source_url = match.group(1)
            continue
        if match := _ATTRIBUTION_LINE.match(line):
            document.attributed_to.append(match.group(1).strip())
            continue
        if _IMAGE.match(line):
            pending_figure = line
            continue
        blocks[-1].append(raw.rstrip())
    if pending_figure is not None:
        document.figures.append(Figure(image=pending_figure))
    blocks = [block for block in blocks if block]

    paragraphs: list[str] = []
    for index, block in enumerate(blocks):
        text = "\n".join(block).strip()
        between = 0 < index < len(blocks) - 1
        if between and len(block) == 1 and _is_heading(text):
            document.subheadings.append(text)
        else:
            paragraphs.append(text)
    document.body = "\n\n".join(paragraphs)
    if not document.body:
        raise IngestError("no body text after the title")
    document.language = detect_language(title + document.body)
    return document


def _is_heading(line: str) -> bool:
    return (
        len(line) <= SUBHEADING_MAX_CHARS
        and "。" not in line
        and not _SENTENCE_END.search(line)
    )


def _figure(image: str, caption_line: str) -> Figure:
    match = _CREDIT.search(caption_line)
    if match:
        return Figure(image=image, caption=caption_line[: match.start()].strip(), credit=match.group(1))
    return Figure(image=image, caption=caption_line)


def _parse_datetime(value: str) -> datetime | None:
    """ISO 8601, including the +0900 offsets of the livedoor corpus."""
    value = value.strip()
    if not value or len(value) > 40:
        return None
    candidate = re.sub(r"([+-]\d\d)(\d\d)$", r"\1:\2", value).replace("Z", "+00:00")
    try:
        return datetime.fromisoformat(candidate)
    except ValueError:
        return None


def within_published_years(moment: datetime, zone: tzinfo | None) -> bool:
    """Whether `moment` falls within PUBLISHED_YEARS as written and in `zone`, the archive's
    time zone, where the site counts years (its year facet and filter offer the same span)."""
    if moment.year not in PUBLISHED_YEARS:
        return False
    return zone is None or moment.tzinfo is None or moment.astimezone(zone).year in PUBLISHED_YEARS


def parse_published_at(value: str, *, zone: tzinfo | None = None) -> datetime | None:
    """A publication date as written in a file: None if empty, else a datetime within
    PUBLISHED_YEARS, in the archive's `zone` too when given (the layouts check what the file
    says; the importer, which knows the zone, checks again); IngestError says what is wrong
    with any other value."""
    if not value:
        return None
    parsed = _parse_datetime(value)
    if parsed is None:
        raise IngestError(f"'published_at' is not an ISO 8601 date: {value[:40]!r}")
    if not within_published_years(parsed, zone):
        first, last = PUBLISHED_YEARS[0], PUBLISHED_YEARS[-1]
        raise IngestError(f"'published_at' is out of range (years {first} to {last}): {value[:40]!r}")
    return parsed
