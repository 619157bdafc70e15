"""The import page's plain forms: programme preview then confirm, transcript upload, write-up
proposals corrected and applied, and transcript placement of unplaced quotes. Every form is
CSRF-protected; a refusal names the line and stores nothing."""

import html
import re
from pathlib import Path

import pytest

from app.http import csrf

SEED = Path(__file__).resolve().parents[2] / "shared" / "seed" / "clusters-open-boundaries-2019.txt"
PROGRAMME = (  # the write-up's own lines
    "00:00 to 1:45:00 – the plenary session;\n"
    "2:20:00 to 04:03:55 – the round table discussion "
    "“The world’s biomedical clusters: success factors”;\n"
    "05:02:45 to 6:39:40 – the panel discussion "
    "“Best practices of inter-regional cooperation and export-oriented activities”.\n"
)
VTT = b"WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v Ada Lovelace>Hello\n"


@pytest.fixture
def fresh(client) -> str:
    """A recording with no segments, as long as the demo's."""
    client.post("/api/v1/events", json={"title": "Clusters 2019", "slug": "clusters"})
    response = client.post(
        "/api/v1/recordings",
        json={
            "event": "clusters",
            "slug": "debates",
            "title": "Debates",
            "media_kind": "url",
            "media_url": "https://example.org/debates.mp4",
            "duration": 24300,
        },
    )
    assert response.status_code == 201, response.text
    return "debates"


def _token(client, slug: str) -> str:
    page = client.get(f"/r/{slug}/import")
    assert page.status_code == 200 and page.template.name == "import.html"
    return re.search(r'<meta name="csrf-token" content="([^"]+)">', page.text)[1]


def _segments(client, slug: str) -> list[str]:
    return [s["title"] for s in client.get(f"/api/v1/recordings/{slug}/segments").json()["items"]]


def test_programme_preview_then_confirm_stores_the_three_sessions(client, fresh):
    token = _token(client, fresh)
    preview = client.post(
        f"/r/{fresh}/import/programme", params={csrf.PARAM: token}, data={"text": PROGRAMME}
    )
    assert preview.status_code == 200
    rows = preview.context["preview"].segments
    assert [(r.line, r.start_tc, r.end_tc, r.kind.value) for r in rows] == [
        (1, "0:00:00", "1:45:00", "plenary"),
        (2, "2:20:00", "4:03:55", "round_table"),
        (3, "5:02:45", "6:39:40", "panel"),
    ]
    assert (
        "Round table discussion “The world’s biomedical clusters: success factors”" in preview.text
    )
    assert "Store: 3 new, 0 corrected" in preview.text
    assert _segments(client, fresh) == []  # a preview stores nothing

    hidden = re.search(r'<textarea name="text" hidden[^>]*>(.*?)</textarea>', preview.text, re.S)[1]
    stored = client.post(
        f"/r/{fresh}/import/programme",
        params={csrf.PARAM: token},
        data={"text": html.unescape(hidden), "action": "store"},
        follow_redirects=False,
    )
    assert stored.status_code == 303
    assert stored.headers["location"] == f"/r/{fresh}#chapters-h"
    assert _segments(client, fresh) == [r.title for r in rows]


def test_bad_programme_lines_are_named_and_nothing_is_stored(client, fresh):
    token = _token(client, fresh)
    text = "0:00 to 1:00:00 Opening\n2:00:00 to 1:30:00 Backwards\nhello\n9:00:00 to 9:30:00 Late"
    preview = client.post(
        f"/r/{fresh}/import/programme", params={csrf.PARAM: token}, data={"text": text}
    )
    problems = re.search(r'id="programme-problems">(.*?)</div>', preview.text, re.S)[1]
    assert "Line 2: ends (1:30:00) before it starts (2:00:00)" in problems
    assert "Line 3: not a programme line" in problems
    assert "Line 4: ends at 9:30:00, past the recording&#39;s end" in problems
    assert "Store:" not in preview.text
    forced = client.post(
        f"/r/{fresh}/import/programme",
        params={csrf.PARAM: token},
        data={"text": text, "action": "store"},
    )
    assert forced.status_code == 422
    assert "line 2:" in forced.context["programme_error"]
    assert _segments(client, fresh) == []


