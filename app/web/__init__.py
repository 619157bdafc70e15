"""The HTML side: pages that work without JavaScript, enhanced by small ES modules."""

from app.http.routing import router as make_router
from app.web import forms, imports, pages, search, share, upload

router = make_router()
for module in (share, forms, imports, search, upload, pages):
    router.include_router(module.router)
