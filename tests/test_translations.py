"""The interface in English and Russian (issue 11, PRODUCT §6d): the catalog holds a Russian
translation of every message the code uses, every page speaks the reader's language, and the
choice of `?lang=` is remembered."""

import re
import runpy
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from fastapi.routing import APIRoute, iter_route_contexts
from sqlalchemy import String, select

from app import i18n
from app.models import SQLModel

ROOT = Path(__file__).resolve().parent.parent
translations = runpy.run_path(str(ROOT / "scripts" / "translations.py"))
# A placeholder of each syntax the code uses: %(name)s (Python and Jinja) and {name} (scripts).
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w+\}")
# Latin words that are the same in a Russian interface: names of formats, standards, products.
NOT_TRANSLATED = re.compile(
    r"Session Navigator|English|WebVTT|SRT|JSON-LD|JSON|CSV|ELAN|EAF|IIIF|YouTube|Whisper"
    r"|CTranslate2|tiny\.en|OpenAPI|API|oEmbed|Swagger|URL|UTC|ID|Shift|Ctrl|Alt|MP4|WebM|MP3|M4A"
    r"|WAV|Opus|OGG|Ogg|FLAC|AAC|HLS|Markdown|Web Annotation"
    r"|youtube\.com|youtu\.be|\.m3u8|\bid\b"  # examples of what a field takes
)


def _catalog():
    with (ROOT / "app/locale/ru/LC_MESSAGES/messages.po").open("rb") as po:
        return read_po(po, locale="ru")


def test_every_message_of_the_code_is_translated_to_russian():
    stored = _catalog()
    untranslated, wrong = [], []
    for message in translations["extract"]():
        if not message.id:
            continue
        entry = stored.get(message.id, context=message.context)
        strings = entry.string if entry is not None else None
        if (
            entry is None
            or entry.fuzzy
            or not all(strings if isinstance(strings, tuple) else [strings])
        ):
            untranslated.append(message.id)
            continue
        for english, russian in zip(
            message.id if isinstance(message.id, tuple) else [message.id],
            strings if isinstance(strings, tuple) else [strings],
            strict=False,
        ):
            if sorted(PLACEHOLDER.findall(english)) != sorted(PLACEHOLDER.findall(russian)):
                wrong.append((english, russian))
    print(f"{len(untranslated)} untranslated messages")
    assert untranslated == [], "run scripts/translations.py and translate these"
    assert wrong == [], "a translation must keep its placeholders"


class _Text(HTMLParser):
    """The words a reader meets: text outside scripts and styles, and the names and hints that
    assistive technology reads (aria-label, title, placeholder, alt, button values)."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "template", "code"):
            self._skip += 1
        for name, value in attrs:
            if value and (
                name in ("aria-label", "title", "placeholder", "alt", "aria-description")
                or (name == "value" and tag == "input" and ("type", "submit") in attrs)
            ):
                self.found.append(value)

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template", "code"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.found.append(" ".join(data.split()))


def _texts(html: str) -> list[str]:
    parser = _Text()
    parser.feed(html)
    return parser.found


def _is_text(column) -> bool:
    """A text column, SQLModel's AutoString (a type decorator over String) included."""
    return isinstance(getattr(column.type, "impl_instance", column.type), String)


def _content(session) -> list[str]:
    """Every text the database holds (titles, names, quotes, cues...): words that are the
    event's own, shown as written in any language."""
    values = []
    for table in SQLModel.metadata.sorted_tables:
        columns = [c for c in table.columns if _is_text(c)]
        if columns:
            for row in session.connection().execute(select(*columns)):
                values += [str(v) for v in row if v]
    return sorted({v for v in values if len(v) > 2}, key=len, reverse=True)  # names in titles


def _phrase(value: str) -> bool:
    """A title, name or sentence, as opposed to a lowercase code or handle ("admin", a tag),
    which is only ever shown as a whole word."""
    return bool(re.search(r"[A-Z\s]", value))


def _english(text: str, content: list[str]) -> bool:
    """Whether `text` holds English words that are not the event's own (shown as written,
    whole or as a search snippet's piece of it)."""
    phrases = [value for value in content if _phrase(value)]
    # A search snippet joins pieces of several fields with "·" (PostgreSQL's ts_headline).
    pieces = [p.strip(' .,:;…"“”#') for p in re.split(r"[·…]", text)]
    if all(any(p in value for value in phrases) for p in pieces if p):
        return False
    for quoted in re.findall(r"“([^”]*)”", text):  # a quote shortened for a preview
        if any(quoted.rstrip(".…") in value for value in phrases):
            text = text.replace(quoted, "")
    for value in content:
        if _phrase(value):
            text = text.replace(value, "")
        else:
            text = re.sub(rf"(?<![A-Za-z]){re.escape(value)}(?![A-Za-z])", "", text)
    text = re.sub(r"(https?:/)?/\S*", "", text)  # addresses
    return bool(re.search(r"[A-Za-z]{3,}", NOT_TRANSLATED.sub("", text)))


