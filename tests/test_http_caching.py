"""What a page costs on the wire (issue 13): static files under content fingerprints kept a
year, ETags and 304 for pages and API answers (never one viewer's page for another's tag),
gzip for text, never for media or Range answers, and streamed answers still streamed."""

import gzip
import hashlib
import re

import anyio
import pytest
import rcssmin
import rjsmin

from app.http.middleware import Compression, ConditionalGet
from app.http.static import STATIC_DIR, Manifest

IMMUTABLE = "public, max-age=31536000, immutable"
VIDEO = "/media/demo/clusters-open-boundaries-2019.mp4"
# A static import in a minified module (several on one line); never `import("./x.js")`.
IMPORT = re.compile(r"""(?:^|[;}])\s*import\b[^"'();]*["']\./([^"']+)["']""", re.M)


def _served(path: str) -> bytes:
    """What static/PATH is served as: scripts and stylesheets minified, others as they are
    (a module's imports also name their versions: compare `_unversioned(answer)`)."""
    data = (STATIC_DIR / path).read_bytes()
    if path.endswith(".js"):
        return rjsmin.jsmin(data.decode()).encode()
    if path.endswith(".css"):
        return rcssmin.cssmin(data.decode()).encode()
    return data


def _unversioned(answer: bytes) -> bytes:
    return re.sub(rb"""\?v=[0-9a-f]{10}(?=["'])""", b"", answer)


def _static_urls(html: str) -> list[str]:
    return re.findall(r'(?:href|src)="(?:http://testserver)?(/static/[^"]+)"', html)


def test_pages_name_static_files_by_their_content_and_those_are_kept_a_year(anonymous, demo):
    urls = _static_urls(anonymous.get(f"/r/{demo}").text)
    assert {"css/app.css", "js/navigator.js", "js/player.js"} <= {
        u.removeprefix("/static/").split("?")[0] for u in urls
    }
    for url in urls:
        path, _, version = url.removeprefix("/static/").partition("?v=")
        answer = anonymous.get(url)
        assert (answer.status_code, answer.headers["cache-control"]) == (200, IMMUTABLE)
        assert answer.headers["etag"] == f'W/"{version}"'
        assert _unversioned(answer.content) == _served(path)
        if not path.endswith(".js"):  # a module's version covers what it loads too (below)
            assert version == hashlib.sha256(_served(path)).hexdigest()[:10]


@pytest.mark.parametrize(
    ("path", "kind"), [("js/navigator.js", "text/javascript"), ("css/app.css", "text/css")]
)
def test_scripts_and_stylesheets_are_served_minified_from_the_readable_files(anonymous, path, kind):
    """static/ keeps the files as written; the answer is their minified form (comments and
    indentation gone, the code as it was), with its type and length, and HEAD says the same."""
    source = (STATIC_DIR / path).read_bytes()
    plain = {"Accept-Encoding": "identity"}
    answer = anonymous.get(f"/static/{path}", headers=plain)
    assert _unversioned(answer.content) == _served(path)
    assert len(answer.content) < 0.85 * len(source)
    assert answer.headers["content-type"] == f"{kind}; charset=utf-8"
    assert answer.headers["content-length"] == str(len(answer.content))
    head = anonymous.head(f"/static/{path}", headers=plain)
    assert (head.status_code, head.content) == (200, b"")
    assert head.headers["content-length"] == str(len(answer.content))
    assert head.headers["etag"] == answer.headers["etag"]


@pytest.mark.parametrize("query", ["", "?v=0123456789"])
def test_a_plain_or_stale_static_url_still_works_but_is_revalidated(anonymous, query):
    """Old pages in caches and hand-written links name no hash or an old one: they get the
    current file, to be checked again on each use (a 304 when it has not changed)."""
    url = f"/static/js/util.js{query}"
    answer = anonymous.get(url)
    assert answer.status_code == 200
    assert _unversioned(answer.content) == _served("js/util.js")
    assert answer.headers["cache-control"] == "no-cache"
    assert "last-modified" in answer.headers
    again = anonymous.get(url, headers={"If-None-Match": answer.headers["etag"]})
    assert (again.status_code, again.content) == (304, b"")
    assert again.headers["cache-control"] == "no-cache"


