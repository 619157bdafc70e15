"""The navigator's own files in a real Chromium: every ES module comes from its fingerprinted
URL (a module as served imports `./i18n.js?v=…`), the whole module graph
is asked for at once (modulepreload), what the first paint does not need (the frame
previews, the captions control of a recording without captions) only on demand, and fingerprinted
too, nothing is missing, the Content-Security-Policy lets them all
run (the `page` fixture fails on a violation), and a second visit takes them all from
the browser's cache without asking the server again."""

import re

import pytest

pytestmark = pytest.mark.browser

FINGERPRINTED = re.compile(r"/static/[\w/.-]+\?v=[0-9a-f]{10}$")


def test_the_navigators_modules_load_fingerprinted_then_from_cache(page, demo):
    answered = []
    page.on("response", lambda r: answered.append(r))
    page.goto(f"/r/{demo}?t=2h20m")
    page.wait_for_selector("body[data-ready=true]")  # navigator.js and its imports ran

    statics = [r for r in answered if "/static/" in r.url]
    scripts = {r.url for r in statics if r.request.resource_type == "script"}
    assert {re.sub(r".*/static/|\?.*", "", url) for url in scripts} >= {
        "js/navigator.js",
        "js/annotate.js",
        "js/i18n.js",
        "js/util.js",
        "js/player.js",
        "js/timeline.js",
    }
    assert not {"js/preview.js", "js/captions.js", "js/keys_settings.js"} & {
        re.sub(r".*/static/|\?.*", "", url) for url in scripts
    }
    assert [r.url for r in statics if not FINGERPRINTED.search(r.url)] == []
    assert [(r.url, r.status) for r in statics if r.status != 200] == []
    assert all(r.headers["cache-control"] == "public, max-age=31536000, immutable" for r in statics)
    preloaded = page.eval_on_selector_all(
        'link[rel="modulepreload"]', "links => links.map(l => l.href)"
    )
    entry = page.eval_on_selector('script[type="module"]', "script => script.src")
    assert set(preloaded) | {entry} == scripts  # the whole graph, asked for from the head

    # The first hover on the timeline brings the previews' module, by its fingerprinted URL.
    with page.expect_response(lambda r: "/static/js/preview.js" in r.url) as preview:
        page.locator("#track").hover()
    assert FINGERPRINTED.search(preview.value.url) and preview.value.status == 200
    page.wait_for_selector(".frame-preview", state="attached")

    # The second visit, watched through the DevTools protocol, which tells a request the
    # browser answered from its cache from one that went to the server.
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    sent, cached = {}, set()
    cdp.on(
        "Network.requestWillBeSent",
        lambda e: "/static/" in e["request"]["url"] and sent.update({e["requestId"]: e}),
    )
    cdp.on("Network.requestServedFromCache", lambda e: cached.add(e["requestId"]))
    cdp.on(
        "Network.responseReceived",
        lambda e: e["response"].get("fromDiskCache") and cached.add(e["requestId"]),
    )
    page.goto(f"/r/{demo}?t=1h")  # another moment: the same files
    page.wait_for_selector("body[data-ready=true]")
    assert len(sent) == len(statics)
    assert [e["request"]["url"] for i, e in sent.items() if i not in cached] == []
