"""Receiving an upload: one pass keeps a plain copy to read from and stores the original
encrypted, before any processing; a file the round already has is the same upload."""

from __future__ import annotations

import concurrent.futures
import hashlib
import os
import tempfile
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from integrity.audit.domain.chain import Actor
from integrity.audit.services import record_event
from integrity.db import AnySession
from integrity.errors import InvalidInput
from integrity.registry.models import Round
from integrity.scans import isolation
from integrity.scans.domain import reader
from integrity.scans.models import Upload
from integrity.scans.services.common import ensure_open
from integrity.settings import Settings
from integrity.storage import file_store
from integrity.vault import domain as vault_crypto
from integrity.vault.domain.streams import CHUNK, StreamEncryptor, decrypt_stream
from integrity.vault.services import server_key, vault_for_round

# Chunks of an incoming file being kept and sealed at once (a MiB each, a side).
CHUNKS_IN_FLIGHT = 4

FILE_PROBLEMS = {
    "empty": _l("%(file)s is empty."),
    "not_a_scan": _l("%(file)s is neither a PDF nor an image (JPEG, PNG, TIFF)."),
    "broken_pdf": _l("%(file)s is a damaged PDF that cannot be opened."),
    "encrypted_pdf": _l("%(file)s is a password-protected PDF; scan again without a password."),
    "too_large": _l("%(file)s is far larger than a scanned page could be, and was refused."),
    isolation.READER_FAILED: _l(
        "%(file)s could not be read: the reader stopped on it (it crashed or ran out of time). "
        "Export or scan it again as a PDF."
    ),
}


def upload_aad(sha256: str) -> bytes:
    """Binds an upload's key (wrapped for the server and sealed to the vault) to its file."""
    return f"upload:{sha256}".encode()


# The stored original's own associated data. Every upload has its own random key, which is what
# ties the ciphertext to its upload; a fixed label lets the file be encrypted while it arrives,
# before its hash is known.
ORIGINAL_AAD = b"upload:original"


def scratch(settings: Settings) -> Path:
    folder = settings.work_dir
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _spool_and_seal(stream: IO[bytes], path: Path, key: bytes, sink: IO[bytes]) -> tuple[str, int]:
    """One pass over an incoming file, never all of it in memory: a plain copy at ``path``
    (hashed) for the reading to come, and the encrypted original into ``sink`` (which hashes it).
    Reading, keeping the plain copy, and encrypting and writing the sealed one run on three
    threads a few chunks apart; hashing, AES-GCM and writing release the GIL, so the work spreads
    over the cores. (Encrypting on the reading thread, in lockstep, kept a 909 MB upload at 1.7 to
    2 s; this way it takes 1.2 to 1.4.)"""
    digest = hashlib.sha256()
    size = 0
    encryptor = StreamEncryptor(key, ORIGINAL_AAD)
    with (
        path.open("wb") as out,
        concurrent.futures.ThreadPoolExecutor(1) as plain_side,
        concurrent.futures.ThreadPoolExecutor(1) as sealed_side,  # one thread: chunks stay in order
    ):

        def keep(block: bytes) -> None:
            digest.update(block)
            out.write(block)

        def seal(block: bytes, last: bool) -> None:
            sink.write(encryptor.chunk(block, last=last))

        sink.write(encryptor.header())
        in_flight: deque[tuple[concurrent.futures.Future[None], ...]] = deque()
        block = stream.read(CHUNK)
        while True:
            following = stream.read(CHUNK)  # read ahead: the last chunk is marked as such
            last = not following
            in_flight.append(
                (plain_side.submit(keep, block), sealed_side.submit(seal, block, last))
            )
            size += len(block)
            while in_flight and (last or len(in_flight) > CHUNKS_IN_FLIGHT):
                for future in in_flight.popleft():
                    future.result()
            if last:
                return digest.hexdigest(), size
            block = following


class _Known(Exception):
    def __init__(self, upload: Upload) -> None:
        self.upload = upload


def refusal(code: str, filename: str) -> InvalidInput:
    return InvalidInput(
        FILE_PROBLEMS[code] % {"file": filename}, field="file", code=code, file=filename
    )


