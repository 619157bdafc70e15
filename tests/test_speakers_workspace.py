"""Speakers for editors (PRODUCT §6c): the /speakers index, the edit form with aliases, and
merging two records of one person so that imports and search find either spelling."""

import re

import pytest
from sqlmodel import select

from app import links
from app.http import csrf
from app.models import Speaker, SpeakerTurn
from app.services import access, recordings
from app.services import speakers as speaker_service

RU = "Евгений Куценко"
KEEP = "evgeniy-kutsenko"
TWIN = "evgenii-kutsenko"  # the slug made from the Russian spelling
BIO = "Руководитель Российской кластерной обсерватории"
RU_VTT = f"""WEBVTT

00:00:05.000 --> 00:00:09.000
<v {RU}>Добрый день, уважаемые коллеги.

00:00:09.000 --> 00:00:14.000
<v {RU}>Кластеры — это прежде всего сотрудничество.
"""
ARTICLE = f"\u201cRegions that cooperate build the strongest clusters\u201d, noted {RU}."


@pytest.fixture
def editor(browser_as):
    """An editor's signed-in browser and its CSRF token."""
    return browser_as("editor")


def _speaker(client, slug: str) -> dict:
    response = client.get(f"/api/v1/speakers/{slug}")
    assert response.status_code == 200, response.text
    return response.json()


def _roles(client, demo: str, segment: str) -> dict[str, str]:
    answer = client.get(f"/api/v1/recordings/{demo}/segments/{segment}").json()
    return {s["speaker"]: s["role"] for s in answer["speakers"]}


def _add_to_session(client, demo: str, segment: str, slug: str, role: str) -> None:
    speakers = [{"speaker": s, "role": r} for s, r in _roles(client, demo, segment).items()] + [
        {"speaker": slug, "role": role}
    ]
    url = f"/api/v1/recordings/{demo}/segments/{segment}"
    assert client.patch(url, json={"speakers": speakers}).status_code == 200


def _speaker_count(client) -> int:
    return len(client.get("/api/v1/speakers?limit=500").json()["items"])


def _turns(database) -> list[tuple[str, float]]:
    """(speaker, start) of every turn: the API for turns is another part's."""
    with database.unit_of_work() as session:
        stmt = select(Speaker.slug, SpeakerTurn.start).join(Speaker)
        return sorted((slug, start) for slug, start in session.exec(stmt))


@pytest.fixture
def twin(client, demo, database) -> int:
    """Evgeniy Kutsenko recorded a second time, in Russian: moderating the plenary (where
    the demo lists him as a speaker), a panelist of the round table (where he is not), a plain
    speaker of the panel (where he is a panelist), with a quote, transcript lines and a turn
    of its own. Returns the quote's id."""
    made = client.post(
        "/api/v1/speakers", json={"name": RU, "bio": BIO, "link": "https://issek.hse.ru/"}
    )
    assert made.status_code == 201 and made.json()["slug"] == TWIN
    _add_to_session(client, demo, "plenary", TWIN, "moderator")
    _add_to_session(client, demo, "round-table", TWIN, "panelist")
    _add_to_session(client, demo, "panel", TWIN, "speaker")
    quote = {"kind": "quote", "speaker": TWIN, "start": 125, "text": "Кластеры растут вместе."}
    made = client.post(f"/api/v1/recordings/{demo}/annotations", json=quote)
    assert made.status_code == 201
    imported = client.post(f"/api/v1/recordings/{demo}/transcript?language=ru", content=RU_VTT)
    assert imported.json()["speakers_matched"] == [TWIN], imported.text
    with database.unit_of_work() as session:
        rec = recordings.get(session, slug=demo, viewer=access.OPERATOR)
        twin = speaker_service.get(session, slug=TWIN)
        session.add(SpeakerTurn(recording_id=rec.id, speaker_id=twin.id, start=120, end=180))
    return made.json()["id"]


