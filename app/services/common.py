"""Small pieces every service shares, so each rule is written once."""

from typing import Any, TypeVar

from pydantic import BaseModel
from sqlalchemy import inspect
from sqlmodel import Session, SQLModel, select

from app.errors import Invalid, NotFound
from app.i18n import _, lazy

M = TypeVar("M", bound=SQLModel)
# What `get_one` says when nothing matches, by `what` was asked for.
_MISSING = {
    "event": lazy("no event %(which)s"),
    "recording": lazy("no recording %(which)s"),
    "segment": lazy("no segment %(which)s"),
    "speaker": lazy("no speaker %(which)s"),
}


def get_one(session: Session, model: type[M], what: str, field: str, **where: Any) -> M:
    """The row matching `where`, or NotFound naming what was asked for (`what`: event,
    recording, segment or speaker)."""
    stmt = select(model)
    for column, value in where.items():
        stmt = stmt.where(getattr(model, column) == value)
    row = session.exec(stmt).first()
    if row is None:
        shown = ", ".join(repr(v) for v in where.values() if not isinstance(v, int))
        raise NotFound((_MISSING[what] % {"which": shown}).strip(), field=field)
    return row


def exists(session: Session, model: type[SQLModel], **where: Any) -> bool:
    stmt = select(model)
    for column, value in where.items():
        stmt = stmt.where(getattr(model, column) == value)
    return session.exec(stmt.limit(1)).first() is not None


def apply_changes(
    row: SQLModel, data: BaseModel, *, skip: set[str] | None = None
) -> dict[str, Any]:
    """Copy the fields the client sent; null is refused where the column needs a value."""
    changes = data.model_dump(exclude_unset=True, exclude=skip)
    for key, value in changes.items():
        column = inspect(type(row)).columns.get(key)
        if value is None and column is not None and not column.nullable:
            raise Invalid(_("%(field)s cannot be null") % {"field": key}, field=key)
        setattr(row, key, value)
    return changes
