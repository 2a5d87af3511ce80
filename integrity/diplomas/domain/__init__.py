"""Diploma serials and the signed payload carried by a diploma's QR code. Pure, like the
submodules: ``published`` (the key and status lists and the verdict), ``documents`` (the PDF) and
``offline`` (the stand-alone check).

Serial: ``ISSUER-YY-TYPE-SEQUENCE-CHECK``, e.g. ``ZHD-26-D1-004217-7``. The check digit is Damm's
over the digits of the year, the type's number and the sequence (``26``, ``1``, ``004217``), so it
catches every single mistyped digit and every swap of neighbouring digits.

Payload, version 1 (all integers big-endian):

====== ======= ===========================================================
bytes  field   meaning
====== ======= ===========================================================
1      version 1
2      key id  the signing key (see the published key list)
3      issuer  ASCII letters
1      year    two last digits of the year
1      type    document type number (TYPES)
4      seq     sequence number within issuer, year and type
4      event   event id
1+n    subject UTF-8, n ≤ 120
1+n    name    UTF-8, exactly as printed, n ≤ 200
1      grade   0 when none
2      date    issue date, days since 2000-01-01
4      index   the document's position in the published status list
64     sig     Ed25519 over every byte before it
====== ======= ===========================================================

In the QR the payload travels in a plain lowercase link: ``https://HOST/v/`` followed by the
payload in base32 (RFC 4648 alphabet, lower case, no padding).
"""

from __future__ import annotations

import base64
import datetime as dt
import re
import struct
from dataclasses import dataclass
from enum import IntEnum

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from integrity.scans.domain.codes import damm_check_digit, damm_valid

VERSION = 1
EPOCH = dt.date(2000, 1, 1)
SIGNATURE = 64
MAX_NAME = 200
MAX_SUBJECT = 120  # bytes: about 60 Cyrillic letters, a long subject name


class DocType(IntEnum):
    DIPLOMA_1 = 1
    DIPLOMA_2 = 2
    DIPLOMA_3 = 3
    PARTICIPATION = 4  # certificate of participation
    COMMENDATION = 5  # letter of commendation (алғыс хат)
    SPECIAL_PRIZE = 6

    @property
    def code(self) -> str:
        return {1: "D1", 2: "D2", 3: "D3", 4: "CP", 5: "AH", 6: "SP"}[self.value]

    @classmethod
    def from_code(cls, code: str) -> DocType:
        for member in cls:
            if member.code == code:
                return member
        raise ValueError(f"unknown document type {code!r}")


class PayloadError(ValueError):
    """Not a payload this code can read, or not signed by a known key: "not issued by us"."""


@dataclass(frozen=True)
class Serial:
    issuer: str
    year: int  # two digits
    doc_type: DocType
    sequence: int

    def _digits(self) -> str:
        return f"{self.year:02d}{self.doc_type.value}{self.sequence:06d}"

    def __str__(self) -> str:
        check = damm_check_digit(self._digits())
        return f"{self.issuer}-{self.year:02d}-{self.doc_type.code}-{self.sequence:06d}-{check}"

    @classmethod
    def parse(cls, text: str) -> Serial:
        """Read a serial as a person types it: any case, with or without dashes or spaces, Cyrillic
        look-alike letters read as Latin. SerialError says whether it is no serial at all or one
        whose check digit shows a typing mistake."""
        compact = re.sub(r"[\s\-‐‑‒–—_./]+", "", text).upper().translate(_LATIN_LOOKALIKES)
        match = _SERIAL.fullmatch(compact)
        if match is None:
            raise SerialError("format")
        issuer, year, code, sequence, check = match.groups()
        serial = cls(issuer, int(year), DocType.from_code(code), int(sequence))
        if not damm_valid(serial._digits() + check):
            raise SerialError("check_digit")
        return serial


class SerialError(ValueError):
    """A typed serial that cannot be one: ``reason`` is "format" or "check_digit" (mistyped)."""

    def __init__(self, reason: str) -> None:
        super().__init__("not a serial" if reason == "format" else "check digit")
        self.reason = reason


_SERIAL = re.compile(r"([A-Z]{3})([0-9]{2})(D[1-3]|CP|AH|SP)([0-9]{6})([0-9])")
_LATIN_LOOKALIKES = str.maketrans("АВСЕНКМОРТХ", "ABCEHKMOPTX")


