"""Accounts: users and their roles, passwords, signed-in browser sessions and API tokens.

Passwords are hashed with argon2id (pwdlib, the FastAPI template's choice). A session cookie
or an API token is a random secret the browser or script holds; only its SHA-256 is stored,
so a copy of the database signs nobody in.
"""

import hashlib
import hmac
import re
import secrets
import time
from datetime import timedelta
from functools import cache

from pwdlib import PasswordHash
from sqlmodel import Session, col, func, select

from app.errors import Conflict, Forbidden, Invalid, NotFound
from app.i18n import _, lazy
from app.models import ApiToken, LoginSession, Role, User, utcnow

PASSWORDS = PasswordHash.recommended()
USERNAME = re.compile(r"[a-z0-9][a-z0-9._-]{1,39}")
MIN_PASSWORD, MAX_PASSWORD = 10, 200
SESSION_DAYS = 30
TOKEN_PREFIX = "snav_"
RANKS = {None: 0, Role.member: 1, Role.editor: 2, Role.admin: 3}
_NEEDS = {
    Role.member: lazy("this needs the member role"),
    Role.editor: lazy("this needs the editor role"),
    Role.admin: lazy("this needs the admin role"),
}


@cache
def _unknown_user_hash() -> str:
    """Verified against when the username is unknown, so both answers take as long."""
    return PASSWORDS.hash(secrets.token_urlsafe(16))


def at_least(user: User | None, role: Role | None) -> bool:
    """Whether `user` (None: an anonymous visitor) has `role` or a higher one."""
    return RANKS[user.role if user is not None else None] >= RANKS[role]


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _check_password(password: str, field: str = "password") -> None:
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise Invalid(
            _("a password has %(min)s to %(max)s characters")
            % {"min": MIN_PASSWORD, "max": MAX_PASSWORD},
            field=field,
        )


def normalise_username(username: str) -> str:
    name = username.strip().lower()
    if not USERNAME.fullmatch(name):
        raise Invalid(
            _(
                "a username has 2 to 40 characters: letters a-z, digits, '.', '_' or '-', "
                "starting with a letter or digit"
            ),
            field="username",
        )
    return name


NO_PASSWORD = "!"  # no hash: nobody signs in with a password (an account for ownership)


def create_user(
    session: Session,
    *,
    username: str,
    password: str | None,
    role: Role = Role.member,
    display_name: str = "",
    must_change_password: bool = False,
) -> User:
    """A new account; `password` None makes one nobody signs in to with a password."""
    name = normalise_username(username)
    if password is not None:
        _check_password(password)
    if session.exec(select(User.id).where(User.username == name)).first() is not None:
        raise Conflict(_("the username %(name)s is taken") % {"name": repr(name)}, field="username")
    user = User(
        username=name,
        display_name=display_name.strip() or name,
        password_hash=PASSWORDS.hash(password) if password is not None else NO_PASSWORD,
        role=role,
        must_change_password=must_change_password,
    )
    session.add(user)
    session.flush()
    return user


def get(session: Session, *, username: str) -> User:
    user = session.exec(select(User).where(User.username == username.strip().lower())).first()
    if user is None:
        raise NotFound(_("no account %(name)s") % {"name": repr(username)}, field="username")
    return user


def everyone(session: Session) -> list[User]:
    return list(session.exec(select(User).order_by(col(User.username))))


def anyone_signs_in(session: Session) -> bool:
    """Whether some account can sign in (the demo's organiser, disabled, cannot)."""
    count = select(func.count()).select_from(User).where(col(User.disabled).is_(False))
    return session.exec(count).one() > 0


def check_password(session: Session, *, username: str, password: str) -> User | None:
    """The account these credentials open, or None; the same work either way."""
    user = session.exec(select(User).where(User.username == username.strip().lower())).first()
    usable = user is not None and not user.disabled and user.password_hash != NO_PASSWORD
    hashed = user.password_hash if usable and user is not None else _unknown_user_hash()
    valid = PASSWORDS.verify(password[:MAX_PASSWORD], hashed)
    return user if usable and valid else None


def change_password(session: Session, *, user: User, password: str) -> None:
    _check_password(password)
    user.password_hash = PASSWORDS.hash(password)
    user.must_change_password = False
    session.add(user)
    session.flush()


