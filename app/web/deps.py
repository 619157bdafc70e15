"""Injected types for the HTML routes."""

from app.deps import SessionDep

# The API's session: committed before the response leaves, so a browser following a 303
# finds what was saved.
WebSessionDep = SessionDep
