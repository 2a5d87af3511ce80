"""The vault's cryptography: sealing, key wrapping, k-of-n key shares. Pure: no Flask, no SQLAlchemy.

Threat model. The links participant ↔ sheet serial ↔ jury cipher are sealed to the vault's
public key at ingest, so nothing that runs later needs a secret to store them. Jurors, staff
screens, a leaked database or a stolen backup see only sealed blobs: opening one needs the
private key, kept only wrapped under the jury chair's passphrase and as k-of-n paper shares held
by commission members. NOT protected: an operator controlling the running server during ingest
(he sees the plaintext before it is sealed) or while the chair unseals (he sees the key).
Nothing here is constant-time in the side-channel sense; it runs rarely, on deliberate actions.

Formats (all integers are single bytes):
  sealed blob   0x01 || ephemeral X25519 public (32) || nonce (12) || AES-256-GCM ct+tag
                key = HKDF-SHA256(X25519(eph, recipient), salt = eph_pub || recipient_pub,
                info = b"integrity-vault-seal-v1" || context); GCM associated data = context,
                so a blob sealed for b"round:42" does not open as b"round:43".
  wrapped key   0x01 || log2(n) || r || p || salt (16) || nonce (12) || AES-256-GCM ct+tag (48)
                key = scrypt(NFC(passphrase) as UTF-8, salt, n, r, p); associated data = the
                header before the nonce. 80 bytes in all.
  data blob     0x01 || nonce (12) || AES-256-GCM ct+tag, associated data = the caller's aad.
  key share     IVS1-<k>-<index>-<set id>-<share bytes>-<check>: k and index in decimal, set id
                (5 random bytes, the same on every share of one split) and share bytes in RFC 4648
                base32 without padding, check = CRC-16/CCITT of everything before the last dash,
                as 4 base32 characters. A CRC-16 catches every single-character typo and every
                swap of neighbouring characters, which a 2-character check could not promise.
                Parsing ignores case and whitespace, so shares may be printed in groups.
Shamir sharing works byte by byte over GF(2^8) with the AES polynomial x^8+x^4+x^3+x+1 (0x11b).
A wrong set of shares cannot be detected by arithmetic alone: callers compare the result with
the vault's public key (`private_matches`) or its `public_fingerprint`.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from integrity import crypto

VERSION = 0x01
KEY_SIZE = 32
NONCE_SIZE = 12
TAG_SIZE = 16
SALT_SIZE = 16
SEAL_INFO = b"integrity-vault-seal-v1"
SEAL_OVERHEAD = 1 + KEY_SIZE + NONCE_SIZE + TAG_SIZE
WRAPPED_SIZE = 4 + SALT_SIZE + NONCE_SIZE + KEY_SIZE + TAG_SIZE
SCRYPT_R, SCRYPT_P = 8, 1
MIN_N_LOG2, MAX_N_LOG2 = 10, 20  # 2**20 with r=8 already needs 1 GiB of memory
SHARE_PREFIX = "IVS1"
SET_ID_SIZE = 5
_B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
_SHARE_RE = re.compile(r"IVS1-([0-9]{1,3})-([0-9]{1,3})-([A-Z2-7]{8})-([A-Z2-7]+)-([A-Z2-7]{4})")


class VaultError(Exception):
    """Base of everything the vault refuses to do with well-typed input."""


class WrongPassphrase(VaultError):
    """The wrapped key did not open: wrong passphrase (or the wrapped blob was altered)."""


class BadShare(VaultError):
    """A share is mistyped, malformed, duplicated, or belongs to a different split."""


class NotEnoughShares(VaultError):
    """Fewer shares than the threshold recorded in them."""


class TamperedBlob(VaultError):
    """A sealed or encrypted blob was altered, truncated, or opened with the wrong key/context."""


@dataclass(frozen=True, slots=True)
class VaultKeys:
    public: bytes
    private: bytes


@dataclass(frozen=True, slots=True)
class Share:
    """One parsed key share. `threshold` is k; `set_id` ties together the shares of one split."""

    threshold: int
    index: int
    set_id: bytes
    data: bytes


# ---------------------------------------------------------------- keys, sealing


def generate_keys() -> VaultKeys:
    private = X25519PrivateKey.generate()
    return VaultKeys(private.public_key().public_bytes_raw(), private.private_bytes_raw())


def public_fingerprint(public: bytes) -> str:
    """Hex SHA-256 of the raw public key: shown to the chair, stored to check a rebuilt key."""
    return hashlib.sha256(public).hexdigest()


def private_matches(private: bytes, public: bytes) -> bool:
    if len(private) != KEY_SIZE:
        return False
    derived = X25519PrivateKey.from_private_bytes(private).public_key().public_bytes_raw()
    return hmac.compare_digest(derived, public)


def _seal_key(shared: bytes, ephemeral: bytes, recipient: bytes, context: bytes) -> bytes:
    hkdf = HKDF(hashes.SHA256(), KEY_SIZE, salt=ephemeral + recipient, info=SEAL_INFO + context)
    return hkdf.derive(shared)


def seal(public: bytes, plaintext: bytes, context: bytes) -> bytes:
    """Encrypt to the vault's public key; needs no secret. Raises ValueError for a bad key."""
    recipient = X25519PublicKey.from_public_bytes(public)
    ephemeral = X25519PrivateKey.generate()
    eph_public = ephemeral.public_key().public_bytes_raw()
    key = _seal_key(ephemeral.exchange(recipient), eph_public, public, context)
    nonce = os.urandom(NONCE_SIZE)
    return bytes([VERSION]) + eph_public + nonce + AESGCM(key).encrypt(nonce, plaintext, context)


