"""Who spoke when (PRODUCT §6c): turns derived from voice-tagged transcripts, the JSON API that
lists and edits them, the navigator's lane and the editor's forms, and the speaker page."""

import re

import pytest

from app.http import csrf
from app.services import turns as turn_service

TURNS = "/api/v1/recordings/{}/turns"
ADA = ("ada-lovelace", 8390, 8420)
FAINA = ("faina-filina", 8420, 8426)  # two cues, 8420-8422 and 8422-8426, one turn
ADA_AGAIN = ("ada-lovelace", 8426, 8460)


def _vtt(*cues: tuple[float, float, str | None]) -> bytes:
    lines = ["WEBVTT", ""]
    for start, end, voice in cues:
        said = f"<v {voice}>Words." if voice else "Words nobody is named for."
        lines += [f"{_clock(start)} --> {_clock(end)}", said, ""]
    return "\n".join(lines).encode()


def _clock(seconds: float) -> str:
    whole = int(seconds)
    return (
        f"{whole // 3600:02}:{whole // 60 % 60:02}:{whole % 60:02}.{round(seconds % 1 * 1000):03}"
    )


def _turns(client, rec: str, **params) -> list[tuple[str, float, float]]:
    response = client.get(TURNS.format(rec), params={"limit": 500, **params})
    assert response.status_code == 200, response.text
    return [(t["speaker"], t["start"], t["end"]) for t in response.json()["items"]]


def _import(client, rec: str, vtt: bytes, **params) -> None:
    response = client.post(f"/api/v1/recordings/{rec}/transcript", content=vtt, params=params)
    assert response.status_code == 201, response.text


# Derived from transcripts


def test_importing_a_voice_tagged_transcript_derives_the_turns(client, transcribed):
    response = client.get(TURNS.format(transcribed))
    body = response.json()
    assert [(t["speaker"], t["start"], t["end"]) for t in body["items"]] == [ADA, FAINA, ADA_AGAIN]
    assert body["next"] is None
    faina = body["items"][1]
    assert faina["speaker_name"] == "Faina Filina"
    assert (faina["start_tc"], faina["end_tc"]) == ("2:20:20", "2:20:26")
    assert faina["source"] == "transcript"
    assert faina["url"] == f"/r/{transcribed}?t=2h20m20s"


def test_a_pause_over_three_seconds_or_an_unnamed_cue_ends_a_turn(client, make_recording):
    rec = make_recording("talk")
    vtt = _vtt(
        (0, 2, "Ada Lovelace"),
        (4.5, 6, "Ada Lovelace"),  # 2.5 s later: the same turn
        (9.5, 12, "Ada Lovelace"),  # 3.5 s later: a new one
        (12, 14, None),  # nobody named: ends it
        (14, 16, "Ada Lovelace"),
        (15, 18, "Charles Babbage"),  # overlapping talk: another speaker's turn
        (18.5, 20, "Ada Lovelace"),
    )
    _import(client, rec, vtt)
    assert _turns(client, rec) == [
        ("ada-lovelace", 0, 6),
        ("ada-lovelace", 9.5, 12),
        ("ada-lovelace", 14, 16),
        ("charles-babbage", 15, 18),
        ("ada-lovelace", 18.5, 20),
    ]


def test_a_new_import_replaces_the_transcript_turns_and_keeps_the_editors(client, make_recording):
    rec = make_recording("talk")
    _import(client, rec, _vtt((0, 10, "Ada Lovelace"), (10, 20, "Charles Babbage")))
    made = client.post(TURNS.format(rec), json={"speaker": "ada-lovelace", "start": 30, "end": 40})
    assert made.status_code == 201, made.text
    _import(client, rec, _vtt((0, 15, "Charles Babbage")))
    assert _turns(client, rec) == [("charles-babbage", 0, 15), ("ada-lovelace", 30, 40)]


def test_turns_come_from_one_transcript_the_one_naming_speakers(client, make_recording):
    """A translation without voices does not wipe the turns; one with voices does not double
    them while the recording's own language names speakers."""
    rec = make_recording("talk")
    _import(client, rec, _vtt((0, 10, "Ada Lovelace")))
    _import(client, rec, _vtt((0, 10, None)), language="fr")
    _import(client, rec, _vtt((0, 5, "Ада Лавлейс")), language="ru")
    assert _turns(client, rec) == [("ada-lovelace", 0, 10)]
    _import(client, rec, _vtt((0, 10, None)))  # the own language loses its voices
    assert [t[1:] for t in _turns(client, rec)] == [(0, 5)]  # the Russian voices take over


# The JSON API


