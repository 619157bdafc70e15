"""Accounts as people and scripts meet them (PRODUCT §6b): signing in and out, signing up,
the first admin's one-time password, API tokens, the CSRF rule for cookies, and the abuse
limits (sign-in attempts, writes, upload quotas), each answered with a clear message."""

import re

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from app.http.auth import SESSION_COOKIE
from app.http.limits import Limits
from app.models import ApiToken, LoginSession
from app.services import accounts
from app.video import render_placeholder

CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)">')
NOTE = {"start": 60, "text": "A note"}


def _token(page) -> str:
    return CSRF_META.search(page.text)[1]


def _sign_in(browser: TestClient, username: str, password: str, **extra):
    token = _token(browser.get("/login"))
    return browser.post(
        "/login",
        params={"csrf_token": token},
        data={"username": username, "password": password, **extra},
        follow_redirects=False,
    )


def _me(browser: TestClient) -> str | None:
    response = browser.get("/api/v1/me")
    return response.json()["username"] if response.status_code == 200 else None


def test_signing_in_sets_a_session_cookie_and_goes_back_where_the_reader_was(anonymous, password):
    response = _sign_in(anonymous, "member", password, next="/r/x?t=90")
    assert response.status_code == 303 and response.headers["location"] == "/r/x?t=90"
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{SESSION_COOKIE}=")
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Secure" not in cookie
    assert _me(anonymous) == "member"
    assert "Signed in as member" in anonymous.get("/account").text


def test_the_cookie_is_secure_over_https(clients, shared_app, password):
    clients()  # the app set up for this test
    with TestClient(shared_app, base_url="https://testserver") as browser:
        response = _sign_in(browser, "member", password)
        assert "Secure" in response.headers["set-cookie"]
        assert "max-age=63072000" in response.headers["strict-transport-security"]


def test_after_signing_in_only_paths_of_this_site_are_followed(anonymous, password):
    for elsewhere in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        response = _sign_in(anonymous, "member", password, next=elsewhere)
        assert response.headers["location"] == "/"


def test_a_wrong_password_is_refused_with_the_form_again(anonymous, password, snapshot):
    before = snapshot()
    for username, typed in (("member", "not the password"), ("nobody", password)):
        response = _sign_in(anonymous, username, typed)
        assert response.status_code == 401
        assert "That username and password do not match an account." in response.text
        assert 'aria-invalid="true"' in response.text and f'value="{username}"' in response.text
    assert _me(anonymous) is None
    assert snapshot() == before


def test_ten_failed_sign_ins_in_a_row_answer_429(anonymous, clients, password):
    statuses = [_sign_in(anonymous, "member", "wrong guess").status_code for _ in range(10)]
    assert statuses == [401] * 9 + [429]
    refused = _sign_in(anonymous, "member", password)  # even the right one, for a while
    assert refused.status_code == 429
    assert "too many failed sign-ins; wait a few minutes" in refused.text.lower()
    assert int(refused.headers["retry-after"]) > 60
    other = clients()  # another account is not locked by them
    assert _sign_in(other, "other", password).status_code == 303


def test_a_success_ends_the_row_of_failures(anonymous, password):
    for _ in range(9):
        assert _sign_in(anonymous, "member", "wrong guess").status_code == 401
    assert _sign_in(anonymous, "member", password).status_code == 303
    assert _sign_in(anonymous, "member", "wrong guess").status_code == 401


def test_one_address_trying_many_accounts_is_stopped(anonymous):
    statuses = [_sign_in(anonymous, f"user{n}", "guess").status_code for n in range(50)]
    assert statuses[:49] == [401] * 49 and statuses[49] == 429


def test_signing_out_ends_the_session_on_the_server(browser_as, clients, connection):
    browser, token = browser_as("member")
    secret = browser.cookies[SESSION_COOKIE]
    response = browser.post("/logout", params={"csrf_token": token}, follow_redirects=False)
    assert response.status_code == 303
    assert _me(browser) is None
    replay = clients()  # a copy of the old cookie opens nothing
    replay.cookies.set(SESSION_COOKIE, secret)
    assert _me(replay) is None
    assert connection.execute(select(LoginSession)).all() == []