@dataclass(frozen=True)
class Payload:
    key_id: int
    serial: Serial
    event_id: int
    subject: str
    name: str
    grade: int
    issued_on: dt.date
    status_index: int

    def body(self) -> bytes:
        issuer = self.serial.issuer.encode("ascii")
        subject, name = self.subject.encode(), self.name.encode()
        if len(issuer) != 3 or not issuer.isalpha():
            raise ValueError("the issuer code is three letters")
        if len(subject) > MAX_SUBJECT or len(name) > MAX_NAME:
            raise ValueError("subject or name too long")
        days = (self.issued_on - EPOCH).days
        return b"".join(
            [
                struct.pack(">BH", VERSION, self.key_id),
                issuer,
                struct.pack(
                    ">BBI", self.serial.year, self.serial.doc_type.value, self.serial.sequence
                ),
                struct.pack(">I", self.event_id),
                bytes([len(subject)]),
                subject,
                bytes([len(name)]),
                name,
                struct.pack(">BHI", self.grade, days, self.status_index),
            ]
        )


def sign(payload: Payload, key: Ed25519PrivateKey) -> bytes:
    body = payload.body()
    return body + key.sign(body)


def read(blob: bytes) -> tuple[Payload, bytes, bytes]:
    """Parse a signed payload without checking the signature: (payload, body, signature)."""
    try:
        if len(blob) < 3 + SIGNATURE or blob[0] != VERSION:
            raise PayloadError("unknown version or too short")
        body, signature = blob[:-SIGNATURE], blob[-SIGNATURE:]
        _, key_id = struct.unpack_from(">BH", body, 0)
        at = 3
        issuer = body[at : at + 3].decode("ascii")
        at += 3
        year, type_number, sequence = struct.unpack_from(">BBI", body, at)
        at += 6
        (event_id,) = struct.unpack_from(">I", body, at)
        at += 4
        subject, at = _text(body, at)
        name, at = _text(body, at)
        grade, days, index = struct.unpack_from(">BHI", body, at)
        at += 7
        if at != len(body):
            raise PayloadError("trailing bytes")
        payload = Payload(
            key_id=key_id,
            serial=Serial(issuer, year, DocType(type_number), sequence),
            event_id=event_id,
            subject=subject,
            name=name,
            grade=grade,
            issued_on=EPOCH + dt.timedelta(days=days),
            status_index=index,
        )
    except (struct.error, UnicodeDecodeError, ValueError, IndexError) as exc:
        raise PayloadError(str(exc) or "malformed") from None
    return payload, body, signature


def _text(body: bytes, at: int) -> tuple[str, int]:
    length = body[at]
    end = at + 1 + length
    if end > len(body):
        raise PayloadError("truncated")
    return body[at + 1 : end].decode(), end


def verify(blob: bytes, keys: dict[int, Ed25519PublicKey]) -> Payload:
    """The payload, if a known key signed exactly these bytes; PayloadError otherwise."""
    payload, body, signature = read(blob)
    key = keys.get(payload.key_id)
    if key is None:
        raise PayloadError("unknown key")
    try:
        key.verify(signature, body)
    except InvalidSignature:
        raise PayloadError("bad signature") from None
    return payload


def to_code(blob: bytes) -> str:
    """The payload as it travels in the link: base32, lower case, no padding."""
    return base64.b32encode(blob).decode().rstrip("=").lower()


def to_link(host: str, blob: bytes) -> str:
    """The QR code's link: ``https://<host>/v/<code>``; a ``host`` that names its scheme
    (``http://127.0.0.1:8000``, a server without TLS such as the demo's) keeps it."""
    base = host.lower().rstrip("/")
    return f"{base if '://' in base else 'https://' + base}/v/{to_code(blob)}"


def from_text(text: str) -> bytes:
    """The payload bytes from a link (or the bare base32 part); PayloadError when unreadable."""
    part = text.strip().rsplit("/", 1)[-1].upper()
    try:
        return base64.b32decode(part + "=" * (-len(part) % 8))
    except (ValueError, TypeError):
        raise PayloadError("not base32") from None
