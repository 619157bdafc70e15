"""Write-up import: speakers and quotes proposed as drafts, stored only when confirmed."""

import pytest
from sqlmodel import select

from app.models import Annotation, Speaker
from app.schemas import SpeakerCreate, WriteupApply
from app.services import access, accounts, recordings, writeup
from app.services import speakers as speaker_service

ARTICLE = """Harbour cities compare notes

The forum opened with the film “Ships That Pass in the Night: a Story of Ports”.

“Ports are the oldest clusters we have, and they still teach us how to share a quay”, \
noted Dr Jane Holloway, Director of the Institute for Maritime Studies (Norway). \
“Every berth we share saves a year of argument”.

Marco Bellini, Chief Economist at the Port Authority of Genoa, agreed that “a port without \
its city is just a parking lot for containers”. He also warned about the “green corridor” hype.

Sakura Ito, Head of Research of the Tokyo Bay Alliance, showed three maps: “We moved the \
fish market and the whole district followed it within ten years”.

Trade will come back slowly, believed Ahmed Haddad, Managing Director of Nile Logistics: \
“Nobody invests in a harbour that floods twice a winter”.

“Cooperation beats competition when the tide is against you”, commented Marco Bellini.

“Small ports should pool their cranes and their data”, he said. The panel, “Tides and \
Trade: What Comes Next”, closed the day.

According to Lena Novak, researcher at the University of Split, smaller ports matter too.
"""


def test_speakers_are_proposed_with_roles_and_organisations(session):
    proposals = writeup.propose(session, text=ARTICLE)
    found = {s.name: (s.role, s.organisation, s.country) for s in proposals.speakers}
    assert found == {
        "Dr Jane Holloway": ("Director", "Institute for Maritime Studies", "Norway"),
        "Marco Bellini": ("Chief Economist", "Port Authority of Genoa", ""),
        "Sakura Ito": ("Head of Research", "Tokyo Bay Alliance", ""),
        "Ahmed Haddad": ("Managing Director", "Nile Logistics", ""),
        "Lena Novak": ("Researcher", "University of Split", ""),
    }
    assert {s.key for s in proposals.speakers} >= {"jane-holloway", "marco-bellini"}


def test_quotes_are_attributed_by_the_usual_patterns(session):
    proposals = writeup.propose(session, text=ARTICLE)
    attributed = [(q.speaker, q.text.split()[0]) for q in proposals.quotes]
    assert attributed == [
        ("jane-holloway", "Ports"),  # “…”, noted NAME, ROLE of ORG
        ("jane-holloway", "Every"),  # the next quote goes on with the same speaker
        ("marco-bellini", "a"),  # NAME, ROLE, agreed that “…”
        ("sakura-ito", "We"),  # NAME, ROLE, showed …: “…”
        ("ahmed-haddad", "Nobody"),  # believed NAME, ROLE: “…”
        ("marco-bellini", "Cooperation"),  # “…”, commented NAME
        ("marco-bellini", "Small"),  # “…”, he said
    ]
    first = proposals.quotes[0]
    assert first.text.endswith("how to share a quay")
    assert "noted Dr Jane Holloway" in first.evidence and "“…”" in first.evidence


def test_titles_and_terms_in_quotes_are_not_quotes(session):
    texts = " ".join(q.text for q in writeup.propose(session, text=ARTICLE).quotes)
    for phrase in ("Ships That Pass", "green corridor", "Tides and Trade"):
        assert phrase not in texts


def test_known_speakers_are_recognised_by_name(session):
    speaker_service.create(session, data=SpeakerCreate(name="Marco BELLINI", slug="mb"))
    proposals = writeup.propose(session, text=ARTICLE)
    existing = {s.name: s.existing for s in proposals.speakers}
    assert existing["Marco Bellini"] == "mb"
    assert existing["Lena Novak"] is None


def test_proposing_writes_nothing(snapshot, client, make_recording):
    make_recording("port", duration=None)
    before = snapshot()
    response = client.post(
        "/api/v1/recordings/port/writeup/proposals", content=ARTICLE.encode("utf-8")
    )
    assert response.status_code == 200
    assert len(response.json()["quotes"]) == 7
    assert snapshot() == before


