"""Sharing from the navigator in a real Chromium (issue 12): the "Link to this moment" box
follows the playhead without taking focus, shows the range when one is marked, saved or
opened, "Copy link to this range" works right after marking or saving, links use the readable
`t` form, and no two controls share a name while doing different things."""

import re
from collections import defaultdict

import pytest
from playwright.sync_api import expect

from app import links
from app.timecodes import parse_range

pytestmark = pytest.mark.browser

AT = """([t]) => {
  const v = document.querySelector('video');
  return v.readyState >= 1 && !v.seeking && Math.abs(v.currentTime - t) < 0.5;
}"""
# Every value written into the share box from now on (its setter, wrapped).
RECORD_WRITES = """() => {
  const field = document.getElementById('share-url');
  const own = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value');
  window.writes = [];
  Object.defineProperty(field, 'value', {
    get() { return own.get.call(this); },
    set(v) { window.writes.push(v); own.set.call(this, v); },
  });
}"""
PLAYED_ON = (
    "([t]) => { const v = document.querySelector('video'); return !v.paused && v.currentTime > t; }"
)
COPIED = "() => document.getElementById('status').textContent.includes('Copied')"


def _t(url: str):
    return parse_range(re.search(r"[?&]t=([^&#]+)", url)[1])


def _ready(page, path: str) -> None:
    page.goto(path)
    page.wait_for_selector("body[data-ready=true]")


def test_the_share_box_follows_the_playhead_without_taking_focus(page, demo, live_server):
    _ready(page, f"/r/{demo}?t=2h20m")
    field = page.locator("#share-url")
    label = page.locator("label[for=share-url]")
    expect(field).to_have_value(f"{live_server}/r/{demo}?t=2h20m")
    # No live region: a screen reader is not read the link every second.
    live = "[aria-live], [role=status], [role=log], [role=alert]"
    assert page.evaluate("(s) => !document.getElementById('share-url').closest(s)", live)
    page.evaluate(RECORD_WRITES)
    page.focus("#play")
    page.keyboard.press("l")  # +5 s: a seek shows at once
    page.wait_for_function(AT, arg=[8405])
    expect(field).to_have_value(f"{live_server}/r/{demo}?t=2h20m5s")
    expect(label).to_have_text("Link to this moment")

    page.keyboard.press("Enter")  # the focused Play button
    page.wait_for_function(PLAYED_ON, arg=[8408], timeout=15_000)
    page.wait_for_function("() => !document.getElementById('share-url').value.endsWith('2h20m5s')")
    page.keyboard.press("Enter")  # pause: the box names the second it stopped at
    page.wait_for_function("() => document.querySelector('video').paused")
    stopped = int(page.evaluate("document.querySelector('video').currentTime"))
    expect(field).to_have_value(f"{live_server}/r/{demo}?t={links.t_value(stopped)}")
    expect(page.locator("#play")).to_be_focused()  # the focus never moved

    writes = page.evaluate("window.writes")
    seconds = [_t(url).start for url in writes]
    assert seconds == sorted(seconds) and len(set(seconds)) == len(seconds), writes
    assert all(s == int(s) for s in seconds)  # whole seconds: one write per second at most
    # The embed link follows too.
    assert page.get_attribute("#share-embed a", "href") == (
        f"/embed/r/{demo}?t={links.t_value(stopped)}"
    )


def test_the_share_box_is_not_rewritten_under_the_cursor(page, demo, live_server):
    _ready(page, f"/r/{demo}?t=2h20m")
    page.focus("#share-url")
    page.evaluate("document.querySelector('video').currentTime = 8500")
    page.wait_for_function(AT, arg=[8500])
    expect(page.locator("#share-url")).to_have_value(f"{live_server}/r/{demo}?t=2h20m")
    page.keyboard.press("Tab")  # left: now it catches up
    expect(page.locator("#share-url")).to_have_value(f"{live_server}/r/{demo}?t=2h21m40s")