def _pages(app, ids: dict[str, str]) -> list[str]:
    """Every HTML page of the app (from the route table), its path filled from the demo."""
    found = []
    for context in iter_route_contexts(app.routes):
        route = context.original_route
        if not (isinstance(route, APIRoute) and "GET" in route.methods):
            continue
        if not route.endpoint.__module__.startswith("app.web") or route.path in (
            "/oembed",
            "/r/{recording}/frame.jpg",
            "/r/{recording}/thumbnails.vtt",  # frame previews: files for scripts, not pages
            "/r/{recording}/thumbnails.jpg",
            "/a/{annotation:int}/item",  # a fragment for scripts: checked as part of its page
            "/r/{recording}/live",  # a stream of live updates for scripts
        ):
            continue
        path = re.sub(r"\{(\w+)(:\w+)?\}", lambda m: ids[m[1]], context.path)
        found.append(path)
    return found


@pytest.fixture
def demo_ids(demo, session) -> dict[str, str]:
    from app.models import Annotation, AnnotationKind, Speaker

    quote = session.exec(select(Annotation).where(Annotation.kind == AnnotationKind.quote)).first()
    speaker = session.exec(select(Speaker)).first()
    return {
        "recording": demo,
        "event": "clusters-open-boundaries-2019",
        "segment": "round-table",
        "annotation": str(quote[0].id),
        "speaker": speaker[0].slug,
    }


def test_every_page_speaks_russian_to_a_russian_browser(browser_as, demo_ids, session, shared_app):
    browser, _ = browser_as("admin")
    content = [*_content(session), "cluster", "nope"]  # and what the reader typed
    pages = [*_pages(shared_app, demo_ids), "/no-such-page", "/search?q=cluster", "/r/nope"]
    english = []
    for path in pages:
        page = browser.get(path, headers={"Accept-Language": "ru-RU,ru;q=0.9,en;q=0.5"})
        assert page.status_code in (200, 404), (path, page.status_code)
        assert '<html lang="ru">' in page.text, path
        english += [(path, text) for text in _texts(page.text) if _english(text, content)]
    assert english == [], "English left on Russian pages: wrap these in _() and translate"


def test_lang_switches_and_is_remembered(anonymous, demo):
    russian = anonymous.get(f"/r/{demo}?t=2h20m&lang=ru")
    assert '<html lang="ru">' in russian.text
    assert russian.headers["content-language"] == "ru"
    assert "lang=ru" in russian.headers["set-cookie"]
    remembered = anonymous.get("/", headers={"Accept-Language": "en"})
    assert '<html lang="ru">' in remembered.text, "the ?lang= choice outranks the browser"
    back = anonymous.get("/?lang=en", headers={"Accept-Language": "ru"})
    assert '<html lang="en">' in back.text
    assert '<html lang="en">' in anonymous.get("/", headers={"Accept-Language": "ru"}).text


def test_the_switcher_keeps_the_deep_link(anonymous, demo):
    page = anonymous.get(f"/r/{demo}/s/round-table?t=12m30s").text
    assert f'href="/r/{demo}/s/round-table?t=12m30s&amp;lang=ru" lang="ru"' in page
    assert 'lang="en" hreflang="en" aria-current="true"' in page


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("ru-RU,ru;q=0.9,en-US;q=0.8", "ru"),
        ("de-DE,ru;q=0.5,en;q=0.4", "ru"),
        ("en;q=0.2,ru;q=0.1", "en"),
        ("ru;q=0,en", "en"),
        ("fr", "en"),
        ("", "en"),
        ("ru;q=abc,;;,*", "en"),
    ],
)
def test_accept_language_is_read_by_preference(header, expected):
    assert i18n.negotiate(None, None, header) == expected


def test_a_cookie_or_query_of_an_unknown_language_is_ignored():
    assert i18n.negotiate("de", "xx", "ru") == "ru"


def test_the_events_dates_are_one_range_in_the_readers_locale(anonymous, demo):
    page = anonymous.get("/e/clusters-open-boundaries-2019", headers={"Accept-Language": "ru"})
    assert "16—17 мая 2019\u202fг." in page.text
