"""Slugs: readable, stable URL names, unique within their scope."""

from collections.abc import Callable

from slugify import slugify

from app.errors import Conflict


def make_slug(text: str) -> str:
    """ASCII, lower-case, hyphenated: "Gražvydas Morkus" -> "grazvydas-morkus"."""
    return slugify(text, max_length=60, word_boundary=True) or "item"


def unique_slug(text: str, taken: Callable[[str], bool]) -> str:
    """The slug of `text`, with -2, -3, ... appended until `taken` says it is free."""
    base = make_slug(text)
    slug, n = base, 1
    while taken(slug):
        n += 1
        slug = f"{base}-{n}"
    return slug


def claim_slug(wanted: str | None, text: str, taken: Callable[[str], bool]) -> str:
    """An explicit slug must be free (409 otherwise); a derived one is made free."""
    if wanted is None:
        return unique_slug(text, taken)
    if taken(wanted):
        raise Conflict(f"the slug {wanted!r} is already in use", field="slug")
    return wanted
