"""Programme import: write-up lines and YouTube chapters become segments, all or nothing."""

import pytest

from app.errors import Invalid
from app.models import SegmentKind
from app.services import access, programme, recordings

# The three programme lines of the 2019 write-up (facts: times and session titles).
WRITEUP_LINES = """00:00 to 1:45:00 – the plenary session;
2:20:00 to 04:03:55 – the round table discussion “The world’s biomedical clusters: success factors”;
05:02:45 to 6:39:40 – the panel discussion “Best practices of inter-regional cooperation and export-oriented activities”.
"""  # noqa: E501


@pytest.fixture
def rec(make_recording) -> str:
    return make_recording("debates", duration=24300)


def test_the_write_up_lines_yield_exactly_the_three_sessions(client, rec):
    response = client.post(f"/api/v1/recordings/{rec}/programme", content=WRITEUP_LINES.encode())
    assert response.status_code == 201, response.text
    assert response.json()["stored"] is True
    stored = client.get(f"/api/v1/recordings/{rec}/segments").json()["items"]
    assert [(s["start"], s["end"], s["kind"], s["title"]) for s in stored] == [
        (0, 6300, "plenary", "Plenary session"),
        (
            8400,
            14635,
            "round_table",
            "Round table discussion “The world’s biomedical clusters: success factors”",
        ),
        (
            18165,
            23980,
            "panel",
            "Panel discussion “Best practices of inter-regional cooperation and "
            "export-oriented activities”",
        ),
    ]


def test_youtube_chapters_end_where_the_next_begins(session, client, rec):
    text = (
        "00:00 Intro\n\n05:30 - Keynote: the future of clusters\n1:02:03 Q&A\n2:00:00 Lunch break"
    )
    preview = programme.preview(
        session, recording=recordings.get(session, slug=rec, viewer=access.OPERATOR), text=text
    )
    assert preview.problems == []
    assert [(s.line, s.start, s.end, s.kind, s.title) for s in preview.segments] == [
        (1, 0, 330, SegmentKind.other, "Intro"),
        (3, 330, 3723, SegmentKind.talk, "Keynote: the future of clusters"),
        (4, 3723, 7200, SegmentKind.qa, "Q&A"),
        (5, 7200, 24300, SegmentKind.break_, "Lunch break"),
    ]


def test_kinds_and_titles_come_from_the_words():
    assert programme.clean_title("the Round-table on trade;") == "Round-table on trade"
    assert programme.kind_of("Round-table on trade") is SegmentKind.round_table
    assert programme.kind_of("Opening address") is SegmentKind.talk
    assert programme.kind_of("Theatre of the absurd") is SegmentKind.other


def test_preview_lists_every_problem_with_its_line(session, client, rec):
    text = "\n".join(
        [
            "0:00 to 1:00:00 - Opening plenary",  # 1: fine
            "Welcome, everyone!",  # 2: not a programme line
            "0:30:00 to 1:30:00 - Overlapping panel",  # 3: overlaps line 1
            "3:00:00 to 2:00:00 - Backwards talk",  # 4: ends before it starts
            "6:00:00 to 7:00:00 - After the end",  # 5: past 6:45:00
            "2:75:00 to 3:00:00 - Bad minutes",  # 6: not a time
            "4:00:00 to 4:10:00 —",  # 7: no title
        ]
    )
    preview = programme.preview(
        session, recording=recordings.get(session, slug=rec, viewer=access.OPERATOR), text=text
    )
    problems = {p.line: p.message for p in preview.problems}
    assert sorted(problems) == [2, 3, 4, 5, 6, 7]
    assert "not a programme line" in problems[2]
    assert "overlaps line 1" in problems[3]
    assert "before it starts" in problems[4]
    assert "past the recording's end 6:45:00" in problems[5]
    assert "minutes must be 00-59" in problems[6]
    assert "no title" in problems[7]
    with pytest.raises(Invalid, match=r"^line 2: .*and 5 more"):
        programme.apply(
            session,
            recording=recordings.get(session, slug=rec, viewer=access.OPERATOR),
            preview=preview,
        )


def test_dry_run_stores_nothing(snapshot, client, rec):
    before = snapshot()
    response = client.post(
        f"/api/v1/recordings/{rec}/programme?dry_run=true", json={"text": WRITEUP_LINES}
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["stored"], len(body["segments"]), body["problems"]) == (False, 3, [])
    assert body["segments"][1]["start_tc"] == "2:20:00"
    assert snapshot() == before