def test_sign_up_makes_a_member_who_is_signed_in(anonymous):
    token = _token(anonymous.get("/signup"))
    form = {"username": "Newcomer", "display_name": "New Comer"}
    form |= {"password": "long enough secret", "again": "long enough secret"}
    response = anonymous.post(
        "/signup", params={"csrf_token": token}, data=form, follow_redirects=False
    )
    assert response.status_code == 303
    assert anonymous.get("/api/v1/me").json() == {
        "username": "newcomer",
        "display_name": "New Comer",
        "role": "member",
    }
    taken = anonymous.post("/signup", params={"csrf_token": token}, data=form)
    assert taken.status_code == 409 and "The username &#39;newcomer&#39; is taken." in taken.text


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"username": "x", "password": "long enough", "again": "long enough"}, "2 to 40"),
        ({"username": "amy", "password": "short", "again": "short"}, "10 to 200 characters"),
        ({"username": "amy", "password": "long enough", "again": "long enouhg"}, "differ"),
    ],
)
def test_sign_up_explains_what_is_wrong(anonymous, snapshot, form, message):
    before = snapshot()
    token = _token(anonymous.get("/signup"))
    response = anonymous.post("/signup", params={"csrf_token": token}, data=form)
    assert response.status_code == 422 and message in response.text
    assert snapshot() == before


def test_sign_up_can_be_switched_off(anonymous, settings):
    settings.signup = False
    page = anonymous.get("/signup")
    assert page.status_code == 403 and "Signing up is closed here" in page.text
    assert "Sign up" not in anonymous.get("/login").text


def test_the_first_admin_chooses_a_password_after_the_one_time_one(anonymous, database):
    with database.unit_of_work() as session:
        assert accounts.first_admin(session) is None  # there are accounts already
        for user in accounts.everyone(session):
            session.delete(user)
        session.flush()
        one_time = accounts.first_admin(session)
    assert one_time
    chooser = _sign_in(anonymous, "admin", one_time, next="/moderation")
    assert chooser.status_code == 200 and "Choose your password" in chooser.text
    assert _me(anonymous) is None  # not signed in before choosing
    hidden = dict(re.findall(r'type="hidden" name="(\w+)" value="([^"]*)"', chooser.text))
    assert hidden.keys() == {"ticket", "next"}
    chosen = anonymous.post(
        "/login/new-password",
        params={"csrf_token": _token(chooser)},
        data={**hidden, "password": "my own passphrase", "again": "my own passphrase"},
        follow_redirects=False,
    )
    assert chosen.status_code == 303 and chosen.headers["location"] == "/moderation"
    assert anonymous.get("/api/v1/me").json()["role"] == "admin"
    assert _sign_in(TestClient(anonymous.app), "admin", one_time).status_code == 401


def test_a_token_made_on_the_account_page_works_once_shown_and_can_be_revoked(
    browser_as, clients, connection
):
    browser, token = browser_as("member")
    made = browser.post("/account/tokens", params={"csrf_token": token}, data={"name": "feed"})
    assert made.status_code == 200 and "Copy it now: it is not shown again." in made.text
    secret = re.search(r'<p class="secret" id="new-token">([^<]+)</p>', made.text)[1]
    assert secret not in browser.get("/account").text
    stored = connection.execute(select(ApiToken.token_hash, ApiToken.prefix)).all()
    assert all(secret not in row for row in stored)  # only its hash is kept

    script = TestClient(browser.app, headers={"Authorization": f"Bearer {secret}"})
    assert _me(script) == "member"
    token_id = re.search(r"number (\d+)\)", made.text)[1]
    browser.post(f"/account/tokens/{token_id}/revoke", params={"csrf_token": token})
    refused = script.get("/api/v1/me")
    assert refused.status_code == 401 and "revoked or mistyped" in refused.json()["detail"]


def test_a_bearer_token_needs_no_csrf_but_a_cookie_does(clients, browser_as, demo):
    url = f"/api/v1/recordings/{demo}/annotations"
    assert clients("member").post(url, json=NOTE).status_code == 201
    browser, token = browser_as("member")
    refused = browser.post(url, json=NOTE)
    assert refused.status_code == 403 and "X-CSRF-Token" in refused.json()["detail"]
    assert browser.post(url, json=NOTE, headers={"X-CSRF-Token": token}).status_code == 201


