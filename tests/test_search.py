"""Full-text search: five kinds of content, deep links, filters, safe snippets and any query."""

import importlib.util
from pathlib import Path

import pytest
from alembic.migration import MigrationContext
from alembic.operations import Operations
from sqlalchemy import inspect, text
from sqlalchemy.event import listen, remove
from sqlmodel import Session

from app.models import SearchKind
from app.services.search import mark, parse_query
from app.services.search_sql import (
    ALIAS,
    CONFIG,
    START,
    STOP,
    PostgresBackend,
    Scope,
    Term,
    ceilings,
    fts5_query,
    tsquery,
    tsvector,
)

SEARCH = "/api/v1/search"
VTT = """WEBVTT

00:05:00.000 --> 00:05:04.000
<v Ada Lovelace>Welcome, everyone.

00:20:34.500 --> 00:20:39.000
<v Ada Lovelace>Today we discuss the hydrogen economy &amp; &lt;script&gt;alert(1)&lt;/script&gt;

00:40:00.000 --> 00:40:03.000
Closing words.
"""


@pytest.fixture
def content(client, clients) -> dict:
    """One event with a recording holding a segment, a speaker, a quote, notes and cues."""

    def post(url: str, body: dict) -> dict:
        response = client.post(url, json=body)
        assert response.status_code == 201, response.text
        return response.json()

    post("/api/v1/events", {"title": "Test day", "slug": "day"})
    post("/api/v1/events", {"title": "Other day", "slug": "other-day"})
    for event, slug in (("day", "talks"), ("other-day", "elsewhere")):
        post(
            "/api/v1/recordings",
            {
                "event": event,
                "slug": slug,
                "title": slug.title(),
                "media_kind": "url",
                "media_url": "https://example.org/v.mp4",
                "duration": 3600,
            },
        )
    post(
        "/api/v1/speakers",
        {"name": "Gražvydas Morkus", "role": "Managing Director", "organisation": "LitCare"},
    )
    segment = post(
        "/api/v1/recordings/talks/segments",
        {
            "title": "Round table on biomedical clusters",
            "kind": "round_table",
            "start": 600,
            "end": 1800,
            "description": "Success factors, from Vilnius to Lille",
            "speakers": [{"speaker": "grazvydas-morkus"}],
        },
    )
    ann = "/api/v1/recordings/talks/annotations"
    quote = post(
        ann,
        {
            "kind": "quote",
            "speaker": "grazvydas-morkus",
            "segment": segment["slug"],
            "text": "Joint marketing attracted patients from abroad",
        },
    )
    note = post(ann, {"start": 900, "text": "A remark about telemedicine"})
    private = {"start": 950, "text": "secret pineapple", "visibility": "private"}
    assert clients("member").post(ann, json=private).status_code == 201
    assert client.post("/api/v1/recordings/talks/transcript", json={"text": VTT}).is_success
    return {"segment": segment["slug"], "quote": quote["id"], "note": note["id"]}


def hits(client, q: str, **filters) -> list[dict]:
    response = client.get(SEARCH, params={"q": q, **filters})
    assert response.status_code == 200, response.text
    return response.json()["items"]


def test_each_kind_is_found_with_a_deep_link_to_its_moment(client, content):
    segment = content["segment"]
    expected = {
        "biomedical": ("segment", f"/r/talks/s/{segment}", 600),
        "Vilnius": ("segment", f"/r/talks/s/{segment}", 600),
        "LitCare": ("speaker", "/speakers/grazvydas-morkus", None),
        "managing director": ("speaker", "/speakers/grazvydas-morkus", None),
        "marketing": ("quote", f"/r/talks/s/{segment}", None),
        "telemedicine": ("annotation", "/r/talks?t=15m", 900),
        "hydrogen": ("cue", "/r/talks?t=20m34.5s", 1234.5),
    }
    for q, (kind, url, start) in expected.items():
        found = hits(client, q)
        assert [(h["kind"], h["url"], h["start"]) for h in found] == [(kind, url, start)], q


def test_accents_and_case_do_not_matter(client, content):
    for q in ("Grazvydas", "GRAŽVYDAS", "grazvydas morkus"):
        assert [h["kind"] for h in hits(client, q)] == ["speaker"], q