BAD_PROGRAMMES = [
    ("0:00 to 1:00:00 - Fine\nnot a line at all", "line 2: not a programme line"),
    ("0:00 to 1:00:00 - Fine\n2:00:00 to 1:00:00 - Backwards", "line 2: ends (1:00:00) before"),
    ("7:00:00 to 7:10:00 - Late", "line 1: ends at 7:10:00, past the recording's end"),
    ("0:10:00 to 0:20:00 - Twice\n0:15:00 to 0:25:00 - Again", "line 2: overlaps line 1"),
    ("5:40:00 to 5:50:00 - Plenary", "line 1: would replace the stored session 'Stored'"),
    ("", "no programme lines"),
]


@pytest.mark.parametrize(("text", "words"), BAD_PROGRAMMES)
def test_a_bad_programme_is_refused_and_changes_nothing(snapshot, client, rec, text, words):
    stored = {"title": "Stored", "start": 20000, "end": 21000}
    assert client.post(f"/api/v1/recordings/{rec}/segments", json=stored).status_code == 201
    before = snapshot()
    response = client.post(f"/api/v1/recordings/{rec}/programme", json={"text": text})
    assert response.status_code == 422, response.text
    assert response.json()["field"] == "body.text"
    assert response.json()["detail"].startswith(words)
    assert snapshot() == before


def test_the_last_chapter_needs_a_known_duration(client, make_recording):
    rec = make_recording("open-ended", duration=None)
    response = client.post(f"/api/v1/recordings/{rec}/programme", content=b"0:00 A\n10:00 B")
    assert response.status_code == 422
    assert response.json()["detail"].startswith("line 2: the last chapter needs an end time")


def test_unknown_recording_is_404(client):
    response = client.post("/api/v1/recordings/nope/programme", content=b"0:00 A")
    assert (response.status_code, response.json()["field"]) == (404, "path.recording")


def test_a_re_import_corrects_stored_sessions_and_keeps_what_hangs_off_them(client, demo):
    """A wrong programme line is fixed by importing the line again: the session of that
    title moves, keeping its speakers; nothing else changes."""
    url = f"/api/v1/recordings/{demo}/programme"
    before = client.get(f"/api/v1/recordings/{demo}/segments/round-table").json()
    preview = client.post(
        url, params={"dry_run": "true"}, content=b"2:21:00 to 4:03:55 Round table"
    )
    item = preview.json()["segments"][0]
    assert preview.status_code == 200 and preview.json()["problems"] == []
    assert (item["action"], item["slug"], item["was"]) == (
        "update",
        "round-table",
        "2:20:00 to 4:03:55",
    )
    stored = client.post(url, content=b"2:21:00 to 4:03:55 Round table")
    assert stored.status_code == 201, stored.text
    after = client.get(f"/api/v1/recordings/{demo}/segments/round-table").json()
    assert after["start"] == 8460 and after["title"] == "Round table"
    assert after["speakers"] == before["speakers"] and after["speakers"]
    assert len(client.get(f"/api/v1/recordings/{demo}/segments").json()["items"]) == 5


def test_a_re_import_replaces_overlapped_sessions_only_when_asked(client, demo, snapshot):
    url = f"/api/v1/recordings/{demo}/programme"
    lines = b"5:00:00 to 6:00:00 Closing panel\n6:00:00 to 6:30:00 Farewell"
    before = snapshot()
    refused = client.post(url, content=lines)
    assert refused.status_code == 422
    assert (
        "would replace the stored session 'Break' (4:03:55 to 5:02:45)" in refused.json()["detail"]
    )
    assert snapshot() == before
    preview = client.post(url, params={"dry_run": "true", "replace": "true"}, content=lines)
    assert sorted(r["slug"] for r in preview.json()["removed"]) == ["break-2", "panel"]
    stored = client.post(url, params={"replace": "true"}, content=lines)
    assert stored.status_code == 201, stored.text
    slugs = [s["slug"] for s in client.get(f"/api/v1/recordings/{demo}/segments").json()["items"]]
    assert "panel" not in slugs and {"closing-panel", "farewell", "round-table"} <= set(slugs)


def test_sessions_swapping_places_are_refused_whole(client, make_recording, snapshot):
    rec = make_recording("swap", segments=[("first", 0, 600), ("second", 600, 1200)])
    before = snapshot()
    answer = client.post(
        f"/api/v1/recordings/{rec}/programme", content=b"0:00 to 10:00 Second\n10:00 to 20:00 First"
    )
    assert answer.status_code == 422 and "swap places" in answer.json()["detail"]
    assert snapshot() == before
