"""Annotations out as W3C Web Annotation JSON-LD (checked against the W3C annotation-model
test suite's MUSTs), CSV and ELAN EAF, and back in from JSON-LD: each format shows only what
its requester may see, and an exported collection imports as the same annotations."""

import csv
import functools
import io
import json
import re
from pathlib import Path

import pytest
from jsonschema import Draft4Validator, FormatChecker
from pympi.Elan import Eaf
from referencing import Registry
from referencing.jsonschema import DRAFT4

from app.services.exports import webannotation

BASE = "http://wat.invalid/"
# RFC 3986: a scheme, then characters a URI may hold. python-jsonschema checks "uri" only
# with rfc3987 installed, which we do not depend on; test_runner_agrees_with_the_samples
# shows this check rejects what the suite's reference run rejected.
URI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]*")


class Suite:
    """The W3C annotation-model JSON schemas, read in place, in one flat namespace."""

    def __init__(self, root: Path) -> None:
        self.root = root
        files = [*root.glob("definitions/*.json"), *root.glob("annotations/**/*.json")]
        files += root.glob("collections/**/*.json")
        resources = []
        for path in files:
            schema = json.loads(path.read_text())
            uri = BASE + schema["id"]
            resources.append((uri, DRAFT4.create_resource({**schema, "id": uri})))
        self.registry = Registry().with_resources(resources)
        self.formats = FormatChecker()
        self.formats.checks("uri")(lambda value: not isinstance(value, str) or URI.fullmatch(value))

    def failures(self, test: str, document) -> list[str]:
        """The ids of the `must` assertions of `test` that `document` fails."""
        listed = json.loads((self.root / test).read_text())["assertions"]
        failed = []
        for path in listed:
            assertion = json.loads((self.root / path).read_text())
            if assertion.get("assertionType", "must") != "must":
                continue
            validator = Draft4Validator(
                {"$ref": BASE + assertion["id"]},
                registry=self.registry,
                format_checker=self.formats,
            )
            if not validator.is_valid(document):
                failed.append(assertion["id"])
        return failed


MUSTS = "annotations/annotationMusts.test"


@functools.cache
def _suite(root: Path) -> Suite:
    return Suite(root)


@pytest.fixture
def suite(conformance) -> Suite:
    return _suite(conformance / "web-annotation-model")


def test_runner_agrees_with_the_samples(suite):
    """The runner is right: it fails each sample exactly as the suite's reference run did."""
    expected = json.loads((suite.root / "expected-samples.json").read_text())["samples"]
    assert len(expected) == 84
    for name, verdict in expected.items():
        try:
            document = json.loads((suite.root / name).read_text())
        except ValueError:
            assert not verdict["json_parses"], name
            continue
        failed = suite.failures(MUSTS, document)
        assert failed == verdict["observed_annotationMusts_failures"], name
        if verdict["upstream_label"] == "incorrect":
            assert failed, name


def _note(client, rec: str, **body) -> int:
    response = client.post(f"/api/v1/recordings/{rec}/annotations", json=body)
    assert response.status_code == 201, response.text
    return response.json()["id"]


@pytest.fixture
def annotated(client, clients, transcribed) -> dict[str, int]:
    """The demo (unplaced quotes, voice-tagged transcript) with a tagged range note, a
    placed quote, a point question, a member's reply, a member's private note and another
    member's note an editor hid."""
    rec, member, other = transcribed, clients("member"), clients("other")
    ids = {
        "note": _note(
            client, rec, start=8400, end=8460.5, text="Success factors", tags=["biomed", "rt"]
        ),
        "quote": _note(
            client,
            rec,
            kind="quote",
            start=8420,
            end=8430,
            speaker="faina-filina",
            text="We can see that we reflect most of the success factors.",
        ),
        "question": _note(client, rec, kind="question", start=9000.25, text="Which clusters?"),
    }
    ids["reply"] = _note(member, rec, reply_to=ids["note"], text="Agreed", tags=["thread"])
    ids["private"] = _note(member, rec, start=100, text="member secret", visibility="private")
    ids["hidden"] = _note(other, rec, start=200, text="rude remark")
    assert client.post(f"/api/v1/annotations/{ids['hidden']}/hide").status_code == 200
    return ids


