"""Sizes: the limits on what a request may carry, and how a size reads in a message."""

KIB, MIB, GIB = 1024, 1024**2, 1024**3
MAX_JSON_BYTES = 1 * MIB  # an API body or a plain form: a long annotation is a few KB
MAX_TEXT_BYTES = 20 * MIB  # an imported text file: a day of subtitles is a few MB
MAX_IMPORT_BODY_BYTES = MAX_TEXT_BYTES + 64 * KIB  # the file plus the form around it
STREAMED = 2**62  # routes that stream their body enforce their own limit as it arrives


def human_size(n: int) -> str:
    """Sizes in messages, as a person reads them: 8 GiB, 200 MiB, 512 bytes."""
    for unit, size in (("GiB", GIB), ("MiB", MIB), ("KiB", KIB)):
        if n >= size:
            return f"{n / size:.3g} {unit}"
    return f"{n} bytes"
