"""The site's own static files under content fingerprints, with no build step.

static/ is read-only while the service runs, so each file's content hash is taken once, at
the first use. Pages link `/static/PATH?v=HASH` (templating's `url_for`): an answer to a URL
whose hash is current may be kept a year (`immutable`), and a new file gets a new URL. A URL
without the hash, or with an old one, still gets the current file, revalidated on every use
(`no-cache` with an ETag, so a repeat is a 304).

ES modules import each other by relative specifiers (`./i18n.js`), which name no hash. The
import map every page carries in its head sends each imported module's plain URL to its
fingerprinted one, and `modulepreload` links ask for a page's whole module graph at once rather
than one level of imports after the other. The import map is an inline script: the Content-Security-
Policy allows exactly it by its hash (app/http/headers.py). A module loaded on demand
(`import("./preview.js")`) is in the import map, so it comes fingerprinted too, but not in the
`modulepreload` graph: the first paint does not wait for it.

Scripts and stylesheets are served minified (PRODUCT §8: the navigator's own HTML+CSS+JS at
most 60 KB): each is minified once, at the first use, and kept in memory, and its hash is the
hash of those served bytes; the files in static/ stay as written. The minifiers are rJSmin and
rCSSmin: small, single-purpose, maintained for over a decade and used by django-compressor
and webassets; they work by regular expressions (C accelerated, with a pure-Python fallback),
never rename or reorder anything, so ES module syntax (import/export, template literals,
regular expression literals, `?.`) passes as it is, and they need no build step or Node.
"""

import base64
import hashlib
import json
import re
from dataclasses import dataclass
from email.utils import formatdate
from functools import cache
from mimetypes import guess_type
from os import PathLike, stat_result
from pathlib import Path

import rcssmin
import rjsmin
from markupsafe import Markup
from starlette.datastructures import Headers, QueryParams
from starlette.responses import FileResponse, Response
from starlette.staticfiles import NotModifiedResponse, StaticFiles
from starlette.types import Scope

STATIC_DIR = Path(__file__).resolve().parent.parent.parent / "static"
MOUNT = "/static"
VERSION = "v"
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
# Static imports and re-exports with a relative specifier, over one line or several;
# dynamic `import()` is left out of the graph, as it is loaded on demand.
_IMPORT = re.compile(
    r"""^\s*(?:(?:import|export)\b[^"';]*?\bfrom\s*|import\s*)["'](\.\.?/[^"']+)["']""",
    re.MULTILINE,
)
# Modules loaded on demand: `import("./preview.js")`.
_DYNAMIC_IMPORT = re.compile(r"""\bimport\(\s*["'](\.\.?/[^"']+)["']\s*\)""")


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:16]


def _minified(suffix: str, data: bytes) -> bytes | None:
    """A script or stylesheet as served (None for other files, sent as they are)."""
    if suffix == ".js":
        return rjsmin.jsmin(data.decode()).encode()
    if suffix == ".css":
        return rcssmin.cssmin(data.decode()).encode()
    return None