def test_a_page_opened_on_a_range_shows_the_range_until_a_seek_leaves_it(page, demo, live_server):
    _ready(page, f"/r/{demo}?t=2h33m,2h35m")
    field = page.locator("#share-url")
    label = page.locator("label[for=share-url]")
    expect(field).to_have_value(f"{live_server}/r/{demo}?t=2h33m,2h35m")
    expect(label).to_have_text("Link to this range")
    page.evaluate("document.querySelector('video').currentTime = 9200")  # inside: still the range
    page.wait_for_function(AT, arg=[9200])
    expect(field).to_have_value(f"{live_server}/r/{demo}?t=2h33m,2h35m")
    page.evaluate("document.querySelector('video').currentTime = 10000")
    page.wait_for_function(AT, arg=[10000])
    expect(field).to_have_value(f"{live_server}/r/{demo}?t=2h46m40s")
    expect(label).to_have_text("Link to this moment")
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server)
    page.click("#copy-range")  # the range opened is still the one to copy
    page.wait_for_function(COPIED)
    assert page.evaluate("navigator.clipboard.readText()") == (
        f"{live_server}/r/{demo}?t=2h33m,2h35m"
    )


@pytest.mark.parametrize(
    ("opened", "end", "saved", "marked"),
    [("2h33m", 9300, False, "2h33m,2h35m"), ("2h40m", 9660, True, "2h40m,2h41m")],
    ids=["marked", "saved"],
)
def test_copy_range_right_after_marking_or_saving_it(
    page, sign_in, demo, live_server, opened, end, saved, marked
):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server)
    sign_in("member")
    _ready(page, f"/r/{demo}?t={opened}")
    page.evaluate("window.sameDocument = true")
    page.click("[data-mark=start]")
    page.evaluate(f"document.querySelector('video').currentTime = {end}")
    page.wait_for_function(AT, arg=[end])
    page.click("[data-mark=end]")
    expect(page.locator("#share-url")).to_have_value(f"{live_server}/r/{demo}?t={marked}")
    expect(page.locator("label[for=share-url]")).to_have_text("Link to this range")
    if saved:
        page.fill("#a-text", "A range worth sharing")
        page.click("#annotate button[type=submit]")
        expect(page.locator(".annotation", has_text="A range worth sharing")).to_have_count(1)
        expect(page.locator("#a-end")).to_have_value("")  # the form is ready for the next one
        expect(page.locator("#share-url")).to_have_value(f"{live_server}/r/{demo}?t={marked}")
        page.evaluate("document.querySelector('video').currentTime = 12000")  # viewer moves on
        page.wait_for_function(AT, arg=[12000])
        expect(page.locator("#share-url")).to_have_value(f"{live_server}/r/{demo}?t=3h20m")
    assert page.evaluate("window.sameDocument")  # marked and saved by the script, no reload
    page.click("#copy-range")
    page.wait_for_function(COPIED)
    assert "Mark in and out first" not in page.inner_text("#status")
    assert page.evaluate("navigator.clipboard.readText()") == f"{live_server}/r/{demo}?t={marked}"


def test_scripts_write_t_as_the_server_does(page, demo):
    _ready(page, f"/r/{demo}")
    cases = [(9180, None), (9190, None), (9180, 9300), (0, None), (8405.25, None), (59.001, 3600)]
    written = page.evaluate(
        """async (cases) => {
          const { tValue } = await import('/static/js/util.js');
          return cases.map(([start, end]) => tValue(start, end));
        }""",
        [list(c) for c in cases],
    )
    assert written == [links.t_value(start, end) for start, end in cases]


# The accessibility tree's controls: (role, name) -> what each does.
CONTROLS = ("button", "link", "DisclosureTriangle", "menuitem", "tab")
WHAT_IT_DOES = """function () {
  const el = this;
  if (el.matches('a[href]')) return 'go to ' + el.href;
  if (el.matches('summary')) return 'open ' + el.parentElement.querySelector('[id]')?.id;
  const form = el.form;
  const data = JSON.stringify(Object.entries(el.dataset).sort());
  const action = el.getAttribute('formaction') || (form && form.getAttribute('action')) || '';
  return ['press', el.type, action, data, el.getAttribute('aria-controls') || ''].join(' ');
}"""


