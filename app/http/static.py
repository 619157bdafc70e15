"""The site's own static files under content fingerprints, with no build step.

static/ is read-only while the service runs, so each file's content hash is taken once, at
the first use. Pages link `/static/PATH?v=HASH` (templating's `url_for`): an answer to a URL
whose hash is current may be kept a year (`immutable`), and a new file gets a new URL. A URL
without the hash, or with an old one, still gets the current file, revalidated on every use
(`no-cache` with an ETag, so a repeat is a 304).

ES modules import each other by relative specifiers (`./i18n.js`), which name no hash. The
module as served names its imports' fingerprinted URLs (`./i18n.js?v=HASH`, static and
`import()` alike), and a module's hash covers everything it loads, as bundlers' content hashes
do: a changed file changes the URL of every module that leads to it, and of no other. (An
import map in every page did the same at 1.2 KB a page, and needed the one inline script the
Content-Security-Policy allowed.) `modulepreload` links ask for a page's whole module graph at
once rather than one level of imports after the other; a module loaded on demand
(`import("./preview.js")`) is not in that graph: the first paint does not wait for it.

Scripts and stylesheets are served minified (PRODUCT §8: the navigator's own HTML+CSS+JS at
most 60 KB): each is minified once, at the first use, and kept in memory, and its hash is the
hash of those bytes (a module's, of those of all it loads); the files in static/ stay as
written. The minifiers are rJSmin and rCSSmin: small, single-purpose, maintained for over a
decade and used by django-compressor and webassets; they work by regular expressions (C
accelerated, with a pure-Python fallback), never rename or reorder anything, so ES module
syntax (import/export, template literals, regular expression literals, `?.`) passes as it is,
and they need no build step or Node.
"""

import hashlib
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
DIGITS = 10  # of the hash in a URL: 40 bits tell one version of a file from its others
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
# Static imports and re-exports with a relative specifier, over one line or several: the
# modulepreload graph (dynamic `import()` is left out of it, as it is loaded on demand).
_IMPORT = re.compile(
    r"""^\s*(?:(?:import|export)\b[^"';]*?\bfrom\s*|import\s*)["'](\.\.?/[^"']+)["']""",
    re.MULTILINE,
)
# Any relative specifier in a minified module (static, re-export or on demand) and any file
# it names by `new URL("../css/help.css", import.meta.url)`, to fingerprint.
_SPECIFIER = re.compile(
    r"""(\bfrom\s*|\bimport\s*\(?\s*|\bnew\s+URL\(\s*)(["'])(\.\.?/[^"'?]+)\2"""
)


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:DIGITS]


def _minified(suffix: str, data: bytes) -> bytes | None:
    """A script or stylesheet as served (None for other files, sent as they are)."""
    if suffix == ".js":
        return rjsmin.jsmin(data.decode()).encode()
    if suffix == ".css":
        return rcssmin.cssmin(data.decode()).encode()
    return None


def _named(folder: Path, module: Path, specifier: str) -> str:
    """The static/ path a module's relative specifier names."""
    return (module.parent / specifier).resolve().relative_to(folder.resolve()).as_posix()


@dataclass(frozen=True)
class Manifest:
    """Each file's hash as served, each ES module's static relative imports (paths in
    static/), and the minified body of each script and stylesheet."""

    hashes: dict[str, str]
    imports: dict[str, tuple[str, ...]]
    bodies: dict[str, bytes]

    @classmethod
    def of(cls, folder: Path) -> "Manifest":
        hashes: dict[str, str] = {}
        imports: dict[str, tuple[str, ...]] = {}
        bodies: dict[str, bytes] = {}
        modules: dict[str, Path] = {}
        for file in sorted(p for p in folder.rglob("*") if p.is_file()):
            name = file.relative_to(folder).as_posix()
            data = file.read_bytes()
            served = _minified(file.suffix, data)
            if served is not None:
                bodies[name] = served
            if file.suffix == ".js":  # versioned below, with what it loads
                modules[name] = file
                source = data.decode()  # the source: one import per line
                imports[name] = tuple(_named(folder, file, s) for s in _IMPORT.findall(source))
            else:
                hashes[name] = _digest(data if served is None else served)

        # A module's version is the hash of everything it may load (itself included, imports
        # of imports, import() too, and the files they name), so it changes with any of them;
        # taken before the bodies name versions, it needs no order among modules, and import
        # cycles are no matter (annotate.js loads annotating.js, which imports annotate.js).
        names = {
            name: {_named(folder, file, m[3]) for m in _SPECIFIER.finditer(bodies[name].decode())}
            for name, file in modules.items()
        }
        for name in modules:
            seen, todo = set(), [name]
            while todo:
                if (module := todo.pop()) not in seen:
                    seen.add(module)
                    todo += names[module] & modules.keys()
            files = sorted(set().union(*(names[m] for m in seen)) - modules.keys())
            parts = [m.encode() + b"\0" + bodies[m] for m in sorted(seen)]
            parts += [f"{f}\0{hashes.get(f)}".encode() for f in files]
            hashes[name] = _digest(b"\0".join(parts))

        for name, file in modules.items():

            def versioned(m: re.Match[str], file: Path = file) -> str:
                digest = hashes.get(_named(folder, file, m[3]))
                return m[0] if digest is None else f"{m[1]}{m[2]}{m[3]}?{VERSION}={digest}{m[2]}"

            bodies[name] = _SPECIFIER.sub(versioned, bodies[name].decode()).encode()
        return cls(hashes, imports, bodies)

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

    def modulepreload(self, entry: str) -> Markup:
        """Links for what the entry imports; the entry's own `<script src>` is found as early
        by the browser's preload scanner, wherever it is in the page."""
        return Markup("").join(
            Markup('<link rel="modulepreload" href="{}">\n').format(self.url(module))
            for module in self.graph(entry)[1:]
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
