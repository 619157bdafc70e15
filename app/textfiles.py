"""Text as people upload it: UTF-8 with or without a byte order mark, or UTF-16 with one."""

import codecs

from app.errors import Invalid

MAX_TEXT_BYTES = 20 * 1024 * 1024  # a day of subtitles is a few MB


def decode(data: bytes, *, field: str) -> str:
    """The text of an uploaded file or body; anything else is refused, naming `field`."""
    if len(data) > MAX_TEXT_BYTES:
        raise Invalid(f"the text is larger than {MAX_TEXT_BYTES // 2**20} MB", field=field)
    encoding = "utf-16" if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) else None
    try:
        text = data.decode(encoding or "utf-8-sig")
    except UnicodeDecodeError as exc:
        raise Invalid(
            f"the text is not UTF-8 (byte {exc.start + 1} cannot be read); save it as UTF-8",
            field=field,
        ) from None
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise Invalid(f"line {line}: the text contains a NUL character", field=field)
    return text
