"""`sessionnav user` and `sessionnav token` (PRODUCT §6b) as an operator runs them: the real
installed command in a process of its own, against the test database; and the first start
of `sessionnav serve`, which prints the first admin's one-time password."""

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx2 as httpx
import pytest

SESSIONNAV = Path(sys.executable).with_name("sessionnav")  # the installed console script
pytestmark = pytest.mark.live  # the command's own connections must see what tests commit


@pytest.fixture
def sessionnav(settings, tmp_path):
    """Runs the command against the test database; returns the finished process."""
    env = {
        **os.environ,
        "DATABASE_URL": settings.effective_database_url,
        "SESSIONNAV_DATA_DIR": str(tmp_path),
    }

    def run(*argv: str, stdin: str = "") -> subprocess.CompletedProcess:
        return subprocess.run(
            [str(SESSIONNAV), *argv], input=stdin, env=env, capture_output=True, text=True
        )

    return run


def _signs_in(client, username: str, password: str) -> bool:
    token = re.search(r'name="csrf-token" content="([^"]+)"', client.get("/login").text)[1]
    response = client.post(
        "/login",
        params={"csrf_token": token},
        data={"username": username, "password": password},
        follow_redirects=False,
    )
    return response.status_code == 303


def test_user_create_with_a_password_from_stdin(sessionnav, anonymous):
    made = sessionnav(
        "user", "create", "Alice", "--role", "editor", "--name", "Alice Liddell",
        "--password-stdin", stdin="through the looking glass\n",
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    assert made.stdout == "account 'alice' (editor) created\n"
    assert _signs_in(anonymous, "alice", "through the looking glass")
    assert anonymous.get("/api/v1/me").json() == {
        "username": "alice",
        "display_name": "Alice Liddell",
        "role": "editor",
    }
    listed = sessionnav("user", "list").stdout
    assert re.search(r"^alice\s+editor\s+Alice Liddell$", listed, re.M)

    again = sessionnav("user", "create", "alice", "--password-stdin", stdin="another password\n")
    assert again.returncode == 1 and again.stderr == "error: the username 'alice' is taken\n"
    short = sessionnav("user", "create", "bob", "--password-stdin", stdin="short\n")
    assert short.returncode == 1
    assert short.stderr == "error: a password has 10 to 200 characters\n"
    role = sessionnav("user", "create", "bob", "--role", "boss", "--password-stdin")
    assert role.returncode == 2 and "invalid choice: 'boss'" in role.stderr


def test_token_create_list_and_revoke(sessionnav, clients):
    made = sessionnav("token", "create", "member", "--name", "nightly export")
    assert made.returncode == 0, made.stderr
    number, secret = re.fullmatch(
        r"token (\d+) for member; send it as 'Authorization: Bearer TOKEN':\n(snav_\S+)\n",
        made.stdout,
    ).groups()
    script = clients()
    script.headers["Authorization"] = f"Bearer {secret}"
    assert script.get("/api/v1/me").json()["username"] == "member"
    listed = sessionnav("token", "list", "member").stdout
    assert re.search(
        rf"^\s*{number}\s+{re.escape(secret[:12])}\.\.\.\s+active\s+nightly export$", listed, re.M
    )
    assert secret not in listed  # printed once, never again

    revoked = sessionnav("token", "revoke", number)
    assert revoked.returncode == 0 and revoked.stdout.startswith(f"token {number} (")
    refused = script.get("/api/v1/me")
    assert refused.status_code == 401
    assert "revoked" in sessionnav("token", "list", "member").stdout
    missing = sessionnav("token", "revoke", "999999")
    assert missing.returncode == 1 and missing.stderr == "error: no API token 999999\n"
    nobody = sessionnav("token", "create", "nobody")
    assert nobody.returncode == 1 and nobody.stderr == "error: no account 'nobody'\n"


def test_the_first_start_prints_a_one_time_admin_password(tmp_path, media_cache):
    """A fresh install as `scripts/run` makes it (its own empty SQLite, the demo loaded: its
    organiser account, which nobody signs in as, must not stop the first admin being made)
    through `sessionnav serve`; the demo's video is copied in so it is not rendered again."""
    shutil.copytree(media_cache, tmp_path / "media")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {**os.environ, "SESSIONNAV_DATA_DIR": str(tmp_path)}
    env.pop("DATABASE_URL", None)
    server = subprocess.Popen(
        [str(SESSIONNAV), "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        printed = []
        while not printed or not printed[-1].startswith("Session Navigator on"):
            line = server.stdout.readline()
            assert line, f"serve stopped before it was ready: {''.join(printed)}"
            printed.append(line)
        text = "".join(printed)
        assert f"Sign in at http://127.0.0.1:{port}/login as" in text
        password = re.search(r"one-time password: (\S+)", text)[1]
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        with httpx.Client(base_url=base) as browser:
            while True:
                try:
                    browser.get("/login")
                    break
                except httpx.TransportError:
                    assert time.monotonic() < deadline, "serve did not answer within 30 s"
                    time.sleep(0.05)  # polling for the port to open, with a deadline
            token = re.search(r'name="csrf-token" content="([^"]+)"', browser.get("/login").text)[1]
            chooser = browser.post(
                "/login",
                params={"csrf_token": token},
                data={"username": "admin", "password": password},
            )
            assert "Choose your password" in chooser.text
    finally:
        server.kill()
        server.wait()
        server.stdout.close()
