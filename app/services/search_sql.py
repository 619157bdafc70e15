"""The SQL of full-text search, one backend per database; app.services.search is the interface.

Both backends answer the same two questions: which rows match (ranked, best first, as
``(kind, id, score)`` with lower scores better) and what the matching passage looks like
(a snippet whose hits are wrapped in the sentinels START and STOP, escaped later).
The indexes are made by migrations 0002 and 0003: FTS5 tables on SQLite; on PostgreSQL a
stored tsvector column per table (``fts_document``) with a GIN index on it. Since 0006 both
hold word stems (app.stemming): SQLite's are made in Python, so the words of a query are
stemmed here the same way; PostgreSQL stems a query with the configuration of its index.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Dialect, bindparam, text
from sqlmodel import Session

from app.models import SearchKind, User
from app.services import access
from app.stemming import stem_word

START, STOP = "\ue000", "\ue001"  # private-use characters: never markup, rare in real text

# table -> indexed columns (as in migrations 0002 and 0003); the first column weighs most.
INDEXED = {
    "segment": ("title", "description"),
    "speaker": ("name", "aliases", "role", "organisation"),
    "annotation": ("text",),
    "transcript_cue": ("text",),
}
TABLE_OF = {
    SearchKind.segment: "segment",
    SearchKind.speaker: "speaker",
    SearchKind.annotation: "annotation",
    SearchKind.quote: "annotation",
    SearchKind.cue: "transcript_cue",
}
ALIAS = {"segment": "s", "speaker": "p", "annotation": "a", "transcript_cue": "c"}
CONFIG = "'fts_stemmed'::regconfig"  # PostgreSQL's text search configuration (migration 0006)


@dataclass(frozen=True)
class Term:
    """One thing every hit must contain: a word (maybe a prefix) or a quoted phrase."""

    words: tuple[str, ...]
    prefix: bool = False


@dataclass(frozen=True)
class Scope:
    """Filters, already resolved to ids; `recordings` None means every recording. Annotations
    are the ones `viewer` may see (app.services.access)."""

    recordings: list[int] | None
    speaker: int | None
    kinds: frozenset[SearchKind]
    viewer: User | None = None


def _visible(scope: Scope, alias: str, dialect: Dialect) -> str:
    """The access rule for annotations as SQL on `alias`, from app.services.access itself."""
    rule = access.visible_to(scope.viewer, access.ANNOTATION.alias(alias))
    return f"({rule.compile(dialect=dialect, compile_kwargs={'literal_binds': True})})"


def fts5_query(terms: Sequence[Term]) -> str:
    """Every term as an FTS5 string of stems, as the index holds them (words hold only letters
    and digits, so quoting is enough to make any user input inert); juxtaposition means AND.
    A prefix is stemmed too, as PostgreSQL does: "companies*" finds "company"."""
    return " ".join(
        f'"{" ".join(stem_word(w) for w in t.words)}"' + ("*" if t.prefix else "") for t in terms
    )


def tsquery(terms: Sequence[Term]) -> str:
    """The same query in to_tsquery syntax: quoted lexemes, <-> inside phrases, & between."""
    parts = []
    for term in terms:
        words = " <-> ".join(f"'{w}'" for w in term.words)
        parts.append(
            words + (":*" if term.prefix else "") if len(term.words) == 1 else f"({words})"
        )
    return " & ".join(parts)


def tsvector(table: str, alias: str) -> str:
    """The table's stored tsvector (migration 0003), GIN-indexed: matching uses the index
    and ranking reads the stored vector instead of parsing the text of every match again."""
    return f"{alias}.fts_document"


def _filters(table: str, scope: Scope, kinds: frozenset[SearchKind], dialect: Dialect) -> list[str]:
    """WHERE clauses restricting one table's matches to the scope."""
    where: list[str] = []
    if table == "annotation":
        where.append(_visible(scope, "a", dialect))
        if SearchKind.quote not in kinds:
            where.append("a.kind != 'quote'")
        elif SearchKind.annotation not in kinds:
            where.append("a.kind = 'quote'")
    if scope.recordings is not None:
        if table == "speaker":
            where.append(
                "(p.id IN (SELECT ss.speaker_id FROM segment_speaker ss JOIN segment s2 "
                "ON s2.id = ss.segment_id WHERE s2.recording_id IN :recordings) "
                "OR p.id IN (SELECT a2.speaker_id FROM annotation a2 WHERE a2.recording_id "
                f"IN :recordings AND {_visible(Scope(None, None, frozenset()), 'a2', dialect)}) "
                "OR p.id IN (SELECT c2.speaker_id FROM transcript_cue c2 "
                "WHERE c2.recording_id IN :recordings))"
            )
        else:
            where.append(f"{ALIAS[table]}.recording_id IN :recordings")
    if scope.speaker is not None:
        where.append(
            {
                "segment": "s.id IN (SELECT segment_id FROM segment_speaker "
                "WHERE speaker_id = :speaker)",
                "speaker": "p.id = :speaker",
                "annotation": "a.speaker_id = :speaker",
                "transcript_cue": "c.speaker_id = :speaker",
            }[table]
        )
    return where


def _kind_column(table: str) -> str:
    if table == "annotation":
        return "CASE WHEN a.kind = 'quote' THEN 'quote' ELSE 'annotation' END"
    return f"'{SearchKind.cue.value if table == 'transcript_cue' else table}'"


def _tables(scope: Scope) -> list[str]:
    return list(dict.fromkeys(TABLE_OF[k] for k in SearchKind if k in scope.kinds))


