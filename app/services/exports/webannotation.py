"""A recording's annotations as a W3C Web Annotation AnnotationCollection (JSON-LD, paged),
and the import of such collections as Hypothesis-like tools export them.

The mapping, both ways (https://www.w3.org/TR/annotation-model/):
- id: the permalink `{site}/a/{id}`; creator: a Person named as the annotation is shown,
  with the owner's username as nickname; created/modified: when it was written and changed.
- target: the recording's media (the navigator page for YouTube) with a FragmentSelector
  conforming to Media Fragments, `t=START,END` (`t=START` for a point) in seconds. An
  unplaced quote has no selector; its `scope` is its session's page (`.../s/{segment}`).
- kind: the motivation (note commenting, question questioning, highlight highlighting,
  bookmark bookmarking, quote describing); a reply is `replying` (plus its kind's, unless a
  note) and targets its parent's id.
- bodies: the text as a TextualBody (purpose commenting, replying for a reply), each tag as a
  TextualBody with purpose tagging, and a quote's speaker as a SpecificResource with purpose
  identifying whose source is the speaker's page. A private annotation (its owner's export
  alone shows it) has the audience `{"type": "schema:Audience", "schema:audienceType":
  "private"}`, so importing it elsewhere keeps it private.
Not carried: approximate placement (imported as exact), a quote's source, the original
author and timestamps (imported annotations are the importer's, written now).
"""

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import unquote, urlsplit

from sqlmodel import Session, col, func, select

from app import links
from app.errors import DomainError, Invalid, NotFound, validated
from app.i18n import _
from app.models import (
    Annotation,
    AnnotationKind,
    AnnotationTag,
    MediaKind,
    Recording,
    Segment,
    Speaker,
    User,
    Visibility,
)
from app.schemas import AnnotationCreate
from app.services import access, annotations
from app.services import segments as segment_service
from app.services import speakers as speaker_service
from app.services.speaker_names import SpeakerBook
from app.timecodes import TimeRange, format_range, parse_fragment

CONTEXT = "http://www.w3.org/ns/anno.jsonld"
MEDIA_TYPE = f'application/ld+json; profile="{CONTEXT}"'
MEDIA_FRAGMENTS = "http://www.w3.org/TR/media-frags/"
PAGE_SIZE = 200
MOTIVATIONS = {
    AnnotationKind.note: "commenting",
    AnnotationKind.question: "questioning",
    AnnotationKind.highlight: "highlighting",
    AnnotationKind.bookmark: "bookmarking",
    AnnotationKind.quote: "describing",
}
KINDS = {motivation: kind for kind, motivation in MOTIVATIONS.items()}
TEXT_PURPOSES = {"commenting", "replying", "describing", None}
PRIVATE = {"type": "schema:Audience", "schema:audienceType": "private"}


# Reading what the viewer may see


def _visible(recording: Recording, viewer: User | None):
    return select(Annotation).where(
        Annotation.recording_id == recording.id, access.visible_to(viewer)
    )


def count(session: Session, *, recording: Recording, viewer: User | None) -> int:
    stmt = select(func.count()).select_from(_visible(recording, viewer).subquery())
    return session.exec(stmt).one()


def visible(
    session: Session, *, recording: Recording, viewer: User | None, offset: int, limit: int
) -> list[Annotation]:
    """The annotations `viewer` may see in time order, unplaced ones last, each reply right
    after its annotation (it shares its parent's time, and ids grow)."""
    stmt = _visible(recording, viewer).order_by(
        col(Annotation.start).is_(None),
        col(Annotation.start),
        func.coalesce(col(Annotation.reply_to_id), col(Annotation.id)),
        col(Annotation.id),
    )
    return list(session.exec(stmt.offset(offset).limit(limit)))


@dataclass
class Details:
    """What a batch of annotations names, each fetched once per batch."""

    tags: dict[int, list[str]]
    speakers: dict[int, Speaker]
    owners: dict[int, User]
    segments: dict[int, Segment]


def details(session: Session, rows: list[Annotation]) -> Details:
    tags: dict[int, list[str]] = defaultdict(list)
    ids = [a.id for a in rows]
    for annotation_id, tag in session.exec(
        select(AnnotationTag.annotation_id, AnnotationTag.tag)
        .where(col(AnnotationTag.annotation_id).in_(ids))
        .order_by(col(AnnotationTag.tag))
    ):
        tags[annotation_id].append(tag)

    def by_id(model: Any, wanted: set[int | None]) -> dict:
        found = session.exec(select(model).where(col(model.id).in_(wanted - {None})))
        return {row.id: row for row in found}

    return Details(
        tags=tags,
        speakers=by_id(Speaker, {a.speaker_id for a in rows}),
        owners=by_id(User, {a.owner_id for a in rows}),
        segments=by_id(Segment, {a.segment_id for a in rows}),
    )


