"""Bad input of every kind gets a clear 4xx JSON message and changes nothing stored."""

import pytest

REC = "clusters-open-boundaries-2019"
ANN = f"/api/v1/recordings/{REC}/annotations"
SEG = f"/api/v1/recordings/{REC}/segments"


BAD_REQUESTS = [
    # malformed bodies
    ("post", ANN, b"{not json", "body", "not valid JSON"),
    ("post", ANN, b"", "body", "required"),
    ("post", ANN, b"[1, 2]", "body", ""),
    ("post", ANN, {"start": "soon"}, "body.start", "number"),
    ("post", ANN, {"start": 10, "colour": "red"}, "body.colour", "not a field"),
    # times
    ("post", ANN, {"start": -1}, "body.start", "greater than or equal to 0"),
    ("post", ANN, b'{"start": NaN}', "body.start", "finite"),
    ("post", ANN, b'{"start": Infinity}', "body.start", "finite"),
    ("post", ANN, {"start": 1e300}, "body.start", "less than or equal"),
    ("post", ANN, {"start": 99999}, "body.start", "past the recording's end"),
    ("post", ANN, {"start": 100, "end": 50}, "body.end", "end must be after start"),
    ("post", ANN, {"start": 100, "end": 100}, "body.end", "end must be after start"),
    ("post", ANN, {"start": 100, "placement": "unplaced"}, "body.placement", "unplaced"),
    ("post", ANN, {"kind": "quote", "start": 100}, "body.speaker", "names its speaker"),
    ("post", ANN, {"kind": "gossip", "start": 1}, "body.kind", "note"),
    ("post", ANN, {"start": 1, "tags": ["x" * 51]}, "body.tags.0", "at most 50"),
    ("post", ANN, {"start": 1, "reply_to": 999999}, "body.reply_to", "no annotation"),
    ("get", f"{ANN}?from=yesterday", None, "query.from", "not a time code"),
    ("get", f"{ANN}?from=-5", None, "query.from", "negative"),
    ("get", f"{ANN}?to=2:75:00", None, "query.to", "minutes must be 00-59"),
    ("get", f"{ANN}?from=2h&to=1h", None, "query.to", "before"),
    ("get", f"{ANN}?from=nan", None, "query.from", "finite"),
    ("get", f"{ANN}?cursor=garbage!!", None, "query.cursor", "cursor"),
    ("get", f"{ANN}?limit=0", None, "query.limit", "greater than or equal to 1"),
    ("get", f"{ANN}?limit=abc", None, "query.limit", "integer"),
    ("get", f"{ANN}?kind=gossip", None, "query.kind", "note"),
    # NUL characters (PostgreSQL cannot store them; SQLite would, so both must refuse them)
    ("get", f"{ANN}?tag=a%00", None, "query.tag", "NUL"),
    ("get", f"{ANN}?speaker=a%00", None, "query.speaker", "NUL"),
    ("get", "/api/v1/recordings/a%00b", None, "path.recording", "NUL"),
    ("get", "/api/v1/search?q=x&speaker=a%00b", None, "query.speaker", "NUL"),
    ("post", "/api/v1/speakers", {"name": "a\u0000b"}, "body.name", "NUL"),
    ("post", ANN, {"start": 5, "text": "a\u0000", "tags": ["x"]}, "body.text", "NUL"),
    ("post", ANN, {"start": 5, "tags": ["ok", "b\u0000"]}, "body.tags", "NUL"),
    ("get", f"{SEG}/at?t=later", None, "query.t", "not a time code"),
    ("get", f"{SEG}/at", None, "query.t", "required"),
    ("get", f"{SEG}/at?t=", None, "query.t", "required"),
    # unknown ids and slugs
    ("get", "/api/v1/recordings/no-such-recording", None, "path.recording", "no recording"),
    ("get", f"{ANN}?speaker=nobody", None, "query.speaker", "no speaker"),
    ("post", ANN, {"start": 5, "speaker": "nobody"}, "body.speaker", "no speaker"),
    ("post", ANN, {"start": 5, "segment": "nowhere"}, "body.segment", "no segment"),
    ("get", "/api/v1/annotations/99999", None, "path.annotation", "no annotation"),
    ("get", "/api/v1/annotations/abc", None, "path.annotation", "digits 0-9"),
    ("get", "/api/v1/annotations/99999999999999999999", None, "path.annotation", "less"),
    ("patch", "/api/v1/annotations/0", {"text": "x"}, "path.annotation", "greater"),
    ("delete", "/api/v1/speakers/nobody", None, "path.speaker", "no speaker"),
    # segments
    ("post", SEG, {"title": "x", "start": 10, "end": 5}, "body.end", "end must be after start"),
    ("post", SEG, {"title": "x", "start": 10, "end": 30000}, "body.end", "past the recording"),
    ("post", SEG, {"title": "  ", "start": 1, "end": 5}, "body.title", "at least 1"),
    ("post", SEG, {"title": "x", "start": 1, "end": 5, "slug": "Round Table"}, "body.slug", ""),
    ("post", SEG, {"title": "x", "start": 1, "end": 5, "slug": "plenary"}, "body.slug", "in use"),
    (
        "post",
        SEG,
        {"title": "x", "start": 24000, "end": 24100, "speakers": [{"speaker": "nobody"}]},
        "body.speakers.0",
        "no speaker",
    ),
    ("patch", f"{SEG}/plenary", {"start": None}, "body.start", "cannot be null"),
    ("patch", f"{SEG}/plenary", {"end": 9000}, "body.start", "overlap"),
    # events, recordings, speakers
    ("post", "/api/v1/events", {"title": "x", "start_date": "2019-13-40"}, "body.start_date", ""),
    (
        "post",
        "/api/v1/events",
        {"title": "x", "start_date": "2019-05-17", "end_date": "2019-05-16"},
        "body.end_date",
        "before",
    ),
    (
        "post",
        "/api/v1/recordings",
        {"event": "nope", "title": "x", "media_kind": "url", "media_url": "https://x.org/a.mp4"},
        "body.event",
        "no event",
    ),
    (
        "post",
        "/api/v1/recordings",
        {"event": REC, "title": "x", "media_kind": "file", "media_path": "../secret_key"},
        "body.media_path",
        "inside",
    ),
    (
        "post",
        "/api/v1/recordings",
        {"event": REC, "title": "x", "media_kind": "file", "media_path": "/etc/passwd"},
        "body.media_path",
        "relative",
    ),
    (
        "post",
        "/api/v1/recordings",
        {"event": REC, "title": "x", "media_kind": "file", "media_path": "notes.mp4"},
        "body.media_path",
        "not a video",
    ),
    (
        "post",
        "/api/v1/recordings",
        {"event": REC, "title": "x", "media_kind": "url", "media_url": "javascript:alert(1)"},
        "body.media_url",
        "",
    ),
    ("post", "/api/v1/speakers", {"name": "x", "link": "javascript:alert(1)"}, "body.link", ""),
    ("post", "/api/v1/speakers", {"name": ""}, "body.name", "at least 1"),
    ("patch", "/api/v1/recordings/" + REC, {"duration": 0}, "body.duration", "greater than 0"),
]