def test_hits_carry_titles_speakers_and_time_codes(client, content):
    (cue,) = hits(client, "hydrogen")
    assert (cue["title"], cue["speaker"], cue["recording"], cue["start_tc"]) == (
        "Ada Lovelace",
        "ada-lovelace",
        "talks",
        "0:20:34.500",
    )
    (quote,) = hits(client, "marketing")
    assert quote["title"] == "Quote by Gražvydas Morkus"
    assert quote["id"] == content["quote"]
    assert quote["segment"] == content["segment"]


def test_snippets_mark_the_hit_and_escape_the_text(client, content):
    (cue,) = hits(client, "hydrogen")
    assert "<mark>hydrogen</mark>" in cue["snippet"]
    # SQLite keeps the tag as escaped text; PostgreSQL's ts_headline leaves tags out.
    assert "<script>" not in cue["snippet"] and "alert(1)" in cue["snippet"]
    assert "&amp;" in cue["snippet"]


def test_private_annotations_are_found_by_their_owner_alone(client, clients, content):
    assert [h["snippet"] for h in hits(clients("member"), "pineapple")] == [
        "secret <mark>pineapple</mark>"
    ]
    for someone in (client, clients("other"), clients("admin"), clients()):
        assert hits(someone, "pineapple") == []


def test_filters_narrow_the_hits(client, content):
    assert hits(client, "hydrogen", kind="segment") == []
    assert [h["kind"] for h in hits(client, "hydrogen", kind="cue")] == ["cue"]
    assert hits(client, "hydrogen", recording="elsewhere") == []
    assert hits(client, "hydrogen", event="other-day") == []
    assert len(hits(client, "hydrogen", event="day", recording="talks")) == 1
    assert hits(client, "hydrogen", event="other-day", recording="talks") == []
    assert [h["kind"] for h in hits(client, "biomedical", speaker="grazvydas-morkus")] == [
        "segment"
    ]
    assert hits(client, "hydrogen", speaker="grazvydas-morkus") == []
    assert [h["kind"] for h in hits(client, "litcare", recording="talks")] == ["speaker"]
    assert hits(client, "litcare", recording="elsewhere") == []
    assert [h["kind"] for h in hits(client, "marketing", kind="quote")] == ["quote"]
    assert hits(client, "marketing", kind="annotation") == []


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"recording": "nope"}, "query.recording"),
        ({"event": "nope"}, "query.event"),
        ({"speaker": "nope"}, "query.speaker"),
        ({"kind": "gossip"}, "query.kind"),
        ({"cursor": "garbage!!"}, "query.cursor"),
        ({"limit": 0}, "query.limit"),
        ({"limit": 101}, "query.limit"),
    ],
)
def test_bad_filters_are_refused_clearly(client, content, params, field):
    response = client.get(SEARCH, params={"q": "hydrogen", **params})
    assert 400 <= response.status_code < 500
    assert response.json()["field"] == field


HOSTILE = [
    '"',
    '""',
    '"hydrogen',
    'hydrogen"',
    "*",
    "hydro*",
    "**hydrogen**",
    "-hydrogen",
    "- -",
    "NEAR(hydrogen economy)",
    "hydrogen NEAR economy",
    "hydrogen AND economy",
    "hydrogen OR economy",
    "NOT hydrogen",
    "AND",
    "(hydrogen",
    "hydrogen)",
    "((()))",
    "hydrogen:economy",
    "text:hydrogen",
    "^hydrogen",
    "hydrogen^2",
    "{hydrogen}",
    "[hydrogen]",
    "hydrogen'; DROP TABLE segment; --",
    "' OR 1=1 --",
    "\\",
    "%_%",
    "&|!<->:*",
    "   ",
    "",
    "日本語 の 検索",
    "🎤 hydrogen 🎤",
    "x" * 5000,
    "hydrogen " * 300,
    "ﬁnance",
]


def test_a_nul_character_is_refused_like_everywhere(client, content):
    response = client.get(SEARCH, params={"q": "\x00hydrogen"})
    assert (response.status_code, response.json()["field"]) == (422, "query.q")