def timestamp(moment: datetime) -> str:
    """RFC 3339 in UTC; SQLite hands stored UTC times back without their zone."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# Export


def collection_id(recording: Recording, site: str) -> str:
    return site + links.export_url(recording.slug, "annotations.jsonld")


def _page_id(recording: Recording, site: str, number: int) -> str:
    return f"{collection_id(recording, site)}?page={number}"


def _media(recording: Recording, site: str) -> str:
    source = links.media_src(recording)
    if source is None or recording.media_kind is MediaKind.youtube:
        return site + links.recording_url(recording.slug)
    return source if urlsplit(source).scheme else site + source


def collection(session: Session, *, recording: Recording, viewer: User | None, site: str) -> dict:
    """The collection with its first page embedded: one document while it holds at most
    PAGE_SIZE annotations, and a walk of `next` links after that."""
    total = count(session, recording=recording, viewer=viewer)
    document: dict[str, Any] = {
        "@context": CONTEXT,
        "id": collection_id(recording, site),
        "type": "AnnotationCollection",
        "label": f"Annotations on {recording.title}",
        "total": total,
    }
    if total:
        first = page(session, recording=recording, viewer=viewer, site=site, number=0)
        last = (total - 1) // PAGE_SIZE
        document |= {"first": first, "last": _page_id(recording, site, last)}
    return document


def page(
    session: Session, *, recording: Recording, viewer: User | None, site: str, number: int
) -> dict:
    """One AnnotationPage of PAGE_SIZE annotations (page 0 first), linked to its neighbours."""
    total = count(session, recording=recording, viewer=viewer)
    last = max(0, (total - 1) // PAGE_SIZE)
    if number > last:
        raise NotFound(
            _("no page %(number)s: the last is page %(last)s") % {"number": number, "last": last},
            field="page",
        )
    rows = visible(
        session, recording=recording, viewer=viewer, offset=number * PAGE_SIZE, limit=PAGE_SIZE
    )
    known = details(session, rows)
    document: dict[str, Any] = {
        "@context": CONTEXT,
        "id": _page_id(recording, site, number),
        "type": "AnnotationPage",
        "partOf": {"id": collection_id(recording, site), "total": total},
        "startIndex": number * PAGE_SIZE,
        "items": [_annotation(a, recording, known, site) for a in rows],
    }
    if number > 0:
        document["prev"] = _page_id(recording, site, number - 1)
    if number < last:
        document["next"] = _page_id(recording, site, number + 1)
    return document


def _annotation(a: Annotation, recording: Recording, known: Details, site: str) -> dict:
    assert a.id is not None  # stored rows
    owner = known.owners.get(a.owner_id) if a.owner_id else None
    creator: dict[str, str] = {"type": "Person", "name": a.author or _name(owner)}
    if owner is not None:
        creator["nickname"] = owner.username
    motivation: str | list[str] = MOTIVATIONS[a.kind]
    if a.reply_to_id is not None:
        own = MOTIVATIONS[a.kind]
        motivation = "replying" if a.kind is AnnotationKind.note else ["replying", own]
    bodies: list[dict[str, Any]] = []
    if a.text:
        purpose = "replying" if a.reply_to_id is not None else "commenting"
        bodies.append({"type": "TextualBody", "value": a.text, "purpose": purpose})
    bodies += [{"type": "TextualBody", "value": t, "purpose": "tagging"} for t in known.tags[a.id]]
    if a.speaker_id is not None:
        speaker = known.speakers[a.speaker_id]
        source = {"id": site + links.speaker_url(speaker.slug), "type": "Text"}
        bodies.append({"type": "SpecificResource", "purpose": "identifying", "source": source})
    shape: dict[str, Any] = {
        "@context": CONTEXT,
        "id": site + links.annotation_url(a.id),
        "type": "Annotation",
        "motivation": motivation,
        "created": timestamp(a.created_at),
        "modified": timestamp(a.updated_at),
        "creator": creator,
        "target": _target(a, recording, known, site),
    }
    if bodies:
        shape["body"] = bodies
    if a.visibility is Visibility.private:
        shape["audience"] = PRIVATE
    return shape


def _name(owner: User | None) -> str:
    return (owner.display_name or owner.username) if owner else "unknown"


def _target(a: Annotation, recording: Recording, known: Details, site: str) -> str | dict:
    if a.reply_to_id is not None:
        return site + links.annotation_url(a.reply_to_id)
    target: dict[str, Any] = {"type": "SpecificResource", "source": _media(recording, site)}
    if a.start is not None:
        value = "t=" + format_range(TimeRange(a.start, a.end))
        target["selector"] = {
            "type": "FragmentSelector",
            "conformsTo": MEDIA_FRAGMENTS,
            "value": value,
        }
    elif a.segment_id is not None:
        segment = known.segments[a.segment_id]
        target["scope"] = site + links.segment_url(recording.slug, segment.slug)
    return target


# Import


@dataclass
class ImportSummary:
    created: int = 0
    replies: int = 0
    ids: dict[str, int] = field(default_factory=dict)  # the document's ids -> ours


def import_collection(
    session: Session, *, recording: Recording, actor: User, document: Any
) -> ImportSummary:
    """Create the document's annotations on `recording`, owned by `actor`: an
    AnnotationCollection (with its first page embedded), an AnnotationPage, one Annotation,
    or a list of annotations and pages. All or nothing: the first problem is raised naming
    where it is (e.g. `items.3.body.1`), and the caller's unit of work rolls back."""
    found = list(_annotations_in(document, ""))
    if not found:
        raise Invalid(_("the document holds no annotations"), field="body")
    book = SpeakerBook(session)
    summary = ImportSummary()
    parents = [(w, a) for w, a in found if _parent_ref(a, w) is None]
    replies = [(w, a) for w, a in found if _parent_ref(a, w) is not None]
    for where, item in parents + replies:  # a reply needs its parent's new id
        data = _read(session, recording, item, where, book, summary)
        try:
            created = annotations.create(session, recording=recording, data=data, actor=actor)
        except DomainError as exc:
            field = f"{where}.{exc.field}" if exc.field else where
            raise type(exc)(f"{where}: {exc.message}", field=field) from None
        assert created.id is not None  # flushed
        summary.created += 1
        summary.replies += created.reply_to_id is not None
        if isinstance(item.get("id"), str):
            summary.ids[item["id"]] = created.id
    return summary


