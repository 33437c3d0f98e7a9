"""Plain data that flows out of the ingest pipeline (no Django here)."""

from __future__ import annotations

from dataclasses import dataclass, field

ENTITY_KINDS = ("person", "organization", "place", "product", "event", "other")


@dataclass(frozen=True, slots=True)
class Figure:
    image: str
    caption: str = ""
    credit: str = ""

    def as_dict(self) -> dict:
        return {"image": self.image, "caption": self.caption, "credit": self.credit}


@dataclass(slots=True)
class Document:
    """An article's structure as read from a file, before any language analysis."""

    title: str
    body: str
    language: str = "ja"
    source_url: str = ""
    published_at: str = ""  # ISO 8601 as written in the file, or ""
    subheadings: list[str] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    attributed_to: list[str] = field(default_factory=list)  # outlet names, e.g. "WSJ"
    line: int | None = None  # where the record is in a JSON Lines file; None for a whole file

    def locate(self, reason: str) -> str:
        """`reason`, led by the record's line when the document comes from a JSON Lines file."""
        return f"line {self.line}: {reason}" if self.line else reason


@dataclass(slots=True)
class ParsedEntity:
    name: str
    kind: str
    key: str  # name_key(name): what decides that two names are the same entity
    aliases: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class ParsedMention:
    entity: int  # index into ParsedArticle.entities
    surface: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Quantity:
    kind: str  # money, count, percent
    value: str  # decimal string in base units
    unit: str  # ISO 4217 code for money, "people" for counts, "%" for percentages
    text: str  # as written
    approximate: bool = False
    start: int = 0
    end: int = 0

    def as_dict(self) -> dict:
        return {
            "kind": self.kind,
            "value": self.value,
            "unit": self.unit,
            "text": self.text,
            "approximate": self.approximate,
        }


@dataclass(frozen=True, slots=True)
class DateRef:
    text: str
    value: str  # ISO 8601 (2024, 2024-09, 2024-09-05); XXXX-09 when the year is unstated
    start: int = 0
    end: int = 0

    def as_dict(self) -> dict:
        return {"text": self.text, "value": self.value}


@dataclass(slots=True)
class ParsedClaim:
    text: str
    start: int
    end: int
    kind: str  # statement, quote, quantity
    speaker: int | None = None  # index into ParsedArticle.entities
    attributed_to: str = ""  # outlet name
    entities: list[int] = field(default_factory=list)
    quantities: list[Quantity] = field(default_factory=list)
    dates: list[DateRef] = field(default_factory=list)


@dataclass(slots=True)
class ParsedArticle:
    document: Document
    content_hash: str
    entities: list[ParsedEntity] = field(default_factory=list)
    mentions: list[ParsedMention] = field(default_factory=list)
    claims: list[ParsedClaim] = field(default_factory=list)
    outlets: list[str] = field(default_factory=list)  # every outlet cited, article-wide or per claim
    # search terms per field (title, headings, body), from the same analysis; see ingest.terms
    fields: dict = field(default_factory=dict)


class IngestError(Exception):
    """A file or record that cannot become an article; the message says why, for a person."""
