"""The JSON API under /api/v1 (PRODUCT §6a); every error is documented as it is answered."""

from app.api import (
    accounts,
    annotation_imports,
    annotations,
    event_imports,
    events,
    imports,
    recordings,
    search,
    segments,
    speakers,
    transcripts,
    turns,
    uploads,
)
from app.http.errors import DOCUMENTED_ERRORS
from app.http.routing import router as make_router

router = make_router(prefix="/api/v1", responses=DOCUMENTED_ERRORS)
for module in (
    accounts,
    events,
    uploads,
    recordings,
    segments,
    speakers,
    annotations,
    transcripts,
    turns,
    search,
    imports,
    event_imports,
    annotation_imports,
):
    router.include_router(module.router)
