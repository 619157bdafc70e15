"""Signing in and out, signing up, and one's own account (PRODUCT §6b): plain forms that work
without JavaScript. The session is a cookie (HttpOnly, SameSite=Lax, Secure over HTTPS)
holding a random secret whose hash the database keeps (app.services.accounts)."""

from typing import Annotated

from fastapi import Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from app.db import Session
from app.deps import SessionDep
from app.errors import DomainError, Forbidden, Invalid, SignInNeeded
from app.http.auth import SESSION_COOKIE, Anyone, Members, client_address
from app.http.errors import FormRefused
from app.http.routing import router as make_router
from app.http.templating import render
from app.i18n import _
from app.models import User
from app.services import accounts

router = make_router(include_in_schema=False, default_response_class=HTMLResponse)
Text = Annotated[str, Form(max_length=200)]
NextPath = Annotated[str, Form(max_length=2000)]


def _next(path: str | None) -> str:
    """Where to go after signing in: a path on this site, never another site."""
    if path and path.startswith("/") and not path.startswith(("//", "/\\")):
        return path
    return "/"


def _signed_in(request: Request, secret: str, next_path: str) -> RedirectResponse:
    response = RedirectResponse(_next(next_path), status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        secret,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        max_age=accounts.SESSION_DAYS * 24 * 3600,
    )
    return response


def _page(request: Request, name: str, status_code: int = 200, **context) -> HTMLResponse:
    return render(request, name, context, status_code=status_code)


@router.get("/login")
def login_form(request: Request, user: Anyone, next: str = "/") -> Response:
    if user is not None:
        return RedirectResponse(_next(next), status_code=303)
    signup = request.app.state.settings.signup
    return _page(request, "login.html", next=_next(next), signup=signup)


@router.post("/login")
def login(
    request: Request,
    session: SessionDep,
    user: Anyone,
    username: Text = "",
    password: Text = "",
    next: NextPath = "/",
) -> Response:
    """Ten failures in a row for an account (or many from one address) are answered 429."""
    limits, address = request.app.state.limits, client_address(request)
    limits.sign_in_allowed(username, address)
    account = accounts.check_password(session, username=username, password=password)
    if account is None:
        limits.sign_in_failed(username, address)
        error = SignInNeeded(_("that username and password do not match an account"))
        values = {"username": username, "next": _next(next)}
        raise FormRefused(error, lambda s: _page(request, "login.html", 401, error=error, **values))
    limits.sign_in_succeeded(username)
    if account.must_change_password:
        ticket = accounts.password_ticket(account, secret_key=request.app.state.settings.secret_key)
        return _page(request, "new_password.html", ticket=ticket, next=_next(next))
    return _signed_in(request, accounts.start_session(session, user=account), next)


@router.post("/login/new-password")
def choose_password(
    request: Request,
    session: SessionDep,
    user: Anyone,
    ticket: Annotated[str, Form(max_length=300)] = "",
    password: Text = "",
    again: Text = "",
    next: NextPath = "/",
) -> Response:
    """After a one-time password: the account's own password, then signed in."""
    secret_key = request.app.state.settings.secret_key
    try:
        account = accounts.user_of_ticket(session, ticket=ticket, secret_key=secret_key)
        if password != again:
            raise Invalid(_("the two passwords differ"), field="again")
        accounts.change_password(session, user=account, password=password)
    except DomainError as exc:
        context = {"ticket": ticket, "next": _next(next), "error": exc}
        status = exc.status_code
        raise FormRefused(
            exc, lambda _: _page(request, "new_password.html", status, **context)
        ) from None
    return _signed_in(request, accounts.start_session(session, user=account), next)


@router.post("/logout")
def logout(request: Request, session: SessionDep, user: Anyone) -> Response:
    if secret := request.cookies.get(SESSION_COOKIE):
        accounts.end_session(session, secret=secret)
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


def _signup_open(request: Request) -> None:
    if not request.app.state.settings.signup:
        raise Forbidden(_("signing up is closed here; ask an admin for an account"))


@router.get("/signup")
def signup_form(request: Request, user: Anyone) -> HTMLResponse:
    _signup_open(request)
    return _page(request, "signup.html", values={})


@router.post("/signup")
def signup(
    request: Request,
    session: SessionDep,
    user: Anyone,
    username: Text = "",
    display_name: Text = "",
    password: Text = "",
    again: Text = "",
) -> Response:
    """A member's account, signed in at once."""
    _signup_open(request)
    try:
        if password != again:
            raise Invalid(_("the two passwords differ"), field="again")
        account = accounts.create_user(
            session, username=username, password=password, display_name=display_name
        )
    except DomainError as exc:
        context = {"values": {"username": username, "display_name": display_name}, "error": exc}
        status = exc.status_code
        raise FormRefused(exc, lambda _: _page(request, "signup.html", status, **context)) from None
    return _signed_in(request, accounts.start_session(session, user=account), "/")


def _account_page(
    request: Request, session: Session, user: User, status_code: int = 200, **context
) -> HTMLResponse:
    tokens = accounts.tokens_of(session, user=user)
    return _page(request, "account.html", status_code, tokens=tokens, **context)


@router.get("/account")
def account(request: Request, session: SessionDep, user: Members) -> HTMLResponse:
    return _account_page(request, session, user)


@router.post("/account/password")
def change_password(
    request: Request,
    session: SessionDep,
    user: Members,
    current: Text = "",
    password: Text = "",
    again: Text = "",
) -> Response:
    try:
        if accounts.check_password(session, username=user.username, password=current) is None:
            raise Invalid(_("the current password is not right"), field="current")
        if password != again:
            raise Invalid(_("the two new passwords differ"), field="again")
        account = accounts.get(session, username=user.username)
        accounts.change_password(session, user=account, password=password)
    except DomainError as exc:
        status, context = exc.status_code, {"password_error": exc}
        raise FormRefused(
            exc, lambda s: _account_page(request, s, user, status, **context)
        ) from None
    return _account_page(request, session, user, notice=_("Your password is changed."))


@router.post("/account/tokens")
def create_token(
    request: Request, session: SessionDep, user: Members, name: Text = ""
) -> HTMLResponse:
    """The new token is shown on this answer only; the site keeps its hash."""
    account = accounts.get(session, username=user.username)
    token, secret = accounts.create_token(session, user=account, name=name)
    return _account_page(request, session, user, new_token=secret, new_token_id=token.id)


@router.post("/account/tokens/{token:int}/revoke")
def revoke_token(request: Request, session: SessionDep, user: Members, token: int) -> Response:
    accounts.revoke_token(session, token_id=token, by=user)
    return RedirectResponse("/account#tokens", status_code=303)