def test_pages_and_windows(client, transcribed):
    first = client.get(TURNS.format(transcribed), params={"limit": 2}).json()
    assert len(first["items"]) == 2 and first["next"]
    rest = client.get(TURNS.format(transcribed), params={"limit": 2, "cursor": first["next"]})
    assert [t["start"] for t in rest.json()["items"]] == [8426]
    assert rest.json()["next"] is None
    assert [t[1] for t in _turns(client, transcribed, **{"from": "2:20:00"})] == [8420, 8426]
    assert [t[1] for t in _turns(client, transcribed, to="140m20s")] == [8390, 8420]


@pytest.mark.parametrize(
    ("params", "status", "field"),
    [
        ({"from": "soon"}, 422, "query.from"),
        ({"from": "2:21:00", "to": "2:20:00"}, 422, "query.to"),
        ({"cursor": "forged"}, 400, "query.cursor"),
        ({"limit": 0}, 422, "query.limit"),
    ],
)
def test_bad_list_parameters_name_the_field(anonymous, transcribed, params, status, field):
    response = anonymous.get(TURNS.format(transcribed), params=params)
    assert (response.status_code, response.json()["field"]) == (status, field)


def test_a_draft_recordings_turns_are_for_editors(client, anonymous, transcribed):
    assert client.patch(f"/api/v1/recordings/{transcribed}", json={"published": False}).is_success
    assert anonymous.get(TURNS.format(transcribed)).status_code == 404
    assert len(_turns(client, transcribed)) == 3
    turn = client.get(TURNS.format(transcribed)).json()["items"][0]["id"]
    assert anonymous.delete(f"/api/v1/turns/{turn}").status_code == 401


def test_an_editor_adds_changes_and_deletes_a_turn(client, transcribed):
    made = client.post(
        TURNS.format(transcribed), json={"speaker": "mikhail-yugay", "start": 8500, "end": 8530.5}
    )
    assert made.status_code == 201, made.text
    turn = made.json()
    assert (turn["speaker"], turn["start_tc"], turn["end"], turn["source"]) == (
        "mikhail-yugay",
        "2:21:40",
        8530.5,
        "editor",
    )
    changed = client.patch(
        f"/api/v1/turns/{turn['id']}", json={"end": 8540, "speaker": "faina-filina"}
    )
    assert changed.status_code == 200, changed.text
    assert (changed.json()["speaker"], changed.json()["end"]) == ("faina-filina", 8540)
    assert client.delete(f"/api/v1/turns/{turn['id']}").status_code == 204
    assert client.patch(f"/api/v1/turns/{turn['id']}", json={"end": 8541}).status_code == 404
    assert len(_turns(client, transcribed)) == 3


def test_a_corrected_transcript_turn_becomes_the_editors(client, transcribed, demo_vtt):
    faina = client.get(TURNS.format(transcribed)).json()["items"][1]
    changed = client.patch(f"/api/v1/turns/{faina['id']}", json={"start": 8419.5})
    assert changed.json()["source"] == "editor"
    _import(client, transcribed, demo_vtt.encode())  # the import does not undo the correction
    assert ("faina-filina", 8419.5, 8426) in _turns(client, transcribed)


