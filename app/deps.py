"""Injected types shared by every router."""

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Query, Request
from sqlmodel import Session

from app.config import Settings
from app.db import get_engine, session_scope
from app.pagination import DEFAULT_LIMIT, MAX_LIMIT


def get_app_settings(request: Request) -> Settings:
    return request.app.state.settings


SettingsDep = Annotated[Settings, Depends(get_app_settings)]


def get_session(settings: SettingsDep) -> Iterator[Session]:
    """One transaction per request, committed when the route returns without error."""
    yield from session_scope(get_engine(settings.effective_database_url))


# scope="function" commits before the response leaves: a client acting on a 201 or following
# a 303 finds what was saved, and a failed commit is an error response, never a lost write.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]
CursorQuery = Annotated[str | None, Query(max_length=200, description="from a previous page")]
LimitQuery = Annotated[int, Query(ge=1, le=MAX_LIMIT)]
DEFAULT_PAGE = DEFAULT_LIMIT
