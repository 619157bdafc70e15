"""Live updates in real pages and an embed (issue 13, PRODUCT §6e): viewers on two server
processes of one database (two workers or machines) see annotations created, changed, hidden
and deleted — through the API and through a page — within 3 s, without reloading; a private
annotation never reaches another member's page."""

import httpx2 as httpx
import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

# How many annotations the timeline's pins stand for (a merged pin shows its count).
MARKS = """[...document.querySelectorAll('#marks .mark')]
  .reduce((n, pin) => n + (Number(pin.textContent) || 1), 0)"""
SOON = 3_000  # ms: "within a couple of seconds" (PRODUCT §6e), with a second to spare


@pytest.fixture
def servers(serve):
    """Two server processes on the test's database: writes go through one, pages are
    open on both."""
    return serve()[0], serve()[0]


def _open(browser, url: str, account: str | None = None):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    tab = context.new_page()
    if account:
        tab.goto(f"{url.split('/r/')[0]}/login")
        tab.fill("#l-username", account)
        tab.fill("#l-password", "correct horse battery staple")
        tab.click("form.account-form button[type=submit]")
        tab.wait_for_url(lambda u: not u.endswith("/login"))
    tab.goto(url)
    tab.wait_for_selector("body[data-ready=true]")
    return tab


def _entry(tab, text: str):
    return tab.locator("#annotations > li", has_text=text)


def test_changes_reach_every_open_page(browser, servers, demo, tokens):
    one, two = servers
    page = f"/r/{demo}?t=2h30m"
    anonymous = _open(browser, two + page)
    member = _open(browser, one + page, "member")
    other = _open(browser, two + page, "other")
    embed = browser.new_context().new_page()  # an iframe's page, opened at the note's second
    embed.goto(f"{two}/embed/r/{demo}?t=2h30m5s")
    embed.wait_for_function("document.querySelector('video').readyState >= 1")
    note = embed.locator("#note")
    api = httpx.Client(base_url=f"{one}/api/v1", timeout=10)
    as_member = {"Authorization": f"Bearer {tokens['member']}"}
    as_editor = {"Authorization": f"Bearer {tokens['editor']}"}
    try:
        marks = anonymous.evaluate(MARKS)
        body = {"start": 9005, "text": "A live note from the API"}
        made = api.post(f"/recordings/{demo}/annotations", json=body, headers=as_member).json()
        for tab in (anonymous, other):
            expect(_entry(tab, "A live note from the API")).to_have_count(1, timeout=SOON)
        assert anonymous.evaluate(MARKS) == marks + 1  # and on the timeline
        expect(note).to_have_text("Note: A live note from the API", timeout=SOON)  # the embed

        api.patch(f"/annotations/{made['id']}", json={"text": "Changed live"}, headers=as_member)
        for tab in (anonymous, other):
            expect(_entry(tab, "Changed live")).to_have_count(1, timeout=SOON)
            expect(_entry(tab, "A live note from the API")).to_have_count(0)
        expect(note).to_have_text("Note: Changed live", timeout=SOON)

        api.post(f"/annotations/{made['id']}/hide", headers=as_editor)
        for tab in (anonymous, other):
            expect(_entry(tab, "Changed live")).to_have_count(0, timeout=SOON)
        expect(note).to_be_hidden(timeout=SOON)
        api.post(f"/annotations/{made['id']}/restore", headers=as_editor)
        expect(_entry(anonymous, "Changed live")).to_have_count(1, timeout=SOON)
        expect(note).to_have_text("Note: Changed live", timeout=SOON)
        api.delete(f"/annotations/{made['id']}", headers=as_member)
        expect(_entry(anonymous, "Changed live")).to_have_count(0, timeout=SOON)
        expect(note).to_be_hidden(timeout=SOON)

        # Through the page: the member's form, on the other server's pages.
        member.fill("#a-text", "Typed in a page")
        member.click("#annotate button[type=submit]")
        expect(_entry(member, "Typed in a page")).to_have_count(1)
        for tab in (anonymous, other):
            expect(_entry(tab, "Typed in a page")).to_have_count(1, timeout=SOON)
        # Nobody else heard of the member's own change as news: their page said it once.
        expect(anonymous.locator("#status")).to_contain_text("Annotations changed by others")

        # A private annotation reaches its owner alone: the public one made after it is
        # on the others' pages, the private one is not.
        private = {"start": 9010, "text": "Mine alone", "visibility": "private"}
        api.post(f"/recordings/{demo}/annotations", json=private, headers=as_member)
        api.post(
            f"/recordings/{demo}/annotations",
            json={"start": 9020, "text": "Made after it"},
            headers=as_member,
        )
        expect(_entry(member, "Mine alone")).to_have_count(1, timeout=SOON)
        for tab in (anonymous, other):
            expect(_entry(tab, "Made after it")).to_have_count(1, timeout=SOON)
            expect(_entry(tab, "Mine alone")).to_have_count(0)
    finally:
        api.close()
        for tab in (anonymous, member, other, embed):
            tab.context.close()
