"""Sizes: the limits on what a request may carry, and how a size reads in a message."""

from app.i18n import _, ngettext, number

KIB, MIB, GIB = 1024, 1024**2, 1024**3
MAX_JSON_BYTES = 1 * MIB  # an API body or a plain form: a long annotation is a few KB
MAX_TEXT_BYTES = 20 * MIB  # an imported text file: a day of subtitles is a few MB
MAX_IMPORT_BODY_BYTES = MAX_TEXT_BYTES + 64 * KIB  # the file plus the form around it
STREAMED = 2**62  # routes that stream their body enforce their own limit as it arrives


def human_size(n: int) -> str:
    """Sizes in messages, as a person reads them in their language: 8 GiB, 1.5 MiB, 512 bytes
    (three significant digits, the number written the reader's way: "1,5 МиБ")."""
    for size, unit in (
        (GIB, _("%(size)s GiB")),
        (MIB, _("%(size)s MiB")),
        (KIB, _("%(size)s KiB")),
    ):
        if n >= size:
            return unit % {"size": number(float(f"{n / size:.3g}"))}
    return ngettext("%(num)s byte", "%(num)s bytes", n) % {"num": number(n)}
