"""PostgreSQL backend: a tsvector column generated from SearchDocument's term columns with
the `simple` configuration (weights A title, B headings, C names, D body) and a GIN index,
both created in migration 0002; ranked by ts_rank_cd.

Each term or phrase goes to phraseto_tsquery as a bound parameter, so PostgreSQL splits it
exactly as it split the indexed terms, and no user text is ever tsquery syntax."""

from __future__ import annotations

from .query import ParsedQuery


def tsquery(query: ParsedQuery) -> tuple[str, list]:
    parts = ["phraseto_tsquery('simple', %s)"] * len(query.required)
    parts += ["!!phraseto_tsquery('simple', %s)"] * len(query.excluded)
    params = [" ".join(terms) for terms in query.required + query.excluded]
    return "(" + " && ".join(parts) + ")", params


class PostgresBackend:
    id_column = "d.article_id"

    def matches(self, query: ParsedQuery) -> tuple[str, list]:
        """FROM/WHERE that select matching articles as `a`, their documents as `d`."""
        expression, params = tsquery(query)
        sql = (
            f"articles_searchdocument d CROSS JOIN (SELECT {expression} AS q) AS q"
            " JOIN articles_article a ON a.id = d.article_id"
            " WHERE d.vector @@ q.q"
        )
        return sql, params

    def count(self, query: ParsedQuery, among: str = "", among_params: list | None = None) -> tuple[str, list]:
        expression, params = tsquery(query)
        sql = f"SELECT count(*) FROM articles_searchdocument d WHERE d.vector @@ {expression}"
        if among:
            sql += f" AND d.article_id IN ({among})"
        return sql, [*params, *(among_params or [])]

    def score_expression(self) -> str:
        return "ts_rank_cd(d.vector, q.q)"
