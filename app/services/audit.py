"""The audit log: who created, changed, hid, restored or deleted what, and when (PRODUCT §6b).
Services record as they act, in the same unit of work, so a rolled-back change leaves no
entry and a committed one always has its entry."""

from sqlmodel import Session, col, select

from app.models import AuditAction, AuditEntry, User
from app.pagination import Key, keyset_page


def record(
    session: Session,
    *,
    actor: User | None,
    action: AuditAction,
    subject: str,
    subject_id: int | None,
    summary: str = "",
) -> None:
    session.add(
        AuditEntry(
            actor_id=actor.id if actor is not None else None,
            actor_name=actor.username if actor is not None else "",
            action=action,
            subject=subject,
            subject_id=subject_id,
            summary=summary[:2000],
        )
    )


def page(session: Session, *, key: Key | None, limit: int) -> tuple[list[AuditEntry], Key | None]:
    """The newest entries first."""
    return keyset_page(session, select(AuditEntry), [col(AuditEntry.id)], key, limit, newest=True)
