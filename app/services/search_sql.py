"""The SQL of full-text search, one backend per database; app.services.search is the interface.

Both backends answer the same two questions: which rows match (ranked, best first, as
``(kind, id, score)`` with lower scores better) and what the matching passage looks like
(a snippet whose hits are wrapped in the sentinels START and STOP, escaped later).

Only a bounded window is ranked: of each table, the WINDOW newest matches (highest ids: FTS5
reads its index in that order and stops; PostgreSQL walks the primary key down for a common
word, the GIN index for a rare one), below the table's ceiling, its largest id when the
first page was asked for, so rows added while a person pages through the hits change none
of the pages. A word that occurs in a few hundred texts has all of them ranked; a common
one, matching hundreds of thousands, would cost time in proportion (ranking them all took
0.3-0.8 s at 1,000,000 annotations) for an order nobody can see: nearly every one of them
holds the word once, in one sentence. Its newest matches are also what a reader of a live
event has not seen yet, and one more word or a filter brings the matches under the window.

The indexes are made by migrations 0002 and 0003: FTS5 tables on SQLite; on PostgreSQL a
stored tsvector column per table (``fts_document``) with a GIN index on it. Since 0006 both
hold word stems (app.stemming): SQLite's are made in Python, so the words of a query are
stemmed here the same way; PostgreSQL stems a query with the configuration of its index.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Dialect, String, bindparam, text
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
WINDOW = 500  # matches ranked per table: the newest ones
Row = tuple[str, int, float]  # kind, id, score (lower is better)


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
            # EXISTS, per matching speaker: the first row found answers, over the speaker
            # indexes (IN would list the speakers of every annotation in the scope).
            visible = _visible(Scope(None, None, frozenset()), "a2", dialect)
            where.append(
                "(EXISTS (SELECT 1 FROM segment_speaker ss JOIN segment s2 "
                "ON s2.id = ss.segment_id WHERE ss.speaker_id = p.id "
                "AND s2.recording_id IN :recordings) "
                "OR EXISTS (SELECT 1 FROM annotation a2 WHERE a2.speaker_id = p.id "
                f"AND a2.recording_id IN :recordings AND {visible}) "
                "OR EXISTS (SELECT 1 FROM transcript_cue c2 WHERE c2.speaker_id = p.id "
                "AND c2.recording_id IN :recordings))"
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


def _window(table: str, score: str, where: list[str], idcol: str, source: str) -> str:
    """One table's window: its WINDOW newest matches below the ceiling, scored."""
    conditions = " AND ".join([*where, f"{idcol} <= :ceiling_{table}"])
    return (
        f"SELECT * FROM (SELECT {_kind_column(table)} AS kind, {idcol} AS id, {score} AS score, "
        f"'{table}' AS source FROM {source} WHERE {conditions} "
        f"ORDER BY {idcol} DESC LIMIT {WINDOW}) AS window_{table}"
    )


def _ranked(windows: Sequence[str]) -> str:
    """The windows' rows best first (of equals, the newest), one page of them, each row
    saying whether a window is full (the query may match more than was ranked)."""
    return (
        f"WITH windows AS MATERIALIZED ({' UNION ALL '.join(windows)}) "
        "SELECT kind, id, score, EXISTS (SELECT 1 FROM windows GROUP BY source "
        f"HAVING count(*) >= {WINDOW}) AS capped FROM windows "
        "ORDER BY score, id DESC, kind LIMIT :limit OFFSET :offset"
    )


def _bind(stmt: str, scope: Scope, ceilings: dict[str, int], **params):
    """Bind the scope's parameters that the statement uses (IN lists expand)."""
    clause = text(stmt)
    if ":recordings" in stmt:
        clause = clause.bindparams(bindparam("recordings", expanding=True))
        params["recordings"] = scope.recordings
    if ":speaker" in stmt:
        params["speaker"] = scope.speaker
    for table, ceiling in ceilings.items():
        if f":ceiling_{table}" in stmt:
            params[f"ceiling_{table}"] = ceiling
    return clause.bindparams(**params)


def _page(session: Session, stmt) -> tuple[list[Row], bool]:
    rows = session.connection().execute(stmt).all()
    return [(kind, id_, float(score)) for kind, id_, score, _ in rows], any(r[3] for r in rows)


def ceilings(session: Session) -> dict[str, int]:
    """Each table's largest id now: the windows of every page of one search stay below it."""
    maxima = ", ".join(f"(SELECT max(id) FROM {table})" for table in INDEXED)
    row = session.connection().execute(text(f"SELECT {maxima}")).one()
    return {table: value or 0 for table, value in zip(INDEXED, row, strict=True)}


