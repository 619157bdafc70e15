"""Frame previews for the timeline: a sprite and a WebVTT thumbnails file made once per media
file by a background job, each cue's picture showing its time (the demo's frames print their
own timecode), served with cache headers; and the frames shared links show, kept on disk."""

import io
import json
import re
import wave
from datetime import datetime
from itertools import pairwise

import pytest
from PIL import Image
from timecode_pictures import shows

from app import video
from app.jobs import Jobs
from app.services import subtitles, thumbnails
from app.services.demo import demo_data

DEMO_FILE = demo_data()["recording"]["media_path"]
VTT_REGION = re.compile(r"^thumbnails\.jpg\?v=(\w+)#xywh=(\d+),(\d+),(\d+),(\d+)$")


def _regions(vtt: str) -> list[tuple[float, float, str, tuple[int, ...]]]:
    """(start, end, key, (x, y, w, h)) of each cue, read by the project's WebVTT parser."""
    found = []
    for cue in subtitles.parse(vtt):
        match = VTT_REGION.match(cue.text)
        assert match, cue.text
        found.append((cue.start, cue.end, match[1], tuple(map(int, match.groups()[1:]))))
    return found


def test_the_demo_gets_one_preview_a_minute_each_showing_its_time(settings, demo):
    found = thumbnails.locate(settings, DEMO_FILE)
    assert not found.made
    assert thumbnails.make(found) is True
    assert thumbnails.make(found) is False  # once per media file
    assert found.sprite.stat().st_size < 1_000_000
    cues = _regions(found.vtt.read_text())
    assert len(cues) == 405  # 6 h 45 min of placeholder, one a minute
    assert cues[0][:2] == (0, 60) and cues[-1][:2] == (24240, 24300)
    assert all(a[1] == b[0] for a, b in pairwise(cues))  # no gap, no overlap
    assert {key for _, _, key, _ in cues} == {found.key}
    sheet = Image.open(found.sprite)
    for start, end, _key, (x, y, w, h) in cues[:3] + cues[200:202] + cues[-2:]:
        assert (w, h) == (160, 90) and x + w <= sheet.width and y + h <= sheet.height
        middle = int(start + end) // 2  # a keyframe of the placeholder (every 10 s)
        tile = sheet.crop((x, y, x + w, y + h))
        assert shows(tile, middle, [middle - 10, middle + 10, middle - 60, middle + 60])


def test_the_preview_interval_keeps_the_sprite_small():
    assert thumbnails.interval(90) == 1
    assert thumbnails.interval(24300) == 60  # the demo
    assert thumbnails.interval(24 * 3600) == 300
    assert thumbnails.interval(1_000_000) * thumbnails.MAX_TILES >= 1_000_000


def test_vtt_and_sprite_are_served_with_cache_headers(client, anonymous, settings, demo):
    missing = anonymous.get(f"/r/{demo}/thumbnails.vtt")
    assert missing.status_code == 404
    assert "not made yet" in missing.text
    found = thumbnails.locate(settings, DEMO_FILE)
    thumbnails.make(found)

    vtt = anonymous.get(f"/r/{demo}/thumbnails.vtt")
    assert vtt.status_code == 200
    assert vtt.headers["content-type"] == "text/vtt; charset=utf-8"
    assert vtt.headers["cache-control"] == "public, no-cache"
    assert vtt.headers["etag"] == f'"{found.key}"'
    again = anonymous.get(
        f"/r/{demo}/thumbnails.vtt", headers={"If-None-Match": vtt.headers["etag"]}
    )
    assert (again.status_code, again.content) == (304, b"")
    assert again.headers["etag"] == vtt.headers["etag"]

    sprite = anonymous.get(f"/r/{demo}/thumbnails.jpg?v={found.key}")
    assert sprite.status_code == 200
    assert sprite.headers["content-type"] == "image/jpeg"
    assert sprite.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert sprite.content == found.sprite.read_bytes()
    stale = anonymous.get(f"/r/{demo}/thumbnails.jpg?v=0123456789abcdef")
    assert stale.status_code == 404 and "replaced" in stale.text
    assert anonymous.get("/r/no-such-recording/thumbnails.vtt").status_code == 404


def test_a_draft_s_previews_are_for_editors_and_cached_privately(client, anonymous, settings, demo):
    thumbnails.make(thumbnails.locate(settings, DEMO_FILE))
    assert client.patch(f"/api/v1/recordings/{demo}", json={"published": False}).status_code == 200
    assert anonymous.get(f"/r/{demo}/thumbnails.vtt").status_code == 404
    vtt = client.get(f"/r/{demo}/thumbnails.vtt")
    assert vtt.headers["cache-control"] == "private, no-cache"


