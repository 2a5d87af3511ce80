"""The public ledger's hashes. Pure.

    page_hash = SHA-256("integrity-page-v1" 0x00 cipher 0x00 page_number 0x00 sha256(image))
    work_hash = SHA-256("integrity-work-v1" 0x00 cipher 0x00 page_hash_1 "\\n" … page_hash_n)
    ledger    = SHA-256 of the lines "cipher pages work_hash\\n", ciphers in alphabetical order

The image is the stored page a juror sees (codes masked), so identical blank pages of two works
never share a hash (the cipher and page number are inside), and anyone holding a work's images —
the participant in an appeal, say — can recompute its hash and find it in the ledger.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence


def page_hash(cipher: str, page_no: int, image_sha256: str) -> str:
    material = b"\x00".join(
        [b"integrity-page-v1", cipher.encode(), str(page_no).encode(), image_sha256.encode()]
    )
    return hashlib.sha256(material).hexdigest()


def work_hash(cipher: str, page_hashes: Sequence[str]) -> str:
    material = b"\x00".join(
        [b"integrity-work-v1", cipher.encode(), "\n".join(page_hashes).encode()]
    )
    return hashlib.sha256(material).hexdigest()


def ledger_hash(works: Iterable[tuple[str, int, str]]) -> str:
    lines = "".join(f"{cipher} {pages} {digest}\n" for cipher, pages, digest in sorted(works))
    return hashlib.sha256(lines.encode()).hexdigest()