def test_transcript_upload_stores_or_names_the_bad_line(client, demo, demo_vtt):
    token = _token(client, demo)
    bad = "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nfine\n\n00:00:03 --> 00:00:04.000\nbad\n"
    refused = client.post(
        f"/r/{demo}/import/transcript",
        params={csrf.PARAM: token},
        files={"file": ("talk.vtt", bad.encode(), "text/vtt")},
    )
    assert refused.status_code == 422
    assert "line 6:" in refused.context["transcript_error"]
    assert 'aria-invalid="true"' in refused.text
    assert client.get(f"/api/v1/recordings/{demo}/transcript").json()["items"] == []

    stored = client.post(
        f"/r/{demo}/import/transcript",
        params={csrf.PARAM: token},
        files={"file": ("talk.vtt", demo_vtt.encode(), "text/vtt")},
        follow_redirects=False,
    )
    assert stored.status_code == 303 and stored.headers["location"] == f"/r/{demo}#transcript"
    assert len(client.get(f"/api/v1/recordings/{demo}/transcript").json()["items"]) == 34
    assert "34 lines stored" in client.get(f"/r/{demo}/import").text


def test_transcript_upload_answers_json_for_the_progress_script(browser_as, demo, demo_vtt):
    browser, token = browser_as("editor")
    url, json_accept = f"/r/{demo}/import/transcript", {"Accept": "application/json"}
    ok = browser.post(
        url,
        params={csrf.PARAM: token},
        files={"file": ("t.vtt", demo_vtt.encode())},
        headers=json_accept,
    )
    assert ok.status_code == 201
    assert ok.json()["cues"] == 34 and ok.json()["navigator"] == f"/r/{demo}#transcript"
    no_token = browser.post(url, files={"file": ("t.vtt", b"WEBVTT")}, headers=json_accept)
    assert no_token.status_code == 403 and "expired" in no_token.json()["detail"]


def test_writeup_proposals_are_edited_then_applied(client, fresh):
    token = _token(client, fresh)
    client.post(
        f"/r/{fresh}/import/programme",
        params={csrf.PARAM: token},
        data={"text": PROGRAMME, "action": "store"},
    )
    proposed = client.post(
        f"/r/{fresh}/import/writeup", params={csrf.PARAM: token}, data={"text": SEED.read_text()}
    )
    assert proposed.status_code == 200
    speakers, quotes = proposed.context["speakers"], proposed.context["quotes"]
    names = {s.name for s in speakers}
    assert {"Evgeniy Kutsenko", "Maya Sviridova"} <= names
    kutsenko = next(s for s in speakers if s.name == "Evgeniy Kutsenko")
    assert kutsenko.role == "Head" and "Russian Cluster Observatory" in kutsenko.organisation
    assert 'name="s-0-use" checked' in proposed.text

    # The editor keeps Kutsenko and his first quote, corrects his role, names its session.
    form = {}
    for n, s in enumerate(speakers):
        form |= {
            f"s-{n}-{k}": getattr(s, k)
            for k in ("key", "name", "role", "organisation", "country", "existing")
        }
        if s is kutsenko:
            form[f"s-{n}-use"] = "on"
            form[f"s-{n}-role"] = "Head of the Observatory"
    first = next(n for n, q in enumerate(quotes) if q.speaker == kutsenko.key)
    for n, q in enumerate(quotes):
        form |= {f"q-{n}-text": q.text, f"q-{n}-speaker": q.speaker, f"q-{n}-segment": ""}
    form[f"q-{first}-use"] = "on"
    missing = client.post(f"/r/{fresh}/import/writeup/apply", params={csrf.PARAM: token}, data=form)
    assert missing.status_code == 422
    assert f"quote {first + 1}: choose the session" in missing.context["writeup_error"]
    assert 'name="s-0-use"' in missing.text  # the rows come back as they were posted

    form[f"q-{first}-segment"] = "plenary-session"
    applied = client.post(
        f"/r/{fresh}/import/writeup/apply",
        params={csrf.PARAM: token},
        data=form,
        follow_redirects=False,
    )
    assert applied.status_code == 303, applied.text
    stored = client.get(f"/api/v1/recordings/{fresh}/annotations?kind=quote").json()["items"]
    assert [(q["text"], q["placement"], q["segment"]) for q in stored] == [
        (quotes[first].text, "unplaced", "plenary-session")
    ]
    speaker = client.get("/api/v1/speakers/evgeniy-kutsenko").json()
    assert speaker["role"] == "Head of the Observatory"


