"""Who is asking, and the one access rule each route declares (PRODUCT §6b).

A request is authenticated by an `Authorization: Bearer` API token (scripts) or by the
session cookie (browsers); with neither it comes from an anonymous visitor. Every route takes
its user as a parameter typed with its rule, `Anyone`, `Members`, `Editors`, `Admins` or
`Uploaders` (tests/test_authorization.py checks that each route has exactly one): below the
rule's role the answer is 401 (nobody signed in) or 403. Whether the user may touch one
object (an annotation someone else owns) is the services' rule (app.services.access).
"""

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from app.config import Settings
from app.errors import Forbidden, SignInNeeded
from app.http.transaction import SAFE_METHODS, run_unit_of_work
from app.i18n import _, lazy
from app.models import Role, User
from app.services import accounts

SESSION_COOKIE = "sessionnav_session"
# Declares the API's Bearer tokens in OpenAPI (the /docs "Authorize" button); reading the
# header is current_user's job.
TOKEN_SCHEME = HTTPBearer(
    auto_error=False, description="an API token: `sessionnav token create USERNAME`"
)
# The refusal below each role, a whole sentence per role for the translations.
ROLE_NEEDED = {
    Role.member: lazy("this needs the member role"),
    Role.editor: lazy("this needs the editor role"),
    Role.admin: lazy("this needs the admin role"),
}


def bearer(request: Request) -> str | None:
    scheme, _, secret = request.headers.get("authorization", "").partition(" ")
    return secret.strip() if scheme.lower() == "bearer" else None


async def current_user(request: Request) -> User | None:
    """The signed-in account (read once per request), or None for an anonymous visitor."""
    if hasattr(request.state, "user"):
        return request.state.user
    user = None
    if (secret := bearer(request)) is not None:
        user = await run_unit_of_work(
            request, lambda s: accounts.user_of_token(s, secret=secret), write=False
        )
        if user is None:
            raise SignInNeeded(_("the API token is not valid: it was revoked or mistyped"))
    elif cookie := request.cookies.get(SESSION_COOKIE):
        user = await run_unit_of_work(
            request, lambda s: accounts.user_of_session(s, secret=cookie), write=False
        )
    request.state.user = user
    return user


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


class Rule:
    """A route's access rule: the least role it needs (None: anyone)."""

    def __init__(self, role: Role | None) -> None:
        self.role = role

    def needed(self, settings: Settings) -> Role | None:
        return self.role

    async def __call__(
        self,
        request: Request,
        _token: Annotated[HTTPAuthorizationCredentials | None, Depends(TOKEN_SCHEME)],
    ) -> User | None:
        user = await current_user(request)
        role = self.needed(request.app.state.settings)
        if role is not None and user is None:
            raise SignInNeeded(_("sign in first: this needs an account"))
        if not accounts.at_least(user, role):
            assert role is not None
            raise Forbidden(str(ROLE_NEEDED[role]))
        if request.method not in SAFE_METHODS:
            who = f"user {user.id}" if user is not None else client_address(request)
            request.app.state.limits.write(who)
        return user


class UploadRule(Rule):
    """Uploads are for editors, unless SESSIONNAV_UPLOADS_FOR_MEMBERS opens them to members."""

    def __init__(self) -> None:
        super().__init__(Role.editor)

    def needed(self, settings: Settings) -> Role | None:
        return Role.member if settings.uploads_for_members else Role.editor


Anyone = Annotated[User | None, Depends(Rule(None))]
Members = Annotated[User, Depends(Rule(Role.member))]
Editors = Annotated[User, Depends(Rule(Role.editor))]
Admins = Annotated[User, Depends(Rule(Role.admin))]
UPLOADS = UploadRule()
Uploaders = Annotated[User, Depends(UPLOADS)]
