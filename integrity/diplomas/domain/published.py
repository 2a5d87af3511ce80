"""What the centre publishes for checking diplomas, and the one verdict function that reads it. Pure.

The server and ``scripts/verify_diploma.py`` both call ``check``: the server with its own keys and
the status of the stored document, the offline script with the published key list and status list.

Key list (``/.well-known/integrity/diploma-keys.json``), not signed: it is the trust anchor, fetched
over HTTPS or copied from the centre's own site::

    {"format": "integrity-keys/1", "issuer": "ZHD",
     "keys": [{"id": 1, "algorithm": "Ed25519", "public": "<32 bytes, base64url, no padding>",
               "state": "active" | "retired", "valid_from": "2026-01-01T00:00:00+05:00",
               "valid_until": null | "2027-01-01T00:00:00+05:00"}]}

A retired key stays listed and still verifies documents whose issue date is inside its validity.
An issue date is a date of the issuer's calendar, so the validity times carry the issuer's UTC
offset: a key retired at 00:05 in Almaty still covers that day's documents, which a UTC date (the
day before) would refuse. (Lists that give UTC times, ``Z``, are read as such.)

Status list (``/.well-known/integrity/diploma-status.json``), signed; an equivalent of the W3C
Bitstring Status List that lists only the documents that are not valid, since those are few::

    {"format": "integrity-status/1", "issuer": "ZHD", "updated": "2026-11-22T10:00:00Z",
     "size": 1234,
     "entries": {"12": {"status": "annulled", "on": "2026-11-20", "kind": "error"},
                 "13": {"status": "superseded", "on": "2026-11-21", "by": "ZHD-26-D1-000014-3"},
                 "40": {"status": "suspended", "on": "2026-11-21"}},
     "key_id": 1, "signature": "<Ed25519, base64url, no padding>"}

An annulled entry says its ``kind``: ``error`` (issued by mistake), ``reissued`` (another document
replaces it; ``by`` names it when known) or ``revoked`` (the award is withdrawn).

Every status index below ``size`` that is not in ``entries`` is valid; an index at or above
``size`` belongs to a document issued after the list was made (its status is unknown offline).
The signature covers the canonical JSON of the object without ``signature``: keys sorted, no
spaces, UTF-8.
"""

from __future__ import annotations

import base64
import datetime as dt
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from integrity.audit.domain.chain import canonical_json
from integrity.diplomas.domain import Payload, PayloadError, read, verify

KEYS_FORMAT = "integrity-keys/1"
STATUS_FORMAT = "integrity-status/1"
STATUSES = ("valid", "suspended", "annulled", "superseded")
ANNUL_KINDS = ("error", "reissued", "revoked")


class Verdict(StrEnum):
    GENUINE = "genuine"
    SUSPENDED = "suspended"
    ANNULLED = "annulled"
    SUPERSEDED = "superseded"
    NOT_ISSUED = "not_issued"
    STATUS_UNKNOWN = "status_unknown"  # offline only: genuine, but newer than the status list


class ListError(ValueError):
    """A key list or status list that cannot be read or whose signature does not hold."""


@dataclass(frozen=True)
class PublishedKey:
    id: int
    public: bytes
    state: str
    valid_from: dt.datetime
    valid_until: dt.datetime | None

    def covers(self, day: dt.date) -> bool:
        """Whether a document issued on ``day`` (the issuer's calendar) falls in the validity."""
        if day < self.valid_from.date():
            return False
        return self.valid_until is None or day <= self.valid_until.date()

    def in_force(self, moment: dt.datetime) -> bool:
        if moment < self.valid_from:
            return False
        return self.valid_until is None or moment <= self.valid_until


@dataclass(frozen=True)
class StatusNote:
    status: str  # one of STATUSES
    on: dt.date | None = None
    by: str | None = None  # the superseding serial (or, for an annulled one, the replacing one)
    kind: str | None = None  # an annulment's kind: one of ANNUL_KINDS