def unseal(private: bytes, blob: bytes, context: bytes) -> bytes:
    """Open a sealed blob. Any change, wrong key or wrong context raises TamperedBlob."""
    own = X25519PrivateKey.from_private_bytes(private)  # ValueError: not a 32-byte key
    if len(blob) < SEAL_OVERHEAD or blob[0] != VERSION:
        raise TamperedBlob("not a sealed blob of a known version")
    eph_public = blob[1 : 1 + KEY_SIZE]
    nonce = blob[1 + KEY_SIZE : 1 + KEY_SIZE + NONCE_SIZE]
    try:
        shared = own.exchange(X25519PublicKey.from_public_bytes(eph_public))
        key = _seal_key(shared, eph_public, own.public_key().public_bytes_raw(), context)
        return AESGCM(key).decrypt(nonce, blob[1 + KEY_SIZE + NONCE_SIZE :], context)
    except (InvalidTag, ValueError) as exc:  # ValueError: low-order ephemeral point
        raise TamperedBlob("sealed blob does not open with this key and context") from exc


# ---------------------------------------------------------------- passphrase wrapping


def _passphrase_key(passphrase: str, salt: bytes, n_log2: int, r: int, p: int) -> bytes:
    # NFC so that "é" typed as one code point or as e + accent is the same passphrase.
    secret = unicodedata.normalize("NFC", passphrase).encode("utf-8")
    return Scrypt(salt=salt, length=KEY_SIZE, n=2**n_log2, r=r, p=p).derive(secret)


def wrap_private_key(private: bytes, passphrase: str, *, n_log2: int = 15) -> bytes:
    """Encrypt the 32-byte private key under a passphrase (scrypt, parameters kept in the blob)."""
    if len(private) != KEY_SIZE:
        raise ValueError("the private key must be 32 bytes")
    if not passphrase:
        raise ValueError("the passphrase must not be empty")
    if not MIN_N_LOG2 <= n_log2 <= MAX_N_LOG2:
        raise ValueError(f"n_log2 must be between {MIN_N_LOG2} and {MAX_N_LOG2}")
    salt = os.urandom(SALT_SIZE)
    header = bytes([VERSION, n_log2, SCRYPT_R, SCRYPT_P]) + salt
    key = _passphrase_key(passphrase, salt, n_log2, SCRYPT_R, SCRYPT_P)
    nonce = os.urandom(NONCE_SIZE)
    return header + nonce + AESGCM(key).encrypt(nonce, private, header)


def unwrap_private_key(blob: bytes, passphrase: str) -> bytes:
    """The private key, or WrongPassphrase. Malformed blobs (or absurd costs) are TamperedBlob."""
    if len(blob) != WRAPPED_SIZE or blob[0] != VERSION:
        raise TamperedBlob("not a wrapped key of a known version")
    n_log2, r, p = blob[1], blob[2], blob[3]
    if not (MIN_N_LOG2 <= n_log2 <= MAX_N_LOG2 and 1 <= r <= 16 and 1 <= p <= 4):
        raise TamperedBlob("wrapped key has out-of-range scrypt parameters")
    header, nonce = blob[: 4 + SALT_SIZE], blob[4 + SALT_SIZE : 4 + SALT_SIZE + NONCE_SIZE]
    key = _passphrase_key(passphrase, blob[4 : 4 + SALT_SIZE], n_log2, r, p)
    try:
        return AESGCM(key).decrypt(nonce, blob[4 + SALT_SIZE + NONCE_SIZE :], header)
    except InvalidTag as exc:
        raise WrongPassphrase("wrong passphrase (or the wrapped key is damaged)") from exc


# ---------------------------------------------------------------- GF(2^8) and Shamir


def gf256_mul(a: int, b: int) -> int:
    """Product in GF(2^8) modulo x^8+x^4+x^3+x+1: shift-and-add, reducing on overflow."""
    product = 0
    while b:
        if b & 1:
            product ^= a
        a <<= 1
        if a & 0x100:
            a ^= 0x11B
        b >>= 1
    return product


def gf256_inv(a: int) -> int:
    """Multiplicative inverse as a**254 (the group of non-zero elements has order 255)."""
    if not 0 < a < 256:
        raise ZeroDivisionError("0 has no inverse in GF(256)")
    result, power, exponent = 1, a, 254
    while exponent:
        if exponent & 1:
            result = gf256_mul(result, power)
        power = gf256_mul(power, power)
        exponent >>= 1
    return result


def _b32(data: bytes) -> str:
    return base64.b32encode(data).decode("ascii").rstrip("=")


