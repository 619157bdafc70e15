"""A shared link opened on a phone (390 by 844 px): what it points at is in the first screen, under
the player, and the lists come before the forms (issue 12). The screenshot in
docs/screenshots/annotation-phone.png comes from here:
`SESSIONNAV_SCREENSHOTS=docs/screenshots scripts/test tests/browser/test_phone_layout.py`."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect
from test_layout import FRAME_SHOWN

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
# Where an element is on the page as it opens (not scrolled): its top and bottom in px.
PLACE = """(el) => {
  const r = el.getBoundingClientRect();
  return [r.top + scrollY, r.bottom + scrollY];
}"""


@pytest.fixture
def phone(open_tab):
    return open_tab(viewport=PHONE, is_mobile=True, has_touch=True)


def _open(tab, path: str) -> None:
    tab.goto(path)
    tab.wait_for_selector("body[data-ready=true]")
    tab.evaluate("window.scrollTo(0, 0)")


def _first_screen(tab, selector: str) -> None:
    top, bottom = tab.locator(selector).first.evaluate(PLACE)
    player_bottom = tab.locator(".player-box").evaluate(PLACE)[1]
    assert player_bottom <= top, f"{selector} is above the player"
    assert bottom <= PHONE["height"], f"{selector} ends at {bottom:.0f} px, below the first screen"


def test_a_shared_quote_is_in_the_first_screen(phone, client, demo, tmp_path):
    quote = client.get(f"/api/v1/recordings/{demo}/annotations?kind=quote").json()["items"][0]
    client.patch(f"/api/v1/annotations/{quote['id']}", json={"start": 9150})
    _open(phone, f"/a/{quote['id']}")
    linked = phone.locator(".linked")
    expect(linked).to_contain_text(quote["text"][:60])
    expect(linked).to_contain_text(quote["speaker"]["name"])
    _first_screen(phone, ".linked")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    phone.wait_for_function(FRAME_SHOWN)
    shots = Path(os.environ.get("SESSIONNAV_SCREENSHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    phone.screenshot(path=str(shots / "annotation-phone.png"))


def test_a_session_link_names_the_session_in_the_first_screen(phone, demo):
    _open(phone, f"/r/{demo}/s/round-table")
    expect(phone.locator(".linked")).to_contain_text("Round table")
    expect(phone.locator(".linked")).to_contain_text("2:20:00–4:03:55")
    _first_screen(phone, ".linked")


def test_on_a_phone_the_lists_come_before_the_forms(phone, demo, sign_in):
    sign_in("member", tab=phone)
    _open(phone, f"/r/{demo}?t=2h33m")
    _first_screen(phone, "#controls")
    sessions = phone.locator("#chapters").evaluate(PLACE)[0]
    annotations = phone.locator("#annotations").evaluate(PLACE)[0]
    form = phone.locator("form#annotate").evaluate(PLACE)[0]
    share = phone.locator("#share-url").evaluate(PLACE)[0]
    assert sessions < annotations < share < form
