"""Every router of the app is made here, so every route is a unit of work
(app.http.transaction) and no path or query text that cannot be stored reaches a service."""

from typing import Any

from fastapi import APIRouter, Depends, Request

from app.errors import Invalid
from app.http.transaction import UnitOfWorkRoute
from app.sizes import MAX_JSON_BYTES
from app.textfiles import problem


async def storable_parameters(request: Request) -> None:
    """Refuse NUL characters in paths and queries: PostgreSQL can store no such text, so no
    slug, tag or name can hold one, and both databases must answer alike."""
    for place, values in (("path", request.path_params), ("query", request.query_params)):
        for name, value in values.items():
            if isinstance(value, str) and (why := problem(value)):
                raise Invalid(f"{name}: {why}", field=f"{place}.{name}")


def router(*, max_body_size: int = MAX_JSON_BYTES, **kwargs: Any) -> APIRouter:
    """Bodies are limited (1 MiB unless a router or route says more; a 413 names the limit)."""
    dependencies = [Depends(storable_parameters), *kwargs.pop("dependencies", [])]
    return APIRouter(
        route_class=UnitOfWorkRoute,
        dependencies=dependencies,
        max_body_size=max_body_size,
        **kwargs,
    )