@dataclass(frozen=True)
class Manifest:
    """Each file's hash as served, each ES module's static relative imports (paths in
    static/), and the minified body of each script and stylesheet."""

    hashes: dict[str, str]
    imports: dict[str, tuple[str, ...]]
    bodies: dict[str, bytes]
    on_demand: frozenset[str] = frozenset()

    @classmethod
    def of(cls, folder: Path) -> "Manifest":
        hashes: dict[str, str] = {}
        imports: dict[str, tuple[str, ...]] = {}
        bodies: dict[str, bytes] = {}
        on_demand: set[str] = set()
        for file in sorted(p for p in folder.rglob("*") if p.is_file()):
            name = file.relative_to(folder).as_posix()
            data = file.read_bytes()
            served = _minified(file.suffix, data)
            if served is not None:
                bodies[name] = served
            hashes[name] = _digest(data if served is None else served)
            if file.suffix == ".js":
                base = file.parent
                source = data.decode()  # the source: one import per line
                imports[name] = tuple(
                    (base / spec).resolve().relative_to(folder.resolve()).as_posix()
                    for spec in _IMPORT.findall(source)
                )
                on_demand.update(
                    (base / spec).resolve().relative_to(folder.resolve()).as_posix()
                    for spec in _DYNAMIC_IMPORT.findall(source)
                )
        return cls(hashes, imports, bodies, frozenset(on_demand))

    def url(self, path: str) -> str:
        """The file's fingerprinted URL (its plain URL when it is unknown)."""
        digest = self.hashes.get(path)
        return f"{MOUNT}/{path}" + (f"?{VERSION}={digest}" if digest else "")

    def graph(self, entry: str) -> list[str]:
        """The module and everything it imports, directly or not, each once."""
        seen: dict[str, None] = {}
        todo = [entry]
        while todo:
            module = todo.pop()
            if module not in seen:
                seen[module] = None
                todo += reversed(self.imports.get(module, ()))
        return list(seen)

    @property
    def import_map_json(self) -> str:
        """The modules some module imports (statically or on demand); the pages' own entry
        modules come by their fingerprinted `<script src>` and need no entry."""
        imported = {m for targets in self.imports.values() for m in targets} | self.on_demand
        mapping = {f"{MOUNT}/{m}": self.url(m) for m in self.imports if m in imported}
        return json.dumps({"imports": mapping}, separators=(",", ":"))

    @property
    def import_map(self) -> Markup:
        # The JSON names only paths and hex digests: nothing in it can close the element.
        return Markup(f'<script type="importmap">{self.import_map_json}</script>')

    @property
    def import_map_csp(self) -> str:
        """The CSP source that allows the import map, and no other inline script."""
        digest = hashlib.sha256(self.import_map_json.encode()).digest()
        return f"'sha256-{base64.b64encode(digest).decode()}'"

    def modulepreload(self, entry: str) -> Markup:
        return Markup("").join(
            Markup('<link rel="modulepreload" href="{}">\n').format(self.url(module))
            for module in self.graph(entry)
        )


@cache
def manifest() -> Manifest:
    return Manifest.of(STATIC_DIR)


class FingerprintedFiles(StaticFiles):
    """StaticFiles whose answers say how long they may be kept, by whether the URL names the
    file's current hash, with the content hash as ETag. The ETag is weak because the same tag
    names the gzip and the plain encoding (app/http/middleware.py compresses). Scripts and
    stylesheets are answered from memory, minified (no Range: nothing asks for a piece)."""

    def __init__(self, manifest: Manifest, directory: Path) -> None:
        super().__init__(directory=directory)
        self.manifest = manifest

    def file_response(
        self,
        full_path: str | PathLike[str],
        stat_result: stat_result,
        scope: Scope,
        status_code: int = 200,
    ) -> Response:
        path = Path(self.get_path(scope)).as_posix()
        digest = self.manifest.hashes.get(path)
        if digest is None:  # not there at start (static/ should not change while we run)
            return super().file_response(full_path, stat_result, scope, status_code)
        body = self.manifest.bodies.get(path)
        response: Response
        if body is None:
            response = FileResponse(full_path, status_code=status_code, stat_result=stat_result)
        else:
            response = _Minified(body, status_code, full_path, stat_result, scope)
        response.headers["ETag"] = f'W/"{digest}"'
        asked = QueryParams(scope["query_string"]).get(VERSION)
        response.headers["Cache-Control"] = IMMUTABLE if asked == digest else REVALIDATE
        if self.is_not_modified(response.headers, Headers(scope=scope)):
            return NotModifiedResponse(response.headers)
        return response

    def is_not_modified(self, response_headers: Headers, request_headers: Headers) -> bool:
        if "if-none-match" in request_headers:
            return matches(request_headers["if-none-match"], response_headers["etag"])
        return super().is_not_modified(response_headers, request_headers)


class _Minified(Response):
    """A script or stylesheet from memory, with the file's type and modification time."""

    def __init__(
        self,
        body: bytes,
        status_code: int,
        full_path: str | PathLike[str],
        stat_result: stat_result,
        scope: Scope,
    ) -> None:
        head = scope["method"] == "HEAD"
        media_type = guess_type(full_path)[0] or "application/octet-stream"
        super().__init__(b"" if head else body, status_code, media_type=media_type)
        self.headers["content-length"] = str(len(body))
        self.headers["last-modified"] = formatdate(stat_result.st_mtime, usegmt=True)


def matches(if_none_match: str | None, etag: str) -> bool:
    """If-None-Match's weak comparison (RFC 9110 §13.1.2): W/ prefixes do not count."""
    if not if_none_match:
        return False
    ours = etag.removeprefix("W/")
    tags = [tag.strip().removeprefix("W/") for tag in if_none_match.split(",")]
    return "*" in tags or ours in tags
