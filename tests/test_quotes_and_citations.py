"""Quotes with their source (where the words were published) and citations that give the
event's whole date range, the source, the time code and the permalink (issue 9)."""

import html
import re
from datetime import date

import pytest

from app import i18n
from app.http import csrf
from app.i18n import date_range

SOURCE = {
    "source_title": "Clusters at the crossroads",
    "source_url": "https://example.org/w?a=1&b=2",
}
QUOTE = {"kind": "quote", "speaker": "faina-filina", "text": "Cooperate across regions."}


@pytest.mark.parametrize(
    ("start", "end", "language", "expected"),
    [
        (date(2019, 5, 16), date(2019, 5, 17), "en", "16\u2009–\u200917 May 2019"),
        (date(2019, 5, 16), date(2019, 5, 17), "ru", "16—17 мая 2019\u202fг."),
        (date(2019, 5, 30), date(2019, 6, 2), "en", "30 May\u2009–\u20092 Jun 2019"),
        (date(2019, 12, 31), date(2020, 1, 1), "en", "31 Dec 2019\u2009–\u20091 Jan 2020"),
        (date(2019, 5, 16), date(2019, 5, 16), "en", "16 May 2019"),
        (date(2019, 5, 16), None, "ru", "16 мая 2019\u202fг."),
        (None, None, "en", ""),
    ],
)
def test_date_range_says_each_part_once(start, end, language, expected):
    """One range formatted by Babel (CLDR) for the reader's locale."""
    with i18n.using(language):
        assert date_range(start, end) == expected


def _citation(page: str, annotation_id: int) -> str:
    found = re.search(rf'<p class="citation" id="cite-{annotation_id}">(.*?)</p>', page, re.S)
    assert found, "no citation on the page"
    return html.unescape(found[1])


def _shows_source(page: str, title: str, url: str) -> bool:
    link = f'<a href="{html.escape(url)}" rel="noopener">{html.escape(title)}</a>'
    return f'<p class="source">Quoted in {link}</p>' in page


def test_editor_form_creates_a_quote_with_its_source_shown_and_cited(browser_as, anonymous, demo):
    browser, token = browser_as("editor")
    form = {"start": "2:32:30", **QUOTE, **SOURCE}
    response = browser.post(
        f"/r/{demo}/annotations", params={csrf.PARAM: token}, data=form, follow_redirects=False
    )
    assert response.status_code == 303, response.text
    quote_id = int(response.headers["location"].rsplit("-", 1)[1])
    page = anonymous.get(f"/a/{quote_id}").text
    assert _shows_source(page, *SOURCE.values())
    assert _citation(page, quote_id) == (
        "Faina Filina (Deputy General Director, IMC Foundation): “Cooperate across regions.” "
        "In: Clusters Open Boundaries. Time for Leaders "
        "(St. Petersburg, 16\u2009–\u200917 May 2019), "
        "recording “Clusters Open Boundaries 2019: conference debates”, "
        'Round table "The world\'s biomedical clusters: success factors", at 2:32:30, '
        "quoted in “Clusters at the crossroads” (https://example.org/w?a=1&b=2). "
        f"http://testserver/a/{quote_id}"
    )


def test_editor_edits_a_quotes_source_on_its_edit_page(client, browser_as, anonymous, demo):
    quote_id = client.post(
        f"/api/v1/recordings/{demo}/annotations", json={"start": 9150, **QUOTE, **SOURCE}
    ).json()["id"]
    browser, token = browser_as("editor")
    edit = browser.get(f"/a/{quote_id}/edit").text
    assert 'name="source_title" value="Clusters at the crossroads"' in edit
    form = {"start": "2:32:30", **QUOTE, "source_title": "", "source_url": "https://example.org/x"}
    response = browser.post(
        f"/a/{quote_id}/edit", params={csrf.PARAM: token}, data=form, follow_redirects=False
    )
    assert response.status_code == 303, response.text
    page = anonymous.get(f"/a/{quote_id}").text
    assert _shows_source(page, "https://example.org/x", "https://example.org/x")
    assert ", at 2:32:30, quoted in https://example.org/x. http" in _citation(page, quote_id)


def test_api_quote_with_a_source_is_shown_cited_and_placed_later(client, anonymous, demo):
    body = {**QUOTE, "segment": "round-table", **SOURCE}
    created = client.post(f"/api/v1/recordings/{demo}/annotations", json=body)
    assert created.status_code == 201, created.text
    quote = created.json()
    assert (quote["source_title"], quote["source_url"]) == tuple(SOURCE.values())
    assert "time not yet placed, quoted in “Clusters at the crossroads”" in quote["citation"]
    page = anonymous.get(f"/a/{quote['id']}").text
    assert _shows_source(page, *SOURCE.values())
    assert _citation(page, quote["id"]) == quote["citation"]
    placed = client.patch(f"/api/v1/annotations/{quote['id']}", json={"start": 9150}).json()
    assert placed["source_url"] == SOURCE["source_url"]
    assert ", at 2:32:30, quoted in “Clusters at the crossroads”" in placed["citation"]


