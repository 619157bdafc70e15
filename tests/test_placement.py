"""Quote placement: a reworded quote split over cues is found among many unrelated ones."""

import random

import pytest

from app.services.placement import best_run, normalise

QUOTE = (
    "Foreign investors are looking for strategic industrial partners. My recipe is to be tolerant."
)
SAID_AT = 1992.0  # where the transcript has it (inside the round table, 600-2400)
SAID = [  # the same words as spoken: a little reworded, over three cues
    "so, foreign investors, they are looking for",
    "strategic, industrial partners, and my recipe",
    "is simply: be tolerant.",
]
VOCABULARY = [
    *("the", "a", "to", "is", "for", "of", "and", "we", "our", "cluster", "region", "partners"),
    *("export", "policy", "support", "market", "growth", "project", "funding", "year", "city"),
    *("industry", "people", "strategic", "investors", "looking", "recipe"),
]


def transcript() -> str:
    """Four hundred cues of unrelated talk (sharing common words), the quote among them."""
    rng = random.Random(4)
    lines = ["WEBVTT", ""]
    t = 0.0
    said = iter(SAID)
    while t < 3500:
        if t == SAID_AT or SAID_AT < t < SAID_AT + 15:
            words = next(said, None) or " ".join(rng.choices(VOCABULARY, k=7))
        else:
            words = " ".join(rng.choices(VOCABULARY, k=7))
        lines += [f"{clock(t)} --> {clock(t + 4)}", words, ""]
        t += 8
    return "\n".join(lines)


def clock(seconds: float) -> str:
    return f"{int(seconds // 3600):02}:{int(seconds % 3600 // 60):02}:{seconds % 60:06.3f}"


@pytest.fixture
def rec(client, make_recording) -> str:
    segments = (("plenary", 0, 600), ("round-table", 600, 2400))
    make_recording("forum", duration=3600, segments=segments)
    assert client.post("/api/v1/speakers", json={"name": "Maya Sviridova"}).status_code == 201
    return "forum"


def add_quote(client, segment: str | None = "round-table", text: str = QUOTE) -> int:
    body = {"kind": "quote", "speaker": "maya-sviridova", "text": text}
    body |= {"segment": segment} if segment else {"start": 3000}  # no session there
    response = client.post("/api/v1/recordings/forum/annotations", json=body)
    assert response.status_code == 201, response.text
    return response.json()["id"]


def test_a_reworded_quote_over_three_cues_is_placed_within_ten_seconds(client, rec):
    assert client.post(f"/api/v1/recordings/{rec}/transcript", json={"text": transcript()})
    quote = add_quote(client)
    response = client.get(f"/api/v1/annotations/{quote}/placement")
    assert response.status_code == 200, response.text
    proposal = response.json()
    assert abs(proposal["start"] - SAID_AT) <= 10
    assert proposal["confidence"] >= 70
    assert len(proposal["cues"]) in (2, 3, 4)
    assert proposal["url"].startswith(f"/r/{rec}?t=")
    accepted = client.patch(
        f"/api/v1/annotations/{quote}", json={"start": proposal["start"], "end": proposal["end"]}
    )
    assert accepted.status_code == 200
    assert (accepted.json()["placement"], accepted.json()["start"]) == ("exact", proposal["start"])


def test_a_placed_quote_without_session_searches_the_whole_recording(client, rec):
    assert client.post(f"/api/v1/recordings/{rec}/transcript", json={"text": transcript()})
    quote = add_quote(client, segment=None)
    proposal = client.get(f"/api/v1/annotations/{quote}/placement").json()
    assert abs(proposal["start"] - SAID_AT) <= 10


def test_unrelated_words_get_a_low_confidence(client, rec):
    assert client.post(f"/api/v1/recordings/{rec}/transcript", json={"text": transcript()})
    quote = add_quote(client, text="Quantum chromodynamics explains gluon confinement nicely")
    assert client.get(f"/api/v1/annotations/{quote}/placement").json()["confidence"] < 50


def test_without_a_transcript_there_is_nothing_to_propose(client, rec):
    quote = add_quote(client)
    response = client.get(f"/api/v1/annotations/{quote}/placement")
    assert (response.status_code, response.json()["field"]) == (404, "path.annotation")
    missing = client.get("/api/v1/annotations/999999/placement")
    assert (missing.status_code, missing.json()["field"]) == (404, "path.annotation")


def test_an_annotation_without_words_is_refused(client, rec):
    assert client.post(f"/api/v1/recordings/{rec}/transcript", json={"text": transcript()})
    note = client.post("/api/v1/recordings/forum/annotations", json={"start": 5, "text": "?!"})
    response = client.get(f"/api/v1/annotations/{note.json()['id']}/placement")
    assert (response.status_code, response.json()["field"]) == (422, "path.annotation")


def test_the_shortest_best_run_wins():
    texts = ["hello there", "the quick brown", "fox jumps over", "the lazy dog", "bye now"]
    match = best_run("The quick brown fox jumps over the lazy dog!", texts)
    assert (match.first, match.last, match.score) == (1, 3, 100)
    assert normalise("  Ça, c'est—«bien»! ") == "ça c est bien"


def test_a_whole_day_of_cues_is_narrowed_to_the_promising_ones():
    rng = random.Random(9)
    texts = [" ".join(rng.choices(VOCABULARY, k=9)) for _ in range(20_000)]
    texts[15_000:15_003] = SAID
    match = best_run(QUOTE, texts)
    assert (match.first, match.last) == (15_000, 15_002)
    assert match.score >= 70
