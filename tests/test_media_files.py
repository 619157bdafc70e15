"""Files and rows agree: a deleted recording's file goes with it, and what a killed process
leaves in the media folder (an unfinished upload, a file published but never committed) is
gone after the next start (app.services.media, `sessionnav serve`)."""

import os
import shutil
import signal
import socket
import time

import pytest

from app.cli import prepare
from app.video import render_placeholder

UPLOAD = "/api/v1/recordings/upload"


@pytest.fixture(scope="module")
def clip(tmp_path_factory):
    path = tmp_path_factory.mktemp("clip") / "clip.mp4"
    render_placeholder(path, 10, progress=False)
    return path


def _upload(client, clip, slug: str) -> dict:
    if client.get("/api/v1/events/day").status_code == 404:
        client.post("/api/v1/events", json={"title": "Day", "slug": "day"})
    with clip.open("rb") as f:
        data = {"event": "day", "title": slug, "slug": slug}
        response = client.post(UPLOAD, data=data, files={"file": ("a.mp4", f)})
    assert response.status_code == 201, response.text
    return response.json()


def _uploads(settings) -> set[str]:
    folder = settings.media_dir / "uploads"
    return {p.name for p in folder.iterdir()} if folder.exists() else set()


def test_deleting_a_recording_removes_its_file_and_its_address(client, clip, settings):
    recording = _upload(client, clip, "talk")
    assert client.get(recording["media_src"]).status_code == 200
    assert client.delete("/api/v1/recordings/talk").status_code == 204
    assert _uploads(settings) == set()
    assert client.get(recording["media_src"]).status_code == 404


def test_deleting_an_event_removes_its_recordings_files(client, clip, settings):
    _upload(client, clip, "one")
    _upload(client, clip, "two")
    assert len(_uploads(settings)) == 2
    assert client.delete("/api/v1/events/day").status_code == 204
    assert _uploads(settings) == set()


def test_a_refused_delete_keeps_the_file(client, clip, settings, monkeypatch):
    """The file goes only after the delete has committed."""
    from app.services import recordings

    _upload(client, clip, "kept")

    def fail(*_args, **_kwargs):
        raise RuntimeError("the database went away mid-delete")

    monkeypatch.setattr(recordings.Session, "delete", fail)
    with pytest.raises(RuntimeError):
        client.delete("/api/v1/recordings/kept")
    assert len(_uploads(settings)) == 1


def test_a_file_two_recordings_share_stays_until_neither_uses_it(client, clip, settings):
    first = _upload(client, clip, "first")
    path = first["media_src"].removeprefix("/media/")
    body = {"event": "day", "slug": "second", "title": "s", "media_kind": "file"}
    assert client.post("/api/v1/recordings", json=body | {"media_path": path}).status_code == 201
    client.delete("/api/v1/recordings/first")
    assert client.get(first["media_src"]).status_code == 200
    client.delete("/api/v1/recordings/second")
    assert client.get(first["media_src"]).status_code == 404


def test_an_orphaned_file_never_blocks_its_slug(client, clip, settings):
    """A file published by a process killed before its row committed: the slug stays free."""
    (settings.media_dir / "uploads").mkdir()
    shutil.copy(clip, settings.media_dir / "uploads" / "talk-0123abcd.mp4")
    assert _upload(client, clip, "talk")["slug"] == "talk"


@pytest.mark.live
def test_the_next_start_removes_orphans_and_keeps_what_is_referenced(client, clip, settings):
    kept = _upload(client, clip, "kept")["media_src"].removeprefix("/media/uploads/")
    folder = settings.media_dir / "uploads"
    shutil.copy(clip, folder / "talk-0123abcd.mp4")  # published, its row never committed
    (folder / ".upload-x1y2.part").write_bytes(b"half a video")  # an upload cut off
    prepare(settings.model_copy(update={"demo": False}))
    assert _uploads(settings) == {kept}
    assert client.get(f"/media/uploads/{kept}").status_code == 200


@pytest.mark.live
def test_an_upload_cut_off_by_a_killed_server_is_gone_after_the_next_start(serve, settings, tokens):
    """A real server process, killed with SIGKILL while a large upload streams in."""
    url, server = serve()
    port = int(url.rsplit(":", 1)[1])
    boundary = "b0undary"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="event"\r\n\r\nday\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.mp4"\r\n'
        "Content-Type: video/mp4\r\n\r\n"
    ).encode()
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.sendall(
            f"POST {UPLOAD} HTTP/1.1\r\nHost: x\r\nContent-Length: {50 * 2**20}\r\n"
            f"Authorization: Bearer {tokens['editor']}\r\n"
            f"Content-Type: multipart/form-data; boundary={boundary}\r\n\r\n".encode()
            + head
        )
        sock.sendall(b"\0" * 2**20)  # a megabyte of the promised fifty
        folder = settings.media_dir / "uploads"
        deadline = time.monotonic() + 30
        while not any(p.name.startswith(".upload-") for p in folder.glob("*")):
            assert time.monotonic() < deadline, "the upload never reached the disk"
            time.sleep(0.05)  # polling the folder, with a deadline
        os.kill(server.pid, signal.SIGKILL)
        server.wait()
    assert any(p.suffix == ".part" for p in folder.iterdir())
    prepare(settings.model_copy(update={"demo": False}))
    assert _uploads(settings) == set()
