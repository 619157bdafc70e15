"""The plain HTML annotation forms: CSRF-protected, 303 back to the moment, bad input
re-rendered with a message (never a 500), user text escaped."""

import re

import pytest

from app.http import csrf


def _token(client, demo) -> str:
    page = client.get(f"/r/{demo}")
    assert csrf.COOKIE in client.cookies
    return re.search(r'<meta name="csrf-token" content="([^"]+)">', page.text)[1]


def _count(client, demo) -> int:
    return len(client.get(f"/api/v1/recordings/{demo}/annotations?limit=500").json()["items"])


def test_form_post_creates_and_redirects_to_the_moment(client, demo):
    token = _token(client, demo)
    response = client.post(
        f"/r/{demo}/annotations",
        params={csrf.PARAM: token},
        data={
            "start": "2:20:05",
            "end": "2h20m30s",
            "kind": "quote",
            "speaker": "faina-filina",
            "text": "A quote from the form",
            "tags": "Medicine, success-factors",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303
    location = response.headers["location"]
    found = re.fullmatch(rf"/r/{demo}\?t=2h20m5s,2h20m30s#annotation-(\d+)", location)
    assert found
    stored = client.get(f"/api/v1/annotations/{found[1]}").json()
    assert (stored["start"], stored["end"], stored["kind"]) == (8405, 8430, "quote")
    assert stored["speaker"]["slug"] == "faina-filina"
    assert stored["tags"] == ["medicine", "success-factors"]
    page = client.get(location)
    assert f'id="annotation-{found[1]}"' in page.text


@pytest.mark.parametrize(
    ("fields", "message", "bad_field"),
    [
        ({"start": "soon"}, "start: 'soon': not a time code", "a-start"),
        ({"start": "2:20:00", "end": "2:10:00"}, "end must be after start", "a-end"),
        ({"start": "9h"}, "past the recording's end", "a-start"),
        ({"start": "1:00", "kind": "quote"}, "a quote names its speaker", "a-speaker"),
        ({"start": "1:00", "kind": "rumour"}, "kind", None),
        ({"start": "1:00", "speaker": "nobody"}, "no speaker 'nobody'", "a-speaker"),
    ],
)
def test_bad_form_input_re_renders_with_a_message(client, demo, fields, message, bad_field):
    token = _token(client, demo)
    before = _count(client, demo)
    response = client.post(
        f"/r/{demo}/annotations", params={csrf.PARAM: token}, data={"text": "kept text", **fields}
    )
    assert 400 <= response.status_code < 500
    assert response.template.name == "navigator.html"
    assert message in response.context["form"].error
    assert "kept text</textarea>" in response.text
    if bad_field:
        assert re.search(rf'id="{bad_field}"[^>]*aria-invalid="true"', response.text, re.S)
    assert _count(client, demo) == before


def test_form_post_without_csrf_is_refused_and_stores_nothing(client, browser_as, demo):
    before = _count(client, demo)
    browser, _ = browser_as("member")  # the browser carries its session cookie
    response = browser.post(f"/r/{demo}/annotations", data={"start": "1:00", "text": "forged"})
    assert response.status_code == 403
    assert response.headers["content-type"].startswith("text/html")
    assert "expired or was sent from another site" in response.text
    _, others = browser_as("other")
    for token in (others, "0" * 64):  # a token made for another browser, a made-up one
        forged = browser.post(
            f"/r/{demo}/annotations",
            params={csrf.PARAM: token},
            data={"start": "1:00", "text": "forged"},
        )
        assert forged.status_code == 403
    assert _count(client, demo) == before


def test_script_in_annotation_text_is_escaped(client, demo):
    evil = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    created = client.post(
        f"/api/v1/recordings/{demo}/annotations",
        json={"kind": "note", "start": 100, "text": evil, "tags": ["<b>tag</b>"]},
    ).json()
    for path in (f"/r/{demo}", f"/a/{created['id']}", f"/a/{created['id']}/item"):
        text = client.get(path).text
        assert "<script>alert" not in text and "<img src=x" not in text, path
        assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in text, path
        assert "<b>tag</b>" not in text, path
    page = client.get(f"/a/{created['id']}").text
    data = re.search(r'<script type="application/json" id="page-data">(.*?)</script>', page, re.S)
    assert "<" not in data[1]


def test_edit_form_changes_the_annotation(client, demo):
    created = client.post(
        f"/api/v1/recordings/{demo}/annotations",
        json={"kind": "note", "start": 100, "text": "first"},
    ).json()
    form = client.get(f"/a/{created['id']}/edit")
    assert form.status_code == 200 and "first</textarea>" in form.text
    token = re.search(r'<meta name="csrf-token" content="([^"]+)">', form.text)[1]
    response = client.post(
        f"/a/{created['id']}/edit",
        params={csrf.PARAM: token},
        data={"start": "0:02:00", "kind": "question", "text": "second"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    stored = client.get(f"/api/v1/annotations/{created['id']}").json()
    assert (stored["start"], stored["kind"], stored["text"]) == (120, "question", "second")
    bad = client.post(
        f"/a/{created['id']}/edit", params={csrf.PARAM: token}, data={"start": "", "text": "x"}
    )
    assert bad.status_code == 422 and "keeps a time" in bad.text


def test_delete_form_removes_it(client, demo):
    created = client.post(
        f"/api/v1/recordings/{demo}/annotations", json={"kind": "note", "start": 100}
    ).json()
    token = _token(client, demo)
    response = client.post(
        f"/a/{created['id']}/delete", params={csrf.PARAM: token}, follow_redirects=False
    )
    assert response.status_code == 303
    assert client.get(f"/api/v1/annotations/{created['id']}").status_code == 404


def test_place_form_pins_an_unplaced_quote(client, demo):
    quote = client.get(f"/api/v1/recordings/{demo}/annotations?speaker=faina-filina").json()
    quote_id = quote["items"][0]["id"]
    token = _token(client, demo)
    response = client.post(
        f"/a/{quote_id}/place",
        params={csrf.PARAM: token},
        data={"start": "2:40:00"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == f"/r/{demo}?t=2h40m#annotation-{quote_id}"
    stored = client.get(f"/api/v1/annotations/{quote_id}").json()
    assert (stored["start"], stored["placement"]) == (9600, "exact")
    refused = client.post(
        f"/a/{quote_id}/place", params={csrf.PARAM: token}, data={"start": "later"}
    )
    assert refused.status_code == 422
