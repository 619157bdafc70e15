"""An organiser builds an event in a real Chromium, without the API (PRODUCT §6c): event,
recording from a link with a typed duration, a session, a nested talk with two speakers, a
quote at the current second, "set end to the current time", a deleted session, two speaker
records merged; every change shows on the public pages, and a visitor is refused it all."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

RUSSIAN_VTT = "WEBVTT\n\n00:00:05.000 --> 00:00:09.000\n<v Евгений Куценко>Добрый день, коллеги.\n"
EDITING_PAGES = [
    "/events/new",
    "/e/test-summit/edit",
    "/r/day-one/edit",
    "/r/day-one/sessions/new",
    "/r/day-one/s/morning/edit",
    "/r/day-one/import",
    "/speakers/evgeniy-kutsenko/edit",
    "/upload",
]


def _seek(page, seconds: float) -> None:
    page.evaluate("([t]) => { document.querySelector('video').currentTime = t; }", [seconds])
    page.wait_for_function(
        "([t]) => { const v = document.querySelector('video');"
        " return !v.seeking && Math.abs(v.currentTime - t) < 0.01; }",
        arg=[seconds],
    )


def _save_session(page, **fields) -> None:
    for name, value in fields.items():
        if name in ("parent", "kind"):
            page.select_option(f"#f-{name}", value)
        else:
            page.fill(f"#f-{name}", value)
    page.click("text=Save the session")


def test_an_editor_builds_an_event_in_the_browser(
    page, open_tab, sign_in, live_server, demo, tmp_path
):
    sign_in("editor")
    # The event.
    page.goto("/")
    page.click("text=New event")
    page.fill("#f-title", "Test Summit")
    page.fill("#f-start_date", "2024-09-30")
    page.fill("#f-end_date", "2024-10-01")
    page.fill("#f-place", "Tallinn")
    page.click("text=Save the event")
    page.wait_for_url("**/e/test-summit")
    expect(page.locator("main")).to_contain_text("Tallinn, 30 Sept\u2009–\u20091 Oct 2024")

    # A recording from a link (our own demo video, served elsewhere on the site), draft first.
    page.click("text=Add a recording (upload or link)")
    page.fill("#link-title", "Day one")
    page.fill("#link-slug", "day-one")
    page.fill("#link-url", f"{live_server}/media/demo/{demo}.mp4")
    page.fill("#link-duration", "6:45:00")
    page.click("#upload-link button[type=submit]")
    page.wait_for_url("**/r/day-one")

    # A session, then a talk nested in it with two speakers.
    page.click("text=add a session here")
    _save_session(page, title="Morning", kind="plenary", start="0:00:00", end="1:00:00")
    page.wait_for_url("**/r/day-one/s/morning")
    page.goto("/r/day-one/sessions/new")
    page.select_option("#f-speaker-1", "evgeniy-kutsenko")
    page.select_option("#f-speaker-2", "julia-plaia")
    page.select_option("#f-role-2", "moderator")
    _save_session(
        page, title="Keynote", kind="talk", parent="morning", start="0:10:00", end="0:30:00"
    )
    page.wait_for_url("**/r/day-one/s/keynote")

    # Its end set while watching: "set end to current time".
    page.goto("/r/day-one/s/keynote/edit")
    button = page.get_by_role("button", name="Set end to current time")
    expect(button).to_be_visible()
    _seek(page, 1234.5)
    button.click()
    expect(page.locator("#f-end")).to_have_value("0:20:34.500")
    page.click("text=Save the session")
    page.wait_for_url("**/r/day-one/s/keynote")

    # A quote placed at the current second.
    page.goto("/r/day-one?t=0:12:00")
    page.wait_for_selector("body[data-ready=true]")
    page.keyboard.press("l")  # +5 s
    page.wait_for_function(
        "() => Math.abs(document.querySelector('video').currentTime - 725) < 0.5"
    )
    page.keyboard.press("a")
    page.select_option("#a-kind", "quote")
    page.select_option("#a-speaker", "julia-plaia")
    page.fill("#a-text", "Clusters have no borders")
    page.click("#annotate button[type=submit]")
    quote = page.locator(".annotation.kind-quote", has_text="Clusters have no borders")
    expect(quote.locator(".jump")).to_have_text("0:12:05")

    # A session added then deleted.
    page.goto("/r/day-one/sessions/new")
    _save_session(page, title="Spare", kind="other", start="2:00:00", end="2:10:00")
    page.wait_for_url("**/r/day-one/s/spare")
    page.goto("/r/day-one/s/spare/edit")
    page.click("text=Delete this session")
    page.wait_for_url(re.compile(r"/r/day-one(\?.*)?$"))

    # Two records of one person merged: a Russian transcript names him in Cyrillic.
    page.goto("/r/day-one/import")
    vtt = tmp_path / "ru.vtt"
    vtt.write_text(RUSSIAN_VTT, encoding="utf-8")
    page.set_input_files("#t-file", str(vtt))
    page.fill("#t-language", "ru")
    page.click("#transcript-form button[type=submit]")
    page.wait_for_url(re.compile(r"/r/day-one(?!/import)"))
    page.goto("/speakers/evgeniy-kutsenko/edit")
    expect(page.locator("#m-other")).to_contain_text("Евгений Куценко")
    page.select_option("#m-other", "evgenii-kutsenko")
    page.get_by_role("button", name="Merge into Evgeniy Kutsenko").click()
    page.wait_for_url(re.compile(r"/speakers/evgeniy-kutsenko(\?.*)?$"))
    expect(page.locator("main")).to_contain_text("Евгений Куценко")

    # What a visitor sees.
    visitor = open_tab()
    visitor.goto("/e/test-summit")
    main = visitor.locator("main")
    for text in ("Day one", "Morning", "Keynote", "Evgeniy Kutsenko", "Julia Plaia"):
        expect(main).to_contain_text(text)
    expect(main).not_to_contain_text("Spare")
    visitor.goto("/r/day-one/s/keynote")
    expect(visitor.locator("#chapters")).to_contain_text("0:10:00–0:20:34")
    expect(visitor.locator("main")).to_contain_text("Clusters have no borders")
    visitor.goto("/speakers/evgeniy-kutsenko")
    expect(visitor.locator("main")).to_contain_text("Евгений Куценко")
    visitor.goto("/speakers/evgenii-kutsenko")  # the merged record's address leads to the one
    assert visitor.url.endswith("/speakers/evgeniy-kutsenko")

    # A visitor is refused every editing page, and sees no editing link.
    for url in EDITING_PAGES:
        visitor.goto(url)
        assert "/login" in visitor.url, url
    visitor.goto("/r/day-one")
    expect(visitor.get_by_role("link", name="edit the recording")).to_have_count(0)
    refused = visitor.request.post(f"{live_server}/r/day-one/s/morning/delete")
    assert refused.status in (401, 403)
    visitor.goto("/r/day-one/s/morning")
    expect(visitor.locator("#chapters")).to_contain_text("Morning")
