"""The JSON API under /api/v1 (PRODUCT §6a)."""

from fastapi import APIRouter

from app.api import (
    annotations,
    events,
    imports,
    recordings,
    search,
    segments,
    speakers,
    transcripts,
    uploads,
)

router = APIRouter(prefix="/api/v1")
for module in (
    events,
    uploads,
    recordings,
    segments,
    speakers,
    annotations,
    transcripts,
    search,
    imports,
):
    router.include_router(module.router)
