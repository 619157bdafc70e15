"""Moderation and the audit log, as pages: editors hide an annotation (it leaves every public
view) and restore it from the queue; admins read who did what."""

from typing import Annotated

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from app import links
from app.deps import SessionDep
from app.http.auth import Admins, Editors
from app.http.paging import Paging, paging
from app.http.routing import router as make_router
from app.http.templating import render, site_url
from app.services import annotation_views as views
from app.services import annotations as annotation_service
from app.services import audit

router = make_router(include_in_schema=False, default_response_class=HTMLResponse)
Page = Annotated[Paging, Depends(paging(50, 200, lenient=True))]


@router.get("/moderation")
def queue(request: Request, session: SessionDep, user: Editors, paged: Page) -> HTMLResponse:
    rows, after = annotation_service.hidden_page(
        session, key=paged.key, limit=paged.limit, actor=user
    )
    items = views.to_public_many(session, rows, site=site_url(request), viewer=user)
    context = {"items": items, "next_cursor": paged.cursor(after), "notice": paged.notice}
    return render(request, "moderation.html", context)


@router.post("/a/{annotation:int}/hide")
def hide(session: SessionDep, user: Editors, annotation: int) -> RedirectResponse:
    row = annotation_service.get(session, annotation_id=annotation, viewer=user)
    annotation_service.set_hidden(session, annotation=row, hidden=True, actor=user)
    return RedirectResponse("/moderation", status_code=303)


@router.post("/a/{annotation:int}/restore")
def restore(session: SessionDep, user: Editors, annotation: int) -> RedirectResponse:
    row = annotation_service.get(session, annotation_id=annotation, viewer=user)
    annotation_service.set_hidden(session, annotation=row, hidden=False, actor=user)
    return RedirectResponse(f"{links.annotation_url(annotation)}", status_code=303)


@router.get("/admin/audit")
def audit_log(request: Request, session: SessionDep, user: Admins, paged: Page) -> HTMLResponse:
    rows, after = audit.page(session, key=paged.key, limit=paged.limit)
    context = {"entries": rows, "next_cursor": paged.cursor(after), "notice": paged.notice}
    return render(request, "audit.html", context)
