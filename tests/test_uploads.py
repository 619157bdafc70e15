"""Recordings from uploaded files and links: streamed to disk, probed, and all-or-nothing."""

import re

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from app.errors import Invalid
from app.main import create_app
from app.models import Recording
from app.services.uploads import youtube_id
from app.video import render_placeholder

UPLOAD = "/api/v1/recordings/upload"
EVENT = {"event": "forum", "title": "Opening talk"}


@pytest.fixture(scope="module")
def clip(tmp_path_factory):
    """A real 20-second H.264/MP4, as a user would upload it."""
    path = tmp_path_factory.mktemp("clip") / "clip.mp4"
    render_placeholder(path, 20, progress=False)
    return path


@pytest.fixture
def event(client):
    response = client.post("/api/v1/events", json={"slug": "forum", "title": "Forum"})
    assert response.status_code == 201
    return "forum"


def multipart(*parts: tuple[str, str | None, bytes], boundary: str = "b0undary") -> tuple:
    """A body written by hand, so tests choose the order of parts and can break the format."""
    body = b""
    for name, filename, value in parts:
        disposition = f'form-data; name="{name}"'
        if filename is not None:
            disposition += f'; filename="{filename}"'
        body += f"--{boundary}\r\nContent-Disposition: {disposition}\r\n\r\n".encode()
        body += value + b"\r\n"
    body += f"--{boundary}--\r\n".encode()
    return body, {"Content-Type": f"multipart/form-data; boundary={boundary}"}


def stored(settings, connection) -> tuple[list, list]:
    """Recording rows and files in media/uploads: both must stay empty after a refusal."""
    rows = connection.execute(select(Recording.slug)).all()
    folder = settings.media_dir / "uploads"
    files = sorted(p.name for p in folder.iterdir()) if folder.exists() else []
    return rows, files


def assert_refused(response, status, field, words, settings, connection):
    assert response.status_code == status, response.text
    body = response.json()
    assert body["field"] == field
    assert words in body["detail"]
    assert stored(settings, connection) == ([], [])


def test_uploaded_video_becomes_a_recording_with_its_probed_duration(
    client, event, clip, settings, connection
):
    with clip.open("rb") as f:
        response = client.post(UPLOAD, data=EVENT, files={"file": ("talk.mp4", f, "video/mp4")})
    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["slug"], body["event"], body["media_kind"]) == ("opening-talk", event, "file")
    assert body["duration"] == pytest.approx(20, abs=1)
    assert re.fullmatch(r"/media/uploads/opening-talk-[0-9a-f]{8}\.mp4", body["media_src"])
    assert client.get("/api/v1/recordings/opening-talk").json()["duration"] == body["duration"]
    assert stored(settings, connection) == ([("opening-talk",)], [body["media_src"][15:]])

    ranged = client.get(body["media_src"], headers={"Range": "bytes=100-1099"})
    assert ranged.status_code == 206
    assert ranged.headers["content-type"] == "video/mp4"
    assert ranged.content == clip.read_bytes()[100:1100]


def test_fields_may_follow_the_file_and_name_the_slug_and_language(client, event, clip):
    body, headers = multipart(
        ("file", "Day 1.MP4", clip.read_bytes()),
        ("event", None, b"forum"),
        ("title", None, "Пленарное заседание".encode()),
        ("slug", None, b"plenary"),
        ("language", None, b"ru"),
    )
    response = client.post(UPLOAD, content=body, headers=headers)
    assert response.status_code == 201, response.text
    assert response.json()["title"] == "Пленарное заседание"
    assert response.json()["language"] == "ru"
    assert re.fullmatch(r"/media/uploads/plenary-[0-9a-f]{8}\.mp4", response.json()["media_src"])


def test_a_text_file_named_mp4_is_refused_and_leaves_nothing(client, event, settings, connection):
    files = {"file": ("talk.mp4", b"these are my notes, not a video\n" * 100, "video/mp4")}
    response = client.post(UPLOAD, data=EVENT, files=files)
    assert_refused(response, 422, "body.file", "not a video or audio file", settings, connection)
    assert "talk.mp4" in response.json()["detail"]