def test_a_disabled_account_signs_in_nowhere(anonymous, clients, database, password):
    with database.unit_of_work() as session:
        user = accounts.get(session, username="member")
        user.disabled = True
        session.add(user)
    assert _sign_in(anonymous, "member", password).status_code == 401
    assert clients("member").get("/api/v1/me").status_code == 401


def test_anonymous_writes_are_refused_with_a_message(anonymous, demo, snapshot):
    before = snapshot()
    response = anonymous.post(f"/api/v1/recordings/{demo}/annotations", json=NOTE)
    assert response.status_code == 401
    assert response.json() == {"detail": "sign in first: this needs an account", "field": None}
    page = anonymous.get("/account", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"] == "/login?next=%2Faccount"
    assert snapshot() == before


def test_a_member_meets_403_with_the_role_it_needs(clients, demo):
    response = clients("member").delete(f"/api/v1/recordings/{demo}")
    assert response.status_code == 403
    assert response.json()["detail"] == "this needs the editor role"
    page = clients("member").get("/moderation", headers={"Accept": "text/html"})
    assert page.status_code == 403 and "This needs the editor role" in page.text


def test_writes_past_the_limit_answer_429_with_retry_after(clients, shared_app, settings, demo):
    member = clients("member")
    shared_app.state.limits = Limits(storage="memory://", writes="3/minute", prefix="test")
    url = f"/api/v1/recordings/{demo}/annotations"
    statuses = [member.post(url, json=NOTE).status_code for _ in range(4)]
    assert statuses == [201, 201, 201, 429]
    refused = member.post(url, json=NOTE)
    assert refused.json()["detail"] == "too many changes in a short time; slow down"
    assert 0 < int(refused.headers["retry-after"]) <= 60
    assert clients("other").post(url, json=NOTE).status_code == 201  # per account
    assert member.get(url).status_code == 200  # reading is not limited


@pytest.fixture(scope="module")
def clip(tmp_path_factory):
    path = tmp_path_factory.mktemp("clip") / "clip.mp4"
    render_placeholder(path, 2, progress=False)
    return path


def _upload(client: TestClient, demo: str, clip, title: str):
    with clip.open("rb") as f:
        return client.post(
            "/api/v1/recordings/upload",
            data={"event": demo, "title": title},
            files={"file": ("talk.mp4", f, "video/mp4")},
        )


def test_uploads_past_the_daily_count_answer_429(clients, settings, demo, clip):
    settings.upload_quota_count = 2
    editor = clients("editor")
    assert [_upload(editor, demo, clip, f"Talk {n}").status_code for n in range(2)] == [201, 201]
    refused = _upload(editor, demo, clip, "One more")
    assert refused.status_code == 429
    assert refused.json() == {
        "detail": "you have uploaded 2 files in a day, your quota; try again later",
        "field": "body.file",
    }
    assert int(refused.headers["retry-after"]) > 3600
    assert _upload(clients("admin"), demo, clip, "Admins have no quota").status_code == 201


def test_uploads_past_the_bytes_quota_answer_413(clients, settings, demo, clip, snapshot):
    size = clip.stat().st_size
    settings.upload_quota_bytes = size + size // 2
    editor = clients("editor")
    assert _upload(editor, demo, clip, "First").status_code == 201
    before = snapshot()
    refused = _upload(editor, demo, clip, "Second")
    assert refused.status_code == 413
    assert "is larger than what is left of your upload quota" in refused.json()["detail"]
    assert snapshot() == before
    settings.upload_quota_bytes = size
    used_up = _upload(editor, demo, clip, "Third")
    assert used_up.status_code == 413 and "quota of" in used_up.json()["detail"]


def test_members_upload_only_when_the_setting_opens_it(clients, settings, demo, clip):
    member = clients("member")
    refused = _upload(member, demo, clip, "Mine")
    assert refused.status_code == 403 and "editor role" in refused.json()["detail"]
    settings.uploads_for_members = True
    assert _upload(member, demo, clip, "Mine").status_code == 201
