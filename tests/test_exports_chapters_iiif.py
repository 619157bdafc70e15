"""Chapters (WebVTT, YouTube) and the IIIF manifest: each checked by its standard's own
parser, rules or schema, and each loading back or showing only what the requester may see."""

import html
import json
import re

import pytest
import webvtt
from jsonschema import Draft7Validator

from app.services.demo import demo_data

# The demo's sessions and breaks (top level), as its data file states them.
DEMO = [(s["start"], s["end"], s["title"], s["kind"]) for s in demo_data()["segments"]]
TALK = {"slug": "opening-talk", "title": "Opening talk", "start": 8400, "end": 9000}


def _segments(client, slug: str) -> list[tuple]:
    items = client.get(f"/api/v1/recordings/{slug}/segments").json()["items"]
    return [(s["start"], s["end"], s["title"], s["kind"]) for s in items if not s.get("parent")]


def _duration(client, slug: str) -> float:
    return client.get(f"/api/v1/recordings/{slug}").json()["duration"]


def _add_talk(client, demo: str) -> None:
    body = TALK | {"parent": "round-table", "kind": "talk"}
    response = client.post(f"/api/v1/recordings/{demo}/segments", json=body)
    assert response.status_code == 201, response.text


def test_webvtt_chapters_are_the_sessions_and_breaks_with_exact_times(client, anonymous, demo):
    _add_talk(client, demo)  # talks are not chapters: a chapter menu is one flat list
    response = anonymous.get(f"/r/{demo}/chapters.vtt")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/vtt")
    cues = webvtt.from_string(response.text).captions
    assert [
        (c.start_time.in_milliseconds() / 1000, c.end_time.in_milliseconds() / 1000, c.text)
        for c in cues
    ] == [(start, end, title) for start, end, title, _ in DEMO]


def _youtube_rules(text: str, duration: float) -> list[str]:
    """YouTube's chapter rules, checked here independently of the exporter."""
    starts = []
    for line in text.splitlines():
        match = re.fullmatch(r"(?:(\d+):)?(\d{1,2}):(\d{2}) \S.*", line)
        assert match, line
        h, m, s = (int(g or 0) for g in match.groups())
        starts.append(h * 3600 + m * 60 + s)
    ends = [*starts[1:], duration]
    return [
        rule
        for rule, ok in [
            ("first at 0:00", starts[:1] == [0]),
            ("at least three", len(starts) >= 3),
            ("ascending", starts == sorted(set(starts))),
            ("each at least 10 s", all(e - s >= 10 for s, e in zip(starts, ends, strict=True))),
        ]
        if not ok
    ]


def test_youtube_chapters_of_the_demo_are_valid_and_load_back(
    client, anonymous, demo, make_recording
):
    response = anonymous.get(f"/r/{demo}/chapters.txt")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")
    text, duration = response.text, _duration(client, demo)
    assert text.splitlines()[:2] == ["0:00 Plenary session", "1:45:00 Break"]
    assert _youtube_rules(text, duration) == []
    copy = make_recording("copy", duration=duration)
    stored = client.post(f"/api/v1/recordings/{copy}/programme", content=text.encode())
    assert stored.status_code == 201, stored.text
    # YouTube chapters have no end: each ends where the next starts, the last one with the
    # recording (the demo's panel ends 320 s before it).
    assert _segments(client, copy) == [*DEMO[:-1], (*DEMO[-1][:1], duration, *DEMO[-1][2:])]
    assert [kind for *_, kind in _segments(client, copy)] == [
        "plenary",
        "break",
        "round_table",
        "break",
        "panel",
    ]


@pytest.mark.parametrize(
    ("segments", "rule", "offer"),
    [
        (
            [("a", 0, 100), ("b", 100, 200)],
            "there must be at least 3 chapters (there are 2)",
            "no valid list can be made: YouTube needs 3 chapters of at least 10 s (add sessions "
            "first)",
        ),
        (
            [("a", 0, 100), ("b", 100, 105), ("c", 105, 300), ("d", 300, 400)],
            "each chapter must last at least 10 s ('B' at 1:40 is shorter)",
            "the closest valid list:\n0:00 A\n1:45 C\n5:00 D\n",
        ),
        (
            [("a", 60, 100), ("b", 100, 200), ("c", 200, 300)],
            "the first chapter must start at 0:00 (it starts at 1:00)",
            "the closest valid list:\n0:00 Start\n1:00 A\n1:40 B\n3:20 C\n",
        ),
        (
            [("a", 5, 100), ("b", 100, 200), ("c", 200, 300)],
            "the first chapter must start at 0:00 (it starts at 0:05)",
            "the closest valid list:\n0:00 A\n1:40 B\n3:20 C\n",
        ),
    ],
)
def test_chapters_breaking_a_youtube_rule_are_refused_naming_it(
    anonymous, make_recording, segments, rule, offer
):
    slug = make_recording("short", segments=segments)
    response = anonymous.get(f"/r/{slug}/chapters.txt")
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert detail.startswith("not valid as YouTube chapters: ")
    assert rule in detail and detail.endswith(offer)
    if "closest" in offer:
        assert _youtube_rules(offer.split(":\n", 1)[1], 7200) == []


def test_webvtt_chapters_load_back_and_re_import_as_corrections(client, demo, make_recording):
    text = client.get(f"/r/{demo}/chapters.vtt").text
    copy = make_recording("copy", duration=_duration(client, demo))
    url = f"/api/v1/recordings/{copy}/programme"
    first = client.post(url, files={"file": ("chapters.vtt", text.encode(), "text/vtt")})
    assert first.status_code == 201, first.text
    assert _segments(client, copy) == DEMO
    again = client.post(url, content=text.encode())  # a re-import corrects, changes nothing
    assert again.status_code == 201, again.text
    assert {item["action"] for item in again.json()["segments"]} == {"update"}
    assert _segments(client, copy) == DEMO


