"""The navigator's "Download" list (PRODUCT §6): every export it offers opens, for whoever
sees the list; the whole event's JSON is offered to editors alone."""

import re


def _downloads(page: str) -> list[str]:
    section = re.search(r'<section class="downloads".*?</section>', page, re.S)[0]
    return re.findall(r'href="([^"]+)"', section)


def test_every_download_the_navigator_offers_opens(anonymous, transcribed):
    urls = _downloads(anonymous.get(f"/r/{transcribed}").text)
    assert len(urls) == 9 and f"/media/demo/{transcribed}.mp4" in urls
    assert not any(u.endswith("/export.json") for u in urls)
    for url in urls:
        answer = anonymous.get(url, headers={"Range": "bytes=0-99"} if "/media/" in url else {})
        assert answer.status_code in (200, 206), (url, answer.text[:200])
        assert answer.content, url


def test_editors_are_offered_the_whole_event(browser_as, transcribed):
    editor = browser_as("editor")[0]
    urls = _downloads(editor.get(f"/r/{transcribed}").text)
    assert "/e/clusters-open-boundaries-2019/export.json" in urls
    document = editor.get("/e/clusters-open-boundaries-2019/export.json").json()
    assert document["format"] == "sessionnav-event" and document["version"] == 1
