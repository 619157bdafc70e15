"""The HTML side: pages that work without JavaScript, enhanced by small ES modules."""

from app.http.routing import router as make_router
from app.web import (
    accounts,
    forms,
    imports,
    moderation,
    pages,
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