def _bind(stmt: str, scope: Scope, **params):
    """Bind the scope's parameters that the statement uses (IN lists expand)."""
    clause = text(stmt)
    if ":recordings" in stmt:
        clause = clause.bindparams(bindparam("recordings", expanding=True))
        params["recordings"] = scope.recordings
    if ":speaker" in stmt:
        params["speaker"] = scope.speaker
    return clause.bindparams(**params)


class SQLiteBackend:
    """FTS5 with bm25 ranking (title columns weigh four times the rest)."""

    def matches(
        self, session: Session, terms: Sequence[Term], scope: Scope, limit: int, offset: int
    ) -> list[tuple[str, int, float]]:
        parts = []
        for table in _tables(scope):
            alias, fts = ALIAS[table], f"fts_{table}"
            weights = ", ".join(["4.0"] + ["1.0"] * (len(INDEXED[table]) - 1))
            filters = _filters(table, scope, scope.kinds, session.get_bind().dialect)
            # Joining the table costs a lookup per match: only when a filter needs it.
            join = f"JOIN {table} {alias} ON {alias}.id = {fts}.rowid " if filters else ""
            parts.append(
                f"SELECT {_kind_column(table)} AS kind, {fts}.rowid AS id, "
                f"bm25({fts}, {weights}) AS score FROM {fts} {join}"
                f"WHERE {' AND '.join([f'{fts} MATCH :q', *filters])}"
            )
        stmt = " UNION ALL ".join(parts) + " ORDER BY score, kind, id LIMIT :limit OFFSET :offset"
        rows = session.connection().execute(
            _bind(stmt, scope, q=fts5_query(terms), limit=limit, offset=offset)
        )
        return [(kind, id_, score) for kind, id_, score in rows]

    def snippets(
        self, session: Session, terms: Sequence[Term], table: str, ids: list[int]
    ) -> dict[int, str]:
        fts = f"fts_{table}"
        stmt = text(
            f"SELECT rowid, snippet({fts}, -1, :start, :stop, '…', 24) FROM {fts} "
            f"WHERE {fts} MATCH :q AND rowid IN :ids"
        ).bindparams(bindparam("ids", expanding=True))
        rows = session.connection().execute(
            stmt, {"q": fts5_query(terms), "ids": ids, "start": START, "stop": STOP}
        )
        return dict(rows.all())


# A constant expression, folded at plan time, so each branch can use its GIN index. The
# configuration and the accent folding are the index's (migration 0006).
_TSQUERY = f"to_tsquery({CONFIG}, fts_unaccent(:q))"
# The same query as a scalar subquery (an InitPlan, computed once per execution), for the
# expressions evaluated on every matching row. psycopg prepares a statement run five times on
# a connection, and PostgreSQL may then pick a generic plan, where :q is not known at plan
# time and a bare to_tsquery(:q) would be parsed again for each of tens of thousands of rows.
_TSQUERY_ONCE = f"(SELECT {_TSQUERY})"
# ts_headline shows the text as written, so it parses it unfolded: "Gražvydas" is then a
# non-ASCII word, folded but not stemmed (migration 0006), unlike the ASCII "Grazvydas" of the
# index and the query; the same query in 0002's unstemmed configuration marks it. This query
# only cuts and marks snippets: matching and ranking use _TSQUERY.
_HEADLINE_QUERY = f"{_TSQUERY} || to_tsquery('fts_config'::regconfig, :q)"


class PostgresBackend:
    """tsvector @@ tsquery over GIN indexes, ranked by ts_rank, snippets by ts_headline."""

    def matches(
        self, session: Session, terms: Sequence[Term], scope: Scope, limit: int, offset: int
    ) -> list[tuple[str, int, float]]:
        parts = []
        for table in _tables(scope):
            alias, vector = ALIAS[table], tsvector(table, ALIAS[table])
            dialect = session.get_bind().dialect
            where = [f"{vector} @@ {_TSQUERY}", *_filters(table, scope, scope.kinds, dialect)]
            parts.append(
                f"SELECT {_kind_column(table)} AS kind, {alias}.id AS id, "
                f"-ts_rank({vector}, {_TSQUERY_ONCE}) AS score FROM {table} {alias} "
                f"WHERE {' AND '.join(where)}"
            )
        stmt = " UNION ALL ".join(parts) + " ORDER BY score, kind, id LIMIT :limit OFFSET :offset"
        rows = session.connection().execute(
            _bind(stmt, scope, q=tsquery(terms), limit=limit, offset=offset)
        )
        return [(kind, id_, float(score)) for kind, id_, score in rows]

    def snippets(
        self, session: Session, terms: Sequence[Term], table: str, ids: list[int]
    ) -> dict[int, str]:
        body = " || ' · ' || ".join(f'"{c}"' for c in INDEXED[table])
        stmt = text(
            f"SELECT id, ts_headline({CONFIG}, {body}, {_HEADLINE_QUERY}, :options) "
            f"FROM {table} WHERE id IN :ids"
        ).bindparams(bindparam("ids", expanding=True))
        options = f'StartSel="{START}", StopSel="{STOP}", MaxWords=30, MinWords=12'
        rows = session.connection().execute(
            stmt, {"q": tsquery(terms), "ids": ids, "options": options}
        )
        return dict(rows.all())


def backend_for(session: Session) -> SQLiteBackend | PostgresBackend:
    dialect = session.get_bind().dialect.name
    return PostgresBackend() if dialect == "postgresql" else SQLiteBackend()
