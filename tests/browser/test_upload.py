"""Uploading through the page in a real Chromium: the progress bar fills, then the navigator."""

import httpx2 as httpx
import pytest

from app.video import render_placeholder

pytestmark = pytest.mark.browser

# Reports every value the progress bar and its text take, surviving the navigation that follows.
WATCH_PROGRESS = """
() => {
  const bar = document.querySelector("#file-progress");
  const status = document.querySelector("[data-upload-status]");
  const report = () => window.reportProgress(bar.value, status.textContent);
  new MutationObserver(report).observe(bar, { attributes: true });
  new MutationObserver(report).observe(status, { childList: true, characterData: true });
}
"""


@pytest.fixture
def forum(live_server, tokens, sign_in) -> str:
    """An event to upload into, and an editor signed in."""
    editor = {"Authorization": f"Bearer {tokens['editor']}"}
    body = {"slug": "forum", "title": "Forum"}
    response = httpx.post(f"{live_server}/api/v1/events", json=body, headers=editor)
    assert response.status_code == 201
    sign_in("editor")
    return "forum"


def test_a_file_uploads_with_progress_and_opens_in_the_navigator(
    page, live_server, forum, tmp_path
):
    clip = tmp_path / "talk.mp4"
    render_placeholder(clip, 20, progress=False)
    seen: list[tuple[float, str]] = []
    page.expose_function("reportProgress", lambda value, text: seen.append((value, text)))

    page.goto("/upload")
    page.evaluate(WATCH_PROGRESS)
    form = page.locator("#upload-file")
    form.get_by_label("Title", exact=True).fill("Opening talk")
    form.get_by_label("File").set_input_files(clip)
    form.get_by_role("button", name="Upload").click()

    page.wait_for_url("**/r/opening-talk")
    assert seen, "the progress bar never moved"
    assert seen[-1][0] == 100
    assert "100%" in seen[-1][1]
    assert "Opening talk" in page.content()
    details = httpx.get(f"{live_server}/api/v1/recordings/opening-talk").json()
    assert details["duration"] == pytest.approx(20, abs=1)


def test_a_file_that_is_not_media_is_refused_in_the_page(page, forum, tmp_path):
    page.goto("/upload")
    notes = tmp_path / "notes.mp4"
    notes.write_bytes(b"not a video " * 1000)
    form = page.locator("#upload-file")
    form.get_by_label("Title", exact=True).fill("Notes")
    form.get_by_label("File").set_input_files(notes)
    form.get_by_role("button", name="Upload").click()

    alert = page.locator("#file-error")
    alert.wait_for(state="visible")
    assert "not a video or audio file" in alert.inner_text()
    assert page.url.endswith("/upload")
