"""The JSON API under /api/v1 (PRODUCT §6a)."""

from fastapi import APIRouter

from app.api import annotations, events, recordings, segments, speakers

router = APIRouter(prefix="/api/v1")
for module in (events, recordings, segments, speakers, annotations):
    router.include_router(module.router)
