"""A refused form, in a real Chromium with JavaScript off and on (issue 12): the page comes
back with the focus on the message, in view, what was typed still there, and the player at the
moment the viewer was at when sending it, not at 0:00:00."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

AT = """([t]) => {
  const v = document.querySelector('video');
  return v && v.readyState >= 1 && !v.seeking && Math.abs(v.currentTime - t) < 0.5;
}"""


def _no_js(open_tab, sign_in, account: str):
    page = open_tab(java_script_enabled=False)
    sign_in(account, page)
    return page


def _refused_here(page, message: str, selector: str) -> None:
    error = page.locator(selector)
    expect(error).to_contain_text(message)
    expect(error).to_be_focused()
    expect(error).to_be_in_viewport()


@pytest.mark.parametrize("javascript", [False, True])
def test_refused_annotation_keeps_what_was_typed_and_the_moment(
    open_tab, sign_in, demo, javascript
):
    page = open_tab(java_script_enabled=javascript)
    sign_in("member", page)
    page.goto(f"/r/{demo}?t=2h33m")
    if javascript:
        page.wait_for_selector("body[data-ready=true]")
        page.evaluate("document.querySelector('video').currentTime = 9250")  # watched on a bit
        page.wait_for_function(AT, arg=[9250])
    page.fill("#a-start", "9:99:99")  # with scripts too, a typed time goes as the plain form
    page.fill("#a-text", "Typed before the mistake")
    page.fill("#a-tags", "kept")
    page.click("#annotate button[type=submit]")
    if javascript:
        page.wait_for_selector("body[data-ready=true]")
    _refused_here(page, "minutes must be 00-59", "#annotate-error")
    page.wait_for_function(AT, arg=[9250 if javascript else 9180])
    expect(page.locator("#a-start")).to_have_value("9:99:99")
    expect(page.locator("#a-text")).to_have_value("Typed before the mistake")
    expect(page.locator("#a-tags")).to_have_value("kept")
    if javascript:  # the share box names the moment the viewer was at, not the page's t
        expect(page.locator("#share-url")).to_have_value(
            f"{page.url.split('/r/')[0]}/r/{demo}?t=2h34m10s"
        )


def test_refused_speaker_turn_without_javascript(open_tab, sign_in, demo):
    page = _no_js(open_tab, sign_in, "editor")
    page.goto(f"/r/{demo}?t=2h33m")
    page.get_by_text("Edit speaker turns").click()
    form = page.locator("#turn-add")
    form.get_by_label("Speaker").select_option(label="Mikhail Yugay")
    form.get_by_label("Start").fill("9:99:99")
    form.get_by_label("End").fill("2:34:00")
    form.get_by_role("button", name="Add turn").click()
    _refused_here(page, "minutes must be 00-59", "#turn-error")
    expect(form.get_by_label("Start")).to_have_value("9:99:99")
    expect(form.get_by_label("End")).to_have_value("2:34:00")
    page.wait_for_function(AT, arg=[9180])


@pytest.mark.parametrize("javascript", [False, True])
def test_refused_session_form_keeps_the_moment(open_tab, sign_in, demo, javascript):
    page = open_tab(java_script_enabled=javascript)
    sign_in("editor", page)
    page.goto(f"/r/{demo}/s/round-table/edit")
    page.wait_for_function(AT, arg=[8400])  # the session's start
    if javascript:
        page.evaluate("document.querySelector('video').currentTime = 8500")
        page.wait_for_function(AT, arg=[8500])
    page.fill("#f-start", "9:99:99")
    page.fill("#f-description", "Typed before the mistake")
    page.click("form.edit-form button[type=submit]")
    _refused_here(page, "minutes must be 00-59", "#form-error")
    expect(page.locator("#f-start")).to_have_value("9:99:99")
    expect(page.locator("#f-description")).to_have_value("Typed before the mistake")
    page.wait_for_function(AT, arg=[8500 if javascript else 8400])


@pytest.mark.parametrize(
    ("path", "fields", "button", "message", "selector"),
    [
        (
            "/events/new",
            {"#f-title": "Day two", "#f-slug": "Not A Slug"},
            "Save the event",
            "Slug",
            "#form-error",
        ),
        (
            "/r/{demo}/edit",
            {"#f-duration": "9:99:99"},
            "Save the recording",
            "minutes",
            "#form-error",
        ),
    ],
)
def test_refused_workspace_forms_focus_their_message(
    open_tab, sign_in, demo, path, fields, button, message, selector
):
    page = _no_js(open_tab, sign_in, "editor")
    page.goto(path.format(demo=demo))
    for field, value in fields.items():
        page.fill(field, value)
    page.get_by_role("button", name=button).click()
    _refused_here(page, message, selector)
    for field, value in fields.items():
        expect(page.locator(field)).to_have_value(value)


def test_refused_sign_in_focuses_its_message(open_tab, demo):
    page = open_tab(java_script_enabled=False)
    page.goto("/login")
    page.fill("#l-username", "member")
    page.fill("#l-password", "not the password")
    page.click("form.account-form button[type=submit]")
    _refused_here(page, "do not match", "#login-error")
    expect(page.locator("#l-username")).to_have_value("member")
