"""Who may see and change an annotation (PRODUCT §6b), written once for every page, API
answer, search, export and count.

A viewer sees public annotations that no editor has hidden, and their own, whatever their
visibility. A private annotation is its owner's alone: not even an admin reads it. Editors
also see a hidden public annotation when they ask for it (to restore it), never in lists.
The owner, an editor or an admin may change or delete an annotation.
A draft recording, and everything in it, is seen by editors and admins only.
"""

from sqlalchemy import ColumnElement, FromClause, Table, true

from app.errors import Forbidden, SignInNeeded
from app.i18n import _
from app.models import Annotation, Recording, Role, User, Visibility
from app.services.accounts import at_least

ANNOTATION: Table = Annotation.__table__  # type: ignore[attr-defined]


def visible_to(viewer: User | None, table: FromClause = ANNOTATION) -> ColumnElement[bool]:
    """The rule as SQL, on the annotation table or an alias of it (search uses one)."""
    shown = (table.c.visibility == Visibility.public.value) & table.c.hidden_at.is_(None)
    if viewer is None:
        return shown
    return shown | (table.c.owner_id == viewer.id)


def may_see(viewer: User | None, annotation: Annotation) -> bool:
    if viewer is not None and annotation.owner_id == viewer.id:
        return True
    if annotation.visibility is not Visibility.public:
        return False
    return annotation.hidden_at is None or at_least(viewer, Role.editor)


def can_change(viewer: User | None, owner_id: int | None) -> bool:
    """Whether `viewer` may change an annotation owned by `owner_id`: its owner, an editor
    or an admin."""
    if viewer is None:
        return False
    return owner_id == viewer.id or at_least(viewer, Role.editor)


def check_change(viewer: User | None, annotation: Annotation) -> User:
    """The viewer, allowed to change `annotation`; else why not (401 or 403)."""
    if viewer is None:
        raise SignInNeeded(_("sign in to change annotations"))
    if not can_change(viewer, annotation.owner_id):
        raise Forbidden(_("only its author or an editor may change this annotation"))
    return viewer


RECORDING: Table = Recording.__table__  # type: ignore[attr-defined]


def sees_drafts(viewer: User | None) -> bool:
    """Draft recordings (published false) are for editors and admins alone (PRODUCT §6c)."""
    return at_least(viewer, Role.editor)


def recordings_visible_to(
    viewer: User | None, table: FromClause = RECORDING
) -> ColumnElement[bool]:
    """The draft rule as SQL, for every list that names recordings or what is in them."""
    return true() if sees_drafts(viewer) else table.c.published.is_(True)


# The command line runs as the machine's operator, who sees everything, drafts included.
OPERATOR = User(username="operator", password_hash="", role=Role.admin)