def first_admin(session: Session) -> str | None:
    """On an install where nobody can sign in, an `admin` with a one-time password (returned,
    to be printed once); the password must be changed at the first sign-in."""
    if anyone_signs_in(session):
        return None
    password = secrets.token_urlsafe(12)
    create_user(
        session, username="admin", password=password, role=Role.admin, must_change_password=True
    )
    return password


def start_session(session: Session, *, user: User) -> str:
    """A new signed-in session; returns the secret for the cookie."""
    secret = secrets.token_urlsafe(32)
    assert user.id is not None  # a stored account
    session.add(
        LoginSession(
            token_hash=digest(secret),
            user_id=user.id,
            expires_at=utcnow() + timedelta(days=SESSION_DAYS),
        )
    )
    session.flush()
    return secret


def end_session(session: Session, *, secret: str) -> None:
    row = session.exec(
        select(LoginSession).where(LoginSession.token_hash == digest(secret))
    ).first()
    if row is not None:
        session.delete(row)
        session.flush()


def user_of_session(session: Session, *, secret: str) -> User | None:
    found = session.exec(
        select(User, LoginSession)
        .join(LoginSession, col(LoginSession.user_id) == col(User.id))
        .where(LoginSession.token_hash == digest(secret))
    ).first()
    if found is None:
        return None
    user, login = found
    expires = login.expires_at.replace(tzinfo=utcnow().tzinfo)
    if user.disabled or user.must_change_password or expires < utcnow():
        return None
    return user


def create_token(session: Session, *, user: User, name: str = "") -> tuple[ApiToken, str]:
    """A new API token; the secret is returned once and never stored."""
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    assert user.id is not None
    token = ApiToken(
        token_hash=digest(secret), prefix=secret[:12], name=name.strip()[:100], user_id=user.id
    )
    session.add(token)
    session.flush()
    return token, secret


def tokens_of(session: Session, *, user: User) -> list[ApiToken]:
    return list(
        session.exec(select(ApiToken).where(ApiToken.user_id == user.id).order_by(col(ApiToken.id)))
    )


def revoke_token(session: Session, *, token_id: int, by: User | None) -> ApiToken:
    """Revoke one of `by`'s own tokens; an admin may revoke anyone's, and so may the
    operator at the command line (`by` None)."""
    token = session.get(ApiToken, token_id)
    if token is None or (
        by is not None and token.user_id != by.id and not at_least(by, Role.admin)
    ):
        raise NotFound(_("no API token %(id)s") % {"id": token_id}, field="token")
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        session.add(token)
        session.flush()
    return token


def user_of_token(session: Session, *, secret: str) -> User | None:
    found = session.exec(
        select(User, ApiToken)
        .join(ApiToken, col(ApiToken.user_id) == col(User.id))
        .where(ApiToken.token_hash == digest(secret))
    ).first()
    if found is None:
        return None
    user, token = found
    return None if user.disabled or token.revoked_at is not None else user


def require(user: User | None, role: Role) -> User:
    """`user` if they have `role`, else Forbidden (callers sign anonymous visitors in first)."""
    if user is None or not at_least(user, role):
        raise Forbidden(str(_NEEDS[role]))
    return user


TICKET_MINUTES = 15


def _ticket_mac(secret_key: str, user: User, expires: int) -> str:
    message = f"new-password:{user.id}:{expires}:{user.password_hash}".encode()
    return hmac.new(secret_key.encode(), message, hashlib.sha256).hexdigest()


def password_ticket(user: User, *, secret_key: str) -> str:
    """Proof, for a quarter of an hour, that `user` just gave their one-time password: it
    lets them choose their own, once (the ticket covers the current password's hash)."""
    expires = int(time.time()) + TICKET_MINUTES * 60
    return f"{user.id}.{expires}.{_ticket_mac(secret_key, user, expires)}"


def user_of_ticket(session: Session, *, ticket: str, secret_key: str) -> User:
    user_id, rest = ticket.partition(".")[::2]
    expires, mac = rest.partition(".")[::2]
    user = session.get(User, int(user_id)) if user_id.isascii() and user_id.isdigit() else None
    valid = (
        user is not None
        and expires.isascii()
        and expires.isdigit()
        and int(expires) > time.time()
        and hmac.compare_digest(_ticket_mac(secret_key, user, int(expires)), mac)
    )
    if user is None or not valid:
        raise Invalid(_("this form has expired; sign in again"), field="ticket")
    return user
