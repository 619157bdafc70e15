"""The navigator's timeline as the server draws it, for use without JavaScript (issue 12): hour
ticks, annotation pins merged when close (with a count), where the moment is in words, a
segment link past its segment's end kept inside it with a notice, and the who-spoke-when lane's
turns as a list of links (its blocks being too narrow to point at)."""

import html
import re
from urllib.parse import quote


def _ticks(page: str) -> list[str]:
    ticks = re.search(r'<div class="ticks" id="ticks"[^>]*>(.*?)</div>', page, re.S)[1]
    return re.findall(r"<span>([0-9:]+)</span>", ticks)


def _pins(page: str) -> list[dict]:
    """Each pin on the timeline: its target, count badge and accessible name."""
    marks = re.search(r'<div class="marks" id="marks">(.*?)</div>', page, re.S)[1]
    found = re.findall(r'<a class="mark [^"]*" href="#annotation-(\d+)"(.*?)</a>', marks, re.S)
    return [
        {
            "first": int(first),
            "count": (re.search(r'<span aria-hidden="true">(\d+)</span>', rest) or [0, "1"])[1],
            "name": html.unescape(re.search(r'<span class="vh">(.*?)</span>', rest)[1]),
        }
        for first, rest in found
    ]


def test_the_whole_recording_has_a_tick_every_hour(anonymous, demo):
    page = anonymous.get(f"/r/{demo}").text
    assert _ticks(page) == [f"{h}:00:00" for h in range(7)]
    # On a phone every other hour keeps its label (app.css hides the odd ones).
    assert re.findall(r'<span class="tick odd"[^>]*><span>([0-9:]+)</span>', page) == [
        "1:00:00",
        "3:00:00",
        "5:00:00",
    ]


def test_close_annotations_merge_into_one_pin_with_a_count(client, anonymous, demo):
    api = f"/api/v1/recordings/{demo}/annotations"
    ids = [
        client.post(
            api, json={"kind": kind, "start": start, "text": "At it", "speaker": "faina-filina"}
        ).json()["id"]
        for kind, start in [("note", 3600), ("note", 3660), ("quote", 3700), ("highlight", 12000)]
    ]
    pins = _pins(anonymous.get(f"/r/{demo}").text)
    assert pins == [
        {"first": ids[0], "count": "3", "name": "3 annotations from 1:00:00 to 1:01:40"},
        {"first": ids[3], "count": "1", "name": "highlight at 3:20:00"},
    ]


def test_the_moment_is_said_in_words_by_the_timeline(anonymous, demo):
    page = anonymous.get(f"/r/{demo}/s/round-table?t=12m30s").text
    where = re.search(r'<p class="whereabouts" id="whereabouts">(.*?)</p>', page)[1]
    assert html.unescape(where) == (
        'Round table "The world\'s biomedical clusters: success factors"'
        " — 0:12:30 into it, 1:31:25 left"
    )
    gap = anonymous.get(f"/r/{demo}?t=6h50m").text
    assert '<p class="whereabouts" id="whereabouts">No session at this moment.</p>' in gap


def test_a_segment_link_past_the_segments_end_opens_at_its_start(anonymous, demo):
    # The round table is 1:43:55 long: 2 h into it would be in the break after it.
    page = html.unescape(anonymous.get(f"/r/{demo}/s/round-table?t=2h").text)
    assert (
        "2:00:00 is past the end of “Round table \"The world's biomedical clusters: success"
        ' factors"” (1:43:55 long), so this opens at its start.' in page
    )
    assert '"start":8400.0' in page and "0:00:00 into it" in page


def test_a_shared_segment_link_past_its_end_embeds_from_the_segments_start(anonymous, demo):
    url = quote(f"http://testserver/r/{demo}/s/round-table?t=2h", safe="")
    body = anonymous.get(f"/oembed?url={url}").json()
    src = html.unescape(re.search(r'<iframe src="([^"]+)"', body["html"])[1])
    assert src == f"http://testserver/embed/r/{demo}?t=2h20m"  # the round table's start


def test_a_segment_range_past_the_segments_end_stops_at_its_end(anonymous, demo):
    page = anonymous.get(f"/r/{demo}/s/round-table?t=1h40m,1h50m").text
    assert "1:50:00 is past the end of" in page and "so this stops at its end." in page
    assert '"start":14400.0' in page and '"end":14635.0' in page


def test_a_segment_link_inside_the_segment_has_no_notice(anonymous, demo):
    page = anonymous.get(f"/r/{demo}/s/round-table?t=1h43m").text
    assert "past the end" not in page


def test_without_javascript_the_turns_are_a_list_of_links(anonymous, transcribed):
    page = anonymous.get(f"/r/{transcribed}").text
    lane = re.search(r'<div class="lane-track" id="lane">(.*?)</div>', page, re.S)[1]
    assert "<a " not in lane and "data-href=" in lane  # drawn, not too-small links
    listed = re.search(r'<details class="lane-list">(.*?)</details>', page, re.S)[1]
    assert re.search(r'<a href="[^"]+\?t=[^"]+">Faina Filina, 2:20:20 to 2:20:26</a>', listed)
