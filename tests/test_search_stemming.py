"""Search understands word forms, in English and Russian, on both databases: "cluster" finds
"clusters" and "кластер" finds "кластеров" (and the reverse) in every kind of content, through
the API and the search page, with the word as written marked in the snippet."""

import importlib.util
from pathlib import Path

import pytest
from alembic.migration import MigrationContext
from alembic.operations import Operations

from app.stemming import stem_text, stem_word

SEARCH = "/api/v1/search"
KINDS = {"segment", "speaker", "quote", "annotation", "cue"}


def _post(client, url: str, body: dict) -> dict:
    response = client.post(url, json=body)
    assert response.status_code == 201, response.text
    return response.json()


@pytest.fixture
def write(client):
    """Makes one of each kind of searchable content, each holding `word` and no other form
    of it: a session's title, a speaker's role, a quote, a note and a transcript cue."""
    _post(client, "/api/v1/events", {"title": "Day", "slug": "day"})
    recording = {"event": "day", "slug": "talks", "title": "Talks", "media_kind": "url"}
    _post(client, "/api/v1/recordings", recording | {"media_url": "https://example.org/v.mp4"})

    def make(word: str) -> None:
        speaker = _post(client, "/api/v1/speakers", {"name": "Ada Lovelace", "role": word})
        segment = _post(
            client,
            "/api/v1/recordings/talks/segments",
            {"title": f"Round table: {word}", "kind": "round_table", "start": 60, "end": 600},
        )
        notes = "/api/v1/recordings/talks/annotations"
        _post(
            client,
            notes,
            {
                "kind": "quote",
                "speaker": speaker["slug"],
                "segment": segment["slug"],
                "text": f"We spoke of {word} today",
            },
        )
        _post(client, notes, {"start": 90, "text": f"A remark: {word}"})
        vtt = f"WEBVTT\n\n00:02:00.000 --> 00:02:04.000\n{word} everywhere\n"
        transcript = client.post("/api/v1/recordings/talks/transcript", json={"text": vtt})
        assert transcript.is_success, transcript.text

    return make


def _hits(client, q: str) -> list[dict]:
    response = client.get(SEARCH, params={"q": q})
    assert response.status_code == 200, response.text
    return response.json()["items"]


FORMS = [
    ("cluster", "clusters"),
    ("clusters", "cluster"),
    ("кластер", "кластеров"),
    ("Кластеров", "кластер"),
]


@pytest.mark.parametrize(("query", "written"), FORMS)
def test_a_word_finds_its_other_forms_everywhere(client, write, query, written):
    write(written)
    found = _hits(client, query)
    assert {h["kind"] for h in found} == KINDS, found
    assert all(f"<mark>{written}</mark>" in h["snippet"] for h in found), found


@pytest.mark.parametrize(("query", "written"), FORMS)
def test_the_search_page_finds_them_too(client, write, query, written):
    write(written)
    page = client.get("/search", params={"q": query})
    assert page.status_code == 200 and page.template.name == "search.html"
    assert {h.kind.value for h in page.context["hits"]} == KINDS
    assert f"<mark>{written}</mark>" in page.text


def test_phrases_match_word_forms_in_their_order(client, write):
    write("biomedical clusters and региональных кластеров")
    assert len(_hits(client, '"biomedical cluster"')) == len(KINDS)
    assert len(_hits(client, '"региональный кластер"')) == len(KINDS)
    assert _hits(client, '"cluster biomedical"') == []
    assert _hits(client, "cluster кластер biomedical")[0]["snippet"].count("<mark>") == 3


@pytest.mark.parametrize("query", ["grazvydas", "Gražvydas", "GRAZVYDAS"])
def test_accents_do_not_matter_and_the_word_is_marked_as_written(client, write, query):
    write("Gražvydas")
    found = _hits(client, query)
    assert {h["kind"] for h in found} == KINDS
    assert all("<mark>Gražvydas</mark>" in h["snippet"] for h in found), found


def test_marks_stay_on_the_word_after_emoji_and_combining_accents(client, write):
    """SQLite marks a hit by its position among the words: the stemmed text must keep every
    word where it was, whatever stands between them."""
    write("Cafe\u0301 👍🏽 talk, ½ of it — on clusters")
    found = _hits(client, "cluster")
    assert {h["kind"] for h in found} == KINDS
    for hit in found:
        assert "on <mark>clusters</mark>" in hit["snippet"], hit
        assert hit["snippet"].count("<mark>") == 1, hit


def test_stems_are_the_same_for_every_form_and_digits_are_left_alone():
    assert len({stem_word(w) for w in ("cluster", "Clusters", "clustered")}) == 1
    assert len({stem_word(w) for w in ("кластер", "кластеров", "Кластерами")}) == 1
    assert stem_word("Gražvydas") == stem_word("Grazvydas")
    assert stem_word("ёлки") == stem_word("елка")
    assert stem_word("mp3s") == "mp3s"
    assert stem_text("Обзор «clusters», 2019!") == "обзор «cluster», 2019!"


def test_migration_0006_indexes_what_was_written_before_it(client, write, connection):
    """Rows stored before 0006 are found by their stems after it (the index of stems is
    written by the migration, not only by the triggers for new rows)."""
    write("clusters")
    path = next(Path(__file__).parent.parent.glob("migrations/versions/*_0006_*.py"))
    spec = importlib.util.spec_from_file_location("migration_0006", path)
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    with Operations.context(MigrationContext.configure(connection)):  # rolled back after
        migration.downgrade()
        migration.upgrade()
    assert {h["kind"] for h in _hits(client, "cluster")} == KINDS
