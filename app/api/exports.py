"""Exports as plain files next to the navigator (PRODUCT §6), so a person downloads them and
a script fetches them: /r/{recording}/chapters.vtt|txt, annotations.jsonld|csv|eaf,
manifest.json, and /e/{event}/export.json. Each shows only what the requester may see."""

import json
from collections.abc import Iterable
from typing import Annotated, Any

from fastapi import Query
from fastapi.responses import Response, StreamingResponse

from app.deps import SessionDep, SiteDep
from app.http.auth import Anyone, Editors
from app.http.errors import DOCUMENTED_ERRORS
from app.http.routing import router as make_router
from app.services import events, recordings
from app.services.exports import chapters, event_json, iiif, tables, webannotation
from app.textfiles import in_pieces

files_router = make_router(tags=["exports"], responses=DOCUMENTED_ERRORS)
PageQuery = Annotated[
    int | None, Query(ge=0, le=1_000_000, description="one page of the collection")
]


def _file(body: str | bytes | Iterable[str], media_type: str, filename: str) -> Response:
    """A download: inline for browsers that show the type, named for those that save it."""
    headers = {"Content-Disposition": f'inline; filename="{filename}"'}
    if isinstance(body, str | bytes):
        return Response(body, media_type=media_type, headers=headers)
    return StreamingResponse(in_pieces(body), media_type=media_type, headers=headers)


@files_router.get(
    "/e/{event}/export.json",
    response_class=Response,
    responses={200: {"content": {"application/json": {}}, "description": "the whole event"}},
)
def event_export(session: SessionDep, user: Editors, event: str) -> Response:
    """Everything of one event (owners, private and hidden annotations included), in the
    documented format of app/services/exports/event-export.schema.json, for
    `POST /api/v1/events/import` or `sessionnav import event`. The text is made here, in the
    request's unit of work (which ends before the body is sent), and sent in pieces: it is
    held once, and no connection waits on a slow reader outside admission control."""
    pieces = list(event_json.export(session, event=events.get(session, slug=event)))
    return _file(pieces, "application/json", f"{event}.json")


def _doc(media_type: str, description: str) -> dict[int | str, dict[str, Any]]:
    return {
        200: {"content": {media_type: {"schema": {"type": "string"}}}, "description": description}
    }


@files_router.get(
    "/r/{recording}/chapters.vtt",
    response_class=Response,
    responses=_doc("text/vtt", "a WebVTT chapters track"),
)
def chapters_vtt(session: SessionDep, user: Anyone, recording: str) -> Response:
    """The recording's sessions and breaks as a WebVTT chapters track (`<track kind=chapters>`);
    it loads back through `POST /api/v1/recordings/{recording}/programme`."""
    rec = recordings.get(session, slug=recording, viewer=user)
    return _file(chapters.webvtt(session, recording=rec), "text/vtt", f"{recording}-chapters.vtt")


@files_router.get(
    "/r/{recording}/chapters.txt",
    response_class=Response,
    responses=_doc("text/plain", "YouTube chapter text"),
)
def chapters_txt(session: SessionDep, user: Anyone, recording: str) -> Response:
    """The sessions and breaks as YouTube chapters ("0:00 Title" lines, for a video's
    description). 422 when they break one of YouTube's rules (first at 0:00, at least three,
    ascending, each at least 10 s): the message names each rule and gives the closest valid
    list to copy instead."""
    rec = recordings.get(session, slug=recording, viewer=user)
    return _file(
        chapters.youtube(session, recording=rec), "text/plain", f"{recording}-chapters.txt"
    )


IIIF_TYPE = f'application/ld+json;profile="{iiif.CONTEXT}"'


@files_router.get(
    "/r/{recording}/manifest.json",
    response_class=Response,
    responses={200: {"content": {IIIF_TYPE: {}}, "description": "an IIIF Presentation 3 manifest"}},
)
def manifest_json(session: SessionDep, user: Anyone, site: SiteDep, recording: str) -> Response:
    """The recording as an IIIF Presentation 3 manifest for IIIF viewers: its sessions as
    ranges (talks nested), transcripts and the annotations the requester may see. Served
    with the content type and open CORS the IIIF specification asks for (a cross-origin
    viewer's request carries no cookie, so it sees what anyone sees). The manifest is built
    here, in the request's unit of work, and its text sent in pieces, never whole."""
    rec = recordings.get(session, slug=recording, viewer=user)
    built = iiif.manifest(session, recording=rec, viewer=user, site=site)
    response = _file(json.JSONEncoder().iterencode(built), IIIF_TYPE, f"{recording}-manifest.json")
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@files_router.get(
    "/r/{recording}/annotations.jsonld",
    response_class=Response,
    responses={
        200: {
            "content": {webannotation.MEDIA_TYPE: {}},
            "description": "a W3C Web Annotation AnnotationCollection, or one of its pages",
        }
    },
)
def annotations_jsonld(
    session: SessionDep, user: Anyone, site: SiteDep, recording: str, page: PageQuery = None
) -> Response:
    """The annotations the requester may see as a W3C Web Annotation AnnotationCollection
    (its first page embedded); `?page=N` answers one AnnotationPage of 200. Targets are the
    media with a Media Fragments `t=START,END` selector; it loads back through
    `POST /api/v1/recordings/{recording}/annotations/import`. Each page is built here, in the
    request's unit of work, and is at most 200 annotations."""
    rec = recordings.get(session, slug=recording, viewer=user)
    if page is None:
        body = webannotation.collection(session, recording=rec, viewer=user, site=site)
    else:
        body = webannotation.page(session, recording=rec, viewer=user, site=site, number=page)
    name = f"{recording}-annotations{'' if page is None else f'-{page}'}.jsonld"
    return _file(json.dumps(body, ensure_ascii=False), webannotation.MEDIA_TYPE, name)


@files_router.get(
    "/r/{recording}/annotations.csv",
    response_class=Response,
    responses=_doc("text/csv", "the annotations and their replies, one row each"),
)
def annotations_csv(session: SessionDep, user: Anyone, site: SiteDep, recording: str) -> Response:
    """The annotations the requester may see, replies right after theirs with `reply_to`
    their parent's id (columns: id, reply_to, kind, start, end, start_tc, end_tc, speaker,
    text, tags, owner, created, url). Built here, in the request's unit of work."""
    rec = recordings.get(session, slug=recording, viewer=user)
    body = tables.annotations_csv(session, recording=rec, viewer=user, site=site)
    return _file(body, "text/csv; charset=utf-8", f"{recording}-annotations.csv")


@files_router.get(
    "/r/{recording}/annotations.eaf",
    response_class=Response,
    responses=_doc("application/xml", "an ELAN annotation document (EAF)"),
)
def annotations_eaf(session: SessionDep, user: Anyone, site: SiteDep, recording: str) -> Response:
    """An ELAN document: a tier per speaker holding their turns and placed quotes, and a tier
    "Annotations" for the other placed annotations the requester may see; times in ms."""
    rec = recordings.get(session, slug=recording, viewer=user)
    body = tables.eaf(session, recording=rec, viewer=user, site=site)
    return _file(body, "application/xml", f"{recording}.eaf")