@dataclass(frozen=True)
class Result:
    verdict: Verdict
    payload: Payload | None = None
    note: StatusNote | None = None
    why: str = ""  # for logs and the offline script; never shown to the public


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def canonical(document: Mapping[str, Any]) -> bytes:
    """The audit chain's canonical JSON (keys sorted, no spaces, UTF-8) as bytes."""
    return canonical_json(dict(document)).encode()


def _time(value: dt.datetime) -> str:
    """A moment in UTC: ``2026-11-22T10:00:00Z``."""
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _local_time(value: dt.datetime) -> str:
    """A moment with the offset it carries: ``2026-11-23T00:05:00+05:00`` (``Z`` for UTC)."""
    if value.utcoffset() == dt.timedelta(0):
        return _time(value)
    return value.isoformat(timespec="seconds")


def _parse_time(text: str) -> dt.datetime:
    moment = dt.datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise ValueError(f"{text!r} has no UTC offset")
    return moment


def key_list(issuer: str, keys: list[PublishedKey]) -> dict[str, Any]:
    return {
        "format": KEYS_FORMAT,
        "issuer": issuer,
        "keys": [
            {
                "id": k.id,
                "algorithm": "Ed25519",
                "public": b64(k.public),
                "state": k.state,
                "valid_from": _local_time(k.valid_from),
                "valid_until": _local_time(k.valid_until) if k.valid_until else None,
            }
            for k in sorted(keys, key=lambda k: k.id)
        ],
    }


def read_key_list(document: Mapping[str, Any]) -> dict[int, PublishedKey]:
    try:
        if document["format"] != KEYS_FORMAT:
            raise ListError(f"not a key list of format {KEYS_FORMAT}")
        keys = {}
        for item in document["keys"]:
            if item["algorithm"] != "Ed25519":
                continue
            public = unb64(item["public"])
            if len(public) != 32:
                raise ListError(f"key {item['id']}: not an Ed25519 public key")
            keys[int(item["id"])] = PublishedKey(
                id=int(item["id"]),
                public=public,
                state=str(item["state"]),
                valid_from=_parse_time(item["valid_from"]),
                valid_until=_parse_time(item["valid_until"]) if item["valid_until"] else None,
            )
    except (KeyError, TypeError, ValueError) as exc:
        raise ListError(f"unreadable key list: {exc}") from None
    return keys


def status_list(
    *,
    issuer: str,
    size: int,
    notes: Mapping[int, StatusNote],
    updated: dt.datetime,
    key_id: int,
    private: Ed25519PrivateKey,
) -> dict[str, Any]:
    entries: dict[str, dict[str, str]] = {}
    for index, note in sorted(notes.items()):
        if note.status == "valid":
            continue
        entry = {"status": note.status}
        if note.on:
            entry["on"] = note.on.isoformat()
        if note.by:
            entry["by"] = note.by
        if note.kind:
            entry["kind"] = note.kind
        entries[str(index)] = entry
    document: dict[str, Any] = {
        "format": STATUS_FORMAT,
        "issuer": issuer,
        "updated": _time(updated),
        "size": size,
        "entries": entries,
        "key_id": key_id,
    }
    document["signature"] = b64(private.sign(canonical(document)))
    return document


@dataclass(frozen=True)
class StatusView:
    size: int
    notes: dict[int, StatusNote]
    updated: dt.datetime

    def note(self, index: int) -> StatusNote | None:
        """None: the list is older than the document."""
        if index >= self.size:
            return None
        return self.notes.get(index, StatusNote("valid"))


