"""Helpers shared by the scan services. The settings (secret key, file store) come in from the
caller's view, command or job; nothing here reads the app."""

from __future__ import annotations

import hashlib
import hmac
import os
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, select

from integrity.db import AnySession
from integrity.errors import Conflict
from integrity.registry.models import Round
from integrity.scans.models import ScanPage, ScanRound, Upload
from integrity.settings import Settings
from integrity.storage import file_store
from integrity.vault import domain as vault_crypto
from integrity.vault.services import server_key


def scan_round(session: AnySession, round_: Round, settings: Settings) -> ScanRound:
    """The round's ingest state, created on first use with a fresh blind-index key."""
    state = session.get(ScanRound, round_.id)
    if state is None:
        key = os.urandom(32)
        state = ScanRound(
            round_id=round_.id,
            index_key_wrapped=vault_crypto.encrypt_blob(
                server_key("scan-index", settings), key, f"round:{round_.id}".encode()
            ),
        )
        session.add(state)
        session.flush()
    return state


def ensure_open(session: AnySession, round_: Round, settings: Settings) -> ScanRound:
    state = scan_round(session, round_, settings)
    if state.frozen_at is not None:
        raise Conflict(_l("The round's ingest is frozen; nothing can change."))
    return state


def index_key(state: ScanRound, settings: Settings) -> bytes:
    """The round's blind-index key, while the round is open (it is erased at freeze)."""
    assert state.index_key_wrapped is not None
    return vault_crypto.decrypt_blob(
        server_key("scan-index", settings),
        state.index_key_wrapped,
        f"round:{state.round_id}".encode(),
    )


def serial_tag(key: bytes, serial: int) -> str:
    """The blind index of a sheet serial: finds a booklet's work while the round is open, and is
    erased at freeze, after which nothing in the database links the two."""
    return hmac.new(key, str(serial).encode(), hashlib.sha256).hexdigest()


def round_pages(round_id: int) -> Select[Any]:
    return (
        select(ScanPage)
        .join(Upload, ScanPage.upload_id == Upload.id)
        .where(Upload.round_id == round_id)
    )


def store_private(data: bytes, purpose: str, settings: Settings) -> str:
    """Store bytes encrypted with a server-derived key (readable by the app, not by a stolen copy)."""
    return file_store(settings).put_bytes(
        vault_crypto.encrypt_blob(server_key(purpose, settings), data, purpose.encode())
    )


def read_private(digest: str, purpose: str, settings: Settings) -> bytes:
    return vault_crypto.decrypt_blob(
        server_key(purpose, settings),
        file_store(settings).read_bytes(digest),
        purpose.encode(),
    )


def access_code_hash(code: str) -> str:
    return hashlib.sha256(f"integrity-access-code:{code}".encode()).hexdigest()


def appeal_tag(code: str, settings: Settings) -> str:
    """The work's key for appeals, from the access code on the kit's stub (see Work.appeal_tag)."""
    key = server_key("appeal-tag", settings)
    return hmac.new(key, code.encode(), hashlib.sha256).hexdigest()