def test_a_bad_webvtt_chapters_file_is_refused_naming_its_line(client, make_recording, snapshot):
    slug = make_recording("bad", segments=[("kept", 0, 60)])
    text = "WEBVTT\n\n00:00:00.000 --> 00:01:00.000\nIntro\n\n00:01:00 --> 00:02:00.000\nTalk\n"
    before = snapshot()
    response = client.post(f"/api/v1/recordings/{slug}/programme", content=text.encode())
    assert response.status_code == 422
    assert response.json()["detail"].startswith("line 6: '00:01:00 --> 00:02:00.000' is not a cue")
    assert snapshot() == before


def _annotate(script, demo: str, **body) -> int:
    response = script.post(f"/api/v1/recordings/{demo}/annotations", json=body)
    assert response.status_code == 201, response.text
    return response.json()["id"]


@pytest.fixture
def iiif_schema(conformance) -> Draft7Validator:
    path = conformance / "iiif-presentation-3" / "schema" / "iiif_3_0.json"
    return Draft7Validator(json.loads(path.read_text(encoding="utf-8")))


def _annotation_ids(manifest: dict) -> set[str]:
    pages = manifest["items"][0].get("annotations", [])
    return {
        a["id"].rsplit("/", 1)[1]
        for page in pages
        for a in page["items"]
        if a["motivation"] == "commenting"
    }


def test_the_iiif_manifest_validates_and_shows_only_what_the_requester_may_see(
    client, clients, transcribed, iiif_schema
):
    demo = transcribed
    _add_talk(client, demo)
    member, other = clients("member"), clients("other")
    public = _annotate(member, demo, start=8500, end=8520, text="A public remark")
    private = _annotate(member, demo, start=8600, text="my own idea", visibility="private")
    hidden = _annotate(member, demo, start=8700, text="to be hidden")
    assert client.post(f"/api/v1/annotations/{hidden}/hide").status_code == 200

    response = other.get(f"/r/{demo}/manifest.json")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == (
        'application/ld+json;profile="http://iiif.io/api/presentation/3/context.json"'
    )
    manifest = response.json()
    errors = [(list(e.absolute_path), e.message) for e in iiif_schema.iter_errors(manifest)]
    assert errors == []
    canvas = manifest["items"][0]
    assert canvas["duration"] == _duration(client, demo)
    (video,) = canvas["items"][0]["items"]
    assert video["motivation"] == "painting" and video["body"]["type"] == "Video"

    ranges = {r["label"]["en"][0]: r for r in manifest["structures"]}
    assert [r["label"]["en"][0] for r in manifest["structures"]] == [t for *_, t, _ in DEMO]
    round_table = ranges[DEMO[2][2]]
    assert round_table["items"][0]["id"].endswith(f"/r/{demo}/canvas#t=8400,14635")
    (talk,) = [r for r in round_table["items"] if r["type"] == "Range"]
    assert talk["label"] == {"en": ["Opening talk"]}
    assert talk["items"] == [{"id": f"{canvas['id']}#t=8400,9000", "type": "Canvas"}]

    (transcript,) = [
        a
        for page in canvas["annotations"]
        for a in page["items"]
        if a["motivation"] == "supplementing"
    ]
    assert transcript["body"]["id"] == f"http://testserver/r/{demo}/transcript.vtt"
    assert transcript["body"]["format"] == "text/vtt"
    assert transcript["target"] == canvas["id"]

    seen = _annotation_ids(manifest)
    assert str(public) in seen
    assert not {str(private), str(hidden)} & seen
    comments = [a for page in canvas["annotations"] for a in page["items"]]
    (remark,) = [a for a in comments if a["id"].endswith(f"/a/{public}")]
    assert remark["target"] == f"{canvas['id']}#t=8500,8520"
    assert remark["body"]["value"] == "A public remark"
    assert str(private) in _annotation_ids(member.get(f"/r/{demo}/manifest.json").json())
    assert not {str(private), str(hidden)} & _annotation_ids(
        clients().get(f"/r/{demo}/manifest.json").json()
    )


@pytest.mark.parametrize("name", ["chapters.vtt", "chapters.txt", "manifest.json"])
def test_a_draft_recording_s_exports_are_for_editors_alone(client, anonymous, clients, demo, name):
    assert client.patch(f"/api/v1/recordings/{demo}", json={"published": False}).status_code == 200
    assert anonymous.get(f"/r/{demo}/{name}").status_code == 404
    assert clients("member").get(f"/r/{demo}/{name}").status_code == 404
    assert client.get(f"/r/{demo}/{name}").status_code == 200


def test_titles_are_escaped_in_webvtt_and_read_back(client, anonymous, make_recording):
    slug = make_recording("marks", segments=[("a", 0, 60)])
    title = "Q&A <live> --> later"
    client.patch(f"/api/v1/recordings/{slug}/segments/a", json={"title": title})
    text = anonymous.get(f"/r/{slug}/chapters.vtt").text
    (cue,) = webvtt.from_string(text).captions
    assert html.unescape(cue.text) == title


def test_a_recording_without_sessions_has_no_youtube_chapters(client, make_recording):
    rec = make_recording("bare")
    answer = client.get(f"/r/{rec}/chapters.txt")
    assert answer.status_code == 422
    assert "at least 3 chapters (there are 0)" in answer.json()["detail"]
    assert client.get(f"/r/{rec}/chapters.vtt").status_code == 200
