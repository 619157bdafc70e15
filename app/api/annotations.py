from fastapi import status

from app.api.params import AnnotationPath, FromQuery, SlugQuery, ToQuery
from app.deps import PagingDep, SessionDep, SiteDep
from app.http.auth import Anyone, Editors, Members
from app.http.routing import router as make_router
from app.models import AnnotationKind
from app.schemas import AnnotationCreate, AnnotationPublic, AnnotationUpdate, Page
from app.services import annotation_views as views
from app.services import annotations as service
from app.services import recordings

router = make_router(tags=["annotations"])


@router.get("/recordings/{recording}/annotations")
def list_annotations(
    session: SessionDep,
    user: Anyone,
    site: SiteDep,
    paging: PagingDep,
    recording: str,
    from_: FromQuery = None,
    to: ToQuery = None,
    kind: AnnotationKind | None = None,
    speaker: SlugQuery = None,
    tag: SlugQuery = None,
) -> Page[AnnotationPublic]:
    """Annotations in time order (unplaced quotes last), each with its replies: the public
    ones, and the requester's own whatever their visibility. `from`/`to` keep those that
    start inside the window and leave out the unplaced."""
    rows, after = service.list_page(
        session,
        recording=recordings.get(session, slug=recording, viewer=user),
        start=from_,
        end=to,
        kind=kind,
        speaker=speaker,
        tag=tag,
        key=paging.key,
        limit=paging.limit,
        viewer=user,
    )
    return paging.page(views.to_public_many(session, rows, site=site, viewer=user), after)


@router.post("/recordings/{recording}/annotations", status_code=status.HTTP_201_CREATED)
def create_annotation(
    session: SessionDep, user: Members, site: SiteDep, recording: str, data: AnnotationCreate
) -> AnnotationPublic:
    """A new annotation, or a reply (`reply_to`), owned by the requester. Quotes (kind
    `quote`, naming a speaker) are for editors."""
    rec = recordings.get(session, slug=recording, viewer=user)
    row = service.create(session, recording=rec, data=data, actor=user)
    return views.to_public(session, row, site=site, viewer=user)


@router.get("/annotations/{annotation}")
def get_annotation(
    session: SessionDep, user: Anyone, site: SiteDep, annotation: AnnotationPath
) -> AnnotationPublic:
    row = service.get(session, annotation_id=annotation, viewer=user)
    return views.to_public(session, row, site=site, viewer=user)


@router.patch("/annotations/{annotation}")
def update_annotation(
    session: SessionDep,
    user: Members,
    site: SiteDep,
    annotation: AnnotationPath,
    data: AnnotationUpdate,
) -> AnnotationPublic:
    """Its owner, an editor or an admin may change it; only its owner its visibility."""
    row = service.get(session, annotation_id=annotation, viewer=user)
    service.update(session, annotation=row, data=data, actor=user)
    return views.to_public(session, row, site=site, viewer=user)


@router.delete("/annotations/{annotation}", status_code=status.HTTP_204_NO_CONTENT)
def delete_annotation(session: SessionDep, user: Members, annotation: AnnotationPath) -> None:
    row = service.get(session, annotation_id=annotation, viewer=user)
    service.delete_annotation(session, annotation=row, actor=user)


@router.post("/annotations/{annotation}/hide", tags=["moderation"])
def hide_annotation(
    session: SessionDep, user: Editors, site: SiteDep, annotation: AnnotationPath
) -> AnnotationPublic:
    """Moderation: the annotation leaves every public view and waits in the queue."""
    row = service.get(session, annotation_id=annotation, viewer=user)
    service.set_hidden(session, annotation=row, hidden=True, actor=user)
    return views.to_public(session, row, site=site, viewer=user)


@router.post("/annotations/{annotation}/restore", tags=["moderation"])
def restore_annotation(
    session: SessionDep, user: Editors, site: SiteDep, annotation: AnnotationPath
) -> AnnotationPublic:
    row = service.get(session, annotation_id=annotation, viewer=user)
    service.set_hidden(session, annotation=row, hidden=False, actor=user)
    return views.to_public(session, row, site=site, viewer=user)


@router.get("/moderation", tags=["moderation"])
def moderation_queue(
    session: SessionDep, user: Editors, site: SiteDep, paging: PagingDep
) -> Page[AnnotationPublic]:
    """Hidden annotations, the newest first, for an editor to restore."""
    rows, after = service.hidden_page(session, key=paging.key, limit=paging.limit, actor=user)
    return paging.page(views.to_public_many(session, rows, site=site, viewer=user), after)