def _jsonld(client, rec: str, **params) -> dict:
    response = client.get(f"/r/{rec}/annotations.jsonld", params=params)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == webannotation.MEDIA_TYPE
    return response.json()


def test_every_exported_annotation_passes_every_must(client, annotated, suite):
    document = _jsonld(client, "clusters-open-boundaries-2019")
    assert suite.failures("collections/collectionMusts.test", document) == []
    page = document["first"]
    assert suite.failures("collections/pages/pageMusts.test", page) == []
    items = page["items"]
    assert len(items) == document["total"] == 8 + 4  # demo quotes and ours, but no secrets
    for item in items:
        assert suite.failures(MUSTS, item) == [], item
    by_id = {item["id"]: item for item in items}
    note = by_id[f"http://testserver/a/{annotated['note']}"]
    assert note["motivation"] == "commenting"
    assert note["target"]["selector"] == {
        "type": "FragmentSelector",
        "conformsTo": "http://www.w3.org/TR/media-frags/",
        "value": "t=8400,8460.5",
    }
    assert note["target"]["source"].endswith("/media/demo/clusters-open-boundaries-2019.mp4")
    assert [b["value"] for b in note["body"] if b["purpose"] == "tagging"] == ["biomed", "rt"]
    reply = by_id[f"http://testserver/a/{annotated['reply']}"]
    assert reply["motivation"] == "replying" and reply["target"] == note["id"]
    assert {"type": "TextualBody", "value": "Agreed", "purpose": "replying"} in reply["body"]
    assert reply["creator"]["nickname"] == "member"
    quote = by_id[f"http://testserver/a/{annotated['quote']}"]
    speaker = [b for b in quote["body"] if b["purpose"] == "identifying"]
    assert speaker[0]["source"]["id"] == "http://testserver/speakers/faina-filina"
    unplaced = [i for i in items if "selector" not in i["target"] and isinstance(i["target"], dict)]
    assert len(unplaced) == 8 and all("/s/" in i["target"]["scope"] for i in unplaced)


def test_pages_link_to_each_other(client, annotated, suite, monkeypatch):
    monkeypatch.setattr(webannotation, "PAGE_SIZE", 5)
    rec = "clusters-open-boundaries-2019"
    collection = _jsonld(client, rec)
    assert collection["last"] == f"http://testserver/r/{rec}/annotations.jsonld?page=2"
    seen, url = [], collection["first"]["id"]
    while url:
        page = _jsonld(client, rec, page=url.rsplit("=", 1)[1])
        assert suite.failures("collections/pages/pageMusts.test", page) == []
        assert page["partOf"]["id"] == collection["id"] and page["startIndex"] == len(seen)
        seen += [item["id"] for item in page["items"]]
        url = page.get("next")
    assert page["prev"].endswith("?page=1") and len(seen) == len(set(seen)) == 12
    missing = client.get(f"/r/{rec}/annotations.jsonld", params={"page": 3})
    assert missing.status_code == 404 and "the last is page 2" in missing.json()["detail"]


def _listed(client, rec: str) -> list[tuple]:
    """What a reader sees of a recording's annotations, without ids and owners."""
    items = client.get(f"/api/v1/recordings/{rec}/annotations", params={"limit": 100}).json()
    shown = [
        (
            a["kind"],
            a["start"],
            a["end"],
            a["segment"],
            a["text"],
            tuple(a["tags"]),
            a["speaker"] and a["speaker"]["slug"],
            a["visibility"],
            tuple((r["kind"], r["text"], tuple(r["tags"])) for r in a["replies"]),
        )
        for a in items["items"]
    ]
    return sorted(shown, key=repr)