def test_a_member_cannot_create_a_quote(clients, browser_as, demo, snapshot):
    browser, token = browser_as("member")
    before = snapshot()
    api = clients("member").post(
        f"/api/v1/recordings/{demo}/annotations", json={"start": 9150, **QUOTE, **SOURCE}
    )
    assert api.status_code == 403 and api.json()["field"] == "body.kind"
    form = browser.post(
        f"/r/{demo}/annotations", params={csrf.PARAM: token}, data={"start": "2:32:30", **QUOTE}
    )
    assert form.status_code == 403
    assert "quotes are curated by editors" in form.context["form"].error
    assert snapshot() == before


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("source_url", "javascript:alert(1)"),
        ("source_url", "ftp://example.org/write-up.txt"),
        ("source_url", "https://example.org/" + "a" * 2000),
        ("source_title", "t" * 301),
    ],
)
def test_bad_source_is_refused_naming_the_field(client, browser_as, demo, snapshot, field, value):
    browser, token = browser_as("editor")
    before = snapshot()
    api = client.post(
        f"/api/v1/recordings/{demo}/annotations", json={"start": 9150, **QUOTE, field: value}
    )
    assert api.status_code == 422 and api.json()["field"] == f"body.{field}"
    form = browser.post(
        f"/r/{demo}/annotations",
        params={csrf.PARAM: token},
        data={"start": "2:32:30", **QUOTE, field: value},
    )
    assert form.status_code == 422
    assert form.context["form"].error.startswith(f"{field}:")
    input_id = "a-" + field.replace("_", "-")
    assert re.search(rf'id="{input_id}"[^>]*aria-invalid="true"', form.text, re.S)
    assert snapshot() == before


def test_only_a_quote_has_a_source(client, demo, snapshot):
    quote = client.post(
        f"/api/v1/recordings/{demo}/annotations", json={"start": 9150, **QUOTE, **SOURCE}
    ).json()
    before = snapshot()
    note = client.post(
        f"/api/v1/recordings/{demo}/annotations",
        json={"start": 9150, "text": "mine", "source_url": SOURCE["source_url"]},
    )
    assert note.status_code == 422 and note.json()["field"] == "body.source_url"
    demoted = client.patch(f"/api/v1/annotations/{quote['id']}", json={"kind": "note"})
    assert demoted.status_code == 422 and demoted.json()["field"] == "body.source_title"
    assert "only a quote has a source" in demoted.json()["detail"]
    assert snapshot() == before


def test_shared_moment_names_the_events_dates(anonymous, demo):
    page = anonymous.get(f"/r/{demo}?t=2h32m30s").text
    found = re.search(r'<meta property="og:description" content="([^"]*)"', page)
    assert found and "St. Petersburg, 16\u2009–\u200917 May 2019." in html.unescape(found[1])


@pytest.mark.browser
def test_editor_adds_a_quote_with_its_source_at_the_current_second(page, sign_in, demo):
    sign_in("editor")
    page.goto(f"/r/{demo}?t=2h32m25s")
    page.wait_for_selector("body[data-ready=true]")
    page.keyboard.press("l")  # +5 s: the new quote takes the second the player is at
    page.wait_for_function("Math.abs(document.querySelector('video').currentTime - 9150) < 0.5")
    page.select_option("#a-kind", "quote")
    page.select_option("#a-speaker", "faina-filina")
    page.fill("#a-text", QUOTE["text"])
    page.fill("#a-source-title", SOURCE["source_title"])
    page.fill("#a-source-url", SOURCE["source_url"])
    page.click("#annotate button[type=submit]")
    item = page.locator(".annotation.kind-quote", has_text=QUOTE["text"])
    item.wait_for()
    assert item.locator(".jump").inner_text() == "2:32:30"
    source = item.locator(".source a")
    assert source.inner_text() == SOURCE["source_title"]
    assert source.get_attribute("href") == SOURCE["source_url"]
    assert page.input_value("#a-source-url") == ""  # cleared for the next annotation


def test_the_list_links_each_citation_and_the_linked_entry_gives_it_whole(anonymous, demo):
    """The list does not carry every entry's citation (PRODUCT §8, the page's weight): each
    entry's "Cite" leads to its permalink's page, where the linked entry shows its citation in
    full, open, as the API gives it ("Copy citation" asks the API, static/js/annotate.js)."""
    first = anonymous.get(f"/api/v1/recordings/{demo}/annotations?kind=quote").json()["items"][0]
    page = anonymous.get(f"/r/{demo}").text
    assert 'class="citation"' not in page
    cite = f'<a href="/a/{first["id"]}#cite-{first["id"]}" class="cite">Cite<span class="vh"> — '
    assert cite in page
    linked = anonymous.get(f"/a/{first['id']}").text
    assert _citation(linked, first["id"]) == first["citation"]
    assert '<details class="cite" open>' in linked
    assert linked.count('class="citation"') == 1  # the other entries link theirs