def _check(body: str) -> str:
    crc = binascii.crc_hqx(body.encode("ascii"), 0)
    return "".join(_B32[(crc >> shift) & 31] for shift in (15, 10, 5, 0))


def format_share(share: Share) -> str:
    body = f"{SHARE_PREFIX}-{share.threshold}-{share.index}-{_b32(share.set_id)}-{_b32(share.data)}"
    return f"{body}-{_check(body)}"


def parse_share(text: str) -> Share:
    """Parse a typed share; case and whitespace are ignored. Raises BadShare."""
    clean = "".join(text.split()).upper()
    match = _SHARE_RE.fullmatch(clean)
    if match is None:
        raise BadShare("not a key share (expected IVS1-k-index-set-data-check)")
    if _check(clean.rsplit("-", 1)[0]) != match[5]:
        raise BadShare("share checksum does not match: a character is mistyped")
    threshold, index = int(match[1]), int(match[2])
    if not (2 <= threshold <= 255 and 1 <= index <= 255):
        raise BadShare("share threshold or index out of range")
    try:
        set_id = base64.b32decode(match[3])
        data = base64.b32decode(match[4] + "=" * (-len(match[4]) % 8))
    except binascii.Error as exc:
        raise BadShare("share data is not valid base32") from exc
    return Share(threshold, index, set_id, data)


def split_secret(
    secret: bytes,
    threshold: int,
    shares: int,
    randbytes: Callable[[int], bytes] = os.urandom,
) -> list[str]:
    """Split `secret` into `shares` printable shares, any `threshold` of which rebuild it.

    Each byte is the constant term of its own random polynomial of degree threshold-1; share i
    holds the values at x = i. Fewer than `threshold` shares reveal nothing about the secret.
    """
    if not secret:
        raise ValueError("nothing to split")
    if not 2 <= threshold <= shares <= 255:
        raise ValueError("need 2 <= threshold <= shares <= 255 (1-of-n would be plain copies)")
    degree = threshold - 1
    coefficients = randbytes(len(secret) * degree)
    set_id = randbytes(SET_ID_SIZE)
    if len(coefficients) != len(secret) * degree or len(set_id) != SET_ID_SIZE:
        raise ValueError("randbytes returned the wrong number of bytes")
    polys = [[byte, *coefficients[i * degree : (i + 1) * degree]] for i, byte in enumerate(secret)]
    result = []
    for x in range(1, shares + 1):
        data = bytearray()
        for poly in polys:
            y = 0
            for coefficient in reversed(poly):  # Horner's rule
                y = gf256_mul(y, x) ^ coefficient
            data.append(y)
        result.append(format_share(Share(threshold, x, set_id, bytes(data))))
    return result


def _interpolate(points: Sequence[Share], x: int) -> bytes:
    """Value at `x` of the polynomials through `points` (Lagrange; minus is XOR in GF(2^8))."""
    out = bytearray(len(points[0].data))
    for i, share in enumerate(points):
        weight = 1
        for j, other in enumerate(points):
            if i != j:
                term = gf256_mul(x ^ other.index, gf256_inv(share.index ^ other.index))
                weight = gf256_mul(weight, term)
        for position, y in enumerate(share.data):
            out[position] ^= gf256_mul(weight, y)
    return bytes(out)


def combine_shares(shares: Sequence[str]) -> bytes:
    """Rebuild a secret. Extra shares beyond k are checked against the first k.

    Raises BadShare (typo, mixed splits, duplicates, inconsistent extras) or NotEnoughShares.
    The result must still be checked with `private_matches`: forged shares cannot be detected.
    """
    parsed = [parse_share(text) for text in shares]
    if not parsed:
        raise NotEnoughShares("no shares given")
    if len({(share.threshold, share.set_id, len(share.data)) for share in parsed}) != 1:
        raise BadShare("shares come from different splits")
    first = parsed[0]
    if len({share.index for share in parsed}) != len(parsed):
        raise BadShare("the same share was given more than once")
    if len(parsed) < first.threshold:
        raise NotEnoughShares(f"{len(parsed)} shares given, {first.threshold} needed")
    basis = parsed[: first.threshold]
    for extra in parsed[first.threshold :]:
        if _interpolate(basis, extra.index) != extra.data:
            raise BadShare(f"share {extra.index} does not agree with the others")
    return _interpolate(basis, 0)


# ---------------------------------------------------------------- stored data


def encrypt_blob(key: bytes, plaintext: bytes, aad: bytes) -> bytes:
    """AES-256-GCM with a random nonce (``integrity.crypto``)."""
    return crypto.encrypt_blob(key, plaintext, aad)


def decrypt_blob(key: bytes, blob: bytes, aad: bytes) -> bytes:
    try:
        return crypto.decrypt_blob(key, blob, aad)
    except crypto.TamperedBlob as exc:
        raise TamperedBlob(str(exc)) from exc


derive_key = crypto.derive_key


def server_key(secret_key: str, purpose: str) -> bytes:
    """A key for what the server itself must read while a round is open, derived from the app's
    secret key: a copy of the database or a backup alone opens nothing."""
    return derive_key(secret_key.encode(), f"integrity:{purpose}")
