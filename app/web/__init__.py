"""The HTML side: pages that work without JavaScript, enhanced by small ES modules."""

from fastapi import APIRouter

from app.web import forms, imports, pages, search, share, upload

router = APIRouter()
for module in (share, forms, imports, search, upload, pages):
    router.include_router(module.router)
