"""The browser harness itself: the real server answers a real Chromium."""

import json

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_browser_reaches_the_live_server(page, demo):
    response = page.goto("/api/v1/events")
    assert response.status == 200
    assert json.loads(page.inner_text("body"))["items"][0]["slug"] == demo


def test_api_docs_render_offline(page):
    page.goto("/docs")
    assert page.locator(".info .title").first.inner_text().startswith("Session Navigator")
    expect(page.get_by_text("/api/v1/recordings/{recording}/annotations").first).to_be_visible()
