"""The organiser's workspace without JavaScript (PRODUCT §6c): events, recordings and sessions
built and corrected through the editors' forms; drafts invisible to everyone but editors."""

import json
import re

import pytest

from app.http import csrf


@pytest.fixture
def editor(browser_as):
    """An editor's browser and a poster of its forms (the CSRF token in the query, as the
    pages' form actions carry it)."""
    browser, token = browser_as("editor")

    def post(url: str, **fields):
        return browser.post(url, params={csrf.PARAM: token}, data=fields, follow_redirects=False)

    browser.post_form = post
    return browser


def _error(page) -> str:
    return re.search(r'<p class="error" id="form-error"[^>]*>(.*?)</p>', page.text, re.S)[1]


def test_an_event_is_created_and_edited_in_the_browser(editor, anonymous):
    page = editor.get("/events/new")
    assert page.status_code == 200 and 'name="start_date" type="date"' in page.text
    made = editor.post_form(
        "/events/new",
        title="Baltic Forum",
        place="Riga",
        start_date="2020-05-30",
        end_date="2020-06-02",
        description="Two rooms, four days.",
    )
    assert made.status_code == 303 and made.headers["location"] == "/e/baltic-forum"
    shown = anonymous.get("/e/baltic-forum")
    assert shown.status_code == 200
    assert (
        "Riga, 30 May\u2009–\u20092 Jun 2020" in shown.text
        and "Two rooms, four days." in shown.text
    )
    assert "Edit the event" not in shown.text  # for editors only

    form = editor.get("/e/baltic-forum/edit")
    assert 'value="Baltic Forum"' in form.text and 'value="2020-05-30"' in form.text
    changed = editor.post_form(
        "/e/baltic-forum/edit", title="Baltic Forum 2020", slug="baltic-forum", place=""
    )
    assert changed.status_code == 303
    shown = anonymous.get("/e/baltic-forum")
    assert "<h1>Baltic Forum 2020</h1>" in shown.text and "Riga" not in shown.text
    assert "Baltic Forum 2020" in anonymous.get("/").text


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"title": ""}, "title", "title"),
        ({"title": "X", "start_date": "2020-13-01"}, "start_date", "start_date"),
        (
            {"title": "X", "start_date": "2020-05-02", "end_date": "2020-05-01"},
            "end_date",
            "end_date must not be before start_date",
        ),
        ({"title": "X", "slug": "Not A Slug"}, "slug", "slug"),
    ],
)
def test_a_refused_event_form_names_the_field_and_changes_nothing(
    editor, snapshot, fields, field, message
):
    before = snapshot()
    page = editor.post_form("/events/new", **fields)
    assert 400 <= page.status_code < 500
    assert message in _error(page).lower()
    assert re.search(rf'name="{field}"[^>]*aria-invalid="true"', page.text)
    assert snapshot() == before


def test_the_event_page_lists_recordings_sessions_and_speakers(anonymous, demo):
    page = anonymous.get("/e/clusters-open-boundaries-2019")
    assert page.status_code == 200
    assert "St. Petersburg, 16\u2009–\u200917 May 2019" in page.text
    assert f'href="/r/{demo}"' in page.text
    for session in ("plenary", "round-table", "panel"):
        assert f'href="/r/{demo}/s/{session}"' in page.text
    assert "Coffee break" not in page.text  # breaks are not sessions
    assert 'href="/speakers/evgeniy-kutsenko"' in page.text
    assert anonymous.get("/e/no-such-event").status_code == 404


def test_home_and_event_pages_link_the_editing_pages_for_editors(editor, anonymous, demo):
    home = editor.get("/").text
    assert 'href="/events/new"' in home and 'href="/upload"' in home
    event = editor.get("/e/clusters-open-boundaries-2019").text
    assert 'href="/e/clusters-open-boundaries-2019/edit"' in event
    assert 'href="/upload?event=clusters-open-boundaries-2019"' in event
    assert f'href="/r/{demo}/edit"' in event
    assert 'href="/events/new"' not in anonymous.get("/").text
    navigator = editor.get(f"/r/{demo}").text
    assert f'href="/r/{demo}/edit"' in navigator and f"/r/{demo}/sessions/new" in navigator


def test_a_recording_from_a_link_with_a_typed_duration(editor, anonymous, demo):
    form = editor.get("/upload?event=clusters-open-boundaries-2019").text
    assert 'value="clusters-open-boundaries-2019" selected' in form
    made = editor.post(
        "/upload",
        params={csrf.PARAM: re.search(r'name="csrf-token" content="([^"]+)"', form)[1]},
        files={
            "event": (None, "clusters-open-boundaries-2019"),
            "title": (None, "Evening talk"),
            "url": (None, "https://example.org/evening.mp4"),
            "duration": (None, "1:02:03.5"),
        },
        follow_redirects=False,
    )
    assert made.status_code == 303, made.text
    answer = anonymous.get("/api/v1/recordings/evening-talk").json()
    assert answer["duration"] == 3723.5 and answer["published"] is True


