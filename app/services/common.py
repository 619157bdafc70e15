"""Small pieces every service shares, so each rule is written once."""

from typing import Any, TypeVar

from pydantic import BaseModel
from sqlalchemy import inspect
from sqlmodel import Session, SQLModel, select

from app.errors import Invalid, NotFound

M = TypeVar("M", bound=SQLModel)


def get_one(session: Session, model: type[M], what: str, field: str, **where: Any) -> M:
    """The row matching `where`, or NotFound naming what was asked for."""
    stmt = select(model)
    for column, value in where.items():
        stmt = stmt.where(getattr(model, column) == value)
    row = session.exec(stmt).first()
    if row is None:
        shown = ", ".join(repr(v) for v in where.values() if not isinstance(v, int))
        raise NotFound(f"no {what} {shown}".strip(), field=field)
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
            raise Invalid(f"{key} cannot be null", field=key)
        setattr(row, key, value)
    return changes
