"""One unit of work per request, and admission control, so a crowd never stops the service.

A route that takes `session: SessionDep` runs, as a whole, inside one worker thread: the
session is opened when the route starts, committed when it returns a success, rolled back on
any refusal (an exception or an error status), and closed, all before the response is
serialised. A pooled connection is therefore only ever held by a running thread, never by a
request that waits for a thread, which is how a crowd used to deadlock the pool.

Before its thread starts, a unit of work waits for one of `pool_size` slots, at most
`queue_seconds`; then it is refused with 503 and Retry-After. On SQLite a writer also takes
the one write slot, so writers queue here, in order, rather than in SQLite's busy loop.
"""

import inspect
from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from typing import Annotated, Any, TypeVar, get_args, get_origin

import anyio
import anyio.to_thread
from fastapi import Request, Response
from fastapi.routing import APIRoute

from app.db import Database, Session
from app.errors import Overloaded
from app.i18n import _

T = TypeVar("T")
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class Admission:
    """How many units of work may run at once, and how long a request waits for its turn."""

    def __init__(self, *, slots: int, single_writer: bool, wait: float) -> None:
        self.capacity, self.single_writer, self.wait = slots, single_writer, wait
        self._slots: anyio.Semaphore | None = None
        self._writer: anyio.Semaphore | None = None

    def _made(self) -> tuple[anyio.Semaphore, anyio.Semaphore | None]:
        """Semaphores belong to an event loop, so they are made on first use, inside it."""
        if self._slots is None:
            self._slots = anyio.Semaphore(self.capacity)
            self._writer = anyio.Semaphore(1) if self.single_writer else None
        return self._slots, self._writer

    @asynccontextmanager
    async def slot(self, *, write: bool) -> AsyncIterator[None]:
        slots, writer = self._made()
        async with AsyncExitStack() as held:
            with anyio.move_on_after(self.wait) as waiting:
                if write and writer is not None:
                    await held.enter_async_context(writer)
                await held.enter_async_context(slots)
            if waiting.cancelled_caught:
                raise Overloaded(_("the service is busy; try again in a moment"))
            yield


class _ErrorResponse(Exception):
    """Carries a route's error response out of its unit of work, which then rolls back."""

    def __init__(self, response: Response) -> None:
        self.response = response


def _complete(db: Database, work: Callable[[Session], T], write: bool) -> T:
    try:
        with db.unit_of_work(write=write) as session:
            result = work(session)
            if isinstance(result, Response) and result.status_code >= 400:
                raise _ErrorResponse(result)
    except _ErrorResponse as refused:
        return refused.response  # type: ignore[return-value]
    return result


async def run_unit_of_work(
    request: Request, work: Callable[[Session], T], *, write: bool | None = None
) -> T:
    """Run `work(session)` as one unit of work in a worker thread, once admitted.

    Routes that take `SessionDep` get this by themselves; an async route (one that streams
    an upload first, or decodes video after) calls it for its database part.
    """
    state = request.app.state
    if write is None:
        write = request.method not in SAFE_METHODS
    async with state.admission.slot(write=write):
        return await anyio.to_thread.run_sync(_complete, state.db, work, write)


def _takes_session(parameter: inspect.Parameter) -> bool:
    annotation = parameter.annotation
    if get_origin(annotation) is Annotated:
        annotation = get_args(annotation)[0]
    return annotation is Session


def in_unit_of_work(endpoint: Callable[..., Any]) -> Callable[..., Any]:
    """The endpoint as an async route that runs it in one unit of work (see the module doc).

    FastAPI sees the endpoint's own parameters without the session, plus the Request.
    """
    signature = inspect.signature(endpoint)
    names = [name for name, p in signature.parameters.items() if _takes_session(p)]
    if not names:
        return endpoint
    if inspect.iscoroutinefunction(endpoint):
        raise TypeError(
            f"{endpoint.__qualname__}: an async route cannot take a session; "
            "call run_unit_of_work for its database part"
        )
    [session_name] = names
    parameters = [p for name, p in signature.parameters.items() if name != session_name]
    request_name = next((p.name for p in parameters if p.annotation is Request), None)
    if request_name is None:
        request_name = "_unit_of_work_request"
        parameters.append(
            inspect.Parameter(request_name, inspect.Parameter.KEYWORD_ONLY, annotation=Request)
        )

    async def route(**values: Any) -> Any:
        request = values[request_name]
        if request_name == "_unit_of_work_request":
            del values[request_name]
        return await run_unit_of_work(
            request, lambda session: endpoint(**values, **{session_name: session})
        )

    route.__signature__ = signature.replace(parameters=parameters)  # type: ignore[attr-defined]
    for attribute in ("__module__", "__name__", "__qualname__", "__doc__"):
        setattr(route, attribute, getattr(endpoint, attribute))
    return route


class UnitOfWorkRoute(APIRoute):
    """Every route of the app: one that takes a session runs `in_unit_of_work`."""

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        super().__init__(path, in_unit_of_work(endpoint), **kwargs)