def test_an_exported_collection_imports_as_the_same_annotations(
    client, clients, annotated, make_recording
):
    rec = "clusters-open-boundaries-2019"
    segments = client.get(f"/api/v1/recordings/{rec}/segments").json()["items"]
    copy = make_recording(
        "copy", duration=24300, segments=[(s["slug"], s["start"], s["end"]) for s in segments]
    )
    member = clients("member")  # their private note is theirs to move
    exported = _jsonld(member, rec)
    response = client.post(f"/api/v1/recordings/{copy}/annotations/import", json=exported)
    assert response.status_code == 201, response.text
    assert response.json()["created"] == 13 and response.json()["replies"] == 1
    assert _listed(client, copy) == _listed(member, rec)  # as the exporter saw them
    # The private note came in private: the importer (its new owner) alone sees it.
    assert "member secret" in client.get(f"/r/{copy}/annotations.csv").text
    for viewer in (None, "member", "admin"):
        assert "member secret" not in clients(viewer).get(f"/r/{copy}/annotations.csv").text


def test_hypothesis_like_documents_import(client, make_recording):
    rec = make_recording("elsewhere")
    document = [
        {
            "@context": "http://www.w3.org/ns/anno.jsonld",
            "id": "urn:uuid:1",
            "type": "Annotation",
            "bodyValue": "Plain",
            "target": "https://example.org/v.mp4#t=npt:10,20",
        },
        {
            "type": "AnnotationPage",
            "items": [
                {
                    "id": "urn:uuid:2",
                    "type": "Annotation",
                    "motivation": "replying",
                    "body": {"type": "TextualBody", "value": "Yes"},
                    "target": "urn:uuid:1",
                }
            ],
        },
    ]
    response = client.post(f"/api/v1/recordings/{rec}/annotations/import", json=document)
    assert response.status_code == 201, response.text
    listed = client.get(f"/api/v1/recordings/{rec}/annotations").json()["items"]
    assert [(a["start"], a["end"], a["text"]) for a in listed] == [(10, 20, "Plain")]
    assert [r["text"] for r in listed[0]["replies"]] == ["Yes"]


GOOD = {
    "type": "Annotation",
    "body": {"type": "TextualBody", "value": "fine", "purpose": "commenting"},
    "target": {"source": "x", "selector": {"type": "FragmentSelector", "value": "t=10,20"}},
}


def _at(value: str) -> dict:
    return {"source": "x", "selector": {"type": "FragmentSelector", "value": value}}


NOBODY = [{"purpose": "identifying", "type": "TextualBody", "value": "Nobody"}]
REPLY = {**GOOD, "motivation": "replying"}
PAGE = {"type": "AnnotationPage", "items": [GOOD, {**REPLY, "target": 5}]}
LINKED = {"type": "AnnotationCollection", "total": 3, "first": "http://x/p0"}


@pytest.mark.parametrize(
    ("document", "field", "words"),
    [
        ([GOOD, {**GOOD, "target": _at("t=x")}], "body.1.target.selector.value", "holds no time"),
        ([GOOD, {**GOOD, "target": {"source": "x"}}], "body.1.target.selector", "no Fragment"),
        (PAGE, "body.items.1.target", "a reply's target"),
        ([GOOD, {**REPLY, "target": "urn:nowhere"}], "body.1.target", "not an annotation earlier"),
        ([GOOD, {**GOOD, "body": NOBODY}], "body.1.body.0.value", "no speaker named"),
        ([GOOD, {**GOOD, "target": _at("t=10,99999")}], "body.1.end", "past the recording's end"),
        (LINKED, "body.first", "not all embedded"),
        ({"type": "Thing"}, "body.type", "expected list or Annotation"),
        ([[[GOOD]]], "body.0.type", "expected Annotation or AnnotationPage"),
        ([], "body", "no annotations"),
    ],
)  # fmt: skip
def test_bad_documents_are_refused_naming_where_and_change_nothing(
    client, make_recording, snapshot, document, field, words
):
    rec = make_recording("target")
    before = snapshot()
    response = client.post(f"/api/v1/recordings/{rec}/annotations/import", json=document)
    assert response.status_code == 422, response.text
    assert response.json()["field"] == field and words in response.json()["detail"]
    assert snapshot() == before