def test_a_recording_is_edited_and_a_refusal_keeps_it(editor, anonymous, demo, snapshot):
    form = editor.get(f"/r/{demo}/edit")
    assert form.status_code == 200 and 'value="6:45:00"' in form.text
    assert "Use the player&#39;s duration" in form.text or "Use the player's duration" in form.text
    before = snapshot()
    refused = editor.post_form(f"/r/{demo}/edit", title="X", duration="1:00:00", published="true")
    assert refused.status_code == 422 and "would cut off content" in _error(refused)
    assert re.search(r'name="duration"[^>]*aria-invalid="true"', refused.text)
    refused = editor.post_form(f"/r/{demo}/edit", title="X", duration="soon", published="true")
    assert refused.status_code == 422 and "duration" in _error(refused).lower()
    assert snapshot() == before
    saved = editor.post_form(
        f"/r/{demo}/edit", title="The whole day", duration="6:50:00", published="true"
    )
    assert saved.status_code == 303
    answer = anonymous.get(f"/api/v1/recordings/{demo}").json()
    assert answer["title"] == "The whole day" and answer["duration"] == 24600


def test_a_draft_is_for_editors_alone(editor, anonymous, browser_as, clients, demo, transcribed):
    editor.post_form(f"/r/{demo}/edit", title="Secret cut", published="false")
    member = browser_as("member")[0]
    for viewer in (anonymous, member, clients("member")):
        assert viewer.get(f"/r/{demo}").status_code == 404
        assert viewer.get(f"/r/{demo}/s/round-table").status_code == 404
        assert viewer.get(f"/embed/r/{demo}").status_code == 404
        assert viewer.get(f"/api/v1/recordings/{demo}").status_code == 404
        assert viewer.get(f"/api/v1/recordings/{demo}/annotations").status_code == 404
        assert demo not in viewer.get("/api/v1/recordings").text
        event = viewer.get("/api/v1/events/clusters-open-boundaries-2019").json()
        assert event["recordings"] == []
        assert "Secret cut" not in viewer.get("/").text
        assert "Secret cut" not in viewer.get("/e/clusters-open-boundaries-2019").text
        assert viewer.get("/api/v1/search", params={"q": "clusters"}).json()["items"] == []
        assert "Secret cut" not in viewer.get("/search", params={"q": "clusters"}).text
        speaker = viewer.get("/speakers/evgeniy-kutsenko").text
        assert f"/r/{demo}" not in speaker
        oembed = viewer.get("/oembed", params={"url": f"http://testserver/r/{demo}"})
        assert oembed.status_code == 404
    for viewer in (editor, clients("editor")):
        assert viewer.get(f"/r/{demo}").status_code == 200
        assert demo in viewer.get("/api/v1/recordings").text
        assert viewer.get("/api/v1/search", params={"q": "clusters"}).json()["items"]
        assert f"/r/{demo}" in viewer.get("/speakers/evgeniy-kutsenko").text
    assert "Draft" in editor.get("/e/clusters-open-boundaries-2019").text


