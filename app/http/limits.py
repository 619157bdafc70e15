"""Abuse limits (PRODUCT §6b): sign-in attempts per account and per address, and writes per
account or address, counted in moving windows by `limits` (the library slowapi is built on).

The counts live in memory by default, which is right for one worker. Several workers or
machines share them through `SESSIONNAV_RATE_LIMIT_STORAGE` (e.g. `redis://127.0.0.1:6379`);
every key starts with `SESSIONNAV_RATE_LIMIT_PREFIX`, so sites sharing one store stay apart.
"""

import math
import time

from limits import RateLimitItem, parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from app.config import Settings
from app.errors import TooMany
from app.i18n import _

SIGN_IN_PER_ACCOUNT = parse("10/15 minutes")  # ten failures in a row, then wait
SIGN_IN_PER_ADDRESS = parse("50/15 minutes")  # one address trying many accounts


class Limits:
    def __init__(self, *, storage: str, writes: str, prefix: str) -> None:
        self.window = MovingWindowRateLimiter(storage_from_string(storage))
        self.writes = parse(writes)
        self.prefix = prefix

    @classmethod
    def from_settings(cls, settings: Settings) -> "Limits":
        return cls(
            storage=settings.rate_limit_storage,
            writes=settings.write_limit,
            prefix=settings.rate_limit_prefix,
        )

    def _retry_after(self, item: RateLimitItem, *keys: str) -> int:
        reset = self.window.get_window_stats(item, self.prefix, *keys).reset_time
        return max(1, math.ceil(reset - time.time()))

    def check(self, item: RateLimitItem, *keys: str, message: str) -> None:
        """Refuse (429, Retry-After) while the window for `keys` is full."""
        if not self.window.test(item, self.prefix, *keys):
            raise TooMany(message, retry_after=self._retry_after(item, *keys))

    def hit(self, item: RateLimitItem, *keys: str, message: str) -> None:
        """Count one more; refuse (429) when the window is already full."""
        if not self.window.hit(item, self.prefix, *keys):
            raise TooMany(message, retry_after=self._retry_after(item, *keys))

    def sign_in_allowed(self, username: str, address: str) -> None:
        too_many = _("too many failed sign-ins; wait a few minutes and try again")
        self.check(SIGN_IN_PER_ACCOUNT, "sign-in", username.strip().lower(), message=too_many)
        self.check(SIGN_IN_PER_ADDRESS, "sign-in-from", address, message=too_many)

    def sign_in_failed(self, username: str, address: str) -> None:
        """Count a failure; the one that fills a window is itself answered 429, so the tenth
        wrong password in a row already says to wait."""
        self.window.hit(SIGN_IN_PER_ACCOUNT, self.prefix, "sign-in", username.strip().lower())
        self.window.hit(SIGN_IN_PER_ADDRESS, self.prefix, "sign-in-from", address)
        self.sign_in_allowed(username, address)

    def sign_in_succeeded(self, username: str) -> None:
        """A success ends the row of failures for that account."""
        self.window.clear(SIGN_IN_PER_ACCOUNT, self.prefix, "sign-in", username.strip().lower())

    def write(self, who: str) -> None:
        self.hit(
            self.writes, "writes", who, message=_("too many changes in a short time; slow down")
        )
