"""Sharing a moment: Open Graph / Twitter tags name it, the preview is the frame on screen
then, and oEmbed answers for the site's own pages only."""

import html
import io
import re
from urllib.parse import quote

import pytest
from PIL import Image, ImageChops, ImageStat

from app.video import draw_timecode_frame

SITE = "http://testserver"  # the address the test client reaches: links follow it


def _meta(text: str, name: str) -> str:
    found = re.search(rf'<meta (?:property|name)="{name}" content="([^"]*)"', text)
    assert found, f"no {name}"
    return html.unescape(found[1])


def test_moment_tags_name_session_time_and_speakers(client, demo, settings):
    text = client.get(f"/r/{demo}?t=2h32m30s").text
    title = _meta(text, "og:title")
    assert title.startswith("Round table \"The world's biomedical clusters") and "2:32:30" in title
    assert "Faina Filina" in _meta(text, "og:description")
    assert _meta(text, "og:url") == f"{SITE}/r/{demo}?t=2h32m30s"
    assert _meta(text, "og:image") == f"{SITE}/r/{demo}/frame.jpg?t=9150"
    assert _meta(text, "twitter:card") == "summary_large_image"
    assert "twitter:title" not in text  # a card takes og:title
    oembed = re.search(
        r'<link rel="alternate" type="application/json\+oembed" href="([^"]+)"', text
    )
    assert html.unescape(oembed[1]).startswith(f"{SITE}/oembed?url=")


def test_annotation_tags_carry_the_quote(client, demo, settings):
    created = client.post(
        f"/api/v1/recordings/{demo}/annotations",
        json={"kind": "quote", "start": 9150, "speaker": "faina-filina", "text": "Trust first."},
    ).json()
    text = client.get(f"/a/{created['id']}").text
    assert _meta(text, "og:title").startswith("Faina Filina at 2:32:30")
    assert _meta(text, "og:description").startswith("“Trust first.” — Faina Filina")
    assert _meta(text, "og:url") == f"{SITE}/a/{created['id']}"


def test_speaker_page_has_share_tags(client, demo):
    text = client.get("/speakers/maya-sviridova").text
    assert _meta(text, "og:title") == "Maya Sviridova — sessions and quotes"


def _looks_like(jpeg: bytes, seconds: int, neighbour: int) -> bool:
    grabbed = Image.open(io.BytesIO(jpeg)).convert("L")
    right, wrong = draw_timecode_frame(seconds), draw_timecode_frame(neighbour)
    box = ImageChops.difference(right, wrong).getbbox()
    diff = lambda a, b: ImageStat.Stat(ImageChops.difference(a.crop(box), b.crop(box))).mean[0]  # noqa: E731
    return diff(grabbed, right) * 3 < diff(grabbed, wrong)


def test_frame_is_the_picture_on_screen_at_t(client, demo):
    response = client.get(f"/r/{demo}/frame.jpg?t=8400.7")
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/jpeg"
    assert "max-age" in response.headers["cache-control"]
    assert _looks_like(response.content, 8400, 8401)  # at or before t, not the next frame


@pytest.mark.parametrize(("t", "status"), [("soon", 422), ("2h20m", 200), ("99h", 200)])
def test_frame_reads_t_like_links_do(client, demo, t, status):
    assert client.get(f"/r/{demo}/frame.jpg?t={t}").status_code == status


def _oembed(client, url: str, **params):
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return client.get(f"/oembed?url={quote(url, safe='')}&{query}")


@pytest.mark.parametrize(
    ("path", "embed_t"),
    [
        ("/r/{demo}?t=2h20m,2h21m", "2h20m,2h21m"),
        ("/r/{demo}#t=8400,8460", "2h20m,2h21m"),
        ("/r/{demo}/s/round-table?t=12m30s", "2h32m30s"),
        ("/r/{demo}/s/panel", "5h2m45s"),
    ],
)
def test_oembed_keeps_start_and_end(client, demo, settings, path, embed_t):
    response = _oembed(client, SITE + path.format(demo=demo), format="json")
    assert response.status_code == 200
    body = response.json()
    assert body["version"] == "1.0" and body["type"] == "video"
    assert (body["width"], body["height"]) == (640, 360)
    src = re.search(r'<iframe src="([^"]+)"', body["html"])[1]
    assert html.unescape(src) == f"{SITE}/embed/r/{demo}?t={embed_t}"


def test_oembed_for_an_annotation_and_size_limits(client, demo, settings):
    created = client.post(
        f"/api/v1/recordings/{demo}/annotations",
        json={"kind": "note", "start": 100, "end": 160, "text": "<b>bold</b> claim"},
    ).json()
    body = _oembed(client, f"{SITE}/a/{created['id']}", maxwidth=320).json()
    assert (body["width"], body["height"]) == (320, 180)
    assert f"/embed/r/{demo}?t=1m40s,2m40s" in body["html"]
    assert "<b>" not in body["html"]


@pytest.mark.parametrize(
    "url",
    [
        "https://evil.example/r/clusters-open-boundaries-2019",
        "http://127.0.0.1:8000/api/v1/recordings",
        "http://127.0.0.1:8000/r/no-such-recording",
        "javascript:alert(1)",
    ],
)
def test_oembed_refuses_other_urls(client, demo, url):
    response = _oembed(client, url)
    assert response.status_code == 404
    assert response.json()["detail"]


def test_oembed_offers_json_only(client, demo, settings):
    assert _oembed(client, f"{SITE}/r/{demo}", format="xml").status_code == 501


def test_links_name_the_configured_site_when_one_is_set(settings, database, demo):
    """Behind a proxy the public address is set (SESSIONNAV_BASE_URL); links use it, and
    oEmbed answers for it."""
    from fastapi.testclient import TestClient

    from app.main import create_app

    public = settings.model_copy(update={"base_url": "https://talks.example.org/"})
    with TestClient(create_app(public, database)) as client:
        text = client.get(f"/r/{demo}?t=2h32m30s").text
        assert _meta(text, "og:url") == f"https://talks.example.org/r/{demo}?t=2h32m30s"
        asked = f"https://talks.example.org/r/{demo}?t=2h20m"
        assert client.get("/oembed", params={"url": asked}).status_code == 200
        other = f"{SITE}/r/{demo}"
        assert client.get("/oembed", params={"url": other}).status_code == 404