def plain_copy(settings: Settings, sha256: str) -> Path:
    """The upload as received, kept on disk only until it has been read (then deleted)."""
    return scratch(settings) / f"plain-{sha256}.bin"


@dataclass(frozen=True)
class _Received:
    stored_sha256: str
    sha256: str
    size: int
    pages: int
    kind: str


def _receive(
    session: AnySession,
    round_: Round,
    stream: IO[bytes],
    filename: str,
    key: bytes,
    settings: Settings,
) -> _Received:
    """Keep the plain copy and store the encrypted original; raises ``_Known`` for a file the
    round already has, and a refusal for one that is no scan (either leaves nothing behind)."""
    handle, name = tempfile.mkstemp(dir=scratch(settings), prefix="upload-")
    os.close(handle)
    spool = Path(name)
    read: dict[str, Any] = {}

    def store(sink: Any) -> None:
        # Checked before the encrypted copy is kept: a refused or known file leaves nothing.
        read["sha256"], read["size"] = _spool_and_seal(stream, spool, key, sink)
        try:
            read["pages"], read["kind"] = isolation.probe(spool)
        except reader.UnreadableFile as exc:
            raise refusal(exc.code, filename) from None
        existing = session.execute(
            select(Upload).where(Upload.round_id == round_.id, Upload.sha256 == read["sha256"])
        ).scalar_one_or_none()
        if existing is not None:
            raise _Known(existing)

    try:
        stored_sha, _ = file_store(settings).put_written(store)
        received = _Received(stored_sha, read["sha256"], read["size"], read["pages"], read["kind"])
        # Read from here next, sparing a decryption.
        os.replace(spool, plain_copy(settings, received.sha256))
    finally:
        spool.unlink(missing_ok=True)
    return received


def create_upload(
    session: AnySession,
    *,
    actor: Actor,
    round_: Round,
    stream: IO[bytes],
    filename: str,
    settings: Settings,
) -> tuple[Upload, bool]:
    """Check and store an uploaded file (encrypted) before any processing; the same file twice is
    the same upload. Returns the upload and whether it is new."""
    ensure_open(session, round_, settings)
    vault = vault_for_round(session, round_)
    filename = Path(filename).name[:300] or "upload"
    key = os.urandom(32)
    try:
        got = _receive(session, round_, stream, filename, key, settings)
    except _Known as known:
        return known.upload, False
    upload = Upload(
        round_id=round_.id,
        sha256=got.sha256,
        filename=filename,
        size=got.size,
        kind=got.kind,
        stored_sha256=got.stored_sha256,
        key_server=vault_crypto.encrypt_blob(
            server_key("upload", settings), key, upload_aad(got.sha256)
        ),
        key_sealed=vault_crypto.seal(vault.public_key, key, upload_aad(got.sha256)),
        pages_total=got.pages,
        created_by_id=actor.id,
    )
    session.add(upload)
    session.flush()
    record_event(
        session,
        actor=actor,
        action="scans.upload",
        subject=f"upload:{upload.id}",
        data={
            "round_id": round_.id,
            "file": filename,
            "sha256": got.sha256,
            "size": got.size,
            "pages": got.pages,
        },
    )
    return upload, True


def decrypted_copy(upload: Upload, settings: Settings) -> Path:
    """The stored original, decrypted into the work folder, for a reading whose plain copy is
    gone (a retry after a failure)."""
    if upload.key_server is None:
        raise InvalidInput(
            _l("This upload's round is frozen; its original can be opened only through the vault.")
        )
    key = vault_crypto.decrypt_blob(
        server_key("upload", settings), upload.key_server, upload_aad(upload.sha256)
    )
    handle, name = tempfile.mkstemp(dir=scratch(settings), prefix="ingest-")
    try:
        with (
            os.fdopen(handle, "wb") as plain,
            file_store(settings).path(upload.stored_sha256).open("rb") as sealed,
        ):
            decrypt_stream(key, sealed, plain, ORIGINAL_AAD)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
    return Path(name)