@pytest.mark.parametrize(
    ("method", "url", "body", "field", "words"),
    BAD_REQUESTS,
    ids=[f"{m} {u.rsplit('/', 1)[-1][:30]} {f}" for m, u, _, f, _ in BAD_REQUESTS],
)
def test_bad_request_is_refused_clearly_and_changes_nothing(
    snapshot, client, demo, settings, method, url, body, field, words
):
    (settings.media_dir / "notes.mp4").write_text("not a video, just notes")
    before = snapshot()
    kwargs = {"content": body} if isinstance(body, bytes) else {"json": body}
    if isinstance(body, bytes):
        kwargs["headers"] = {"content-type": "application/json"}
    response = client.request(method, url, **({} if body is None else kwargs))
    assert 400 <= response.status_code < 500, response.text
    error = response.json()
    assert error["field"] == field
    assert words in error["detail"]
    assert snapshot() == before


def test_unicode_names_round_trip(client, demo):
    created = client.post(
        "/api/v1/speakers", json={"name": "Gražvydas Morkus", "bio": "Ł ß 東京 🎤"}
    )
    assert created.status_code == 201
    assert created.json()["slug"] == "grazvydas-morkus-2"
    fetched = client.get("/api/v1/speakers/grazvydas-morkus-2").json()
    assert (fetched["name"], fetched["bio"]) == ("Gražvydas Morkus", "Ł ß 東京 🎤")


def test_unknown_routes_answer_json_404(client):
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.json() == {"detail": "there is no page at this address", "field": None}
