"""The interface's languages (PRODUCT §6d): English, the language the code is written in, and
Russian from a gettext catalog (`app/locale/ru/LC_MESSAGES/messages.po`, edited in the repo).

Babel does the work, as in Flask-Babel and Django: its extractors build the catalog from the
templates, the Python code and the scripts (scripts/translations.py), and its CLDR data formats
dates and numbers for the reader's locale. The `.po` file is compiled in memory on first use, so
there is no build step and no compiled file to forget.

The reader's language is chosen once per request (`negotiate`) and kept in a context variable
that `_` reads, so services raise their messages in the reader's language without passing it
around; the command line and background jobs stay in English.
"""

import io
import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date
from functools import lru_cache
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_interval
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import LazyProxy, Translations

LANGUAGES = ("en", "ru")
DEFAULT = "en"
COOKIE = "lang"  # remembers a reader's ?lang= choice
QUERY = "lang"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
# Where the scripts' messages live: the catalog entries found there go to the page as JSON.
_SCRIPT_PREFIX = "static/"
# The names each language calls itself in the switcher.
NAMES = {"en": "English", "ru": "Русский"}

_language: ContextVar[str] = ContextVar("language", default=DEFAULT)


@lru_cache
def _catalog(language: str) -> tuple[Translations, dict[str, str]]:
    """The language's translations and the scripts' share of them."""
    path = LOCALE_DIR / language / "LC_MESSAGES" / "messages.po"
    if language == DEFAULT or not path.exists():
        return Translations(), {}
    with path.open("rb") as po:
        catalog = read_po(po, locale=language)
    mo = io.BytesIO()
    write_mo(mo, catalog, use_fuzzy=False)
    mo.seek(0)
    scripts = {
        str(m.id): str(m.string)
        for m in catalog
        if m.id
        and m.string
        and not m.fuzzy
        and isinstance(m.id, str)
        and any(f.startswith(_SCRIPT_PREFIX) for f, _ in m.locations)
    }
    return Translations(mo), scripts


def current() -> str:
    """The language of the request being served (English outside a request)."""
    return _language.get()


# The interface's English is British ("organiser", "16 May 2019"), and so are its formats.
_FORMATS = {"en": "en_GB", "ru": "ru"}


def locale() -> Locale:
    """The CLDR locale that formats dates and numbers for the reader."""
    return Locale.parse(_FORMATS[current()])


def gettext(message: str) -> str:
    return _catalog(current())[0].gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _catalog(current())[0].ngettext(singular, plural, n)


_ = gettext


def lazy(message: str) -> LazyProxy:
    """A message defined at import time, translated each time it is shown."""
    return LazyProxy(gettext, message, enable_cache=False)


def script_messages() -> dict[str, str]:
    """The translations of the scripts' strings (`t("...")` in static/js), for the page."""
    return _catalog(current())[1]


@contextmanager
def using(language: str) -> Iterator[None]:
    token = _language.set(language if language in LANGUAGES else DEFAULT)
    try:
        yield
    finally:
        _language.reset(token)


def activate(language: str) -> None:
    """Set the language for the rest of this context (the request's task and its threads)."""
    _language.set(language if language in LANGUAGES else DEFAULT)


_ACCEPT = re.compile(r"\s*([A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*|\*)\s*(?:;\s*q\s*=\s*([0-9.]+))?\s*")


def _accepted(header: str) -> list[str]:
    """Accept-Language's tags in order of preference (RFC 9110 §12.5.4); junk is ignored."""
    ranked = []
    for i, part in enumerate(header[:1000].split(",")):
        m = _ACCEPT.fullmatch(part)
        if not m:
            continue
        try:
            q = float(m.group(2)) if m.group(2) else 1.0
        except ValueError:
            continue
        if q > 0:
            ranked.append((-q, i, m.group(1).lower()))
    return [tag for _, _, tag in sorted(ranked)]


def negotiate(query: str | None, cookie: str | None, accept_language: str | None) -> str:
    """`?lang=` first, then the remembered choice, then the browser's languages, else English."""
    for choice in (query, cookie):
        if choice in LANGUAGES:
            return choice
    for tag in _accepted(accept_language or ""):
        if tag.split("-")[0] in LANGUAGES:
            return tag.split("-")[0]
    return DEFAULT


def date_range(start: date | None, end: date | None) -> str:
    """An event's dates as one range, each part said once, in the reader's locale as CLDR
    writes ranges (tests/test_quotes_and_citations.py shows English and Russian)."""
    return _date_range(start, end, current())


@lru_cache(maxsize=256)  # every citation on a page says it: Babel takes ~1 ms a time
def _date_range(start: date | None, end: date | None, language: str) -> str:
    if start is None:
        return ""
    if end is None or end == start:
        return format_date(start, "long", locale=locale())
    return format_interval(start, end, "yMMMMd", locale=locale())


def number(value: float | int) -> str:
    return format_decimal(value, locale=locale())


def language_name(tag: str) -> str:
    """A language tag named in the reader's language ("Russian", "русский"); the tag itself
    when CLDR does not know it."""
    try:
        name = Locale.parse(tag.replace("-", "_")).get_display_name(locale())
    except (ValueError, TypeError, UnknownLocaleError):
        return tag
    return name[:1].upper() + name[1:] if name else tag