@pytest.fixture
def rec(make_recording) -> str:
    return make_recording("port", segments=(("opening", 0, 3600), ("panel", 3600, 7200)))


def test_apply_creates_or_matches_speakers_and_stores_unplaced_quotes(session, rec):
    speaker_service.create(session, data=SpeakerCreate(name="Marco Bellini"))
    proposals = writeup.propose(session, text=ARTICLE)
    data = WriteupApply(
        speakers=[s.model_dump(exclude={"existing"}) for s in proposals.speakers],
        quotes=[
            {"text": q.text, "speaker": q.speaker, "segment": "opening", "tags": ["ports"]}
            for q in proposals.quotes
        ],
    )
    recording = recordings.get(session, slug=rec, viewer=access.OPERATOR)
    editor = accounts.get(session, username="editor")
    result = writeup.apply(session, recording=recording, data=data, actor=editor)
    assert result.speakers_matched == ["marco-bellini"]
    assert sorted(result.speakers_created) == [
        "ahmed-haddad",
        "jane-holloway",
        "lena-novak",
        "sakura-ito",
    ]
    assert (len(result.quotes_created), result.quotes_skipped) == (7, 0)
    bellini = session.exec(select(Speaker).where(Speaker.slug == "marco-bellini")).one()
    assert bellini.role == "Chief Economist"  # an empty field filled, nothing overwritten
    quotes = session.exec(select(Annotation).order_by(Annotation.id)).all()
    assert {(q.placement.value, q.kind.value, q.start, q.owner_id) for q in quotes} == {
        ("unplaced", "quote", None, editor.id)
    }
    again = writeup.apply(session, recording=recording, data=data, actor=editor)
    assert (again.quotes_created, again.quotes_skipped) == ([], 7)


def test_apply_through_the_api(client, rec):
    body = {
        "speakers": [{"key": "a", "name": "Ahmed Haddad", "role": "Managing Director"}],
        "quotes": [
            {"text": "Nobody invests in a flooded harbour", "speaker": "a", "segment": "panel"}
        ],
    }
    response = client.post(f"/api/v1/recordings/{rec}/writeup/apply", json=body)
    assert response.status_code == 201, response.text
    (quote_id,) = response.json()["quotes_created"]
    quote = client.get(f"/api/v1/annotations/{quote_id}").json()
    assert (quote["speaker"]["slug"], quote["segment"], quote["placement"]) == (
        "ahmed-haddad",
        "panel",
        "unplaced",
    )


BAD_APPLY = [
    ({"speakers": [], "quotes": [{"text": "x", "speaker": "z", "segment": "panel"}]},
     "body.quotes.0.speaker", "no speaker with the key"),
    ({"speakers": [{"key": "a", "name": "A B"}],
      "quotes": [{"text": "x", "speaker": "a", "segment": "nowhere"}]},
     "body.quotes.0.segment", "no segment"),
    ({"speakers": [{"key": "a", "name": "A B"}, {"key": "a", "name": "C D"}]},
     "body.speakers.1.key", "used twice"),
    ({"speakers": [{"key": "a", "name": ""}]}, "body.speakers.0.name", "at least 1"),
    ({"speakers": [{"key": "a", "name": "A B"}],
      "quotes": [{"text": "x", "speaker": "a"}]}, "body.quotes.0.segment", "required"),
    ({"speakers": [{"key": "a", "name": "A B", "age": 3}]}, "body.speakers.0.age", "not a field"),
    ({}, "body.speakers", "required"),
]  # fmt: skip


@pytest.mark.parametrize(("body", "field", "words"), BAD_APPLY)
def test_bad_apply_is_refused_and_changes_nothing(snapshot, client, rec, body, field, words):
    before = snapshot()
    response = client.post(f"/api/v1/recordings/{rec}/writeup/apply", json=body)
    assert response.status_code in (404, 422), response.text
    assert response.json()["field"] == field
    assert words in response.json()["detail"]
    assert snapshot() == before


def test_an_overlong_article_is_refused(client, rec):
    url = f"/api/v1/recordings/{rec}/writeup/proposals"
    response = client.post(url, json={"text": "word " * 100_000})
    assert (response.status_code, response.json()["field"]) == (422, "body.text")
    assert client.post("/api/v1/recordings/nope/writeup/proposals", content=b"x").status_code == 404
