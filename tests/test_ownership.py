"""Annotations belong to someone (PRODUCT §6b): a private one is its owner's alone in every
page, API answer, search result, reply thread and filter menu; only its owner or an editor
changes or deletes it; editors hide and restore; admins read the audit log of all of it."""

import re

import pytest

SECRET = "pineapple"


@pytest.fixture
def people(clients, browser_as) -> dict:
    """Scripts (API tokens) and signed-in browsers for each account, and anonymous ones."""
    return {
        "script": {name: clients(name) for name in ("member", "other", "editor", "admin")}
        | {None: clients()},
        "browser": {name: browser_as(name)[0] for name in ("member", "other", "editor", "admin")}
        | {None: clients()},
    }


def _post(client, demo: str, **body) -> dict:
    response = client.post(f"/api/v1/recordings/{demo}/annotations", json=body)
    assert response.status_code == 201, response.text
    return response.json()


@pytest.fixture
def private(people, demo) -> dict:
    """The member's private note (tagged), and a private reply of theirs under a public
    note of another member's."""
    member, other = people["script"]["member"], people["script"]["other"]
    note = _post(
        member, demo, start=8500, text=f"my {SECRET} idea", visibility="private", tags=[SECRET]
    )
    public = _post(other, demo, start=8600, text="A public remark")
    reply = _post(
        member, demo, reply_to=public["id"], text=f"a {SECRET} reply", visibility="private"
    )
    return {"note": note["id"], "public": public["id"], "reply": reply["id"]}


def _everything_a_viewer_can_read(script, browser, demo: str, ids: dict) -> str:
    """Every answer that could show an annotation: list (whole and filtered by tag), single
    ones, search (API and page), the pages with the navigator, the annotation's own page and
    item, its edit form."""
    answers = [
        script.get(f"/api/v1/recordings/{demo}/annotations", params={"limit": 500}),
        script.get(f"/api/v1/recordings/{demo}/annotations", params={"tag": SECRET}),
        script.get(f"/api/v1/annotations/{ids['note']}"),
        script.get(f"/api/v1/annotations/{ids['public']}"),
        script.get(f"/api/v1/annotations/{ids['reply']}"),
        script.get("/api/v1/search", params={"q": SECRET}),
        browser.get("/search", params={"q": SECRET}),
        browser.get(f"/r/{demo}?t=8500"),
        browser.get(f"/r/{demo}/s/round-table"),
        browser.get(f"/a/{ids['note']}"),
        browser.get(f"/a/{ids['note']}/item"),
        browser.get(f"/a/{ids['reply']}"),
        browser.get(f"/a/{ids['public']}"),
        browser.get(f"/embed/r/{demo}"),
        browser.get("/oembed", params={"url": f"http://testserver/a/{ids['note']}"}),
    ]
    return "\n".join(response.text for response in answers)


def test_a_private_annotation_is_seen_by_its_owner_alone(people, demo, private):
    mine = _everything_a_viewer_can_read(
        people["script"]["member"], people["browser"]["member"], demo, private
    )
    assert mine.count(f"my {SECRET} idea") >= 6 and f"a {SECRET} reply" in mine
    assert f"my <mark>{SECRET}</mark> idea" in mine  # found by search
    for someone in ("other", "editor", "admin", None):
        seen = _everything_a_viewer_can_read(
            people["script"][someone], people["browser"][someone], demo, private
        )
        leaks = [
            f"{SECRET} idea",
            f"{SECRET} reply",
            f"{SECRET}</mark>",
            f'<option value="{SECRET}"',
        ]
        assert not [leak for leak in leaks if leak in seen], f"{someone or 'anonymous'} saw it"
        assert "A public remark" in seen  # the pages were not just empty


def test_private_annotations_are_not_found_rather_than_forbidden(people, private):
    for someone in ("other", "editor", "admin", None):
        script = people["script"][someone]
        for method in ("get", "patch", "delete"):
            kwargs = {"json": {"text": "x"}} if method == "patch" else {}
            response = getattr(script, method)(f"/api/v1/annotations/{private['note']}", **kwargs)
            assert response.status_code in (401, 404), (someone, method)
            if response.status_code == 404:
                assert response.json()["detail"] == f"no annotation {private['note']}"


def test_replies_form_threads_with_their_own_owner_and_visibility(people, demo, private):
    public = people["script"]["other"].get(f"/api/v1/annotations/{private['public']}").json()
    assert public["replies"] == []  # the member's reply is private
    open_reply = _post(people["script"]["editor"], demo, reply_to=private["public"], text="Agreed")
    assert open_reply["start"] == 8600 and open_reply["owner"] == "editor"
    listed = people["script"]["member"].get(f"/api/v1/recordings/{demo}/annotations").json()
    (thread,) = [a for a in listed["items"] if a["id"] == private["public"]]
    assert [(r["owner"], r["visibility"]) for r in thread["replies"]] == [
        ("member", "private"),
        ("editor", "public"),
    ]
    assert private["reply"] not in [a["id"] for a in listed["items"]]  # only in its thread
    page = people["browser"][None].get(f"/a/{private['public']}").text
    assert "Agreed" in page and SECRET not in page
    deeper = people["script"]["member"].post(
        f"/api/v1/recordings/{demo}/annotations", json={"reply_to": open_reply["id"], "text": "x"}
    )
    assert deeper.status_code == 422 and "not another reply" in deeper.json()["detail"]


