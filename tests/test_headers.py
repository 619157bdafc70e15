"""Security headers on every answer (PRODUCT §6b), whatever made it: pages, the API, static
files, media, errors. (tests/test_authorization.py checks them on every route for every
role; tests/browser/test_framing.py shows what they do in a browser.)"""

import pytest
from fastapi.testclient import TestClient


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/", 200),
        ("/docs", 200),
        ("/openapi.json", 200),
        ("/static/css/app.css", 200),
        ("/static/nothing.css", 404),
        ("/no/such/page", 404),
        ("/api/v1/events?limit=0", 422),
        ("/r/clusters-open-boundaries-2019", 200),
        ("/embed/r/clusters-open-boundaries-2019", 200),
        ("/embed/r/no-such-recording", 404),
    ],
)
def test_every_kind_of_answer_carries_them(anonymous, demo, security_headers, path, status):
    response = anonymous.get(path)
    assert response.status_code == status
    security_headers(response)


def test_media_ranges_carry_them(anonymous, demo, security_headers):
    src = anonymous.get(f"/api/v1/recordings/{demo}").json()["media_src"]
    response = anonymous.get(src, headers={"Range": "bytes=0-99"})
    assert response.status_code == 206
    security_headers(response)


def test_over_https_they_add_hsts(clients, shared_app, demo, security_headers):
    clients()  # the app set up for this test
    with TestClient(shared_app, base_url="https://testserver") as browser:
        for path in ("/", f"/embed/r/{demo}", "/api/v1/events"):
            response = browser.get(path)
            security_headers(response)
            assert response.headers["strict-transport-security"] == "max-age=63072000"


def test_the_youtube_api_is_the_only_script_from_elsewhere(anonymous, settings, demo):
    """...and no inline script runs at all."""
    page = anonymous.get("/")
    csp = page.headers["content-security-policy"]
    (scripts,) = [d for d in csp.split("; ") if d.startswith("script-src ")]
    assert scripts == "script-src 'self' https://www.youtube.com https://s.ytimg.com"