def _types(node: dict) -> set[str]:
    kind = node.get("type", [])
    return {kind} if isinstance(kind, str) else {t for t in kind if isinstance(t, str)}


# What may hold what: a document, a list's items, a page's items (nothing deeper, so a
# hostile document cannot nest its way past the stack).
TOP = ("list", "Annotation", "AnnotationPage", "AnnotationCollection")
IN_LIST = ("Annotation", "AnnotationPage")
IN_PAGE = ("Annotation",)


def _annotations_in(node: Any, where: str, allowed: tuple[str, ...] = TOP):
    """(where, annotation) pairs, where being the path to it in the document."""
    here = where or "body"
    prefix = f"{where}." if where else ""
    if isinstance(node, list) and "list" in allowed:
        for i, item in enumerate(node):
            yield from _annotations_in(item, f"{prefix}{i}", IN_LIST)
        return
    types = _types(node) & set(allowed) if isinstance(node, dict) else set()
    if not types:
        expected = allowed[0]
        for other in allowed[1:]:
            expected = _("%(these)s or %(that)s") % {"these": expected, "that": other}
        message = _("expected %(types)s") % {"types": expected}
        raise Invalid(f"{here}: {message}", field=f"{prefix}type")
    if "Annotation" in types:
        yield here, node
    elif "AnnotationPage" in types:
        for i, item in enumerate(_list(node, "items", here)):
            yield from _annotations_in(item, f"{prefix}items.{i}", IN_PAGE)
    else:
        first = node.get("first")
        if first is None and not node.get("total"):
            return
        if not isinstance(first, dict) or "next" in first:
            message = _("the collection's pages are not all embedded; send them as a list of pages")
            raise Invalid(f"{here}: {message}", field=f"{prefix}first")
        yield from _annotations_in(first, f"{prefix}first", ("AnnotationPage",))


def _list(node: dict, key: str, where: str) -> list:
    value = node.get(key, [])
    return value if isinstance(value, list) else [value]


def _parent_ref(item: dict, where: str) -> str | None:
    """The id a reply answers: its target, when the motivation says replying."""
    motivations = _list(item, "motivation", where)
    if "replying" not in motivations:
        return None
    target = item.get("target")
    if isinstance(target, list) and len(target) == 1:
        target = target[0]
    if isinstance(target, dict):
        target = target.get("id") or target.get("source")
    if not isinstance(target, str):
        message = _("a reply's target is the id of its annotation")
        raise Invalid(f"{where}: {message}", field=f"{where}.target")
    return target