def test_a_member_imports_notes_but_not_quotes(clients, annotated, make_recording):
    rec = make_recording("members")
    items = _jsonld(clients("editor"), "clusters-open-boundaries-2019")["first"]["items"]
    quote = next(item for item in items if item["motivation"] == "describing")
    member = clients("member")
    response = member.post(f"/api/v1/recordings/{rec}/annotations/import", json=quote)
    assert response.status_code == 403 and response.json()["field"] == "body.kind"
    response = member.post(f"/api/v1/recordings/{rec}/annotations/import", json=GOOD)
    assert response.status_code == 201
    anonymous = clients().post(f"/api/v1/recordings/{rec}/annotations/import", json=GOOD)
    assert anonymous.status_code == 401


def test_csv_holds_replies_with_their_parent(client, annotated):
    response = client.get("/r/clusters-open-boundaries-2019/annotations.csv")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert list(rows[0]) == [
        "id", "reply_to", "kind", "start", "end", "start_tc", "end_tc",
        "speaker", "text", "tags", "owner", "created", "url",
    ]  # fmt: skip
    by_id = {int(row["id"]): row for row in rows}
    reply = by_id[annotated["reply"]]
    assert int(reply["reply_to"]) == annotated["note"] and reply["owner"] == "member"
    note = by_id[annotated["note"]]
    assert (note["start"], note["end"], note["end_tc"]) == ("8400.0", "8460.5", "2:21:00.500")
    assert (
        note["tags"] == "biomed; rt" and note["url"] == f"http://testserver/a/{annotated['note']}"
    )
    assert by_id[annotated["quote"]]["speaker"] == "Faina Filina"
    assert len(rows) == 12


def test_eaf_has_a_tier_per_speaker_in_milliseconds(client, annotated, tmp_path):
    response = client.get("/r/clusters-open-boundaries-2019/annotations.eaf")
    assert response.status_code == 200
    (path := tmp_path / "demo.eaf").write_bytes(response.content)
    eaf = Eaf(str(path))
    turns = client.get(
        "/api/v1/recordings/clusters-open-boundaries-2019/turns", params={"limit": 100}
    ).json()["items"]
    speakers = {t["speaker_name"] for t in turns}
    assert speakers and set(eaf.get_tier_names()) == speakers | {"Annotations"}
    for name in speakers:
        assert eaf.tiers[name][2]["PARTICIPANT"] == name
    faina = sorted(eaf.get_annotation_data_for_tier("Faina Filina"))
    expected = [
        (round(t["start"] * 1000), round(t["end"] * 1000), "")
        for t in turns
        if t["speaker_name"] == "Faina Filina"
    ]
    assert sorted([*expected, (8420000, 8430000, annotated_quote_text())]) == faina
    others = eaf.get_annotation_data_for_tier("Annotations")
    assert (8400000, 8460500, "note: Success factors") in others
    assert (9000250, 9001250, "question: Which clusters?") in others


def annotated_quote_text() -> str:
    return "We can see that we reflect most of the success factors."


@pytest.mark.parametrize("extension", ["jsonld", "csv", "eaf"])
def test_secrets_stay_with_their_owners_in_every_format(clients, annotated, extension):
    """A member's private note is theirs alone; a hidden note is out of every export."""
    url = f"/r/clusters-open-boundaries-2019/annotations.{extension}"
    for viewer in (None, "other", "editor", "admin"):
        assert "member secret" not in clients(viewer).get(url).text, viewer
    for viewer in (None, "member", "editor", "admin"):
        assert "rude remark" not in clients(viewer).get(url).text, viewer
    assert "member secret" in clients("member").get(url).text


def test_drafts_are_not_found_for_readers(client, clients, make_recording):
    rec = make_recording("draft")
    assert client.patch(f"/api/v1/recordings/{rec}", json={"published": False}).status_code == 200
    for extension in ("jsonld", "csv", "eaf"):
        assert clients().get(f"/r/{rec}/annotations.{extension}").status_code == 404
        assert clients("member").get(f"/r/{rec}/annotations.{extension}").status_code == 404
        assert client.get(f"/r/{rec}/annotations.{extension}").status_code == 200
    response = clients("member").post(f"/api/v1/recordings/{rec}/annotations/import", json=GOOD)
    assert response.status_code == 404
