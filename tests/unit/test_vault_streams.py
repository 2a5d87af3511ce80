from __future__ import annotations

import io
import os

import pytest

from integrity.vault.domain import TamperedBlob
from integrity.vault.domain.streams import CHUNK, decrypt_stream, encrypt_stream

KEY = bytes(range(32))


@pytest.mark.parametrize("size", [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK + 17])
def test_a_file_of_any_size_round_trips(size: int) -> None:
    data = os.urandom(size)
    sealed = io.BytesIO()
    assert encrypt_stream(KEY, io.BytesIO(data), sealed, b"upload:1") == size
    out = io.BytesIO()
    assert decrypt_stream(KEY, io.BytesIO(sealed.getvalue()), out, b"upload:1") == size
    assert out.getvalue() == data


def test_a_stream_cut_short_at_a_chunk_boundary_is_refused() -> None:
    sealed = io.BytesIO()
    encrypt_stream(KEY, io.BytesIO(os.urandom(2 * CHUNK + 5)), sealed, b"a")
    truncated = sealed.getvalue()[: 8 + 2 * (CHUNK + 16)]
    with pytest.raises(TamperedBlob):
        decrypt_stream(KEY, io.BytesIO(truncated), io.BytesIO(), b"a")


def test_reordered_chunks_a_flipped_byte_or_another_context_are_refused() -> None:
    sealed = io.BytesIO()
    encrypt_stream(KEY, io.BytesIO(os.urandom(2 * CHUNK + 5)), sealed, b"a")
    blob = sealed.getvalue()
    head, c1, c2, rest = (
        blob[:8],
        blob[8 : 8 + CHUNK + 16],
        blob[8 + CHUNK + 16 : 8 + 2 * (CHUNK + 16)],
        blob[8 + 2 * (CHUNK + 16) :],
    )
    flipped = bytearray(blob)
    flipped[100] ^= 1
    for bad, aad in ((head + c2 + c1 + rest, b"a"), (bytes(flipped), b"a"), (blob, b"b")):
        with pytest.raises(TamperedBlob):
            decrypt_stream(KEY, io.BytesIO(bad), io.BytesIO(), aad)
