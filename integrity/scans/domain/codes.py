"""The numbers printed on and created for answer sheets. Pure.

Page payload (what every QR holds, and what is printed beside it), 19 decimal digits:

    V T RRRRR SSSSSSSS PP C D
    │ │ │     │        │  │ └ Damm check digit over the 18 digits before it
    │ │ │     │        │  └── corner of the page the code is printed in (2 top-right, 3 bottom-right,
    │ │ │     │        │      4 bottom-left; 1, the staple corner, is never printed)
    │ │ │     │        └───── page number: 00 cover, 01… answer pages, 01 on an extra sheet
    │ │ │     └────────────── sheet serial, 8 digits, random, never re-issued
    │ │ └──────────────────── round code, 5 digits
    │ └────────────────────── code type: 1 answer page, 2 cover sheet, 3 extra-answer sheet
    └──────────────────────── payload version (1)

Decimal digits keep the QR in numeric mode (version 1 at error correction Q), and a person can
type the printed text back; the Damm digit catches every single wrong digit and every swap of two
neighbouring digits.

Jury ciphers are different: five Crockford base-32 symbols (no I, L, O, U) and a check symbol
(Luhn mod 32), created at ingest and never printed before. Appeal access codes use the same
alphabet, ten symbols and a check symbol.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from enum import IntEnum

from integrity.scans.domain.layout import Corner

PAYLOAD_VERSION = 1
PAYLOAD_LENGTH = 19

RandBelow = Callable[[int], int]

# The Damm quasigroup of order 10 (totally anti-symmetric), as published by H. M. Damm (2004).
_DAMM = (
    (0, 3, 1, 7, 5, 9, 8, 6, 4, 2),
    (7, 0, 9, 2, 1, 5, 4, 8, 6, 3),
    (4, 2, 0, 6, 8, 7, 1, 3, 5, 9),
    (1, 7, 5, 0, 9, 8, 3, 4, 2, 6),
    (6, 1, 2, 3, 0, 4, 5, 9, 7, 8),
    (3, 6, 7, 4, 2, 0, 9, 5, 8, 1),
    (5, 8, 6, 9, 7, 2, 0, 1, 3, 4),
    (8, 9, 4, 5, 3, 6, 2, 0, 1, 7),
    (9, 4, 3, 8, 6, 1, 7, 2, 0, 5),
    (2, 5, 8, 1, 4, 3, 6, 7, 9, 0),
)


def damm_interim(digits: str) -> int:
    interim = 0
    for ch in digits:
        interim = _DAMM[interim][ord(ch) - 48]
    return interim


def damm_check_digit(digits: str) -> int:
    if not digits.isascii() or not digits.isdigit():
        raise ValueError("Damm check digits are for decimal digits")
    return damm_interim(digits)


def damm_valid(digits: str) -> bool:
    return digits.isascii() and digits.isdigit() and damm_interim(digits) == 0


class CodeType(IntEnum):
    ANSWER = 1
    COVER = 2
    EXTRA = 3


class PayloadError(ValueError):
    """Why a text is not a page payload: length, characters, check, version, type, corner."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class PagePayload:
    code_type: CodeType
    round_code: int
    serial: int
    page: int
    corner: Corner
    version: int = PAYLOAD_VERSION

    def __post_init__(self) -> None:
        if not 0 <= self.round_code <= 99_999:
            raise ValueError("round code has 5 digits")
        if not 0 <= self.serial <= 99_999_999:
            raise ValueError("sheet serial has 8 digits")
        if not 0 <= self.page <= 99:
            raise ValueError("page number has 2 digits")
        if (self.code_type is CodeType.COVER) != (self.page == 0):
            raise ValueError("page 0 is the cover sheet and only it")


def encode_payload(payload: PagePayload) -> str:
    body = (
        f"{payload.version:d}{int(payload.code_type):d}{payload.round_code:05d}"
        f"{payload.serial:08d}{payload.page:02d}{int(payload.corner):d}"
    )
    return body + str(damm_check_digit(body))


