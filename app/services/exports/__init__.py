"""Exports and imports in the formats other tools speak (PRODUCT §6): one module per format,
each reading only what the requester may see (app.services.access)."""
