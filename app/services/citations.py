"""Citations: a reference to a quote or an annotation, ready to paste into an article or a
paper (PRODUCT §4): who, what, where, when, where the words were published, the permalink."""

from datetime import date

from app.models import Event, Recording
from app.schemas import AnnotationPublic


def date_range(start: date | None, end: date | None) -> str:
    """The event's whole span with each part said once, joined by an en dash ("16 May 2019",
    "16-17 May 2019", "30 May-2 June 2019", "31 December 2019-1 January 2020"): a two-day
    event is not cited as its first day."""
    if start is None:
        return ""
    if end is None or end <= start:
        return f"{start.day} {start:%B %Y}"
    last = f"{end.day} {end:%B %Y}"
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}–{last}"
    if start.year == end.year:
        return f"{start.day} {start:%B}–{last}"
    return f"{start.day} {start:%B %Y}–{last}"


def held(event: Event) -> str:
    """Where and when, as citations and shared pages name the event."""
    return ", ".join(x for x in (event.place, date_range(event.start_date, event.end_date)) if x)


def _source(a: AnnotationPublic) -> str:
    """Where a quote's words were published, when an editor said so."""
    title = f"“{a.source_title}”" if a.source_title else ""
    url = f"({a.source_url})" if title and a.source_url else a.source_url or ""
    published = " ".join(x for x in (title, url) if x)
    return f", quoted in {published}" if published else ""


def citation(a: AnnotationPublic, *, event: Event, recording: Recording, site: str) -> str:
    """`site` is the site's address: the permalink in a citation is absolute."""
    if a.speaker:
        about = ", ".join(x for x in (a.speaker.role, a.speaker.organisation) if x)
        who = a.speaker.name + (f" ({about})" if about else "")
    else:
        who = f"{a.kind.value.capitalize()} by {a.author or 'an anonymous viewer'}"
    said = f": “{a.text}”" if a.text else "."
    where_when = held(event)
    if a.start_tc:
        when = f"at {a.start_tc}" + (f"–{a.end_tc}" if a.end_tc else "")
    else:
        when = "time not yet placed"
    where = f"{a.segment_title}, " if a.segment_title else ""
    return (
        f"{who}{said} In: {event.title}{f' ({where_when})' if where_when else ''}, "
        f"recording “{recording.title}”, {where}{when}{_source(a)}. {site}{a.links['permalink']}"
    )
