"""Who spoke when (PRODUCT §6c): a recording's speaker turns, read by anyone who may see the
recording, written by editors."""

from fastapi import status

from app.api.params import FromQuery, ToQuery, TurnPath
from app.deps import PagingDep, SessionDep
from app.http.auth import Anyone, Editors
from app.http.routing import router as make_router
from app.schemas import Page, TurnCreate, TurnPublic, TurnUpdate
from app.services import recordings
from app.services import turns as service

router = make_router(tags=["speaker turns"])


@router.get("/recordings/{recording}/turns")
def list_turns(
    session: SessionDep,
    user: Anyone,
    paging: PagingDep,
    recording: str,
    from_: FromQuery = None,
    to: ToQuery = None,
) -> Page[TurnPublic]:
    """Speaker turns in time order, from the transcript's voice tags and from editors;
    `from`/`to` keep those that start inside the window."""
    rec = recordings.get(session, slug=recording, viewer=user)
    rows, after = service.list_page(
        session, recording=rec, start=from_, end=to, key=paging.key, limit=paging.limit
    )
    return paging.page(rows, after)


@router.post("/recordings/{recording}/turns", status_code=status.HTTP_201_CREATED)
def create_turn(session: SessionDep, user: Editors, recording: str, data: TurnCreate) -> TurnPublic:
    """An editor's turn; importing a transcript again leaves it alone."""
    rec = recordings.get(session, slug=recording, viewer=user)
    return service.to_public(session, [service.create(session, recording=rec, data=data)], rec)[0]


@router.patch("/turns/{turn}")
def update_turn(session: SessionDep, user: Editors, turn: TurnPath, data: TurnUpdate) -> TurnPublic:
    """A changed turn becomes the editor's (`source` "editor")."""
    row = service.get(session, turn_id=turn, viewer=user)
    rec = recordings.get_by_id(session, row.recording_id, viewer=user)
    return service.to_public(session, [service.update(session, turn=row, data=data)], rec)[0]


@router.delete("/turns/{turn}", status_code=status.HTTP_204_NO_CONTENT)
def delete_turn(session: SessionDep, user: Editors, turn: TurnPath) -> None:
    service.delete_turn(session, turn=service.get(session, turn_id=turn, viewer=user))
