"""Rate limits shared by several workers through Redis (SESSIONNAV_RATE_LIMIT_STORAGE): what
one worker counted, another refuses. Needs the Redis at SESSIONNAV_TEST_REDIS_URL (default
redis://127.0.0.1:6379); CI has one, and a skip there is a failure."""

import os
import uuid

import httpx2 as httpx
import pytest

from app.errors import TooMany
from app.http.limits import Limits

REDIS_URL = os.environ.get("SESSIONNAV_TEST_REDIS_URL", "redis://127.0.0.1:6379")


@pytest.fixture
def redis_url() -> str:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        pytest.skip(f"no Redis at {REDIS_URL}: {exc}")
    return REDIS_URL


@pytest.fixture
def prefix() -> str:
    """Keys of this test alone: runs before it (or beside it) count nothing here."""
    return f"test-{uuid.uuid4().hex}"


def test_two_workers_share_one_count(redis_url, prefix):
    first, second = (Limits(storage=redis_url, writes="3/minute", prefix=prefix) for _ in "ab")
    first.write("user 1")
    second.write("user 1")
    first.write("user 1")
    with pytest.raises(TooMany) as refused:
        second.write("user 1")
    assert refused.value.status_code == 429 and int(refused.value.headers["Retry-After"]) > 0
    second.write("user 2")  # per account


def test_failed_sign_ins_count_across_workers(redis_url, prefix):
    workers = [Limits(storage=redis_url, writes="9/minute", prefix=prefix) for _ in range(2)]
    for attempt in range(9):
        workers[attempt % 2].sign_in_failed("member", "10.0.0.1")
    with pytest.raises(TooMany):
        workers[1].sign_in_failed("member", "10.0.0.1")
    with pytest.raises(TooMany):
        workers[0].sign_in_allowed("member", "10.0.0.2")


@pytest.mark.live
def test_two_server_processes_refuse_together(redis_url, prefix, settings, serve, demo, tokens):
    settings.rate_limit_storage, settings.rate_limit_prefix = redis_url, prefix
    settings.write_limit = "4/minute"
    servers = [serve()[0], serve()[0]]
    member = {"Authorization": f"Bearer {tokens['member']}"}
    note = {"start": 60, "text": "A note"}
    statuses = [
        httpx.post(
            f"{servers[n % 2]}/api/v1/recordings/{demo}/annotations", json=note, headers=member
        ).status_code
        for n in range(6)
    ]
    assert statuses == [201, 201, 201, 201, 429, 429]