def decode_payload(text: str) -> PagePayload:
    """Read a payload from a QR or from what a person typed (spaces and dashes are ignored)."""
    digits = re.sub(r"[\s\-–—.]", "", text)
    if len(digits) != PAYLOAD_LENGTH:
        raise PayloadError("length")
    if not digits.isascii() or not digits.isdigit():
        raise PayloadError("characters")
    if not damm_valid(digits):
        raise PayloadError("check")
    if int(digits[0]) != PAYLOAD_VERSION:
        raise PayloadError("version")
    try:
        code_type = CodeType(int(digits[1]))
        corner = Corner(int(digits[17]))
    except ValueError:
        raise PayloadError("type_or_corner") from None
    try:
        return PagePayload(
            code_type=code_type,
            round_code=int(digits[2:7]),
            serial=int(digits[7:15]),
            page=int(digits[15:17]),
            corner=corner,
        )
    except ValueError:
        raise PayloadError("fields") from None


def format_payload(text: str) -> str:
    """The printed form: ``1-1-00042-12345678-03-2-7``."""
    d = text
    return f"{d[0]}-{d[1]}-{d[2:7]}-{d[7:15]}-{d[15:17]}-{d[17]}-{d[18]}"


def new_serial(randbelow: RandBelow = secrets.randbelow) -> int:
    """A random 8-digit sheet serial (never starting with 0, so it reads the same everywhere)."""
    return 10_000_000 + randbelow(90_000_000)


def format_serial(serial: int) -> str:
    return f"{serial // 10_000:04d}-{serial % 10_000:04d}"


# Crockford base 32: digits and letters without I, L, O, U.
CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_CROCKFORD_INDEX = {ch: i for i, ch in enumerate(CROCKFORD)}
_CROCKFORD_ALIASES = {"O": "0", "I": "1", "L": "1"}


def luhn32_check(symbols: str) -> str:
    """Luhn mod N over the Crockford alphabet: catches one wrong symbol and most neighbour swaps."""
    factor, total = 2, 0
    for ch in reversed(symbols):
        addend = factor * _CROCKFORD_INDEX[ch]
        factor = 1 if factor == 2 else 2
        total += addend // 32 + addend % 32
    return CROCKFORD[(32 - total % 32) % 32]


def normalise_crockford(text: str) -> str:
    """Upper-case, drop spaces and dashes, read O as 0 and I/L as 1, as Crockford intends."""
    cleaned = re.sub(r"[\s\-–—]", "", text).upper()
    return "".join(_CROCKFORD_ALIASES.get(ch, ch) for ch in cleaned)


def _random_symbols(count: int, randbelow: RandBelow) -> str:
    return "".join(CROCKFORD[randbelow(32)] for _ in range(count))


CIPHER_SYMBOLS = 5


def new_cipher(randbelow: RandBelow = secrets.randbelow) -> str:
    """A jury cipher such as ``7KQ2M4``: five random symbols and a check symbol."""
    body = _random_symbols(CIPHER_SYMBOLS, randbelow)
    return body + luhn32_check(body)


def cipher_valid(text: str) -> bool:
    value = normalise_crockford(text)
    if len(value) != CIPHER_SYMBOLS + 1 or any(ch not in _CROCKFORD_INDEX for ch in value):
        return False
    return luhn32_check(value[:-1]) == value[-1]


ACCESS_CODE_SYMBOLS = 10


def new_access_code(randbelow: RandBelow = secrets.randbelow) -> str:
    """An appeal access code for the kit stub: ten random symbols (50 bits) and a check symbol."""
    body = _random_symbols(ACCESS_CODE_SYMBOLS, randbelow)
    return body + luhn32_check(body)


def format_access_code(code: str) -> str:
    return f"{code[:4]}-{code[4:8]}-{code[8:]}"


def access_code_valid(text: str) -> bool:
    value = normalise_crockford(text)
    if len(value) != ACCESS_CODE_SYMBOLS + 1 or any(ch not in _CROCKFORD_INDEX for ch in value):
        return False
    return luhn32_check(value[:-1]) == value[-1]