def read_status_list(
    document: Mapping[str, Any], keys: Mapping[int, PublishedKey], *, issuer: str | None = None
) -> StatusView:
    """The list, if a published key signed it while that key was valid (and, given ``issuer``,
    if it is that issuer's list); ListError otherwise. A validly signed list may still be old:
    callers show its ``updated`` time."""
    try:
        if document["format"] != STATUS_FORMAT:
            raise ListError(f"not a status list of format {STATUS_FORMAT}")
        if issuer is not None and document["issuer"] != issuer:
            raise ListError(f"the status list is {document['issuer']}'s, not {issuer}'s")
        body = {k: v for k, v in document.items() if k != "signature"}
        key = keys.get(int(document["key_id"]))
        if key is None:
            raise ListError("the status list is signed by a key that is not in the key list")
        if not key.in_force(_parse_time(document["updated"])):
            raise ListError("the status list is signed by a key outside its validity")
        try:
            Ed25519PublicKey.from_public_bytes(key.public).verify(
                unb64(document["signature"]), canonical(body)
            )
        except InvalidSignature:
            raise ListError("the status list's signature does not hold") from None
        notes = {}
        for index, entry in document["entries"].items():
            if entry["status"] not in STATUSES:
                raise ListError(f"unknown status {entry['status']!r}")
            notes[int(index)] = StatusNote(
                status=entry["status"],
                on=dt.date.fromisoformat(entry["on"]) if entry.get("on") else None,
                by=entry.get("by"),
                kind=entry.get("kind") if entry.get("kind") in ANNUL_KINDS else None,
            )
        return StatusView(int(document["size"]), notes, _parse_time(document["updated"]))
    except (KeyError, TypeError, ValueError) as exc:
        if isinstance(exc, ListError):
            raise
        raise ListError(f"unreadable status list: {exc}") from None


class _Memo:
    """Signatures already found good: (public key, signed bytes). A QR link is scanned again and
    again (a ceremony, a link passed round a class chat); the same bytes under the same key verify
    the same way for ever, so the Ed25519 check (about 0.1 ms, a tenth of the page) runs once per
    document and process. Only successes are kept, at most ``size``, oldest out first: made-up
    links never enter it."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.good: OrderedDict[tuple[bytes, bytes], None] = OrderedDict()
        self.lock = threading.Lock()

    def holds(self, public: bytes, blob: bytes) -> bool:
        with self.lock:
            if (public, blob) in self.good:
                self.good.move_to_end((public, blob))
                return True
        return False

    def keep(self, public: bytes, blob: bytes) -> None:
        with self.lock:
            self.good[(public, blob)] = None
            while len(self.good) > self.size:
                self.good.popitem(last=False)


_memo = _Memo(4096)


def _verified(blob: bytes, keys: Mapping[int, PublishedKey]) -> Payload:
    payload, _, _ = read(blob)
    key = keys.get(payload.key_id)
    if key is None:
        raise PayloadError("unknown key")
    if not _memo.holds(key.public, blob):
        verify(blob, {key.id: Ed25519PublicKey.from_public_bytes(key.public)})
        _memo.keep(key.public, blob)
    return payload


def check(
    blob: bytes,
    keys: Mapping[int, PublishedKey],
    status_of: Callable[[Payload], StatusNote | None],
    *,
    unknown: Verdict = Verdict.NOT_ISSUED,
) -> Result:
    """The verdict on a payload. ``status_of`` gives the document's status, or None when it is
    not known: the server says "not issued by us" (``unknown``), the offline script says the
    status list is older than the document."""
    try:
        payload = _verified(blob, keys)
    except PayloadError as exc:
        return Result(Verdict.NOT_ISSUED, why=str(exc))
    if not keys[payload.key_id].covers(payload.issued_on):
        return Result(Verdict.NOT_ISSUED, why="issue date outside the key's validity")
    note = status_of(payload)
    if note is None:
        return Result(unknown, payload, why="no status for this document")
    verdict = {
        "valid": Verdict.GENUINE,
        "suspended": Verdict.SUSPENDED,
        "annulled": Verdict.ANNULLED,
        "superseded": Verdict.SUPERSEDED,
    }[note.status]
    return Result(verdict, payload, note)
