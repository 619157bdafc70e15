"""Create, read, update and delete through the JSON API, as an integrator would."""

import pytest


@pytest.fixture
def rec(client):
    """An event with a 2-hour external recording, two sessions and a speaker."""
    assert client.post("/api/v1/events", json={"title": "Städtetag 2025"}).status_code == 201
    body = {
        "event": "stadtetag-2025",
        "title": "Day one",
        "media_kind": "url",
        "media_url": "https://cdn.example.org/day1.mp4",
        "duration": 7200,
    }
    assert client.post("/api/v1/recordings", json=body).status_code == 201
    client.post("/api/v1/speakers", json={"name": "Gražvydas Morkus", "role": "Director"})
    for title, start, end in (("Opening", 0, 1800), ("Debate", 2000, 7000)):
        seg = {"title": title, "start": start, "end": end, "kind": "talk"}
        assert client.post("/api/v1/recordings/day-one/segments", json=seg).status_code == 201
    return "day-one"


def test_slugs_are_derived_from_names_and_unique(client, rec):
    assert client.get("/api/v1/speakers/grazvydas-morkus").json()["name"] == "Gražvydas Morkus"
    second = client.post("/api/v1/speakers", json={"name": "Gražvydas  Morkus"})
    assert second.json()["slug"] == "grazvydas-morkus-2"
    taken = client.post("/api/v1/speakers", json={"name": "X", "slug": "grazvydas-morkus"})
    assert taken.status_code == 409
    assert taken.json() == {
        "detail": "the slug 'grazvydas-morkus' is already in use",
        "field": "body.slug",
    }


def test_segment_speakers_and_nesting(client, rec):
    talk = {
        "title": "Keynote",
        "start": 2100,
        "end": 2700,
        "parent": "debate",
        "speakers": [{"speaker": "grazvydas-morkus", "role": "moderator"}],
    }
    created = client.post(f"/api/v1/recordings/{rec}/segments", json=talk)
    assert created.status_code == 201, created.text
    assert created.json()["parent"] == "debate"
    assert created.json()["speakers"] == [
        {"speaker": "grazvydas-morkus", "name": "Gražvydas Morkus", "role": "moderator"}
    ]
    at = client.get(f"/api/v1/recordings/{rec}/segments/at", params={"t": "35m"}).json()
    assert at["slug"] == "keynote"  # the innermost segment wins
    assert client.get(f"/api/v1/recordings/{rec}/segments/at?t=46:00").json()["slug"] == "debate"
    in_break = client.get(f"/api/v1/recordings/{rec}/segments/at?t=0:31:00")
    assert in_break.status_code == 404
    assert "break" in in_break.json()["detail"]
    deeper = {"title": "Too deep", "start": 2200, "end": 2300, "parent": "keynote"}
    refused = client.post(f"/api/v1/recordings/{rec}/segments", json=deeper)
    assert (refused.status_code, refused.json()["field"]) == (422, "body.parent")
    outside = {"title": "Outside", "start": 100, "end": 2300, "parent": "debate"}
    assert client.post(f"/api/v1/recordings/{rec}/segments", json=outside).status_code == 422
    shrink = client.patch(f"/api/v1/recordings/{rec}/segments/debate", json={"end": 2500})
    assert shrink.status_code == 422
    assert "keynote" in shrink.json()["detail"]


def test_annotation_lifecycle(client, rec):
    body = {
        "kind": "quote",
        "start": 2400.25,
        "end": 2460,
        "text": "Clusters open <b>boundaries</b>",
        "speaker": "grazvydas-morkus",
        "tags": ["Export", "export", "policy"],
        "author": "Ана",
    }
    created = client.post(f"/api/v1/recordings/{rec}/annotations", json=body)
    assert created.status_code == 201, created.text
    a = created.json()
    assert (a["start_tc"], a["end_tc"], a["segment"], a["placement"]) == (
        "0:40:00.250",
        "0:41:00",
        "debate",
        "exact",
    )
    assert a["tags"] == ["export", "policy"]
    assert a["links"] == {"permalink": f"/a/{a['id']}", "navigator": f"/r/{rec}?t=40m0.25s,41m"}
    updated = client.patch(f"/api/v1/annotations/{a['id']}", json={"text": "edited", "tags": []})
    assert (updated.json()["text"], updated.json()["tags"]) == ("edited", [])
    assert client.delete(f"/api/v1/annotations/{a['id']}").status_code == 204
    assert client.get(f"/api/v1/annotations/{a['id']}").status_code == 404


def test_window_filters_and_pagination(client, rec):
    for i in range(25):
        note = {"start": i * 100, "text": f"note {i}", "tags": ["even"] if i % 2 == 0 else []}
        client.post(f"/api/v1/recordings/{rec}/annotations", json=note)
    url = f"/api/v1/recordings/{rec}/annotations"
    window = client.get(url, params={"from": "5m", "to": "0:15:00"}).json()
    assert [a["start"] for a in window["items"]] == [300, 400, 500, 600, 700, 800, 900]
    evens = client.get(url, params={"tag": "even", "to": "1000"}).json()["items"]
    assert [a["start"] for a in evens] == [0, 200, 400, 600, 800, 1000]
    seen, cursor = [], None
    while True:
        page = client.get(url, params={"limit": 7, **({"cursor": cursor} if cursor else {})})
        seen += [a["start"] for a in page.json()["items"]]
        cursor = page.json()["next"]
        if cursor is None:
            break
    assert seen == [i * 100 for i in range(25)]


def test_a_private_annotation_is_listed_for_its_owner_alone(client, clients, rec):
    client.post(f"/api/v1/recordings/{rec}/annotations", json={"start": 5, "visibility": "private"})
    url = f"/api/v1/recordings/{rec}/annotations"
    assert [a["visibility"] for a in client.get(url).json()["items"]] == ["private"]
    for other in (clients(), clients("member"), clients("admin")):
        assert other.get(url).json()["items"] == []


def test_deleting_a_recording_removes_its_segments_and_annotations(client, rec):
    client.post(f"/api/v1/recordings/{rec}/annotations", json={"start": 5, "text": "x"})
    assert client.delete(f"/api/v1/recordings/{rec}").status_code == 204
    assert client.get(f"/api/v1/recordings/{rec}/segments").status_code == 404
    assert client.get("/api/v1/speakers/grazvydas-morkus").status_code == 200


def test_recording_sources_must_match_their_kind(client, rec):
    body = {"event": "stadtetag-2025", "title": "Day two", "media_kind": "youtube"}
    missing = client.post("/api/v1/recordings", json=body)
    assert (missing.status_code, missing.json()["field"]) == (422, "body.youtube_id")
    ok = client.post("/api/v1/recordings", json={**body, "youtube_id": "dQw4w9WgXcQ"})
    assert ok.status_code == 201
    assert ok.json()["media_src"] is None


def test_file_recordings_are_probed_for_their_duration(client, demo):
    body = {
        "event": "clusters-open-boundaries-2019",
        "title": "Same video again",
        "media_kind": "file",
        "media_path": "demo/clusters-open-boundaries-2019.mp4",
    }
    created = client.post("/api/v1/recordings", json=body)
    assert created.status_code == 201, created.text
    assert created.json()["duration"] == pytest.approx(24300, abs=1)


def test_shortening_a_recording_cannot_cut_off_its_segments(client, rec):
    cut = client.patch(f"/api/v1/recordings/{rec}", json={"duration": 3600})
    assert cut.status_code == 422
    assert "1:56:40" in cut.json()["detail"]
    assert client.get(f"/api/v1/recordings/{rec}").json()["duration"] == 7200