def test_an_image_is_refused_as_media_browsers_do_not_play(client, event, settings, connection):
    import io

    from PIL import Image

    png = io.BytesIO()
    Image.new("RGB", (64, 64), "red").save(png, "PNG")
    response = client.post(UPLOAD, data=EVENT, files={"file": ("a.png", png.getvalue())})
    assert response.status_code == 422, response.text
    assert response.json()["field"] == "body.file"
    assert stored(settings, connection) == ([], [])


@pytest.fixture
def small_limit_client(settings, database, tokens):
    """The app with a 4 KiB upload limit, used by an editor's script."""
    small = settings.model_copy(update={"max_upload_bytes": 4096})
    editor = {"Authorization": f"Bearer {tokens['editor']}"}
    with TestClient(create_app(small, database), headers=editor) as client:
        client.post("/api/v1/events", json={"slug": "forum", "title": "Forum"})
        yield client


def test_a_declared_length_over_the_limit_is_refused_before_reading(
    small_limit_client, clip, settings, connection
):
    body, headers = multipart(("title", None, b"x"), ("file", "big.mp4", b"\0" * 1_000_000))
    response = small_limit_client.post(UPLOAD, content=body, headers=headers)
    assert_refused(
        response, 413, "body.file", "the upload (977 KiB) is larger", settings, connection
    )


def test_a_streamed_body_over_the_limit_is_cut_off(small_limit_client, clip, settings, connection):
    body, headers = multipart(("event", None, b"forum"), ("file", "talk.mp4", clip.read_bytes()))
    chunks = (body[i : i + 1000] for i in range(0, len(body), 1000))  # no Content-Length
    response = small_limit_client.post(UPLOAD, content=chunks, headers=headers)
    assert_refused(response, 413, "body.file", "larger than the upload limit", settings, connection)


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        ({"title": "Talk"}, "body.event", "event is required"),
        ({"event": "forum"}, "body.title", "title is required"),
        ({"event": "forum", "title": "   "}, "body.title", "title is required"),
        ({"event": "forum", "title": "T", "slug": "Not A Slug"}, "body.slug", "pattern"),
        ({"event": "forum", "title": "T", "language": "x" * 36}, "body.language", "at most 35"),
        ({"event": "forum", "title": "T", "colour": "red"}, "body.colour", "not a field"),
        ({"event": "forum", "title": "T", "media_path": "/etc"}, "body.media_path", "not a field"),
        ({"event": "forum", "title": "T", "slug": "x" * 17_000}, "body.slug", "longer than 16"),
    ],
)
def test_bad_fields_are_refused_naming_the_field(
    client, event, clip, settings, connection, fields, field, words
):
    with clip.open("rb") as f:
        response = client.post(UPLOAD, data=fields, files={"file": ("talk.mp4", f)})
    assert_refused(response, 422, field, words, settings, connection)


def test_an_unknown_event_is_refused_as_in_the_json_api(client, event, clip, settings, connection):
    with clip.open("rb") as f:
        data = {"event": "nowhere", "title": "T"}
        response = client.post(UPLOAD, data=data, files={"file": ("talk.mp4", f)})
    assert_refused(response, 404, "body.event", "no event 'nowhere'", settings, connection)


def test_a_taken_slug_is_a_conflict_that_keeps_the_first_upload(
    client, event, clip, settings, connection
):
    for expected in (201, 409):
        with clip.open("rb") as f:
            data = {**EVENT, "slug": "day-one"}
            response = client.post(UPLOAD, data=data, files={"file": ("a.mp4", f)})
        assert response.status_code == expected, response.text
    rows, files = stored(settings, connection)
    assert rows == [("day-one",)] and len(files) == 1 and files[0].startswith("day-one-")


