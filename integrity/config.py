"""Configuration: built-in defaults < instance file < ``INTEGRITY_*`` environment variables.

Every setting is listed once in ``SETTINGS`` with its type, default and description; the README
table is checked against this list by a test, so the documentation cannot drift.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DEFAULT_SECRET_KEY = "insecure-default-change-me"  # noqa: S105  (refused outside development)
# A placeholder: diplomas are not printed with it outside development (diplomas.services.rendering).
DEFAULT_PUBLIC_HOST = "localhost:5000"
INSTANCE_FILE = "integrity.toml"
ENV_PREFIX = "INTEGRITY_"
ENVIRONMENTS = ("production", "development", "testing")


class ConfigError(RuntimeError):
    pass


@dataclass(frozen=True)
class Setting:
    name: str
    type: type
    default: Any
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting("ENV", str, "production", "production, development or testing."),
    Setting(
        "SECRET_KEY",
        str,
        DEFAULT_SECRET_KEY,
        "Signs sessions and CSRF tokens. Required outside development.",
    ),
    Setting(
        "DATABASE_URL",
        str,
        "",
        "SQLAlchemy URL; empty means `integrity.sqlite3` in the instance folder.",
    ),
    Setting(
        "DATA_DIR",
        str,
        "",
        "Stored files (scans, PDFs); empty means `data/` in the instance folder.",
    ),
    Setting("MAX_UPLOAD_MB", int, 512, "Largest accepted upload, in megabytes."),
    Setting(
        "UPLOAD_CHUNK_MB",
        int,
        4,
        "Size of the chunks a browser sends a large file in (resumable uploads, at most 8).",
    ),
    Setting("IMPORT_MAX_ROWS", int, 50_000, "Most data rows one imported table may have."),
    Setting("IMPORT_MAX_COLUMNS", int, 100, "Most columns one imported table may have."),
    Setting(
        "IMPORT_MAX_CELL_CHARS", int, 2_000, "Longest cell of an imported table, in characters."
    ),
    Setting(
        "IMPORT_MAX_UNPACKED_MB",
        int,
        100,
        "Most an imported XLSX file may unpack to, in megabytes (a ZIP bomb is refused before it is read).",
    ),
    Setting(
        "DEFAULT_LOCALE", str, "kk", "Language for visitors who have not chosen one: kk, ru or en."
    ),
    Setting(
        "RATELIMIT_STORAGE_URL",
        str,
        "",
        "Where rate-limit counters live: empty means `ratelimits.sqlite3` in the instance folder, shared by every worker of the machine; `redis://…` for several machines.",
    ),
    Setting(
        "LOGIN_RATE_LIMIT",
        str,
        "10 per minute",
        "Sign-in attempts allowed per client address and account.",
    ),
    Setting(
        "ACCESS_CODE_RATE_LIMIT",
        str,
        "10 per minute",
        "Appeal access-code attempts allowed per client address and code.",
    ),
    Setting(
        "ADDRESS_RATE_LIMIT",
        str,
        "60 per minute",
        "Sign-in, access-code and diploma look-up attempts allowed per client address, all accounts and codes together.",
    ),
    Setting(
        "SESSION_IDLE_MINUTES",
        int,
        120,
        "A signed-in session ends after this many minutes without a request.",
    ),
    Setting(
        "SESSION_MAX_HOURS",
        int,
        12,
        "A signed-in session ends this many hours after sign-in, however busy.",
    ),
    Setting(
        "SESSION_STORE_URL",
        str,
        "",
        "Where signed-in sessions live: empty means the database (the `sign_in` table); `redis://…` for Redis, shared by several app servers.",
    ),
    Setting("COOKIE_SECURE", bool, False, "Send cookies over HTTPS only; switch on behind TLS."),
    Setting(
        "JOBS_URL",
        str,
        "",
        "Job queue storage: empty means `jobs.sqlite3` in the instance folder; `redis://…` for Redis.",
    ),
    Setting(
        "JOBS_LEASE_SECONDS",
        int,
        60,
        "A running job's lease: a job whose worker was lost runs again this long after its last sign of life.",
    ),
    Setting("LOG_LEVEL", str, "INFO", "Logging level of the structured JSON log."),
    Setting("PAGE_SIZE", int, 50, "Rows per page in long lists."),
    Setting(
        "TIMEZONE",
        str,
        "Asia/Almaty",
        "The centre's time zone: diplomas' dates, analysis periods and deadlines are local dates.",
    ),
    Setting(
        "PUBLIC_HOST",
        str,
        DEFAULT_PUBLIC_HOST,
        "Host name (and port) in diplomas' QR links: `https://<host>/v/…`; a whole address "
        "`http://<host>:<port>` for a server without TLS (the demo). Diplomas are not printed "
        "with the default outside development.",
    ),
    Setting("DIPLOMA_ISSUER", str, "ZHD", "Three-letter issuer code printed in diploma serials."),
    Setting(
        "DIPLOMA_KEY_PASSPHRASE",
        str,
        "",
        "Encrypts the diploma signing keys at rest; empty means a key derived from SECRET_KEY.",
    ),
    Setting(
        "DIPLOMA_LOOKUP_RATE_LIMIT",
        str,
        "20 per minute",
        "Manual diploma look-ups (serial and surname) allowed per client address and serial.",
    ),
    Setting(
        "RISK_PROTOCOL_HOURS",
        int,
        72,
        "A ciphered protocol published later than this many hours after its round is late.",
    ),
    Setting(
        "RISK_APPEAL_HOURS",
        int,
        48,
        "An appeal decided later than this many hours after filing is late.",
    ),
    Setting(
        "RISK_THRESHOLDS",
        str,
        "",
        "Indicator thresholds overriding the defaults: `code=amber/red; …` (see the risk report).",
    ),
    Setting(
        "RISK_MIN_COUNT",
        int,
        5,
        "A share of fewer things than this (appeals decided, protocols, pages) is shown as too "
        "few to judge, without a light.",
    ),
    Setting(
        "ORGANISATION_KK",
        str,
        "«Жамбыл дарыны» аймақтық ғылыми-практикалық орталығы",
        "Organisation name (Kazakh).",
    ),
    Setting(
        "ORGANISATION_RU",
        str,
        "Региональный научно-практический центр «Жамбыл дарыны»",
        "Organisation name (Russian).",
    ),
)


def _coerce(setting: Setting, raw: Any, source: str) -> Any:
    if setting.type is bool:
        if isinstance(raw, bool):
            return raw
        text = str(raw).strip().lower()
        if text in {"1", "true", "yes", "on"}:
            return True
        if text in {"0", "false", "no", "off", ""}:
            return False
        raise ConfigError(f"{source}: {setting.name} must be true or false, not {raw!r}")
    if setting.type is int:
        try:
            return int(raw)
        except (TypeError, ValueError):
            raise ConfigError(
                f"{source}: {setting.name} must be a whole number, not {raw!r}"
            ) from None
    return str(raw)


def load_settings(
    instance_path: Path,
    environ: Mapping[str, str] | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Merge the three layers (and a program's own overrides, e.g. tests) and check the result."""
    values: dict[str, Any] = {s.name: s.default for s in SETTINGS}
    values.update(_from_file(instance_path / INSTANCE_FILE))
    values.update(_from_environment(os.environ if environ is None else environ))
    values.update(_from_overrides(overrides or {}))
    _check(values)
    _place_in_instance(values, instance_path)
    return values