# FTS5's bm25() counts, for every query, the rows holding each word in the whole table, so it
# costs as much as ranking every match. A window is ranked by the part of bm25 that needs no
# such count: how often the words occur in the row (highlight() adds a mark before each, so
# they number its length less the column's), against the length of the text in characters (a
# sentence is typical); the first column weighs four times the others, as in bm25 before.
# As -(k1 + 1) / (1 + k1 (1 - b + b length / typical) / occurrences): each highlight once.
K1, B, TYPICAL_CHARS, FIRST_COLUMN_WEIGHT = 1.2, 0.75, 100, 4


def _focus(fts: str, alias: str, columns: Sequence[str]) -> str:
    """The score of a row of `fts` over its table as `alias` (lower is better) as SQL; the
    lengths are read from the table (through `fts` each would be another lookup)."""
    found = " + ".join(
        f"{FIRST_COLUMN_WEIGHT if i == 0 else 1} * coalesce(length(highlight({fts}, {i}, "
        f":start, '')) - length({alias}.{column}), 0)"
        for i, column in enumerate(columns)
    )
    length = " + ".join(f"coalesce(length({alias}.{column}), 0)" for column in columns)
    return (
        f"-{K1 + 1} / (1 + {K1} * ({1 - B} + {B} * ({length}) / {TYPICAL_CHARS}.0) "
        f"/ max({found}, 1))"
    )


class SQLiteBackend:
    """FTS5, each window ranked by the term frequency part of bm25 (`_focus`)."""

    def matches(
        self,
        session: Session,
        terms: Sequence[Term],
        scope: Scope,
        ceilings: dict[str, int],
        limit: int,
        offset: int,
    ) -> tuple[list[Row], bool]:
        windows = []
        for table in _tables(scope):
            alias, fts = ALIAS[table], f"fts_{table}"
            filters = _filters(table, scope, scope.kinds, session.get_bind().dialect)
            source = f"{fts} JOIN {table} {alias} ON {alias}.id = {fts}.rowid"
            score = _focus(fts, alias, INDEXED[table])
            where = [f"{fts} MATCH :q", *filters]
            windows.append(_window(table, score, where, f"{fts}.rowid", source))
        params = {"q": fts5_query(terms), "start": START, "limit": limit, "offset": offset}
        return _page(session, _bind(_ranked(windows), scope, ceilings, **params))

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


# The query as the index's configuration and accent folding read it (migration 0006).
_TSQUERY = f"to_tsquery({CONFIG}, fts_unaccent(:q))"
# ts_headline shows the text as written, so it parses it unfolded: "Gražvydas" is then a
# non-ASCII word, folded but not stemmed (migration 0006), unlike the ASCII "Grazvydas" of the
# index and the query; the same query in 0002's unstemmed configuration marks it. This query
# only cuts and marks snippets: matching and ranking use _TSQUERY.
_HEADLINE_QUERY = f"{_TSQUERY} || to_tsquery('fts_config'::regconfig, :q)"


class PostgresBackend:
    """tsvector @@ tsquery over GIN indexes, each window ranked by ts_rank, snippets by
    ts_headline."""

    def matches(
        self,
        session: Session,
        terms: Sequence[Term],
        scope: Scope,
        ceilings: dict[str, int],
        limit: int,
        offset: int,
    ) -> tuple[list[Row], bool]:
        # The planner reckons a phrase as common as its words anywhere in a text, and would
        # walk the table for a rare phrase of common words: the words are asked for once
        # more, so that it reckons the phrase rarer (the GIN index answers both at once).
        words = [Term((w,), t.prefix) for t in terms for w in t.words]
        phrase = len(words) > len(terms)
        windows = []
        for table in _tables(scope):
            alias, vector = ALIAS[table], tsvector(table, ALIAS[table])
            dialect = session.get_bind().dialect
            where = [f"{vector} @@ {_TSQUERY}", *_filters(table, scope, scope.kinds, dialect)]
            if phrase:
                where.append(f"{vector} @@ to_tsquery({CONFIG}, fts_unaccent(:words))")
            score = f"-ts_rank({vector}, {_TSQUERY})"
            windows.append(_window(table, score, where, f"{alias}.id", f"{table} {alias}"))
        # The query is written into the statement, never a parameter: the planner then knows
        # how common its words are, in a prepared statement's generic plan too (psycopg
        # prepares one run five times), and picks the GIN index for a rare word but walks
        # the primary key from the newest row for a common one, stopping at the window's end.
        # Its words hold only letters and digits (parse_query), and SQLAlchemy quotes it.
        stmt = _bind(_ranked(windows), scope, ceilings, limit=limit, offset=offset)
        for name, value in (("q", tsquery(terms)), ("words", tsquery(words))):
            if f":{name}" in stmt.text:
                stmt = stmt.bindparams(bindparam(name, value, type_=String(), literal_execute=True))
        return _page(session, stmt)

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
