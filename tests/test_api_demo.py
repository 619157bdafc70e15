"""The demo event as an API client meets it (PRODUCT §2)."""

import json

from app.services.demo import DEMO_FILE

SESSIONS = {
    "plenary": (0, 6300, "1:45:00"),
    "round-table": (8400, 14635, "4:03:55"),
    "panel": (18165, 23980, "6:39:40"),
}
BRIEF_SPEAKERS = {
    "Evgeniy Kutsenko": "Russian Cluster Observatory",
    "Mikhail Yugay": "International Medical Cluster Foundation",
    "Dr Kai Uwe Bindseil": "HealthCapital Berlin-Brandenburg",
    "Ekaterina Islankina": "HSE ISSEK Russian Cluster Observatory",
    "Faina Filina": "IMC Foundation",
    "Julia Plaia": "Eurasanté",
    "Anatoly Sotnikov": "Innovation Development Agency – Kaluga Region Cluster Development Centre",
    "Dmitri Chagin": 'NP "Medical and Pharmaceutical Projects. 21st Century"',
    "Aleksei Nizkovskiy": "Novosibirsk Regional Development Centre",
    "Gražvydas Morkus": "LitCare",
    "Dr Abdo Malac": "French Embassy in Russia",
    "Ildar Khairullin": "IMC Foundation",
    "Maya Sviridova": "Autoprom North-West Union",
}


def test_three_sessions_with_exact_times_and_breaks_between(client, demo):
    body = client.get(f"/api/v1/recordings/{demo}/segments").json()
    sessions = {s["slug"]: s for s in body["items"] if s["kind"] != "break"}
    assert {slug: (s["start"], s["end"], s["end_tc"]) for slug, s in sessions.items()} == SESSIONS
    breaks = [(s["start"], s["end"]) for s in body["items"] if s["kind"] == "break"]
    assert breaks == [(6300, 8400), (14635, 18165)]
    assert body["next"] is None


def test_thirteen_speakers_with_roles_and_organisations(client, demo):
    body = client.get("/api/v1/speakers?limit=100").json()
    assert {s["name"]: s["organisation"] for s in body["items"]} == BRIEF_SPEAKERS
    morkus = client.get("/api/v1/speakers/grazvydas-morkus").json()
    assert (morkus["name"], morkus["role"], morkus["country"]) == (
        "Gražvydas Morkus",
        "Managing Director",
        "Lithuania",
    )


def test_speakers_are_linked_to_their_sessions(client, demo):
    round_table = client.get(f"/api/v1/recordings/{demo}/segments/round-table").json()
    names = {s["name"] for s in round_table["speakers"]}
    assert {"Ekaterina Islankina", "Faina Filina", "Julia Plaia", "Dr Kai Uwe Bindseil"} <= names
    assert {s["role"] for s in round_table["speakers"]} == {"panelist"}


def test_quotes_are_unplaced_inside_their_sessions_with_their_speakers(client, demo):
    body = client.get(f"/api/v1/recordings/{demo}/annotations?kind=quote").json()
    quotes = body["items"]
    expected = json.loads(DEMO_FILE.read_text(encoding="utf-8"))["quotes"]
    assert len(quotes) == len(expected) == 8
    assert {(q["speaker"]["slug"], q["segment"], q["text"]) for q in quotes} == {
        (q["speaker"], q["segment"], q["text"]) for q in expected
    }
    assert {(q["placement"], q["start"], q["start_tc"]) for q in quotes} == {
        ("unplaced", None, None)
    }
    filina = next(q for q in quotes if q["speaker"]["slug"] == "faina-filina")
    assert filina["segment"] == "round-table"
    assert filina["links"]["navigator"] == f"/r/{demo}/s/round-table"


def test_an_editor_places_an_unplaced_quote(client, demo):
    quote = client.get(f"/api/v1/recordings/{demo}/annotations?speaker=maya-sviridova").json()
    (item,) = quote["items"]
    placed = client.patch(f"/api/v1/annotations/{item['id']}", json={"start": 23000.5})
    assert placed.status_code == 200, placed.text
    body = placed.json()
    assert (body["placement"], body["start"], body["start_tc"]) == ("exact", 23000.5, "6:23:20.500")
    assert body["segment"] == "panel"
    assert body["links"]["navigator"] == f"/r/{demo}?t=6h23m20.5s"


def test_demo_recording_plays_the_placeholder_video(client, demo):
    recording = client.get(f"/api/v1/recordings/{demo}").json()
    assert recording["duration"] > 23980
    assert recording["media_src"] == "/media/demo/clusters-open-boundaries-2019.mp4"
    assert client.get("/api/v1/events").json()["items"][0]["recordings"] == [demo]


def test_loading_the_demo_twice_changes_nothing(client, demo, settings, session):
    from app.services.demo import load_demo

    assert load_demo(session, media_dir=settings.media_dir, progress=False) is False
    assert len(client.get("/api/v1/events").json()["items"]) == 1
