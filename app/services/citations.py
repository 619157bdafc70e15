"""Citations: a reference to a quote or an annotation, ready to paste into an article or a
paper (PRODUCT §4): who, what, where, when, where the words were published, the permalink.
Its words are the reader's language (the article's); the event's own words stay as written."""

from app.i18n import _, date_range, lazy
from app.models import AnnotationKind, Event, Recording
from app.schemas import AnnotationPublic

# Who an annotation without a speaker is by: its kind and author.
_BY = {
    AnnotationKind.note: lazy("Note by %(author)s"),
    AnnotationKind.quote: lazy("Quote by %(author)s"),
    AnnotationKind.highlight: lazy("Highlight by %(author)s"),
    AnnotationKind.question: lazy("Question by %(author)s"),
    AnnotationKind.bookmark: lazy("Bookmark by %(author)s"),
}


def held(event: Event) -> str:
    """Where and when, as citations and shared pages name the event."""
    return ", ".join(x for x in (event.place, date_range(event.start_date, event.end_date)) if x)


def _published(a: AnnotationPublic) -> str:
    """Where a quote's words were published, when an editor said so."""
    title = _("“%(title)s”") % {"title": a.source_title} if a.source_title else ""
    url = f"({a.source_url})" if title and a.source_url else a.source_url or ""
    return " ".join(x for x in (title, url) if x)


def _when(a: AnnotationPublic) -> str:
    if a.start_tc and a.end_tc:
        return _("at %(start)s–%(end)s") % {"start": a.start_tc, "end": a.end_tc}
    if a.start_tc:
        return _("at %(start)s") % {"start": a.start_tc}
    return _("time not yet placed")


def citation(a: AnnotationPublic, *, event: Event, recording: Recording, site: str) -> str:
    """`site` is the site's address: the permalink in a citation is absolute."""
    if a.speaker:
        about = ", ".join(x for x in (a.speaker.role, a.speaker.organisation) if x)
        who = a.speaker.name + (f" ({about})" if about else "")
    else:
        who = _BY[a.kind] % {"author": a.author or _("an anonymous viewer")}
    where_when = held(event)
    when = _when(a)
    values = {
        "said": _("%(who)s: “%(words)s”") % {"who": who, "words": a.text} if a.text else f"{who}.",
        "event": event.title + (f" ({where_when})" if where_when else ""),
        "recording": recording.title,
        "moment": f"{a.segment_title}, {when}" if a.segment_title else when,
        "source": _published(a),
    }
    sentence = (
        _("%(said)s In: %(event)s, recording “%(recording)s”, %(moment)s, quoted in %(source)s.")
        if values["source"]
        else _("%(said)s In: %(event)s, recording “%(recording)s”, %(moment)s.")
    )
    return f"{sentence % values} {site}{a.links['permalink']}"