@pytest.mark.parametrize(
    ("method", "body", "status", "field", "message"),
    [
        (
            "post",
            {"speaker": "faina-filina", "start": 10, "end": 10},
            422,
            "body.end",
            "after start",
        ),
        ("post", {"speaker": "faina-filina", "start": 10, "end": 99999}, 422, "body.end", "past"),
        (
            "post",
            {"speaker": "faina-filina", "start": 30000, "end": 30001},
            422,
            "body.start",
            "past",
        ),
        ("post", {"speaker": "nobody", "start": 10, "end": 20}, 404, "body.speaker", "no speaker"),
        ("post", {"speaker": "faina-filina", "start": "0:10", "end": 20}, 422, "body.start", ""),
        ("post", {"speaker": "faina-filina", "start": -1, "end": 20}, 422, "body.start", ""),
        ("post", {"start": 10, "end": 20}, 422, "body.speaker", "required"),
        (
            "post",
            {"speaker": "faina-filina", "start": 1, "end": 2, "source": "x"},
            422,
            "body.source",
            "",
        ),
        ("patch", {"end": 8000}, 422, "body.end", "after start"),
        ("patch", {"start": None}, 422, "start", "cannot be null"),
        ("patch", {"speaker": None}, 422, "body.speaker", "names its speaker"),
        ("patch", {"speaker": "nobody"}, 404, "body.speaker", "no speaker"),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_changes_nothing(
    client, transcribed, snapshot, method, body, status, field, message
):
    turn = client.get(TURNS.format(transcribed)).json()["items"][1]["id"]
    url = TURNS.format(transcribed) if method == "post" else f"/api/v1/turns/{turn}"
    before = snapshot()
    response = getattr(client, method)(url, json=body)
    assert response.status_code == status, response.text
    assert response.json()["field"].endswith(field)
    assert message in response.json()["detail"]
    assert snapshot() == before


@pytest.mark.parametrize(("path", "status"), [("abc", 422), ("0", 422), ("999999", 404)])
def test_an_unknown_turn_id(client, transcribed, path, status):
    response = client.patch(f"/api/v1/turns/{path}", json={"end": 8500})
    assert response.status_code == status
    assert response.json()["field"] == "path.turn"


@pytest.mark.parametrize(("account", "status"), [(None, 401), ("member", 403)])
def test_only_editors_write_turns(clients, client, transcribed, snapshot, account, status):
    turn = client.get(TURNS.format(transcribed)).json()["items"][0]["id"]
    who = clients(account)
    before = snapshot()
    body = {"speaker": "faina-filina", "start": 10, "end": 20}
    assert who.post(TURNS.format(transcribed), json=body).status_code == status
    assert who.patch(f"/api/v1/turns/{turn}", json={"end": 8500}).status_code == status
    assert who.delete(f"/api/v1/turns/{turn}").status_code == status
    assert snapshot() == before


# The navigator's lane


def test_the_navigator_draws_the_lane_with_named_seeking_blocks(anonymous, transcribed):
    page = anonymous.get(f"/r/{transcribed}?t=2h20m")
    lane = page.context["lane"]
    assert [(b.speaker.slug, b.start, b.end) for b in lane.blocks] == [ADA, FAINA, ADA_AGAIN]
    assert [s.name for s in lane.speakers] == ["Ada Lovelace", "Faina Filina"]
    html = page.text
    assert re.search(  # drawn (turns.js makes it a link), and a link in the list under the lane
        rf'<span class="c1" data-href="/r/{transcribed}\?t=[^"]+" data-start="8420.0" '
        r'style="left:[\d.]+%;width:[\d.]+%" title="Faina Filina, 2:20:20 to 2:20:26"></span>',
        html,
    )
    assert re.search(
        rf'<a href="/r/{transcribed}\?t=[^"]+">Faina Filina, 2:20:20 to 2:20:26</a>', html
    )
    assert 'role="group" aria-labelledby="turns-h"' in html
    assert '<li class="c0"><a href="/speakers/ada-lovelace">Ada Lovelace</a></li>' in html
    assert "Add a speaker turn" not in html  # editors only


def test_no_lane_without_turns(anonymous, demo):
    page = anonymous.get(f"/r/{demo}")
    assert page.context["lane"].blocks == []
    assert 'id="turns"' not in page.text


def test_many_turns_make_a_lane_of_bounded_size(client, make_recording):
    """2,000 alternating turns: the lane keeps at most LANE_BLOCKS blocks, each a stretch one
    speaker led, from where they first speak in it."""
    rec = make_recording("debate", duration=4000)
    cues = []
    for i in range(1000):  # Ada speaks 1.5 s and Charles 0.5 s of every two seconds
        cues += [(2 * i, 2 * i + 1.5, "Ada Lovelace"), (2 * i + 1.5, 2 * i + 2, "Charles Babbage")]
    _import(client, rec, _vtt(*cues))
    assert len(_turns(client, rec)) == 500  # a page of the 2,000
    page = client.get(f"/r/{rec}")
    lane = page.context["lane"]
    assert lane.coarse
    assert [(b.speaker.name, b.start, b.end) for b in lane.blocks] == [("Ada Lovelace", 0, 2000)]
    assert [s.name for s in lane.speakers] == ["Ada Lovelace"]  # the legend names who is drawn
    assert "one speaker spoke most" in page.text


def test_coarse_stretches_follow_who_led(client, make_recording):
    """Ten-second slots: Ada leads 0-50, Charles 50-100 (with a gap), then Ada against
    Charles's short interjections; turns crossing a slot's edge count in both slots."""
    rec = make_recording("debate", duration=turn_service.LANE_BLOCKS * 10)
    cues = [(0, 50, "Ada Lovelace"), (50, 55, "Charles Babbage"), (60, 100, "Charles Babbage")]
    for i in range(100):
        cues += [(100 + i, 100.5 + i, "Ada Lovelace"), (100.5 + i, 100.6 + i, "Charles Babbage")]
    _import(client, rec, _vtt(*cues))
    lane = client.get(f"/r/{rec}").context["lane"]
    assert lane.coarse
    assert [(b.speaker.slug, b.colour, b.start, b.end) for b in lane.blocks] == [
        ("ada-lovelace", 0, 0, 50),
        ("charles-babbage", 1, 50, 100),
        ("ada-lovelace", 0, 100, 200),  # whole seconds
    ]


# The editor's forms


def _editor(browser_as, rec: str):
    browser, token = browser_as("editor")
    return browser, {csrf.PARAM: token}


def test_an_editor_adds_a_turn_with_the_form(browser_as, client, transcribed):
    browser, token = _editor(browser_as, transcribed)
    page = browser.get(f"/r/{transcribed}?t=2h20m")
    assert 'id="turn-add"' in page.text and "Set start to current time" in page.text
    response = browser.post(
        f"/r/{transcribed}/turns",
        params=token,
        data={"speaker": "mikhail-yugay", "start": "2:25:00", "end": "2h26m"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == f"/r/{transcribed}?t=2h25m#turns"
    assert ("mikhail-yugay", 8700, 8760) in _turns(client, transcribed)


@pytest.mark.parametrize(
    ("fields", "message", "bad_field"),
    [
        ({"speaker": ""}, "speaker: choose who spoke", "t-speaker"),
        ({"start": "soon"}, "start: 'soon': not a time code", "t-start"),
        ({"end": ""}, "end: a time code such as 2:20:00 is required", "t-end"),
        ({"end": "2:00:00"}, "end must be after start", "t-end"),
        ({"end": "9h"}, "past the recording's end", "t-end"),
        ({"speaker": "nobody"}, "no speaker 'nobody'", "t-speaker"),
    ],
)
def test_bad_form_input_re_renders_the_navigator_naming_the_field(
    browser_as, transcribed, snapshot, fields, message, bad_field
):
    browser, token = _editor(browser_as, transcribed)
    before = snapshot()
    data = {"speaker": "faina-filina", "start": "2:25:00", "end": "2:26:00", **fields}
    response = browser.post(f"/r/{transcribed}/turns", params=token, data=data)
    assert 400 <= response.status_code < 500
    assert response.template.name == "navigator.html"
    assert message in response.context["turn_form"].error
    assert re.search(rf'id="{bad_field}"[^>]*aria-invalid="true"', response.text)
    assert '<details class="turn-tools" id="turn-tools" open>' in response.text
    assert snapshot() == before


def test_an_editor_corrects_and_deletes_a_turn_with_the_forms(
    browser_as, client, transcribed, snapshot
):
    browser, token = _editor(browser_as, transcribed)
    faina = client.get(TURNS.format(transcribed)).json()["items"][1]["id"]
    page = browser.get(f"/r/{transcribed}?t=2h20m")
    assert f'id="turn-{faina}-start"' in page.text

    before = snapshot()
    refused = browser.post(
        f"/turns/{faina}/edit", params=token, data={"start": "2:20:20", "end": "2:20:00"}
    )
    assert refused.status_code == 422
    assert re.search(
        rf'id="turn-{faina}-end"[^>]*value="2:20:00" aria-invalid="true"', refused.text
    )
    assert snapshot() == before

    saved = browser.post(
        f"/turns/{faina}/edit",
        params=token,
        data={"start": "2:20:19", "end": "2:20:30"},
        follow_redirects=False,
    )
    assert (
        saved.status_code == 303
        and saved.headers["location"] == f"/r/{transcribed}?t=2h20m19s#turns"
    )
    assert ("faina-filina", 8419, 8430) in _turns(client, transcribed)
    gone = browser.post(f"/turns/{faina}/delete", params=token, follow_redirects=False)
    assert gone.status_code == 303
    assert "faina-filina" not in [t[0] for t in _turns(client, transcribed)]


def test_the_forms_need_an_editor_and_the_csrf_token(browser_as, transcribed, snapshot):
    member, token = browser_as("member")
    editor, _ = browser_as("editor")
    page = member.get(f"/r/{transcribed}")
    assert "Add a speaker turn" not in page.text
    data = {"speaker": "faina-filina", "start": "1:00", "end": "2:00"}
    before = snapshot()
    assert (
        member.post(f"/r/{transcribed}/turns", params={csrf.PARAM: token}, data=data).status_code
        == 403
    )
    assert editor.post(f"/r/{transcribed}/turns", data=data).status_code == 403  # no token
    assert snapshot() == before


# The speaker page


def test_the_speaker_page_lists_their_turns_as_deep_links(anonymous, client, transcribed):
    page = anonymous.get("/speakers/faina-filina")
    assert "When they spoke" in page.text
    assert f'<a href="/r/{transcribed}?t=2h20m20s">2:20:20–2:20:26</a>' in page.text
    ada = anonymous.get("/speakers/ada-lovelace").text
    assert ada.count(f'href="/r/{transcribed}?t=') == 2
    assert client.patch(f"/api/v1/recordings/{transcribed}", json={"published": False}).is_success
    assert f"/r/{transcribed}?t=2h20m20s" not in anonymous.get("/speakers/faina-filina").text
    assert "No turns known yet" in anonymous.get("/speakers/faina-filina").text
