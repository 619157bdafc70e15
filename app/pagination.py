"""Keyset pagination: opaque cursors that stay correct while rows are added."""

import base64
import json
from typing import Any

from sqlalchemy import ColumnElement, Select, or_

from app.errors import Invalid

DEFAULT_LIMIT = 50
MAX_LIMIT = 500


def encode_cursor(values: list[Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


def decode_cursor(cursor: str, size: int) -> list[Any]:
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (ValueError, UnicodeDecodeError):
        raise Invalid("the cursor is not one this API gave out", field="query.cursor") from None
    if not isinstance(values, list) or len(values) != size:
        raise Invalid("the cursor is not one this API gave out", field="query.cursor")
    return values


def after(columns: list[ColumnElement], values: list[Any]) -> ColumnElement[bool]:
    """Rows strictly after `values` in the order of `columns` (row-value comparison)."""
    if len(columns) == 1:
        return columns[0] > values[0]
    return or_(
        columns[0] > values[0],
        (columns[0] == values[0]) & after(columns[1:], values[1:]),
    )


def keyset_page(
    session, stmt: Select, columns: list[ColumnElement], cursor: str | None, limit: int
) -> tuple[list[Any], str | None]:
    """One page of `stmt` ordered by `columns` (which must end with a unique column)."""
    if cursor:
        stmt = stmt.where(after(columns, decode_cursor(cursor, len(columns))))
    rows = list(session.exec(stmt.order_by(*columns).limit(limit + 1)).all())
    if len(rows) <= limit:
        return rows, None
    rows = rows[:limit]
    last = rows[-1]
    return rows, encode_cursor([getattr(last, c.key) for c in columns])