def test_only_the_owner_or_an_editor_changes_or_deletes(people, demo, snapshot):
    note = _post(people["script"]["member"], demo, start=120, text="Mine")
    url = f"/api/v1/annotations/{note['id']}"
    before = snapshot()
    other = people["script"]["other"]
    for response in (other.patch(url, json={"text": "Defaced"}), other.delete(url)):
        assert response.status_code == 403
        assert (
            response.json()["detail"] == "only its author or an editor may change this annotation"
        )
    browser = people["browser"]["other"]
    assert browser.get(f"/a/{note['id']}/edit").status_code == 403
    assert snapshot() == before
    assert people["script"]["member"].patch(url, json={"text": "Mine, edited"}).status_code == 200
    editor = people["script"]["editor"]
    assert editor.patch(url, json={"text": "Tidied"}).json()["text"] == "Tidied"
    refused = editor.patch(url, json={"visibility": "private"})
    assert refused.status_code == 403
    assert refused.json()["detail"] == "only its author decides who sees an annotation"
    assert editor.delete(url).status_code == 204


def test_a_member_makes_notes_and_an_editor_quotes(people, demo):
    quote = {"kind": "quote", "speaker": "faina-filina", "start": 9000, "text": "Invented"}
    refused = people["script"]["member"].post(f"/api/v1/recordings/{demo}/annotations", json=quote)
    assert (
        refused.status_code == 403 and "quotes are curated by editors" in refused.json()["detail"]
    )
    note = _post(people["script"]["member"], demo, start=9000, text="A note")
    changed = people["script"]["member"].patch(
        f"/api/v1/annotations/{note['id']}", json={"kind": "quote", "speaker": "faina-filina"}
    )
    assert changed.status_code == 403
    assert _post(people["script"]["editor"], demo, **quote)["owner"] == "editor"


def test_an_owner_keeps_their_private_annotation(people, demo):
    """The old bug: making an annotation private hid it from its author too."""
    member = people["script"]["member"]
    note = _post(member, demo, start=300, text="Soon private")
    url = f"/api/v1/annotations/{note['id']}"
    assert member.patch(url, json={"visibility": "private"}).json()["visibility"] == "private"
    assert member.get(url).status_code == 200
    assert member.delete(url).status_code == 204


def test_the_demo_quotes_belong_to_the_organiser(people, demo):
    items = people["script"][None].get(
        f"/api/v1/recordings/{demo}/annotations", params={"kind": "quote", "limit": 500}
    )
    owners = {a["owner"] for a in items.json()["items"]}
    assert owners == {"organiser"}


def test_editors_hide_and_restore_and_the_queue_shows_what_is_hidden(people, demo):
    note = _post(people["script"]["member"], demo, start=400, text="Rude words")
    url = f"/api/v1/annotations/{note['id']}"
    assert people["script"]["member"].post(f"{url}/hide").status_code == 403
    hidden = people["script"]["editor"].post(f"{url}/hide")
    assert hidden.status_code == 200 and hidden.json()["hidden"] is True
    assert people["script"][None].get(url).status_code == 404
    assert people["script"]["other"].get(url).status_code == 404
    listed = people["script"][None].get(f"/api/v1/recordings/{demo}/annotations").json()
    assert note["id"] not in [a["id"] for a in listed["items"]]
    assert "Rude words" not in people["browser"][None].get(f"/r/{demo}?t=400").text
    own = people["script"]["member"].get(url).json()  # its author still sees it, marked
    assert own["hidden"] is True
    queue = people["script"]["editor"].get("/api/v1/moderation").json()["items"]
    assert [a["id"] for a in queue] == [note["id"]]
    page = people["browser"]["editor"].get("/moderation").text
    assert "Rude words" in page and f'action="/a/{note["id"]}/restore' in page

    restored = people["script"]["editor"].post(f"{url}/restore")
    assert restored.json()["hidden"] is False
    assert people["script"][None].get(url).status_code == 200
    assert people["script"]["editor"].get("/api/v1/moderation").json()["items"] == []


def test_hiding_through_the_page(people, demo):
    note = _post(people["script"]["member"], demo, start=500, text="Off topic")
    browser, token = people["browser"]["editor"], None
    page = browser.get(f"/r/{demo}?t=500").text
    token = re.search(r'<meta name="csrf-token" content="([^"]+)">', page)[1]
    assert f'action="/a/{note["id"]}/hide' in page
    response = browser.post(
        f"/a/{note['id']}/hide", params={"csrf_token": token}, follow_redirects=False
    )
    assert response.status_code == 303
    assert "Off topic" in browser.get("/moderation").text
    assert "Off topic" not in people["browser"][None].get(f"/r/{demo}?t=500").text


def test_admins_read_who_did_what(people, demo):
    member, editor = people["script"]["member"], people["script"]["editor"]
    note = _post(member, demo, start=600, text="Audited")
    url = f"/api/v1/annotations/{note['id']}"
    member.patch(url, json={"text": "Audited, edited"})
    editor.post(f"{url}/hide")
    editor.post(f"{url}/restore")
    _post(member, demo, start=601, text=f"a {SECRET}", visibility="private")
    editor.delete(url)
    for refused in ("member", "editor"):
        assert people["script"][refused].get("/api/v1/audit").status_code == 403
    entries = people["script"]["admin"].get("/api/v1/audit").json()["items"]
    assert [(e["actor"], e["action"], e["subject_id"]) for e in entries[:6]] == [
        ("editor", "deleted", note["id"]),
        ("member", "created", note["id"] + 1),
        ("editor", "restored", note["id"]),
        ("editor", "hid", note["id"]),
        ("member", "changed", note["id"]),
        ("member", "created", note["id"]),
    ]
    assert entries[0]["summary"] == "note at 0:10:00: Audited, edited"
    assert entries[1]["summary"] == "private note at 0:10:01"  # its text is its owner's
    page = people["browser"]["admin"].get("/admin/audit").text
    assert "Audited, edited" in page and SECRET not in page
