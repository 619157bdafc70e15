"""Pages kept for readers who are not signed in (app/http/page_cache.py), over real HTTP and a
real database: a change to anything a page shows is on the next answer, each browser gets its
own CSRF token, languages and signed-in readers never share a page, and within the allowed
staleness the kept page (with its live position) is what a crowd gets."""

import gzip
import re

from app.http import csrf, page_cache
from app.http.page_cache import PageCache
from app.web import navigator

TOKEN = re.compile(r'<meta name="csrf-token" content="([0-9a-f]+)">')
LIVE_AFTER = re.compile(r'"liveAfter":\s*(\d+)')


def test_a_change_is_on_the_next_answer(client, anonymous, demo):
    page = f"/r/{demo}/s/round-table?t=5m"
    first = anonymous.get(page)
    assert first.status_code == 200 and "Kept or not" not in first.text
    assert anonymous.get(page, headers={"If-None-Match": first.headers["etag"]}).status_code == 304

    body = {"start": 8700, "text": "Kept or not"}
    made = client.post(f"/api/v1/recordings/{demo}/annotations", json=body).json()
    assert "Kept or not" in anonymous.get(page).text
    client.patch(
        f"/api/v1/recordings/{demo}/segments/round-table", json={"title": "Round table, renamed"}
    )
    assert "Round table, renamed" in anonymous.get(page).text
    client.post(f"/api/v1/annotations/{made['id']}/hide")
    hidden = anonymous.get(page)
    assert "Kept or not" not in hidden.text
    assert int(LIVE_AFTER.search(hidden.text)[1]) > int(LIVE_AFTER.search(first.text)[1])


def test_each_browser_gets_its_own_token(clients, demo):
    one, two = clients(), clients()
    page = f"/r/{demo}?t=1h"
    first, second = one.get(page), two.get(page)  # the second is the kept page
    tokens = [TOKEN.search(r.text)[1] for r in (first, second)]
    assert tokens[0] != tokens[1]
    assert csrf.PLACEHOLDER not in first.text + second.text
    assert second.text.count(tokens[1]) == first.text.count(tokens[0]) >= 1
    for browser, token in ((one, tokens[0]), (two, tokens[1])):
        refused = browser.post("/login", data={"username": "nobody", "password": "wrong"})
        assert refused.status_code == 403  # no token: the CSRF check, not the password
        answer = browser.post(
            "/login", params={csrf.PARAM: token}, data={"username": "nobody", "password": "x"}
        )
        assert answer.status_code != 403  # each browser's own token passes


def test_languages_are_kept_apart(anonymous, demo):
    page = f"/r/{demo}?t=1h"
    russian = anonymous.get(page, params={"lang": "ru"})
    assert '<html lang="ru">' in russian.text
    english = anonymous.get(page, params={"lang": "en"})
    assert '<html lang="en">' in english.text
    assert '<html lang="ru">' in anonymous.get(page, params={"lang": "ru"}).text


def test_signed_in_readers_get_their_own_page(clients, anonymous, demo):
    member = clients("member")
    page = f"/r/{demo}?t=2h30m"
    anonymous.get(page)  # kept
    body = {"start": 9001, "text": "Only mine", "visibility": "private"}
    assert member.post(f"/api/v1/recordings/{demo}/annotations", json=body).status_code == 201
    assert "Only mine" in member.get(page).text
    assert "Only mine" not in anonymous.get(page).text
    assert "Only mine" not in clients("other").get(page).text


def test_within_the_allowance_a_crowd_gets_the_kept_page(shared_app, client, anonymous, demo):
    shared_app.state.pages = PageCache(stale_seconds=60)
    page = f"/r/{demo}?t=2h30m"
    first = anonymous.get(page)
    body = {"start": 9002, "text": "Said after the page was kept"}
    assert client.post(f"/api/v1/recordings/{demo}/annotations", json=body).status_code == 201
    again = anonymous.get(page)
    assert "Said after the page was kept" not in again.text  # the kept page, stale
    assert LIVE_AFTER.search(again.text)[1] == LIVE_AFTER.search(first.text)[1]  # live from there
    assert "Said after the page was kept" in anonymous.get(f"{page}&kind=note").text  # new link
    shared_app.state.pages = PageCache(stale_seconds=0)
    assert "Said after the page was kept" in anonymous.get(page).text