_BY_NAME = {s.name: s for s in SETTINGS}


def _from_file(file: Path) -> dict[str, Any]:
    if not file.exists():
        return {}
    try:
        loaded = tomllib.loads(file.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{file.name}: {exc}") from None
    values: dict[str, Any] = {}
    for key, raw in loaded.items():
        setting = _BY_NAME.get(key.upper())
        if setting is None:
            raise ConfigError(f"{file.name}: unknown setting {key!r}")
        values[setting.name] = _coerce(setting, raw, file.name)
    return values


def _from_environment(environ: Mapping[str, str]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for setting in SETTINGS:
        raw_env = environ.get(ENV_PREFIX + setting.name)
        if raw_env is not None:
            values[setting.name] = _coerce(setting, raw_env, ENV_PREFIX + setting.name)
    return values


def _from_overrides(overrides: Mapping[str, Any]) -> dict[str, Any]:
    """Only our settings: other keys are Flask's (create_app passes them on)."""
    return {
        key: _coerce(_BY_NAME[key], raw, "override")
        for key, raw in overrides.items()
        if key in _BY_NAME
    }


def _check(values: Mapping[str, Any]) -> None:
    """Refuse to start with a setting that would fail later, or a default secret in production."""
    if values["ENV"] not in ENVIRONMENTS:
        raise ConfigError(f"ENV must be one of {', '.join(ENVIRONMENTS)}, not {values['ENV']!r}")
    if values["DEFAULT_LOCALE"] not in ("kk", "ru", "en"):
        raise ConfigError("DEFAULT_LOCALE must be kk, ru or en")
    if values["ENV"] == "production" and values["SECRET_KEY"] == DEFAULT_SECRET_KEY:
        raise ConfigError(
            "Refusing to start: SECRET_KEY is the built-in default. Set INTEGRITY_SECRET_KEY or "
            f"secret_key in {INSTANCE_FILE} (for example: python -c 'import secrets; "
            "print(secrets.token_hex(32))'), or set INTEGRITY_ENV=development."
        )
    try:
        from zoneinfo import ZoneInfo

        ZoneInfo(str(values["TIMEZONE"]))
    except (KeyError, ValueError):
        raise ConfigError(f"TIMEZONE: unknown time zone {values['TIMEZONE']!r}") from None
    issuer = str(values["DIPLOMA_ISSUER"])
    if not (len(issuer) == 3 and issuer.isascii() and issuer.isalpha() and issuer.isupper()):
        raise ConfigError("DIPLOMA_ISSUER must be three capital Latin letters, e.g. ZHD")
    host = str(values["PUBLIC_HOST"]).lower()
    if "://" in host and not host.startswith(("http://", "https://")):
        raise ConfigError("PUBLIC_HOST is a host name, or an address starting http:// or https://")
    if host.startswith("http://") and values["ENV"] == "production" and not _local(host):
        raise ConfigError(
            "PUBLIC_HOST: a diploma's QR code must link over https:// (plain http:// is for a "
            "demo on this machine or a local network, or ENV=development)"
        )
    if int(values["JOBS_LEASE_SECONDS"]) < 2:
        raise ConfigError("JOBS_LEASE_SECONDS must be at least 2")
    if int(values["RISK_MIN_COUNT"]) < 1:
        raise ConfigError("RISK_MIN_COUNT must be at least 1")


def _local(address: str) -> bool:
    """A loopback or private-network address (a demo, an offline venue's own network)."""
    import ipaddress
    from urllib.parse import urlsplit

    name = urlsplit(address).hostname or ""
    if name == "localhost":
        return True
    try:
        ip = ipaddress.ip_address(name)
    except ValueError:
        return False
    return ip.is_loopback or ip.is_private


def _place_in_instance(values: dict[str, Any], instance_path: Path) -> None:
    """Storage left empty lives in the instance folder: one machine, no setup."""
    if not values["DATABASE_URL"]:
        values["DATABASE_URL"] = f"sqlite:///{instance_path / 'integrity.sqlite3'}"
    if not values["DATA_DIR"]:
        values["DATA_DIR"] = str(instance_path / "data")
    if not values["RATELIMIT_STORAGE_URL"]:
        values["RATELIMIT_STORAGE_URL"] = (
            f"integrity+sqlite://{instance_path / 'ratelimits.sqlite3'}"
        )
    if not values["JOBS_URL"]:
        values["JOBS_URL"] = f"sqlite:///{instance_path / 'jobs.sqlite3'}"


def flask_config(values: Mapping[str, Any]) -> dict[str, Any]:
    """Translate our settings into the keys Flask and its extensions read."""
    secure = bool(values["COOKIE_SECURE"])
    return {
        "SECRET_KEY": values["SECRET_KEY"],
        "TESTING": values["ENV"] == "testing",
        "SQLALCHEMY_DATABASE_URI": values["DATABASE_URL"],
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "MAX_CONTENT_LENGTH": int(values["MAX_UPLOAD_MB"]) * 1024 * 1024,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": secure,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": secure,
        "PERMANENT_SESSION_LIFETIME": int(values["SESSION_MAX_HOURS"]) * 3600,
        "RATELIMIT_STORAGE_URI": values["RATELIMIT_STORAGE_URL"],
        "RATELIMIT_HEADERS_ENABLED": True,
        "BABEL_DEFAULT_LOCALE": values["DEFAULT_LOCALE"],
        "BABEL_TRANSLATION_DIRECTORIES": str(Path(__file__).parent / "translations"),
        "WTF_CSRF_TIME_LIMIT": None,
    }