def _everything_moved(client, demo: str, database, quote: int) -> None:
    assert client.get(f"/api/v1/speakers/{TWIN}").status_code == 404
    kept = _speaker(client, KEEP)
    assert kept["aliases"] == [RU]
    assert (kept["role"], kept["bio"], kept["link"]) == ("Head", BIO, "https://issek.hse.ru/")
    assert _roles(client, demo, "plenary")[KEEP] == "moderator"  # the role that says more
    assert _roles(client, demo, "round-table")[KEEP] == "panelist"
    assert _roles(client, demo, "panel")[KEEP] == "panelist"
    assert all(TWIN not in _roles(client, demo, s) for s in ("plenary", "round-table", "panel"))
    assert client.get(f"/api/v1/annotations/{quote}").json()["speaker"]["slug"] == KEEP
    cues = client.get(f"/api/v1/recordings/{demo}/transcript?language=ru").json()["items"]
    assert [c["speaker"] for c in cues] == [KEEP, KEEP]
    turns = _turns(database)
    assert (KEEP, 120.0) in turns and all(slug == KEEP for slug, _ in turns)


def test_an_editor_merges_the_twin_through_the_form(
    client, editor, browser_as, demo, database, twin
):
    browser, token = editor
    form = browser.get(f"/speakers/{KEEP}/edit")
    assert form.status_code == 200
    assert "Merge another record of this person into this one" in form.text
    assert f'<option value="{TWIN}">{RU} · {TWIN}</option>' in form.text
    response = browser.post(
        f"/speakers/{KEEP}/merge",
        params={csrf.PARAM: token},
        data={"other": TWIN},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    assert response.headers["location"].startswith(f"/speakers/{KEEP}?merged=")
    page = browser.get(response.headers["location"])
    assert f"Merged {RU} into this record" in page.text
    assert f"Also written: {RU}" in page.text
    assert "The world&#39;s biomedical clusters" in page.text  # the twin's session
    assert "Кластеры растут вместе." in page.text  # and quote
    _everything_moved(client, demo, database, twin)
    old_link = browser.get(f"/speakers/{TWIN}", follow_redirects=False)
    assert (old_link.status_code, old_link.headers["location"]) == (301, f"/speakers/{KEEP}")
    admin, _ = browser_as("admin")
    assert f"merged {RU} ({TWIN}) into Evgeniy Kutsenko ({KEEP})" in admin.get("/admin/audit").text


def test_a_script_merges_the_twin_through_the_api(client, demo, database, twin):
    response = client.post(f"/api/v1/speakers/{KEEP}/merge", json={"other": TWIN})
    assert response.status_code == 200, response.text
    assert (response.json()["slug"], response.json()["aliases"]) == (KEEP, [RU])
    _everything_moved(client, demo, database, twin)


def test_a_merge_keeps_each_spelling_once_and_at_most_twenty(client, demo, snapshot):
    assert client.patch(f"/api/v1/speakers/{KEEP}", json={"aliases": [RU]}).status_code == 200
    other = {"name": "EVGENIY  KUTSENKO", "aliases": ["Eugene Kutsenko"]}
    assert client.post("/api/v1/speakers", json=other).status_code == 201
    merged = client.post(f"/api/v1/speakers/{KEEP}/merge", json={"other": "evgeniy-kutsenko-2"})
    assert merged.json()["aliases"] == [RU, "Eugene Kutsenko"]
    many = {"name": "E. Kutsenko", "aliases": [f"Spelling {i}" for i in range(19)]}
    assert client.post("/api/v1/speakers", json=many).status_code == 201
    before = snapshot()
    refused = client.post(f"/api/v1/speakers/{KEEP}/merge", json={"other": "e-kutsenko"})
    assert (refused.status_code, refused.json()["field"]) == (422, "body.other")
    assert "22 spellings, more than 20" in refused.json()["detail"]
    assert snapshot() == before


def _alias_by_merge(client, editor) -> None:
    assert client.post("/api/v1/speakers", json={"name": RU}).status_code == 201
    assert client.post(f"/api/v1/speakers/{KEEP}/merge", json={"other": TWIN}).status_code == 200


def _alias_by_edit_form(client, editor) -> None:
    browser, token = editor
    kept = _speaker(client, KEEP)
    fields = {k: kept[k] for k in ("name", "slug", "role", "organisation", "country", "bio")}
    response = browser.post(
        f"/speakers/{KEEP}/edit",
        params={csrf.PARAM: token},
        data={**fields, "aliases": f"\n{RU}\r\n  Eugene Kutsenko  \n"},
        follow_redirects=False,
    )
    assert (response.status_code, response.headers["location"]) == (303, f"/speakers/{KEEP}")
    assert _speaker(client, KEEP)["aliases"] == [RU, "Eugene Kutsenko"]


@pytest.mark.parametrize("give_alias", [_alias_by_merge, _alias_by_edit_form])
def test_a_russian_transcript_attaches_its_cues_to_the_one_speaker(
    client, editor, demo, give_alias
):
    """Done when 5: "Евгений Куценко" in voice tags is Evgeniy Kutsenko, not a new speaker."""
    give_alias(client, editor)
    count = _speaker_count(client)
    response = client.post(
        f"/api/v1/recordings/{demo}/transcript?language=ru",
        files={"file": ("ru.vtt", RU_VTT.encode(), "text/vtt")},
    )
    assert response.status_code == 201, response.text
    assert (response.json()["speakers_matched"], response.json()["speakers_created"]) == (
        [KEEP],
        [],
    )
    assert _speaker_count(client) == count
    cues = client.get(f"/api/v1/recordings/{demo}/transcript?language=ru").json()["items"]
    assert [(c["speaker"], c["speaker_name"]) for c in cues] == [(KEEP, "Evgeniy Kutsenko")] * 2


def test_the_write_up_import_finds_a_speaker_by_an_alias(client, editor, demo):
    _alias_by_merge(client, editor)
    proposed = client.post(f"/api/v1/recordings/{demo}/writeup/proposals", json={"text": ARTICLE})
    assert [(s["name"], s["existing"]) for s in proposed.json()["speakers"]] == [(RU, KEEP)]
    (quote,) = proposed.json()["quotes"]
    body = {
        "speakers": [{"key": quote["speaker"], "name": RU}],
        "quotes": [{"text": quote["text"], "speaker": quote["speaker"], "segment": "panel"}],
    }
    applied = client.post(f"/api/v1/recordings/{demo}/writeup/apply", json=body)
    assert applied.status_code == 201, applied.text
    assert (applied.json()["speakers_matched"], applied.json()["speakers_created"]) == ([KEEP], [])


def test_search_finds_a_speaker_by_an_alias(client, anonymous, editor, demo):
    _alias_by_merge(client, editor)
    hits = client.get("/api/v1/search", params={"q": "Куценко"}).json()["items"]
    assert [(h["kind"], h["url"]) for h in hits] == [("speaker", f"/speakers/{KEEP}")]
    page = anonymous.get("/search", params={"q": "куценко"})
    assert f'href="/speakers/{KEEP}"' in page.text


def test_the_index_lists_everyone_by_name_with_edit_links_for_editors(
    anonymous, editor, client, demo
):
    client.patch(f"/api/v1/speakers/{KEEP}", json={"aliases": [RU]})
    page = anonymous.get("/speakers")
    assert page.status_code == 200
    assert '<a href="/speakers">Speakers</a>' in page.text  # in every page's header
    names = re.findall(r'<li><a href="/speakers/([a-z0-9-]+)">', page.text)
    assert names[:3] == ["aleksei-nizkovskiy", "anatoly-sotnikov", "dmitri-chagin"]
    assert len(names) == 13
    assert "Head, Russian Cluster Observatory" in page.text and f"(also {RU})" in page.text
    assert not re.search(r'href="[^"]*/edit"', page.text)
    browser, _ = editor
    assert (
        f'<a href="/speakers/{KEEP}/edit" aria-label="Edit Evgeniy Kutsenko">'
        in browser.get("/speakers").text
    )
    assert f'href="/speakers/{KEEP}/edit">Edit speaker</a>' in browser.get(f"/speakers/{KEEP}").text
    assert "Edit speaker" not in anonymous.get(f"/speakers/{KEEP}").text


def test_the_index_is_paged(anonymous, demo):
    first = anonymous.get("/speakers", params={"limit": 10})
    assert len(re.findall(r'<li><a href="/speakers/', first.text)) == 10
    more = re.search(r'<a href="(\?cursor=[^"]+)">More speakers</a>', first.text)
    assert more, first.text
    second = anonymous.get("/speakers" + more[1].replace("&amp;", "&"))
    names = re.findall(r'<li><a href="/speakers/([a-z0-9-]+)">', second.text)
    assert names == ["julia-plaia", "maya-sviridova", "mikhail-yugay"]
    assert "More speakers" not in second.text


def test_an_editor_edits_a_speaker_and_renames_the_slug(client, editor, anonymous, demo):
    browser, token = editor
    form = browser.get("/speakers/faina-filina/edit")
    assert 'value="Deputy General Director"' in form.text
    response = browser.post(
        "/speakers/faina-filina/edit",
        params={csrf.PARAM: token},
        data={
            "name": "Faina Filina",
            "slug": "f-filina",
            "role": "General Director",
            "organisation": "IMC Foundation",
            "country": "Russia",
            "bio": "",
            "link": "https://example.org/filina",
            "aliases": "Фаина Филина",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303, re.findall(r'class="error".*', response.text)
    assert response.headers["location"] == "/speakers/f-filina"
    stored = _speaker(client, "f-filina")
    assert (stored["role"], stored["link"], stored["aliases"]) == (
        "General Director",
        "https://example.org/filina",
        ["Фаина Филина"],
    )
    assert "Also written: Фаина Филина" in anonymous.get("/speakers/f-filina").text


@pytest.mark.parametrize(
    ("method", "url", "body", "status", "field"),
    [
        ("post", f"/api/v1/speakers/{KEEP}/merge", {"other": KEEP}, 422, "body.other"),
        ("post", f"/api/v1/speakers/{KEEP}/merge", {"other": "nobody"}, 404, "body.other"),
        ("post", f"/api/v1/speakers/{KEEP}/merge", {"other": "Not A Slug"}, 422, "body.other"),
        ("post", f"/api/v1/speakers/{KEEP}/merge", {}, 422, "body.other"),
        ("post", "/api/v1/speakers/nobody/merge", {"other": KEEP}, 404, "path.speaker"),
        ("patch", f"/api/v1/speakers/{KEEP}", {"aliases": ["x" * 201]}, 422, "body.aliases.0"),
        ("patch", f"/api/v1/speakers/{KEEP}", {"aliases": ["a\nb"]}, 422, "body.aliases.0"),
        ("patch", f"/api/v1/speakers/{KEEP}", {"aliases": ["a\u2028b"]}, 422, "body.aliases.0"),
        ("patch", f"/api/v1/speakers/{KEEP}", {"aliases": ["  "]}, 422, "body.aliases.0"),
        ("patch", f"/api/v1/speakers/{KEEP}", {"aliases": "Eugene"}, 422, "body.aliases"),
        (
            "patch",
            f"/api/v1/speakers/{KEEP}",
            {"aliases": [f"Name {i}" for i in range(21)]},
            422,
            "body.aliases",
        ),
        ("patch", f"/api/v1/speakers/{KEEP}", {"aliases": [RU, "ЕВГЕНИЙ  КУЦЕНКО"]}, 422, None),
        (
            "patch",
            f"/api/v1/speakers/{KEEP}",
            {"aliases": ["E. Kutsenko", "EVGENIY  KUTSENKO"]},
            422,
            None,
        ),
        ("patch", f"/api/v1/speakers/{KEEP}", {"aliases": ["Dr Faina Filina"]}, 409, None),
        ("patch", f"/api/v1/speakers/{KEEP}", {"name": "x" * 201}, 422, "body.name"),
        ("post", "/api/v1/speakers", {"name": "New", "aliases": ["Faina Filina"]}, 409, None),
    ],
)
def test_bad_speaker_input_is_refused_naming_the_field(
    client, demo, snapshot, method, url, body, status, field
):
    before = snapshot()
    response = getattr(client, method)(url, json=body)
    assert response.status_code == status, response.text
    if field is None:  # the alias at fault
        field = "body.aliases.1" if len(body["aliases"]) == 2 else "body.aliases.0"
    assert response.json()["field"] == field
    assert snapshot() == before


def test_an_alias_that_is_anothers_name_says_to_merge(client, demo):
    response = client.patch(f"/api/v1/speakers/{KEEP}", json={"aliases": ["Dr Faina Filina"]})
    assert "is how Faina Filina (faina-filina) is called; merge" in response.json()["detail"]


@pytest.mark.parametrize(
    ("path", "data", "status", "words", "invalid"),
    [
        ("merge", {"other": KEEP}, 422, "A speaker cannot be merged with itself", 'id="m-other"'),
        ("merge", {"other": "nobody"}, 404, "No speaker &#39;nobody&#39;", 'id="m-other"'),
        ("merge", {"other": ""}, 422, "Choose the other record of this person", 'id="m-other"'),
        ("merge", {}, 422, "Choose the other record", 'id="m-other"'),
        (
            "edit",
            {"name": "Evgeniy Kutsenko", "aliases": "Eugene\n" + "x" * 201},
            422,
            "Alias 2: an alias is at most 200 characters",
            'id="f-aliases"',
        ),
        ("edit", {"name": ""}, 422, "Name", 'id="f-name"'),
        ("edit", {"name": "E K", "slug": "Bad Slug"}, 422, "Slug", 'id="f-slug"'),
        ("edit", {"name": "E K", "link": "javascript:alert(1)"}, 422, "Link", 'id="f-link"'),
    ],
)
def test_a_refused_form_names_the_field_and_changes_nothing(
    editor, demo, snapshot, path, data, status, words, invalid
):
    browser, token = editor
    before = snapshot()
    response = browser.post(f"/speakers/{KEEP}/{path}", params={csrf.PARAM: token}, data=data)
    assert response.status_code == status, response.text
    assert words in response.text
    tag = re.search(rf"<(?:input|select|textarea) {invalid}[^>]*>", response.text)[0]
    assert 'aria-invalid="true"' in tag
    assert snapshot() == before


def test_forms_without_the_csrf_token_are_refused(editor, demo, snapshot):
    browser, _ = editor
    before = snapshot()
    for path, data in (("merge", {"other": "faina-filina"}), ("edit", {"name": "Someone"})):
        response = browser.post(f"/speakers/{KEEP}/{path}", data=data)
        assert response.status_code == 403, response.text
    assert snapshot() == before


def test_visitors_and_members_are_refused(anonymous, browser_as, clients, demo, snapshot):
    member, token = browser_as("member")
    before = snapshot()
    edit = anonymous.get(f"/speakers/{KEEP}/edit", follow_redirects=False)
    login = links.login_url(f"/speakers/{KEEP}/edit")
    assert (edit.status_code, edit.headers["location"]) == (303, login)
    page = anonymous.get("/speakers").text
    anonymous_token = re.search(r'<meta name="csrf-token" content="([^"]+)">', page)[1]
    assert member.get(f"/speakers/{KEEP}/edit").status_code == 403
    for path, data in (("merge", {"other": "faina-filina"}), ("edit", {"name": "Someone"})):
        url = f"/speakers/{KEEP}/{path}"
        refused = anonymous.post(url, params={csrf.PARAM: anonymous_token}, data=data)
        assert refused.status_code == 401 and "sign in" in refused.text.lower()
        assert member.post(url, params={csrf.PARAM: token}, data=data).status_code == 403
    api = f"/api/v1/speakers/{KEEP}/merge"
    assert clients().post(api, json={"other": "faina-filina"}).status_code == 401
    assert clients("member").post(api, json={"other": "faina-filina"}).status_code == 403
    assert snapshot() == before
