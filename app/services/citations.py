"""Citations: a reference to a quote or an annotation, ready to paste into an article or a
paper (PRODUCT §4): who, what, where, when, and the permalink."""

from app.models import Event, Recording
from app.schemas import AnnotationPublic


def _held(event: Event) -> str:
    when = f"{event.start_date.day} {event.start_date:%B %Y}" if event.start_date else ""
    return ", ".join(x for x in (event.place, when) if x)


def citation(a: AnnotationPublic, *, event: Event, recording: Recording, site: str) -> str:
    """`site` is the site's address: the permalink in a citation is absolute."""
    if a.speaker:
        about = ", ".join(x for x in (a.speaker.role, a.speaker.organisation) if x)
        who = a.speaker.name + (f" ({about})" if about else "")
    else:
        who = f"{a.kind.value.capitalize()} by {a.author or 'an anonymous viewer'}"
    said = f": “{a.text}”" if a.text else "."
    held = _held(event)
    if a.start_tc:
        when = f"at {a.start_tc}" + (f"–{a.end_tc}" if a.end_tc else "")
    else:
        when = "time not yet placed"
    where = f"{a.segment_title}, " if a.segment_title else ""
    return (
        f"{who}{said} In: {event.title}{f' ({held})' if held else ''}, "
        f"recording “{recording.title}”, {where}{when}. {site}{a.links['permalink']}"
    )
