"""Nested talks on the navigator page without JavaScript (issue 9): the server-rendered page
draws a talk on the timeline, lists it after its session, highlights it with its session, and
names the talk's own speakers (or, when it has none, its session's) at a moment inside it."""

import re


def _panel(html: str, slug: str) -> tuple[bool, str]:
    """One segment's "Speakers of this session" panel: (shown, its HTML)."""
    found = re.search(rf'<div data-segment="{slug}"\s*(hidden)?>(.*?)</div>', html, re.S)
    assert found, f"no speakers panel for {slug}"
    return found[1] is None, found[2]


def test_inside_a_talk_the_page_names_the_talks_speakers(anonymous, demo, talk):
    talk = talk["slug"]
    html = anonymous.get(f"/r/{demo}", params={"t": "2:35:00"}).text
    shown, panel = _panel(html, talk)
    assert shown
    assert re.search(r">Maya Sviridova</a>\s*<span class=\"muted\">moderator</span>", panel)
    assert re.search(r">Dr Abdo Malac</a>\s*<span class=\"muted\">speaker</span>", panel)
    assert "Faina Filina" not in panel  # a round-table panelist, not the talk's
    assert 'data-segment="round-table"' not in html  # the page holds the playing one's only


def test_the_timeline_draws_the_talk_under_its_session(anonymous, demo, talk):
    talk = talk["slug"]
    html = anonymous.get(f"/r/{demo}", params={"t": "9100"}).text
    block = re.search(
        r'<a class="block block-talk current" href="([^"]+)"[^>]*>(.*?)</a>', html, re.S
    )
    assert block, "the talk is not drawn (and highlighted) on the timeline"
    assert block[1] == f"/r/{demo}/s/{talk}"
    assert "Kaluga&#39;s cluster story" in block[2] and "2:30:00 to 2:40:00" in block[2]
    assert 'class="track with-talks"' in html
    assert re.search(r'class="block block-session current"[^>]*data-slug="round-table"', html)


def test_the_sessions_list_holds_the_talk_after_its_session(anonymous, demo, talk):
    talk = talk["slug"]
    html = anonymous.get(f"/r/{demo}", params={"t": "9100"}).text
    order = re.findall(r'<li data-slug="([^"]+)" class="([^"]*)"\s*(aria-current="true")?', html)
    slugs = [slug for slug, _, _ in order]
    assert slugs.index(talk) == slugs.index("round-table") + 1
    lit = {slug: bool(aria) for slug, classes, aria in order if "current" in classes.split()}
    assert lit == {"round-table": False, talk: True}


def test_a_talk_without_speakers_shows_its_sessions(client, anonymous, demo):
    quiet = {"slug": "quiet-talk", "title": "Quiet", "kind": "talk", "parent": "round-table"}
    quiet |= {"start": 9000, "end": 9600}
    assert client.post(f"/api/v1/recordings/{demo}/segments", json=quiet).status_code == 201
    shown, panel = _panel(anonymous.get(f"/r/{demo}?t=9100").text, "quiet-talk")
    assert shown and "Faina Filina" in panel and "No speakers listed" not in panel


def test_a_talk_starting_with_its_session_comes_after_it(client, anonymous, demo):
    opening = {"slug": "opening", "title": "Opening", "kind": "talk", "parent": "round-table"}
    opening |= {"start": 8400, "end": 8700}
    assert client.post(f"/api/v1/recordings/{demo}/segments", json=opening).status_code == 201
    html = anonymous.get(f"/r/{demo}/s/round-table").text
    slugs = re.findall(r'<li data-slug="([^"]+)"', html)
    assert slugs.index("opening") == slugs.index("round-table") + 1
