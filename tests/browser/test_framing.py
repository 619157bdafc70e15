"""What the security headers do in a real browser: a page on another site (another port, so
another origin) cannot frame the navigator, so no click inside a frame can act for its
signed-in reader; the embed player, made to be framed, plays there."""

import http.server
import threading
from collections.abc import Iterator

import pytest

pytestmark = pytest.mark.browser
AT_60 = """() => {
  const v = document.querySelector('video');
  return !!v && v.readyState >= 1 && !v.seeking && Math.abs(v.currentTime - 60) < 0.5;
}"""


@pytest.fixture
def other_site(live_server, demo) -> Iterator[str]:
    """A page on another origin that frames the navigator, an annotation form and the embed."""
    html = f"""<!doctype html><title>Another site</title>
<iframe id="navigator" src="{live_server}/r/{demo}?t=60" width="800" height="600"></iframe>
<iframe id="account" src="{live_server}/account" width="800" height="600"></iframe>
<iframe id="embed" src="{live_server}/embed/r/{demo}?t=60" width="640" height="360"></iframe>
""".encode()

    class Page(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(html)

        def log_message(self, *args) -> None: ...

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Page)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()
    thread.join()


def _frame(page, element_id: str):
    return page.locator(f"#{element_id}").element_handle().content_frame()


def test_another_site_cannot_frame_the_navigator_but_can_frame_the_embed(
    page, sign_in, other_site, live_server, demo, csp_violations
):
    sign_in("member")  # a signed-in reader is what framing would abuse
    page.goto(other_site)
    page.wait_for_load_state("load")
    embed = _frame(page, "embed")
    assert embed.url == f"{live_server}/embed/r/{demo}?t=60"
    embed.wait_for_function(AT_60)  # the player works in the frame: it went to its second
    for framed in ("navigator", "account"):
        frame = _frame(page, framed)
        assert not frame.url.startswith(live_server), f"the {framed} page loaded in a frame"
        assert frame.locator("form, video").count() == 0
    assert len(csp_violations) == 2
    assert all("frame-ancestors 'none'" in text for text in csp_violations)
    csp_violations.clear()  # what this test provoked
