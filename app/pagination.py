"""Keyset pagination for the services: a page of rows after a key, and the key of its last row.

The key is a list of plain values (the sort columns of the last row); the HTTP layer turns it
into a signed, opaque cursor (app.http.paging), so a key that reaches a query is one this
service made.
"""

from collections.abc import Sequence
from typing import Any, TypeVar, cast

from sqlalchemy import ColumnElement, SQLColumnExpression, or_
from sqlalchemy.orm import QueryableAttribute
from sqlmodel import Session
from sqlmodel.sql.expression import SelectOfScalar

Key = list[Any]
DEFAULT_LIMIT = 50
MAX_LIMIT = 500
T = TypeVar("T")


def after(
    columns: Sequence[SQLColumnExpression[Any]], values: Sequence[Any], *, newest: bool = False
) -> ColumnElement[bool]:
    """Rows strictly after `values` in the order of `columns` (row-value comparison);
    `newest` walks the columns downwards."""
    first = columns[0] < values[0] if newest else columns[0] > values[0]
    if len(columns) == 1:
        return first
    return or_(first, (columns[0] == values[0]) & after(columns[1:], values[1:], newest=newest))


def keyset_page(
    session: Session,
    stmt: SelectOfScalar[T],
    columns: Sequence[SQLColumnExpression[Any]],
    key: Key | None,
    limit: int,
    *,
    newest: bool = False,
) -> tuple[list[T], Key | None]:
    """One page of `stmt` ordered by `columns` (model attributes, `col(Model.field)`, the
    last of them unique; descending with `newest`), and the key to ask for the next page with
    (None on the last page)."""
    if key:  # None or [] for the first page
        # The bound on the first column alone is implied by `after`, but it is what lets the
        # planners (PostgreSQL's and SQLite's alike) start the index walk at the key instead
        # of at the index's first row: 660 ms → 0.3 ms at 1,000,000 annotations.
        first = columns[0] <= key[0] if newest else columns[0] >= key[0]
        stmt = stmt.where(first, after(columns, key, newest=newest))
    order = [cast(ColumnElement[Any], c).desc() for c in columns] if newest else columns
    rows = list(session.exec(stmt.order_by(*order).limit(limit + 1)).all())
    if len(rows) <= limit:
        return rows, None
    rows = rows[:limit]
    return rows, [getattr(rows[-1], cast(QueryableAttribute[Any], c).key) for c in columns]