def _read(
    session: Session,
    recording: Recording,
    item: dict,
    where: str,
    book: SpeakerBook,
    summary: ImportSummary,
) -> AnnotationCreate:
    """One annotation as the product's create request, or Invalid naming where."""
    motivations = [m for m in _list(item, "motivation", where) if m != "replying"]
    kind = next((KINDS[m] for m in motivations if m in KINDS), AnnotationKind.note)
    texts, tags, speaker = [], [], None
    if isinstance(item.get("bodyValue"), str):
        texts.append(item["bodyValue"])
    for i, body in enumerate(_list(item, "body", where)):
        at = f"{where}.body.{i}"
        if isinstance(body, str):
            continue  # a link to a resource: nothing we keep
        if not isinstance(body, dict):
            message = _("a body is an object or a link")
            raise Invalid(f"{at}: {message}", field=at)
        purpose = body.get("purpose")
        if purpose == "identifying":
            speaker = _speaker(session, body, at, book)
        elif "TextualBody" in _types(body) or "value" in body:
            value = body.get("value")
            if not isinstance(value, str):
                message = _("a TextualBody needs a string value")
                raise Invalid(f"{at}: {message}", field=f"{at}.value")
            if purpose == "tagging":
                tags.append(value)
            elif purpose in TEXT_PURPOSES:
                texts.append(value)
    if kind is AnnotationKind.quote and speaker is None:
        kind = AnnotationKind.note  # "describing" without a speaker is a plain description
    data: dict[str, Any] = {
        "kind": kind,
        "text": "\n\n".join(texts),
        "tags": tags,
        "speaker": speaker,
    }
    if item.get("audience") == PRIVATE:
        data["visibility"] = Visibility.private
    parent = _parent_ref(item, where)
    if parent is not None:
        if parent not in summary.ids:
            message = _("its target %(target)s is not an annotation earlier in this document") % {
                "target": parent
            }
            raise Invalid(f"{where}: {message}", field=f"{where}.target")
        data["reply_to"] = summary.ids[parent]
    else:
        data |= _place(session, recording, item.get("target"), f"{where}.target")
    return validated(AnnotationCreate, data, prefix=(where,))


def _speaker(session: Session, body: dict, at: str, book: SpeakerBook) -> str:
    """The speaker a body identifies: by its page's address (`/speakers/{slug}`) or name."""
    source = body.get("source", body.get("id"))
    if isinstance(source, dict):
        source = source.get("id")
    if isinstance(source, str):
        match = re.search(r"/speakers/([^/?#]+)", urlsplit(source).path)
        try:
            if match:
                return speaker_service.canonical(session, slug=unquote(match[1])).slug
        except NotFound:
            pass
        message = _("no speaker here at %(address)s") % {"address": source}
        raise Invalid(f"{at}: {message}", field=f"{at}.source")
    name = body.get("value")
    found = book.find(name) if isinstance(name, str) else None
    if found is None:
        message = _("no speaker named %(name)s") % {"name": repr(name)}
        raise Invalid(f"{at}: {message}", field=f"{at}.value")
    return found.slug


def _place(session: Session, recording: Recording, target: Any, at: str) -> dict:
    """start/end from a FragmentSelector's `t=` (or a `#t=` in a target's address); an
    unplaced quote's session from its `scope`."""
    if isinstance(target, list) and len(target) == 1:
        target = target[0]
    if isinstance(target, str):
        found = parse_fragment(urlsplit(target).fragment)
        if found is None:
            message = _("the target's address has no #t= time")
            raise Invalid(f"{at}: {message}", field=at)
        return {"start": found.start, "end": found.end}
    if not isinstance(target, dict):
        message = _("one target, an address or a SpecificResource")
        raise Invalid(f"{at}: {message}", field=at)
    selectors = _list(target, "selector", at)
    for selector in selectors:
        if isinstance(selector, dict) and "FragmentSelector" in _types(selector):
            value = selector.get("value")
            found = parse_fragment(value) if isinstance(value, str) else None
            if found is None:
                message = _("the FragmentSelector's value %(value)s holds no time t=START,END") % {
                    "value": repr(value)
                }
                raise Invalid(f"{at}: {message}", field=f"{at}.selector.value")
            return {"start": found.start, "end": found.end}
    scope = target.get("scope")
    match = re.search(r"/s/([^/?#]+)", urlsplit(scope).path) if isinstance(scope, str) else None
    if match and not selectors:
        slug = unquote(match[1])
        try:
            segment_service.get(session, recording=recording, slug=slug)
        except NotFound:
            message = _("no session %(slug)s on this recording") % {"slug": repr(slug)}
            raise Invalid(f"{at}: {message}", field=f"{at}.scope") from None
        return {"segment": slug}
    message = _("no FragmentSelector with a time (t=START,END)")
    raise Invalid(f"{at}: {message}", field=f"{at}.selector")