@pytest.mark.parametrize(
    ("parts", "status", "field", "words"),
    [
        ([("event", None, b"forum"), ("title", None, b"T")], 422, "body.file", "required"),
        ([("title", None, b"T"), ("file", "", b"")], 422, "body.file", "required"),
        ([("title", None, b"T"), ("file", "e.mp4", b"")], 422, "body.file", "empty"),
        ([("file", None, b"text")], 422, "body.file", "must be a file"),
        ([("title", "t.txt", b"T")], 422, "body.title", "text, not a file"),
        ([("title", None, b"A"), ("title", None, b"B")], 422, "body.title", "more than once"),
        ([("title", None, b"\xff\xfe")], 422, "body.title", "UTF-8"),
        ([("", None, b"x")], 422, "body", "no field name"),
        ([(f"f{i}", None, b"x") for i in range(21)], 422, "body", "more than 20 fields"),
    ],
)
def test_malformed_forms_are_refused(
    client, event, settings, connection, parts, status, field, words
):
    body, headers = multipart(*parts)
    response = client.post(UPLOAD, content=body, headers=headers)
    assert_refused(response, status, field, words, settings, connection)


def test_a_body_cut_short_leaves_no_partial_file(client, event, clip, settings, connection):
    body, headers = multipart(("event", None, b"forum"), ("file", "a.mp4", clip.read_bytes()))
    response = client.post(UPLOAD, content=body[: len(body) // 2], headers=headers)
    assert_refused(response, 422, "body", "ended before", settings, connection)


def test_a_body_that_is_not_multipart_is_refused(client, event, settings, connection):
    response = client.post(UPLOAD, json={"event": "forum", "title": "T"})
    assert_refused(
        response, 415, "header.content-type", "multipart/form-data", settings, connection
    )


@pytest.mark.parametrize(
    "text",
    [
        "dQw4w9WgXcQ",
        "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
        "https://www.youtube.com/watch?feature=share&v=dQw4w9WgXcQ&t=42",
        "http://youtube.com/watch?v=dQw4w9WgXcQ",
        "https://m.youtube.com/watch?v=dQw4w9WgXcQ",
        "https://youtu.be/dQw4w9WgXcQ",
        "https://youtu.be/dQw4w9WgXcQ?t=30",
        "https://www.youtube.com/embed/dQw4w9WgXcQ",
        "https://www.youtube.com/shorts/dQw4w9WgXcQ",
        "  https://youtu.be/dQw4w9WgXcQ  ",
    ],
)
def test_youtube_links_and_ids_give_the_video_id(text):
    assert youtube_id(text) == "dQw4w9WgXcQ"


@pytest.mark.parametrize(
    "text",
    [
        "https://www.youtube.com/@channel",
        "https://www.youtube.com/playlist?list=PL123",
        "https://www.youtube.com/watch?v=short",
        "https://youtu.be/",
    ],
)
def test_youtube_links_without_a_video_are_invalid(text):
    with pytest.raises(Invalid, match="names no video"):
        youtube_id(text)


@pytest.mark.parametrize(
    "text", ["https://cdn.example.org/day1.mp4", "https://notyoutube.com/watch?v=dQw4w9WgXcQ"]
)
def test_other_links_are_not_youtube(text):
    assert youtube_id(text) is None


@pytest.mark.parametrize(
    ("link", "kind", "youtube", "src"),
    [
        ("https://youtu.be/dQw4w9WgXcQ", "youtube", "dQw4w9WgXcQ", None),
        ("https://www.youtube.com/watch?v=dQw4w9WgXcQ", "youtube", "dQw4w9WgXcQ", None),
        ("dQw4w9WgXcQ", "youtube", "dQw4w9WgXcQ", None),
        ("https://cdn.example.org/d1.mp4", "url", None, "https://cdn.example.org/d1.mp4"),
        ("https://cdn.example.org/live.m3u8", "url", None, "https://cdn.example.org/live.m3u8"),
    ],
)
def test_a_link_makes_a_recording(client, event, link, kind, youtube, src):
    response = client.post(UPLOAD, files={"url": (None, link), **_text(EVENT)})
    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["media_kind"], body["youtube_id"], body["media_src"]) == (kind, youtube, src)


def _text(fields: dict) -> dict:
    """Text fields sent as multipart parts (httpx sends `data` alone url-encoded)."""
    return {name: (None, value) for name, value in fields.items()}


@pytest.mark.parametrize(
    ("link", "words"),
    [
        ("", "url is required"),
        ("ftp://example.org/a.mp4", "http(s) link"),
        ("not a link", "http(s) link"),
        ("https://example.org/" + "a" * 2000, "http(s) link"),
        ("https://www.youtube.com/playlist?list=PL1", "names no video"),
    ],
)
def test_bad_links_are_refused(client, event, settings, connection, link, words):
    response = client.post(UPLOAD, files={"url": (None, link), **_text(EVENT)})
    assert_refused(response, 422, "body.url", words, settings, connection)


def test_a_file_and_a_link_together_are_refused(client, event, clip, settings, connection):
    with clip.open("rb") as f:
        files = {"file": ("a.mp4", f), "url": (None, "https://youtu.be/dQw4w9WgXcQ")}
        response = client.post(UPLOAD, data=EVENT, files=files)
    assert_refused(response, 422, "body.url", "not both", settings, connection)


def test_the_endpoint_is_described_in_openapi(client):
    operation = client.get("/openapi.json").json()["paths"][UPLOAD]["post"]
    schema = operation["requestBody"]["content"]["multipart/form-data"]["schema"]
    assert {"event", "title", "file", "url"} <= schema["properties"].keys()


# The HTML page: the same service behind a plain form that works without JavaScript.


def _action(client) -> str:
    """Where the page's forms post: /upload with this browser's CSRF token."""
    page = client.get("/upload")
    assert page.status_code == 200
    return re.search(r'id="upload-file" method="post" action="([^"]+)"', page.text)[1]


def test_the_page_offers_a_file_form_and_a_link_form(client, event):
    page = client.get("/upload")
    assert page.status_code == 200
    assert page.template.name == "upload.html"
    assert [e.slug for e in page.context["events"]] == [event]
    assert 'type="file" name="file"' in page.text and 'name="url"' in page.text
    assert page.text.count('enctype="multipart/form-data"') == 2
    assert "<progress" in page.text


def test_the_plain_form_redirects_to_the_new_recording(client, event, clip, settings):
    with clip.open("rb") as f:
        response = client.post(
            _action(client), data=EVENT, files={"file": ("t.mp4", f)}, follow_redirects=False
        )
    assert response.status_code == 303, response.text
    assert response.headers["location"] == "/r/opening-talk"
    [published] = (settings.media_dir / "uploads").iterdir()
    assert published.name.startswith("opening-talk-") and published.suffix == ".mp4"


def test_the_plain_link_form_redirects_to_the_new_recording(client, event):
    fields = {**EVENT, "url": "https://youtu.be/dQw4w9WgXcQ"}
    response = client.post(_action(client), files=_text(fields), follow_redirects=False)
    assert (response.status_code, response.headers["location"]) == (303, "/r/opening-talk")


def test_a_refused_form_comes_back_with_the_message_and_the_input(
    client, event, settings, connection
):
    response = client.post(_action(client), data=EVENT, files={"file": ("n.mp4", b"notes " * 99)})
    assert response.status_code == 422
    assert response.context["form"].error_field == "file"
    assert "not a video or audio file" in response.text
    assert 'value="Opening talk"' in response.text
    assert stored(settings, connection) == ([], [])


def test_the_script_gets_json_from_the_same_route(client, event, clip):
    url, headers = _action(client), {"Accept": "application/json"}
    with clip.open("rb") as f:
        ok = client.post(url, data=EVENT, files={"file": ("t.mp4", f)}, headers=headers)
    assert ok.status_code == 201
    assert ok.json()["links"]["navigator"] == "/r/opening-talk"
    bad = client.post(url, data=EVENT, files={"file": ("t.mp4", b"x")}, headers=headers)
    assert bad.status_code == 422 and bad.json()["field"] == "body.file"


def test_the_form_without_its_csrf_token_is_refused(browser_as, event, clip, settings, connection):
    browser, _ = browser_as("editor")  # signed in: the session cookie alone is not enough
    with clip.open("rb") as f:
        response = browser.post("/upload", data=EVENT, files={"file": ("t.mp4", f)})
    assert response.status_code == 403
    assert "reload the page" in response.text
    assert stored(settings, connection) == ([], [])