def test_sessions_are_added_nested_edited_and_deleted(editor, anonymous, demo, snapshot):
    page = editor.get(f"/r/{demo}/sessions/new", params={"t": "2:30:00"})
    assert page.status_code == 200 and 'value="2:30:00"' in page.text
    assert "Set start to current time" in page.text
    made = editor.post_form(
        f"/r/{demo}/sessions/new",
        title="Opening remarks",
        kind="talk",
        parent="round-table",
        start="2:20:00",
        end="2:30:00",
        speaker=["evgeniy-kutsenko", "mikhail-yugay"],
        role=["speaker", "moderator"],
    )
    assert made.status_code == 303, _error(made)
    assert made.headers["location"] == f"/r/{demo}/s/opening-remarks"
    talk = anonymous.get(f"/api/v1/recordings/{demo}/segments/opening-remarks").json()
    assert talk["parent"] == "round-table" and talk["start"] == 8400 and talk["end"] == 9000
    assert sorted((s["speaker"], s["role"]) for s in talk["speakers"]) == [
        ("evgeniy-kutsenko", "speaker"),
        ("mikhail-yugay", "moderator"),
    ]

    form = editor.get(f"/r/{demo}/s/opening-remarks/edit")
    assert 'value="2:20:00"' in form.text and 'value="evgeniy-kutsenko" selected' in form.text
    before = snapshot()
    refused = editor.post_form(
        f"/r/{demo}/s/opening-remarks/edit",
        title="Opening remarks",
        kind="talk",
        parent="round-table",
        start="2:20:00",
        end="2:10:00",
    )
    assert 400 <= refused.status_code < 500 and "end must be after start" in _error(refused).lower()
    assert 'value="2:10:00"' in refused.text  # what was typed is kept
    assert snapshot() == before
    changed = editor.post_form(
        f"/r/{demo}/s/opening-remarks/edit",
        title="Opening remarks",
        kind="talk",
        parent="round-table",
        start="2:20:00",
        end="2:25:30.5",
        speaker=["evgeniy-kutsenko"],
        role=["speaker"],
    )
    assert changed.status_code == 303
    talk = anonymous.get(f"/api/v1/recordings/{demo}/segments/opening-remarks").json()
    assert talk["end"] == 8730.5 and len(talk["speakers"]) == 1

    deleted = editor.post_form(f"/r/{demo}/s/opening-remarks/delete")
    assert deleted.status_code == 303
    assert anonymous.get(f"/api/v1/recordings/{demo}/segments/opening-remarks").status_code == 404


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"title": "A", "start": "later", "end": "1:00"}, "start"),
        ({"title": "A", "start": "7:00:00", "end": "7:10:00"}, "end"),  # past the recording
        ({"title": "", "start": "1:00", "end": "2:00"}, "title"),
        ({"title": "A", "start": "1:00", "end": "2:00", "kind": "lecture"}, "kind"),
        ({"title": "A", "start": "1:00", "end": "2:00", "parent": "nope"}, "parent"),
        (
            {"title": "A", "start": "1:00", "end": "2:00", "speaker": ["nobody"], "role": ["x"]},
            "role",
        ),
    ],
)
def test_a_refused_session_form_names_the_field_and_changes_nothing(
    editor, demo, snapshot, fields, field
):
    before = snapshot()
    page = editor.post_form(f"/r/{demo}/sessions/new", **fields)
    assert 400 <= page.status_code < 500, page.text
    assert _error(page)
    assert re.search(rf'name="{field}"[^>]*aria-invalid="true"', page.text)
    assert snapshot() == before


@pytest.mark.parametrize(
    "url",
    [
        "/events/new",
        "/e/clusters-open-boundaries-2019/edit",
        "/r/clusters-open-boundaries-2019/edit",
        "/r/clusters-open-boundaries-2019/sessions/new",
        "/r/clusters-open-boundaries-2019/s/panel/edit",
    ],
)
def test_editing_pages_are_refused_to_visitors_and_members(url, anonymous, browser_as, demo):
    assert anonymous.get(url, follow_redirects=False).status_code in (303, 401)
    assert browser_as("member")[0].get(url).status_code == 403


def test_shortening_a_recording_cannot_cut_off_a_speaker_turn(client, demo, snapshot):
    made = client.post(
        f"/api/v1/recordings/{demo}/turns",
        json={"speaker": "julia-plaia", "start": 24000, "end": 24200},
    )
    assert made.status_code == 201, made.text
    before = snapshot()
    refused = client.patch(f"/api/v1/recordings/{demo}", json={"duration": 24100})
    assert refused.status_code == 422 and "6:43:20" in refused.json()["detail"]
    assert snapshot() == before


def test_a_whole_event_is_imported_from_its_export_in_the_browser(editor, demo, snapshot):
    document = editor.get("/e/clusters-open-boundaries-2019/export.json").json()
    document["event"]["slug"] = "clusters-again"
    document["recordings"][0]["slug"] = "clusters-again-day"
    before = snapshot()
    page = editor.get("/events/new")
    token = re.search(r'action="/events/import\?csrf_token=([^"]+)"', page.text)[1]
    bad = editor.post(
        "/events/import",
        params={csrf.PARAM: token},
        files={"file": ("e.json", b'{"format": "sessionnav-event", "version": 99}')},
    )
    assert bad.status_code == 422 and "the event file" in _error(bad).lower()
    assert re.search(r'name="file"[^>]*aria-invalid="true"', bad.text)
    assert snapshot() == before
    done = editor.post(
        "/events/import",
        params={csrf.PARAM: token},
        files={"file": ("e.json", json.dumps(document).encode(), "application/json")},
        follow_redirects=False,
    )
    assert done.status_code == 303 and done.headers["location"] == "/e/clusters-again"
    assert "Round table" in editor.get("/e/clusters-again").text
