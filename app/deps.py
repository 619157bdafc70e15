"""Injected types shared by every router (FastAPI dependencies)."""

from typing import Annotated

from fastapi import Depends, Request

from app.config import Settings
from app.db import Session
from app.http.paging import Paging, paging
from app.http.templating import site_url


async def get_settings(request: Request) -> Settings:
    return request.app.state.settings


SettingsDep = Annotated[Settings, Depends(get_settings)]


async def get_site(request: Request) -> str:
    return site_url(request)


# The site's address, for links that leave it (citations, shares): see site_url.
SiteDep = Annotated[str, Depends(get_site)]

# The request's unit of work: given to the route by app.http.transaction.UnitOfWorkRoute,
# committed when the route returns a success, rolled back on any refusal.
SessionDep = Annotated[Session, "unit of work"]

PagingDep = Annotated[Paging, Depends(paging())]