@pytest.mark.parametrize("q", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_queries_return_hits_or_nothing(client, content, q):
    response = client.get(SEARCH, params={"q": q})
    assert response.status_code == 200, response.text
    assert isinstance(response.json()["items"], list)


def test_operators_are_read_as_words(client, content):
    assert len(hits(client, "hydrogen AND economy")) == 0  # "and" is not in the cue
    assert len(hits(client, "hydrogen NEAR(economy)")) == 0
    assert [h["kind"] for h in hits(client, "(hydrogen")] == ["cue"]
    assert [h["kind"] for h in hits(client, "-hydrogen")] == ["cue"]


def test_prefixes_and_phrases(client, content):
    assert [h["kind"] for h in hits(client, "hydro*")] == ["cue"]
    assert hits(client, "hydro") == []
    assert [h["kind"] for h in hits(client, '"hydrogen economy"')] == ["cue"]
    assert hits(client, '"economy hydrogen"') == []


def test_the_index_follows_edits_and_deletes(client, content):
    url = f"/api/v1/annotations/{content['note']}"
    assert client.patch(url, json={"text": "A remark about geothermal power"}).is_success
    assert hits(client, "telemedicine") == []
    assert [h["id"] for h in hits(client, "geothermal")] == [content["note"]]
    assert client.delete(url).status_code == 204
    assert hits(client, "geothermal") == []
    assert client.patch("/api/v1/speakers/grazvydas-morkus", json={"organisation": "X"}).is_success
    assert hits(client, "litcare") == []


def test_pages_of_hits_do_not_overlap(client, content):
    lines = ["WEBVTT", ""]
    for i in range(25):
        lines += [f"00:{i:02}:00.000 --> 00:{i:02}:05.000", f"solar panel number {i}", ""]
    post = client.post("/api/v1/recordings/elsewhere/transcript", json={"text": "\n".join(lines)})
    assert post.status_code == 201
    seen, cursor = [], None
    while True:
        params = {"q": "solar", "limit": 10} | ({"cursor": cursor} if cursor else {})
        page = client.get(SEARCH, params=params).json()
        seen += [h["id"] for h in page["items"]]
        cursor = page["next"]
        if cursor is None:
            break
    assert len(seen) == len(set(seen)) == 25


def test_better_matches_rank_first(client, content):
    lines = ["WEBVTT", ""]
    texts = ["wind", "wind and wind and more wind", "wind farm", "no match here"]
    for i, words in enumerate(texts):
        lines += [f"00:0{i}:00.000 --> 00:0{i}:05.000", words, ""]
    client.post("/api/v1/recordings/elsewhere/transcript", json={"text": "\n".join(lines)})
    found = hits(client, "wind farm")
    assert [h["snippet"] for h in found] == ["<mark>wind</mark> <mark>farm</mark>"]
    scores = [h["score"] for h in hits(client, "wind")]
    assert scores == sorted(scores, reverse=True) and len(scores) == 3


def test_query_parsing():
    assert parse_query('Hydrogen "the ECONOMY" hydro* -x AND (y') == [
        Term(("hydrogen",)),
        Term(("the", "economy")),
        Term(("hydro",), prefix=True),
        Term(("x",)),
        Term(("and",)),
        Term(("y",)),
    ]
    assert parse_query('"unbalanced phrase') == [Term(("unbalanced", "phrase"))]
    assert parse_query("*** --- ::: ()") == []
    assert len(parse_query("word " * 100)) == 1
    assert len(parse_query(" ".join(f"w{i}" for i in range(100)))) == 12


def test_backend_queries_quote_every_term():
    terms = [Term(("gražvydas",)), Term(("the", "economy")), Term(("hydro",), prefix=True)]
    assert fts5_query(terms) == '"grazvyda" "the economi" "hydro"*'  # stems, as indexed
    assert tsquery(terms) == "'gražvydas' & ('the' <-> 'economy') & 'hydro':*"


def test_mark_escapes_before_marking():
    snippet = f'<b>{START}x&y{STOP}</b> "{START}q{STOP}"'
    assert mark(snippet) == "&lt;b&gt;<mark>x&amp;y</mark>&lt;/b&gt; &quot;<mark>q</mark>&quot;"


@pytest.mark.sqlite_only
def test_the_fts5_index_serves_the_queries(connection):
    plan = connection.exec_driver_sql(
        "EXPLAIN QUERY PLAN SELECT rowid FROM fts_transcript_cue "
        "WHERE fts_transcript_cue MATCH '\"x\"'"
    ).all()
    assert "VIRTUAL TABLE INDEX" in " ".join(row[-1] for row in plan)


@pytest.mark.postgresql_only
def test_the_full_text_indexes_serve_the_queries(connection):
    """On PostgreSQL each table's stored tsvector (migration 0003) has a GIN index, so a
    search is an index lookup, not a scan of 100,000 cues."""
    connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
    for table, alias in ALIAS.items():
        plan = connection.execute(
            text(
                f"EXPLAIN SELECT {alias}.id FROM {table} {alias} "
                f"WHERE {tsvector(table, alias)} @@ to_tsquery({CONFIG}, 'x')"
            )
        ).all()
        assert f"Index Scan on fts_{table}_document" in " ".join(row[0] for row in plan)


@pytest.mark.postgresql_only
@pytest.mark.parametrize("plan_cache_mode", ["force_custom_plan", "force_generic_plan"])
def test_postgres_ranks_on_the_stored_vectors(connection, plan_cache_mode):
    """The search SQL itself never derives a tsvector from text again, nor parses the query
    once per row when a prepared statement's generic plan runs (psycopg prepares a statement
    after five runs on a connection): the query is written into the statement, so even a
    generic plan knows it (and how common its words are)."""
    statements = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().startswith("WITH"):  # the matches, not the ceilings
            statements.append((statement, parameters))

    scope = Scope(recordings=None, speaker=None, kinds=frozenset(SearchKind))
    terms = [Term(("hydrogen",)), Term(("eco",), prefix=True)]
    conn = connection
    conn.exec_driver_sql(f"SET LOCAL plan_cache_mode = {plan_cache_mode}")
    listen(conn, "before_cursor_execute", capture)
    with Session(bind=conn, join_transaction_mode="create_savepoint") as session:
        assert PostgresBackend().matches(session, terms, scope, ceilings(session), 21, 0) == (
            [],
            False,
        )
    remove(conn, "before_cursor_execute", capture)
    ((statement, parameters),) = statements
    assert "hydrogen" in statement and "q" not in parameters
    names = list(parameters)
    for n, name in enumerate(names, start=1):
        statement = statement.replace(f"%({name})s", f"${n}")
    conn.exec_driver_sql(f"PREPARE search_plan AS {statement}")
    values = ", ".join(str(parameters[name]) for name in names)
    plan = "\n".join(
        row[0] for row in conn.exec_driver_sql(f"EXPLAIN (VERBOSE) EXECUTE search_plan({values})")
    )
    conn.exec_driver_sql("DEALLOCATE search_plan")
    assert "to_tsvector" not in plan
    assert "ts_rank(" in plan
    assert "to_tsquery" not in plan, plan  # folded into a constant when planned


@pytest.mark.postgresql_only  # 0003 does nothing on SQLite
def test_migration_0003_downgrades_and_upgrades(connection):
    """0003 comes off and goes back on (PostgreSQL: transactional DDL, rolled back after)."""
    path = next(Path(__file__).parent.parent.glob("migrations/versions/*_0003_*.py"))
    spec = importlib.util.spec_from_file_location("migration_0003", path)
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)

    def state(conn) -> tuple[set, set]:
        inspector = inspect(conn)
        columns = {c["name"] for c in inspector.get_columns("transcript_cue")}
        indexes = {i["name"] for i in inspector.get_indexes("transcript_cue")}
        return {c for c in columns if c.startswith("fts_")}, {
            i for i in indexes if i.startswith("fts_")
        }

    conn = connection  # its transaction is rolled back after the test
    assert state(conn) == ({"fts_document"}, {"fts_transcript_cue_document"})
    with Operations.context(MigrationContext.configure(conn)):
        migration.downgrade()
        assert state(conn) == (set(), {"fts_transcript_cue"})
        migration.upgrade()
    assert state(conn) == ({"fts_document"}, {"fts_transcript_cue_document"})