def test_the_transcript_file_is_made_again_after_a_change(client, anonymous, transcribed):
    url = f"/r/{transcribed}/transcript.vtt"
    first = anonymous.get(url)
    assert first.status_code == 200 and first.headers["content-type"].startswith("text/vtt")
    assert "set-cookie" not in first.headers and anonymous.get(url).text == first.text
    vtt = "WEBVTT\n\n02:20:00.000 --> 02:20:04.000\n<v Faina Filina>A new first line.\n"
    imported = client.post(f"/api/v1/recordings/{transcribed}/transcript", content=vtt.encode())
    assert imported.status_code == 201
    again = anonymous.get(url)
    assert "A new first line." in again.text and "We need to pay" not in again.text


def test_a_kept_page_is_compressed_once_for_everyone(clients, demo):
    """The kept page's gzip is made of parts compressed when it was kept and the reader's
    token compressed alone: a valid gzip stream (read here by Python's gzip module) holding
    exactly the page the same browser gets uncompressed."""
    browser, other = clients(), clients()
    page = f"/r/{demo}?t=1h"
    plain = browser.get(page, headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers and TOKEN.search(plain.text)
    for reader in (browser, other):
        with reader.stream("GET", page, headers={"Accept-Encoding": "gzip"}) as answer:
            raw = b"".join(answer.iter_raw())
            assert answer.headers["content-encoding"] == "gzip"
            assert "Accept-Encoding" in answer.headers["vary"]
        text = gzip.decompress(raw).decode()
        assert (text == plain.text) == (reader is browser)  # another browser, another token
        assert TOKEN.search(text)[1] == TOKEN.search(reader.get(page).text)[1]


def test_a_page_known_current_is_answered_without_the_database(
    shared_app, browser_as, anonymous, demo, monkeypatch
):
    """Within the allowance a kept page is answered before the request waits for a database
    slot (KeptPages); a browser with a session cookie still gets its own page."""
    shared_app.state.pages = PageCache(stale_seconds=60)
    member, token = browser_as("member")
    page = f"/r/{demo}?t=2h30m"
    kept = anonymous.get(page)
    body = {"start": 9003, "text": "Mine alone", "visibility": "private"}
    made = member.post(
        f"/api/v1/recordings/{demo}/annotations", json=body, headers={"X-CSRF-Token": token}
    )
    assert made.status_code == 201

    def unreachable(session):
        raise AssertionError("the database was asked")

    monkeypatch.setattr(page_cache, "content_version", unreachable)
    again = anonymous.get(page)
    assert again.status_code == 200 and again.text == kept.text
    assert 'name="csrf-token"' in again.text and again.headers["content-language"] == "en"
    assert "content-security-policy" in again.headers and "etag" in again.headers
    monkeypatch.undo()
    assert "Mine alone" in member.get(page).text  # made for the member, not the kept page


def test_what_every_view_shares_is_made_once_per_change(client, anonymous, demo, monkeypatch):
    """A crowd's deep links each name another second: the parts of the page that do not
    depend on it (sessions, speakers, filter menus) are made once per content version."""
    made = []
    real = navigator.shared_parts

    def counted(session, *, recording):
        made.append(recording.slug)
        return real(session, recording=recording)

    monkeypatch.setattr(navigator, "shared_parts", counted)
    for t in ("1h", "2h", "3h"):
        assert anonymous.get(f"/r/{demo}?t={t}").status_code == 200
    assert made == [demo]
    note = {"start": 60, "text": "Tagged", "tags": ["fresh-tag"]}
    assert client.post(f"/api/v1/recordings/{demo}/annotations", json=note).status_code == 201
    page = anonymous.get(f"/r/{demo}?t=4h").text
    assert made == [demo, demo] and '<option value="fresh-tag">' in page
