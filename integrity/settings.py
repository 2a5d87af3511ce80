"""The settings as one frozen, typed object, built once at start-up from ``config.load_settings``.

Views, commands and jobs read it with ``settings_of(app)`` and pass it, or the values a use case
needs, to services and pure code; nothing below the views reads the app's configuration itself.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, Protocol
from zoneinfo import ZoneInfo

EXTENSION = "integrity.settings"


@dataclass(frozen=True)
class Settings:
    """Every setting of ``config.SETTINGS``, by its lower-case name (a test keeps the two equal)."""

    env: str
    secret_key: str
    database_url: str
    data_dir: Path
    max_upload_mb: int
    upload_chunk_mb: int
    import_max_rows: int
    import_max_columns: int
    import_max_cell_chars: int
    import_max_unpacked_mb: int
    default_locale: str
    ratelimit_storage_url: str
    login_rate_limit: str
    access_code_rate_limit: str
    address_rate_limit: str
    session_idle_minutes: int
    session_max_hours: int
    session_store_url: str
    cookie_secure: bool
    jobs_url: str
    jobs_lease_seconds: int
    log_level: str
    page_size: int
    timezone: str
    public_host: str
    diploma_issuer: str
    diploma_key_passphrase: str
    diploma_lookup_rate_limit: str
    risk_protocol_hours: int
    risk_appeal_hours: int
    risk_thresholds: str
    risk_min_count: int
    organisation_kk: str
    organisation_ru: str

    @classmethod
    def from_values(cls, values: Mapping[str, Any]) -> Settings:
        """From ``load_settings``' checked values (upper-case names)."""
        known = {field.name for field in dataclasses.fields(cls)}
        given = {name.lower(): value for name, value in values.items() if name.lower() in known}
        given["data_dir"] = Path(given["data_dir"])
        return cls(**given)

    def replace(self, **changes: Any) -> Settings:
        return dataclasses.replace(self, **changes)

    @cached_property
    def zone(self) -> ZoneInfo:
        """The centre's time zone: every date a person reads is a local date in it."""
        return ZoneInfo(self.timezone)

    @property
    def testing(self) -> bool:
        return self.env == "testing"

    @property
    def files_dir(self) -> Path:
        """The content-addressed file store (``integrity.filestore``)."""
        return self.data_dir / "files"

    @property
    def work_dir(self) -> Path:
        """Plain part-files of work in progress; never backed up."""
        return self.data_dir / "tmp"

    @property
    def host(self) -> str:
        """The public host, as printed in QR links."""
        return self.public_host.lower()


class _HasExtensions(Protocol):
    extensions: dict[str, Any]


def settings_of(app: _HasExtensions) -> Settings:
    found: Settings = app.extensions[EXTENSION]
    return found


def install(app: _HasExtensions, settings: Settings) -> None:
    app.extensions[EXTENSION] = settings