def test_modules_import_each_other_fingerprinted_and_the_page_preloads_them_all(anonymous, demo):
    """`import { t } from "./i18n.js"` in the source is served as `"./i18n.js?v=HASH"`, so
    every module of the graph comes from a URL that may be kept a year, and the page asks for
    the whole graph at once (followed here through the files as served)."""
    html = anonymous.get(f"/r/{demo}").text
    head = html[: html.index("</head>")]
    assert "importmap" not in html
    (entry,) = re.findall(r'<script type="module" src="(/static/[^"]+)"', html)
    graph, todo = set(), [entry]
    while todo:
        url = todo.pop()
        if url in graph:
            continue
        graph.add(url)
        answer = anonymous.get(url)
        assert answer.headers["cache-control"] == IMMUTABLE, url
        base = url.rsplit("/", 1)[0]
        todo += [f"{base}/{name}" for name in IMPORT.findall(answer.text)]
    assert len(graph) > 5
    assert set(re.findall(r'<link rel="modulepreload" href="([^"]+)">', head)) == graph - {entry}


def test_a_changed_module_changes_the_url_of_every_module_that_leads_to_it(tmp_path):
    """Content hashes cover the imports' hashes (as bundlers' do): a change deep in the graph
    reaches the entry's URL, and leaves the URL of a module that does not import it."""
    (tmp_path / "js").mkdir()
    files = {
        "js/entry.js": 'import { a } from "./a.js";\nexport const e = () => import("./lazy.js");',
        "js/a.js": 'import { b } from "./b.js";\nexport const a = b;',
        "js/b.js": "export const b = 1;",
        "js/lazy.js": "export const lazy = 1;",
        "js/other.js": "export const other = 1;",
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    before = Manifest.of(tmp_path)
    served = before.bodies["js/entry.js"].decode()
    assert f'"./a.js?v={before.hashes["js/a.js"]}"' in served
    assert f'import("./lazy.js?v={before.hashes["js/lazy.js"]}")' in served

    (tmp_path / "js/b.js").write_text("export const b = 2;")
    after = Manifest.of(tmp_path)
    changed = {name for name in files if after.hashes[name] != before.hashes[name]}
    assert changed == {"js/entry.js", "js/a.js", "js/b.js"}

    # A cycle (annotate.js loads annotating.js, which imports annotate.js): both change.
    (tmp_path / "js/b.js").write_text('import "./a.js";\nexport const b = 3;')
    cycle = Manifest.of(tmp_path)
    assert f'"./a.js?v={cycle.hashes["js/a.js"]}"' in cycle.bodies["js/b.js"].decode()
    assert f'"./b.js?v={cycle.hashes["js/b.js"]}"' in cycle.bodies["js/a.js"].decode()
    (tmp_path / "js/a.js").write_text('import { b } from "./b.js";\nexport const a = -b;')
    again = Manifest.of(tmp_path)
    changed = {name for name in files if again.hashes[name] != cycle.hashes[name]}
    assert changed == {"js/entry.js", "js/a.js", "js/b.js"}


def test_a_repeat_request_for_a_page_is_answered_304(anonymous, demo):
    page = anonymous.get(f"/r/{demo}")
    assert page.headers["cache-control"] == "private, no-cache"  # it sets a cookie
    assert "Cookie" in page.headers["vary"] and "Accept-Language" in page.headers["vary"]
    repeat = anonymous.get(f"/r/{demo}", headers={"If-None-Match": page.headers["etag"]})
    assert (repeat.status_code, repeat.content) == (304, b"")
    assert repeat.headers["etag"] == page.headers["etag"]
    assert repeat.headers["cache-control"] == "private, no-cache"


def test_one_viewers_tag_never_gets_another_viewer_a_304(anonymous, browser_as, demo):
    """The tag is the page's own hash, and every page holds its viewer's CSRF token, name and
    language: another viewer, or the same one in another language, gets the page itself."""
    member, _token = browser_as("member")
    theirs = member.get(f"/r/{demo}")
    assert theirs.headers["cache-control"] == "private, no-cache"
    tag = {"If-None-Match": theirs.headers["etag"]}
    assert member.get(f"/r/{demo}", headers=tag).status_code == 304
    mine = anonymous.get(f"/r/{demo}", headers=tag)
    assert mine.status_code == 200 and "Sign in" in mine.text
    russian = member.get(f"/r/{demo}", headers={**tag, "Accept-Language": "ru"})
    assert russian.status_code == 200 and 'lang="ru"' in russian.text


def test_api_answers_carry_tags_that_change_with_what_the_viewer_may_see(clients, demo):
    owner, other = clients("member"), clients("other")
    url = f"/api/v1/recordings/{demo}/annotations"
    before = owner.get(url)
    assert before.headers["cache-control"] == "private, no-cache"  # it names the account
    tag = {"If-None-Match": before.headers["etag"]}
    assert (owner.get(url, headers=tag).status_code, owner.get(url, headers=tag).content) == (
        304,
        b"",
    )
    mine = {"start": 5, "text": "only mine", "visibility": "private"}
    assert owner.post(url, json=mine).status_code == 201
    after = owner.get(url, headers=tag)
    assert after.status_code == 200 and "only mine" in after.text
    assert other.get(url, headers={"If-None-Match": after.headers["etag"]}).status_code == 200
    public = clients().get("/api/v1/events")
    assert public.headers["cache-control"] == "no-cache"  # no credentials, no cookie set


def test_text_is_compressed_and_the_tag_names_both_encodings(anonymous, demo):
    plain = anonymous.get(f"/r/{demo}", headers={"Accept-Encoding": "identity"})
    packed = anonymous.get(f"/r/{demo}", headers={"Accept-Encoding": "gzip"})
    assert "content-encoding" not in plain.headers
    assert packed.headers["content-encoding"] == "gzip"
    assert "Accept-Encoding" in packed.headers["vary"]
    assert int(packed.headers["content-length"]) < len(plain.content) / 3
    assert packed.content == plain.content  # the client unpacked it
    assert packed.headers["etag"] == plain.headers["etag"]
    assert packed.headers["etag"].startswith('W/"')  # weak: the same tag for both encodings
    for url in ("/static/css/app.css", "/api/v1/events", f"/r/{demo}/transcript.vtt"):
        answer = anonymous.get(url, headers={"Accept-Encoding": "gzip"})
        if len(answer.content) > 1024:
            assert answer.headers["content-encoding"] == "gzip", url
    small = anonymous.get("/static/js/i18n.js", headers={"Accept-Encoding": "gzip"})
    assert len(small.content) < 1024 and "content-encoding" not in small.headers


def test_media_and_ranges_are_sent_as_they_are(anonymous, demo, settings):
    video = (settings.media_dir / "demo" / "clusters-open-boundaries-2019.mp4").read_bytes()
    gzip_please = {"Accept-Encoding": "gzip"}
    whole = anonymous.get(VIDEO, headers=gzip_please)
    assert "content-encoding" not in whole.headers and whole.content == video
    assert not whole.headers["etag"].startswith("W/")  # strong, as If-Range needs
    head = anonymous.head(VIDEO, headers=gzip_please)
    assert (head.status_code, head.headers["content-length"]) == (200, str(len(video)))
    piece = anonymous.get(
        VIDEO, headers={**gzip_please, "Range": "bytes=100-199", "If-Range": whole.headers["etag"]}
    )
    assert (piece.status_code, piece.content) == (206, video[100:200])
    assert "content-encoding" not in piece.headers
    assert piece.headers["content-range"] == f"bytes 100-199/{len(video)}"


def test_a_streamed_answer_is_sent_piece_by_piece_compressed():
    """Each piece leaves before the next is made (an export or a live stream is not held back
    until its end), and the pieces make one gzip stream."""
    first_sent = anyio.Event()
    pieces = [b"first piece " * 200, b"second piece " * 200]

    async def streaming(scope, receive, send):
        headers = [(b"content-type", b"application/json")]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": pieces[0], "more_body": True})
        with anyio.fail_after(5):
            await first_sent.wait()  # never set if the first piece is held back
        await send({"type": "http.response.body", "body": pieces[1], "more_body": False})

    sent = []

    async def send(message):
        sent.append(message)
        if message["type"] == "http.response.body" and message["body"]:
            first_sent.set()

    anyio.run(Compression(ConditionalGet(streaming)), _scope("/api/v1/export"), None, send)
    start, *bodies = sent
    assert (b"content-encoding", b"gzip") in start["headers"]
    assert not any(name == b"etag" for name, _ in start["headers"])
    assert len(bodies) == 2
    assert gzip.decompress(b"".join(m["body"] for m in bodies)) == b"".join(pieces)


def test_an_event_streams_headers_leave_before_its_first_event():
    """A live stream's browser counts it open when the headers arrive: they are not held back
    to see whether a whole body follows."""
    headers_sent = anyio.Event()

    async def events(scope, receive, send):
        headers = [(b"content-type", b"text/event-stream")]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        with anyio.fail_after(5):
            await headers_sent.wait()
        await send({"type": "http.response.body", "body": b"data: hi\n\n"})

    async def send(message):
        if message["type"] == "http.response.start":
            headers_sent.set()

    anyio.run(Compression(ConditionalGet(events)), _scope("/r/x/live"), None, send)


def _scope(path: str) -> dict:
    headers = [(b"accept-encoding", b"gzip")]
    return {"type": "http", "method": "GET", "path": path, "query_string": b"", "headers": headers}