def test_placement_proposal_is_accepted_with_one_click(client, transcribed):
    token = _token(client, transcribed)
    quote = client.get(
        f"/api/v1/recordings/{transcribed}/annotations?kind=quote&speaker=faina-filina"
    ).json()["items"][0]
    navigator = client.get(f"/r/{transcribed}/s/round-table")
    assert f'data-placement="{quote["id"]}"><a href="/a/{quote["id"]}/placement">' in navigator.text

    page = client.get(f"/a/{quote['id']}/placement")
    assert page.status_code == 200
    proposal = page.context["proposal"]
    assert (proposal.start, proposal.end) == (8420, 8426) and proposal.confidence >= 90
    assert f"confidence <strong>{proposal.confidence}%</strong>" in page.text
    accepted = client.post(
        f"/a/{quote['id']}/place",
        params={csrf.PARAM: token},
        data={"start": "8420.0", "end": "8426.0"},
        follow_redirects=False,
    )
    assert accepted.status_code == 303
    assert (
        accepted.headers["location"]
        == f"/r/{transcribed}?t=2h20m20s,2h20m26s#annotation-{quote['id']}"
    )
    placed = client.get(f"/api/v1/annotations/{quote['id']}").json()
    assert (placed["start"], placed["end"], placed["placement"]) == (8420, 8426, "exact")


def test_placement_without_a_transcript_says_so(client, demo):
    quote = client.get(f"/api/v1/recordings/{demo}/annotations?kind=quote").json()["items"][0]
    page = client.get(f"/a/{quote['id']}/placement")
    assert page.status_code == 404 and "no transcript" in page.text
    assert "data-placement" not in client.get(f"/r/{demo}").text


@pytest.mark.parametrize(
    ("path", "data", "files"),
    [
        ("/r/{rec}/import/programme", {"text": PROGRAMME, "action": "store"}, None),
        ("/r/{rec}/import/transcript", {}, {"file": ("t.vtt", VTT)}),
        ("/r/{rec}/import/writeup", {"text": "x"}, None),
        (
            "/r/{rec}/import/writeup/apply",
            {"s-0-key": "a", "s-0-name": "Ada Lovelace", "s-0-use": "on"},
            None,
        ),
    ],
)
def test_posts_without_the_csrf_token_are_refused_and_store_nothing(
    client, browser_as, fresh, path, data, files
):
    browser, _ = browser_as("editor")  # the session cookie, but no token in the form
    before = client.get("/api/v1/speakers?limit=500").json()["items"]
    response = browser.post(path.format(rec=fresh), data=data, files=files)
    assert response.status_code == 403
    assert _segments(client, fresh) == []
    assert client.get(f"/api/v1/recordings/{fresh}/transcript").json()["items"] == []
    assert client.get("/api/v1/speakers?limit=500").json()["items"] == before


def test_script_in_imported_text_appears_escaped(client, fresh):
    token = _token(client, fresh)
    text = "0:00 to 1:00:00 – <script>alert(1)</script> opening\n<img src=x onerror=alert(2)>"
    page = client.post(
        f"/r/{fresh}/import/programme", params={csrf.PARAM: token}, data={"text": text}
    )
    assert "&lt;script&gt;alert(1)&lt;/script&gt; opening" in page.text
    assert "<script>alert(1)" not in page.text and "<img src=x" not in page.text
    article = (
        "Ada Lovelace, Head of <b>Engines</b> at the Analytical Society, said: "
        '"<script>x()</script> engines weave patterns well".'
    )
    proposed = client.post(
        f"/r/{fresh}/import/writeup", params={csrf.PARAM: token}, data={"text": article}
    )
    assert proposed.context["quotes"] and proposed.context["speakers"]
    assert "&lt;script&gt;x()&lt;/script&gt; engines weave" in proposed.text
    assert "<script>x()" not in proposed.text and "<b>Engines" not in proposed.text