def test_a_replaced_media_file_gets_new_previews(client, settings, demo):
    clip = settings.media_dir / "clip.mp4"
    video.render_placeholder(clip, 30, progress=False)
    body = {"event": "clusters-open-boundaries-2019", "slug": "clip", "title": "Clip"}
    body |= {"media_kind": "file", "media_path": "clip.mp4"}
    assert client.post("/api/v1/recordings", json=body).status_code == 201
    first = thumbnails.locate(settings, "clip.mp4")
    thumbnails.make(first)
    etag = client.get("/r/clip/thumbnails.vtt").headers["etag"]
    assert [c[:2] for c in _regions(first.vtt.read_text())][-1] == (29, 30)  # one a second

    video.render_placeholder(clip, 40, progress=False)  # the same name, another file
    second = thumbnails.locate(settings, "clip.mp4")
    assert second.key != first.key and not second.made
    assert client.get("/r/clip/thumbnails.vtt").status_code == 404  # until its job has run
    assert client.get(f"/r/clip/thumbnails.jpg?v={first.key}").status_code == 404
    thumbnails.make(second)
    assert client.get("/r/clip/thumbnails.vtt", headers={"If-None-Match": etag}).status_code == 200
    assert client.get(f"/r/clip/thumbnails.jpg?v={second.key}").status_code == 200
    tile = Image.open(second.sprite).crop((20 * 160 - 160, 90, 20 * 160, 180))  # cue 39-40 s
    assert shows(tile, 39, [29, 38])  # the tail of the new file, which the old one lacked


def test_the_job_runs_in_the_background_and_the_page_works_before(client, settings, database, demo):
    page = client.get(f"/r/{demo}")
    assert page.status_code == 200
    data = re.search(r'<script type="application/json" id="page-data">(.*?)</script>', page.text)
    assert json.loads(data[1])["thumbnails"] == f"/r/{demo}/thumbnails.vtt"
    assert client.get(f"/r/{demo}/thumbnails.vtt").status_code == 404  # the script shows times
    assert f'poster="/r/{demo}/frame.jpg?t=0"' in page.text

    jobs = Jobs(settings, database)  # the worker: what its consumer does with each message
    try:
        periodic = {task.name for task in jobs.huey.read_periodic(datetime(2026, 1, 1, 12, 0))}
        assert "previews" in periodic  # every minute the missing ones are queued
        assert jobs.queue_thumbnails() == [DEMO_FILE]
        assert jobs.queue_thumbnails() == []  # one task waits already
        assert not thumbnails.locate(settings, DEMO_FILE).made  # nothing done in the request
        jobs.huey.execute(jobs.huey.dequeue())
    finally:
        jobs.close()
    assert thumbnails.locate(settings, DEMO_FILE).made
    assert client.get(f"/r/{demo}/thumbnails.vtt").status_code == 200
    assert client.get(f"/r/{demo}").status_code == 200


def test_a_file_without_video_is_noted_and_not_tried_again(client, settings, demo):
    sound = settings.media_dir / "talk.wav"
    with wave.open(str(sound), "wb") as out:
        out.setnchannels(1), out.setsampwidth(2), out.setframerate(8000)
        out.writeframes(bytes(16000))
    found = thumbnails.locate(settings, "talk.wav")
    with pytest.raises(video.InvalidMedia, match="no video stream"):
        thumbnails.make(found)
    assert not found.made and found.failed.read_text() == "file has no video stream"
    assert thumbnails.pending(settings, ["talk.wav", DEMO_FILE, "gone.mp4"]) == [DEMO_FILE]

    body = {"event": "clusters-open-boundaries-2019", "slug": "talk", "title": "Talk"}
    body |= {"media_kind": "file", "media_path": "talk.wav"}
    assert client.post("/api/v1/recordings", json=body).status_code == 201
    page = client.get("/r/talk").text  # sound only: no previews asked for, no poster
    data = re.search(r'<script type="application/json" id="page-data">(.*?)</script>', page)
    assert json.loads(data[1])["thumbnails"] is None
    assert "poster=" not in page


def test_previews_of_files_no_longer_used_are_removed_after_an_hour(settings, demo, monkeypatch):
    found = thumbnails.locate(settings, DEMO_FILE)
    old = found.folder.parent / "0123456789abcdef"
    old.mkdir(parents=True)
    found.folder.mkdir()
    assert thumbnails.pending(settings, [DEMO_FILE]) == [DEMO_FILE]
    assert old.is_dir()  # it might be a file being made for a recording just added
    monkeypatch.setattr(thumbnails, "STALE_SECONDS", -1)
    thumbnails.pending(settings, [DEMO_FILE])
    assert found.folder.is_dir() and not old.exists()


def test_a_frame_is_decoded_once_then_read_from_disk(settings, demo, monkeypatch):
    found = thumbnails.locate(settings, DEMO_FILE)
    first = thumbnails.frame(found, 8400.7)
    assert first == video.frame_jpeg(found.media, 8400.7, shown=True)
    assert shows(Image.open(io.BytesIO(first)), 8400, [8401])
    kept = found.folder / "frames" / "8400700.jpg"
    assert kept.read_bytes() == first
    kept.write_bytes(b"kept")  # what the next request gets proves no decoding
    assert thumbnails.frame(found, 8400.7) == b"kept"

    monkeypatch.setattr(thumbnails, "FRAMES_KEPT", 2)
    for seconds in (10, 20, 30):
        thumbnails.frame(found, seconds)
    assert len(list(kept.parent.iterdir())) == 2
