"""Pure-Python ingest: bytes -> text -> Document -> ParsedArticle. No Django here.

    from articles.ingest import read_file, parse_document
    for item in read_file(Path("seeds/000_89299e0010fc7634.txt")):
        if isinstance(item, IngestError):
            print(item)
        else:
            article = parse_document(item)
            print(article.document.title, len(article.entities), len(article.claims))
"""

from .layouts import PUBLISHED_YEARS, within_published_years
from .names import name_key
from .pipeline import (
    DEFAULT_MAX_BYTES,
    content_hash,
    headings_text,
    parse_document,
    read_bytes,
    read_file,
)
from .terms import IndexedField, decode_offsets, index_field
from .types import (
    ENTITY_KINDS,
    DateRef,
    Document,
    Figure,
    IngestError,
    ParsedArticle,
    ParsedClaim,
    ParsedEntity,
    ParsedMention,
    Quantity,
)

__all__ = [
    "DEFAULT_MAX_BYTES",
    "ENTITY_KINDS",
    "PUBLISHED_YEARS",
    "DateRef",
    "Document",
    "Figure",
    "IndexedField",
    "IngestError",
    "ParsedArticle",
    "ParsedClaim",
    "ParsedEntity",
    "ParsedMention",
    "Quantity",
    "content_hash",
    "decode_offsets",
    "headings_text",
    "index_field",
    "name_key",
    "parse_document",
    "read_bytes",
    "read_file",
    "within_published_years",
]
