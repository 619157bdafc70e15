"""The requester's own account, and the audit log (admins)."""

from app.deps import PagingDep, SessionDep
from app.http.auth import Admins, Members
from app.http.routing import router as make_router
from app.schemas import AuditEntryPublic, Page, UserPublic
from app.services import audit

router = make_router(tags=["accounts"])


@router.get("/me")
def me(user: Members) -> UserPublic:
    """Who the token or session belongs to."""
    return UserPublic.model_validate(user, from_attributes=True)


@router.get("/audit")
def audit_log(session: SessionDep, user: Admins, paging: PagingDep) -> Page[AuditEntryPublic]:
    """Who created, changed, hid, restored or deleted what, newest first."""
    rows, after = audit.page(session, key=paging.key, limit=paging.limit)
    shown = [
        AuditEntryPublic(**row.model_dump(exclude={"actor_name"}), actor=row.actor_name)
        for row in rows
    ]
    return paging.page(shown, after)
