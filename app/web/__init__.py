"""The HTML side: pages that work without JavaScript, enhanced by small ES modules."""

from app.http.routing import router as make_router
from app.web import (
    accounts,
    forms,
    imports,
    live,
    moderation,
    pages,
    previews,
    search,
    share,
    speakers,
    turns,
    upload,
    workspace,
)

router = make_router()
for module in (
    accounts,
    share,
    live,
    previews,
    forms,
    imports,
    moderation,
    search,
    upload,
    workspace,
    speakers,
    turns,
    pages,
):
    router.include_router(module.router)
