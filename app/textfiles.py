"""Text as people send it: what any stored text may hold, and uploaded files decoded.

Two kinds of character can be in a Python string but in no stored text: NUL, which
PostgreSQL refuses in any text, and lone surrogates (JSON's `"\\ud800"`), which have no
UTF-8 form. Both are refused wherever text comes in (`problem` is the one check).
"""

import codecs
from collections.abc import Iterable, Iterator

from app.errors import Invalid
from app.i18n import _
from app.sizes import MAX_TEXT_BYTES, human_size


def problem(text: str) -> str | None:
    """Why `text` cannot be stored, or None when it can."""
    if "\x00" in text:
        return _("text must not contain the NUL character")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return _("text must not contain lone surrogates (\\ud800-\\udfff)")
    return None


def decode(data: bytes, *, field: str) -> str:
    """The text of an uploaded file or body; anything else is refused, naming `field`.

    UTF-8 with or without a byte order mark, or UTF-16 with one.
    """
    if len(data) > MAX_TEXT_BYTES:
        raise Invalid(
            _("the text is larger than %(size)s") % {"size": human_size(MAX_TEXT_BYTES)},
            field=field,
        )
    encoding = "utf-16" if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) else None
    try:
        text = data.decode(encoding or "utf-8-sig")
    except UnicodeDecodeError as exc:
        raise Invalid(
            _("the text is not UTF-8 (byte %(byte)s cannot be read); save it as UTF-8")
            % {"byte": exc.start + 1},
            field=field,
        ) from None
    checked(text, field=field)
    return text


def checked(text: str, *, field: str) -> str:
    """`text` if it can be stored, else Invalid naming the line that cannot."""
    if (why := problem(text)) is None:
        return text
    bad = next(i for i, c in enumerate(text) if c == "\x00" or "\ud800" <= c <= "\udfff")
    line = text.count(chr(10), 0, bad) + 1
    raise Invalid(_("line %(line)s: %(problem)s") % {"line": line, "problem": why}, field=field)


def in_pieces(parts: Iterable[str], size: int = 64 * 1024) -> Iterator[str]:
    """Small strings (JSON tokens, rows) joined into pieces of about `size` characters: a
    response or file written piece by piece, not token by token (one network write each)."""
    pieces: list[str] = []
    held = 0
    for part in parts:
        pieces.append(part)
        held += len(part)
        if held >= size:
            yield "".join(pieces)
            pieces, held = [], 0
    if pieces:
        yield "".join(pieces)