def _controls(page) -> dict[str, set[str]]:
    """Every button, link and disclosure in Chromium's accessibility tree, by accessible name,
    with what each does (where it goes, what form it sends, what data it acts on)."""
    cdp = page.context.new_cdp_session(page)
    nodes = cdp.send("Accessibility.getFullAXTree")["nodes"]
    found: dict[str, set[str]] = defaultdict(set)
    for node in nodes:
        role = node.get("role", {}).get("value")
        if node.get("ignored") or role not in CONTROLS or "backendDOMNodeId" not in node:
            continue
        name = node.get("name", {}).get("value", "")
        handle = cdp.send("DOM.resolveNode", {"backendNodeId": node["backendDOMNodeId"]})
        does = cdp.send(
            "Runtime.callFunctionOn",
            {
                "objectId": handle["object"]["objectId"],
                "functionDeclaration": WHAT_IT_DOES,
                "returnByValue": True,
            },
        )["result"]["value"]
        found[name].add(does)
    cdp.detach()
    return found


@pytest.mark.parametrize("path", ["/r/{demo}?t=2h33m", "/r/{demo}/s/round-table", "/a/{quote}"])
def test_no_two_controls_share_a_name_for_different_things(
    page, sign_in, demo, transcribed, client, path
):
    """Signed in as an editor, so every per-entry control is there (copy, cite, edit, delete,
    place, find in the transcript); with scripts, so the copy buttons are shown."""
    for start, speaker in ((9180, "faina-filina"), (9180, None), (9240, "faina-filina")):
        client.post(
            f"/api/v1/recordings/{demo}/annotations",
            json={"kind": "quote" if speaker else "note", "start": start, "text": "Said twice"}
            | ({"speaker": speaker} if speaker else {}),
        )
    quotes = client.get(f"/api/v1/recordings/{demo}/annotations?kind=quote").json()["items"]
    sign_in("editor")
    _ready(page, path.format(demo=demo, quote=quotes[0]["id"]))
    page.wait_for_function("() => !document.querySelector('.copy[hidden]')")
    controls = _controls(page)
    assert len(controls["Copy link to this moment"]) == 1
    assert sum(name.startswith("Copy link — ") for name in controls) >= 8
    shared = {name: sorted(does) for name, does in controls.items() if len(does) > 1}
    assert shared == {}


def test_no_two_controls_share_a_name_after_a_refused_turn(page, sign_in, demo, transcribed):
    """The turn tools open after a refusal, with a form for each turn near the moment."""
    sign_in("editor")
    _ready(page, f"/r/{demo}?t=2h20m20s")
    page.get_by_text("Edit speaker turns").click()
    page.locator("#turn-add").get_by_label("Start").fill("9:99:99")
    page.locator("#turn-add").get_by_role("button", name="Add turn").click()
    page.wait_for_selector("body[data-ready=true]")
    expect(page.locator("#turn-error")).to_be_focused()
    assert page.locator(".turns-near form").count() >= 2
    controls = _controls(page)
    shared = {name: sorted(does) for name, does in controls.items() if len(does) > 1}
    assert shared == {}


def test_copy_citation_copies_what_the_list_links_rather_than_holds(page, demo, live_server):
    """The list holds no citation but the linked entry's (PRODUCT §8): each entry's "Cite" links
    its permalink's page, where the citation is shown; "Copy citation" copies it as the API
    gives it, beside the link, and on the permalink's page from its open citation too."""
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server)
    _ready(page, f"/r/{demo}")
    entry = page.locator(".annotation").first
    item_id = entry.get_attribute("data-id")
    expect(entry.locator(".citation")).to_have_count(0)
    cite = entry.get_by_role("link", name=re.compile("^Cite — "))
    assert cite.get_attribute("href") == f"/a/{item_id}#cite-{item_id}"
    entry.get_by_role("button", name=re.compile("^Copy citation — ")).click()
    page.wait_for_function(COPIED)
    api = page.request.get(f"{live_server}/api/v1/annotations/{item_id}").json()
    assert page.evaluate("navigator.clipboard.readText()") == api["citation"]

    page.evaluate("navigator.clipboard.writeText('')")
    cite.click()
    page.wait_for_selector("body[data-ready=true]")
    linked = page.locator(f"#annotation-{item_id}")
    expect(linked.locator(".citation")).to_be_visible()
    expect(linked.locator(".citation")).to_have_text(api["citation"])
    linked.get_by_role("button", name=re.compile("^Copy citation — ")).click()
    page.wait_for_function(COPIED)
    assert page.evaluate("navigator.clipboard.readText()") == api["citation"]
