"""The vault's cryptography: sealing, passphrase wrapping, k-of-n shares, GF(256)."""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import itertools
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from integrity.vault.domain import (
    BadShare,
    NotEnoughShares,
    TamperedBlob,
    VaultError,
    WrongPassphrase,
    combine_shares,
    decrypt_blob,
    derive_key,
    encrypt_blob,
    format_share,
    generate_keys,
    gf256_inv,
    gf256_mul,
    parse_share,
    private_matches,
    public_fingerprint,
    seal,
    split_secret,
    unseal,
    unwrap_private_key,
    wrap_private_key,
)

KEYS = generate_keys()
OTHER = generate_keys()
SHARE_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567-"


def seeded(seed: int) -> random.Random:
    return random.Random(seed)


def flip(blob: bytes, position: int, mask: int = 0x01) -> bytes:
    changed = bytearray(blob)
    changed[position] ^= mask
    return bytes(changed)


# ---------------------------------------------------------------- keys and sealing


def test_generated_keys_are_raw_x25519_pairs_with_a_sha256_fingerprint() -> None:
    assert len(KEYS.public) == 32
    assert len(KEYS.private) == 32
    assert private_matches(KEYS.private, KEYS.public)
    assert not private_matches(OTHER.private, KEYS.public)
    assert not private_matches(b"short", KEYS.public)
    assert public_fingerprint(KEYS.public) == hashlib.sha256(KEYS.public).hexdigest()
    assert generate_keys().public != KEYS.public


@settings(max_examples=60, deadline=None)
@given(plaintext=st.binary(max_size=2000), context=st.binary(max_size=64))
def test_anything_sealed_to_the_public_key_opens_with_the_private_key(
    plaintext: bytes, context: bytes
) -> None:
    blob = seal(KEYS.public, plaintext, context)
    assert unseal(KEYS.private, blob, context) == plaintext


def test_a_sealed_blob_has_the_documented_layout_and_a_fresh_ephemeral_key() -> None:
    first = seal(KEYS.public, b"participant 17", b"round:42")
    second = seal(KEYS.public, b"participant 17", b"round:42")
    assert first[0] == 0x01
    assert len(first) == 1 + 32 + 12 + len(b"participant 17") + 16
    assert first[1:33] != second[1:33]
    assert first != second
    assert b"participant 17" not in first


@pytest.mark.parametrize("mask", [0x01, 0x80, 0xFF])
def test_flipping_any_single_byte_of_a_sealed_blob_is_detected(mask: int) -> None:
    blob = seal(KEYS.public, b"serial A-0042", b"round:42")
    for position in range(len(blob)):
        with pytest.raises(TamperedBlob):
            unseal(KEYS.private, flip(blob, position, mask), b"round:42")


def test_a_truncated_or_extended_sealed_blob_is_detected() -> None:
    blob = seal(KEYS.public, b"cipher 7Q3", b"round:42")
    for cut in range(len(blob)):
        with pytest.raises(TamperedBlob):
            unseal(KEYS.private, blob[:cut], b"round:42")
    with pytest.raises(TamperedBlob):
        unseal(KEYS.private, blob + b"\x00", b"round:42")


def test_a_blob_sealed_for_one_round_does_not_open_in_another() -> None:
    blob = seal(KEYS.public, b"link", b"round:42")
    for context in (b"round:43", b"round:4", b"", b"round:42 "):
        with pytest.raises(TamperedBlob):
            unseal(KEYS.private, blob, context)


def test_a_different_private_key_cannot_unseal() -> None:
    blob = seal(KEYS.public, b"link", b"round:42")
    with pytest.raises(TamperedBlob):
        unseal(OTHER.private, blob, b"round:42")


def test_sealing_to_a_malformed_public_key_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="32 bytes"):
        seal(KEYS.public[:31], b"x", b"round:1")


# ---------------------------------------------------------------- passphrase wrapping


def test_a_wrapped_private_key_unwraps_with_the_passphrase() -> None:
    blob = wrap_private_key(KEYS.private, "correct horse battery", n_log2=10)
    assert len(blob) == 80
    assert blob[:4] == bytes([0x01, 10, 8, 1])
    assert KEYS.private not in blob
    assert unwrap_private_key(blob, "correct horse battery") == KEYS.private


def test_a_wrong_passphrase_is_reported_as_such() -> None:
    blob = wrap_private_key(KEYS.private, "correct horse battery", n_log2=10)
    for wrong in ("correct horse batterY", "correct horse battery ", ""):
        with pytest.raises(WrongPassphrase):
            unwrap_private_key(blob, wrong)


def test_the_passphrase_is_compared_after_unicode_normalisation() -> None:
    blob = wrap_private_key(KEYS.private, "Жюри-caf\u00e9", n_log2=10)
    assert unwrap_private_key(blob, "Жюри-cafe\u0301") == KEYS.private


def test_the_default_cost_is_scrypt_2_to_the_15_and_round_trips() -> None:
    blob = wrap_private_key(KEYS.private, "chair passphrase")
    assert blob[1] == 15
    assert unwrap_private_key(blob, "chair passphrase") == KEYS.private


def test_any_change_to_a_wrapped_key_is_refused() -> None:
    blob = wrap_private_key(KEYS.private, "chair passphrase", n_log2=10)
    for position in range(len(blob)):
        changed = flip(blob, position)
        if position == 1:  # 10 -> 11 is a legal cost; it must still fail, just slowly
            changed = bytes([blob[0], 11]) + blob[2:]
        with pytest.raises(VaultError):
            unwrap_private_key(changed, "chair passphrase")


def test_absurd_scrypt_parameters_in_a_blob_are_refused_before_any_work() -> None:
    blob = wrap_private_key(KEYS.private, "chair passphrase", n_log2=10)
    for header in ([0x01, 40, 8, 1], [0x01, 10, 200, 1], [0x01, 10, 8, 0], [0x02, 10, 8, 1]):
        with pytest.raises(TamperedBlob):
            unwrap_private_key(bytes(header) + blob[4:], "chair passphrase")


def test_wrapping_refuses_bad_input() -> None:
    with pytest.raises(ValueError, match="32 bytes"):
        wrap_private_key(b"x" * 31, "pass", n_log2=10)
    with pytest.raises(ValueError, match="empty"):
        wrap_private_key(KEYS.private, "", n_log2=10)
    with pytest.raises(ValueError, match="n_log2"):
        wrap_private_key(KEYS.private, "pass", n_log2=4)


# ---------------------------------------------------------------- GF(256)


def reference_mul(a: int, b: int) -> int:
    """Carry-less product, then polynomial long division by 0x11b: independent of gf256_mul."""
    product = 0
    for bit in range(8):
        if b >> bit & 1:
            product ^= a << bit
    for bit in range(14, 7, -1):
        if product >> bit & 1:
            product ^= 0x11B << (bit - 8)
    return product


def test_field_multiplication_matches_a_reference_for_every_pair() -> None:
    for a in range(256):
        for b in range(256):
            assert gf256_mul(a, b) == reference_mul(a, b), (a, b)


def test_field_multiplication_matches_the_fips_197_examples() -> None:
    assert gf256_mul(0x57, 0x83) == 0xC1
    assert gf256_mul(0x57, 0x13) == 0xFE
    assert gf256_mul(0x57, 0x02) == 0xAE


def test_every_non_zero_element_has_a_unique_inverse() -> None:
    inverses = {a: gf256_inv(a) for a in range(1, 256)}
    for a, inverse in inverses.items():
        assert gf256_mul(a, inverse) == 1, a
    assert sorted(inverses.values()) == list(range(1, 256))
    assert gf256_inv(0x53) == 0xCA  # FIPS-197 section 4.2
    with pytest.raises(ZeroDivisionError):
        gf256_inv(0)


def test_three_generates_the_whole_multiplicative_group() -> None:
    seen, element = set(), 1
    for _ in range(255):
        element = gf256_mul(element, 3)
        seen.add(element)
    assert seen == set(range(1, 256))


@given(st.integers(0, 255), st.integers(0, 255), st.integers(0, 255))
def test_field_multiplication_is_associative_and_distributes_over_xor(
    a: int, b: int, c: int
) -> None:
    assert gf256_mul(gf256_mul(a, b), c) == gf256_mul(a, gf256_mul(b, c))
    assert gf256_mul(a, b ^ c) == gf256_mul(a, b) ^ gf256_mul(a, c)


# ---------------------------------------------------------------- Shamir shares


def test_every_three_of_five_shares_rebuild_the_key_in_any_order() -> None:
    shares = split_secret(KEYS.private, 3, 5)
    assert len(shares) == 5
    assert len(set(shares)) == 5
    for size in (3, 4, 5):
        for subset in itertools.combinations(shares, size):
            assert combine_shares(subset) == KEYS.private
            assert combine_shares(list(reversed(subset))) == KEYS.private


def test_shares_have_the_documented_text_format() -> None:
    shares = split_secret(KEYS.private, 3, 5)
    for index, text in enumerate(shares, start=1):
        parts = text.split("-")
        assert parts[:3] == ["IVS1", "3", str(index)]
        assert len(parts) == 6
        assert len(parts[3]) == 8
        assert len(parts[4]) == 52
        assert len(parts[5]) == 4
        assert set(text) <= set(SHARE_ALPHABET + "0123456789")
    assert len({text.split("-")[3] for text in shares}) == 1


def test_any_two_of_a_three_of_five_split_are_not_enough() -> None:
    shares = split_secret(KEYS.private, 3, 5)
    for pair in itertools.combinations(shares, 2):
        with pytest.raises(NotEnoughShares):
            combine_shares(pair)
    with pytest.raises(NotEnoughShares):
        combine_shares([])


def test_forging_the_threshold_on_two_shares_yields_a_key_that_fails_the_fingerprint() -> None:
    shares = split_secret(KEYS.private, 3, 5)
    for pair in itertools.combinations(shares, 2):
        forged = [format_share(dataclasses.replace(parse_share(s), threshold=2)) for s in pair]
        rebuilt = combine_shares(forged)
        assert rebuilt != KEYS.private
        assert not private_matches(rebuilt, KEYS.public)


def test_every_single_character_typo_in_a_share_is_caught() -> None:
    share = split_secret(KEYS.private, 3, 5, seeded(1).randbytes)[1]
    for position, original in enumerate(share):
        for replacement in SHARE_ALPHABET + "0123456789":
            if replacement != original:
                typo = share[:position] + replacement + share[position + 1 :]
                with pytest.raises(BadShare):
                    parse_share(typo)


def test_every_swap_of_neighbouring_characters_in_a_share_is_caught() -> None:
    share = split_secret(KEYS.private, 3, 5, seeded(2).randbytes)[0]
    for position in range(len(share) - 1):
        a, b = share[position], share[position + 1]
        if a != b:
            with pytest.raises(BadShare):
                parse_share(share[:position] + b + a + share[position + 2 :])


def test_a_typo_anywhere_stops_combining_and_dropped_characters_too() -> None:
    shares = split_secret(KEYS.private, 3, 5)
    broken = shares[2][:20] + shares[2][21:]
    with pytest.raises(BadShare):
        combine_shares([shares[0], shares[1], broken])
    with pytest.raises(BadShare):
        combine_shares([shares[0], shares[1], "not a share"])


def test_shares_typed_in_lowercase_and_groups_are_accepted() -> None:
    shares = split_secret(KEYS.private, 2, 3)
    typed = [" ".join(s.lower()[i : i + 5] for i in range(0, len(s), 5)) + "\n" for s in shares]
    assert combine_shares(typed[1:]) == KEYS.private


def test_shares_from_two_different_splits_cannot_be_mixed() -> None:
    first = split_secret(KEYS.private, 3, 5)
    second = split_secret(KEYS.private, 3, 5)
    with pytest.raises(BadShare, match="different splits"):
        combine_shares([first[0], first[1], second[2]])
    other_k = split_secret(KEYS.private, 2, 5)
    with pytest.raises(BadShare, match="different splits"):
        combine_shares([first[0], other_k[1], other_k[2]])


def test_the_same_share_twice_is_refused() -> None:
    shares = split_secret(KEYS.private, 3, 5)
    with pytest.raises(BadShare, match="more than once"):
        combine_shares([shares[0], shares[0], shares[1]])


def test_an_extra_share_that_disagrees_with_the_others_is_refused() -> None:
    shares = split_secret(KEYS.private, 3, 5)
    fourth = parse_share(shares[3])
    altered = dataclasses.replace(fourth, data=bytes([fourth.data[0] ^ 1]) + fourth.data[1:])
    with pytest.raises(BadShare, match="does not agree"):
        combine_shares([*shares[:3], format_share(altered)])


def test_split_is_deterministic_given_the_random_source_and_differs_otherwise() -> None:
    assert split_secret(KEYS.private, 3, 5, seeded(7).randbytes) == split_secret(
        KEYS.private, 3, 5, seeded(7).randbytes
    )
    assert split_secret(KEYS.private, 3, 5) != split_secret(KEYS.private, 3, 5)


def test_split_refuses_impossible_parameters() -> None:
    for threshold, count in ((1, 3), (4, 3), (2, 256), (0, 0)):
        with pytest.raises(ValueError, match="threshold"):
            split_secret(KEYS.private, threshold, count)
    with pytest.raises(ValueError, match="nothing"):
        split_secret(b"", 2, 3)
    with pytest.raises(ValueError, match="randbytes"):
        split_secret(KEYS.private, 2, 3, lambda n: b"\x00")


@settings(max_examples=40, deadline=None)
@given(
    secret=st.binary(min_size=1, max_size=48),
    threshold=st.integers(2, 6),
    extra=st.integers(0, 4),
    seed=st.integers(0, 2**32),
)
def test_any_threshold_sized_subset_rebuilds_any_secret(
    secret: bytes, threshold: int, extra: int, seed: int
) -> None:
    shares = split_secret(secret, threshold, threshold + extra)
    chosen = seeded(seed).sample(shares, threshold)
    assert combine_shares(chosen) == secret


def test_the_whole_recovery_procedure_opens_a_sealed_link() -> None:
    keys = generate_keys()
    fingerprint = public_fingerprint(keys.public)
    blob = seal(keys.public, b"participant 17 <-> A-0042 <-> 7Q3", b"round:42")
    shares = split_secret(keys.private, 3, 5)
    rebuilt = combine_shares([shares[4], shares[0], shares[2]])
    assert private_matches(rebuilt, keys.public)
    assert public_fingerprint(keys.public) == fingerprint
    assert unseal(rebuilt, blob, b"round:42") == b"participant 17 <-> A-0042 <-> 7Q3"


# ---------------------------------------------------------------- stored data


def test_an_encrypted_blob_opens_only_with_its_key_and_associated_data() -> None:
    key = derive_key(b"app secret", "scans")
    blob = encrypt_blob(key, b"%PDF-1.7 scan", b"scan:12")
    assert blob[0] == 0x01
    assert len(blob) == 1 + 12 + len(b"%PDF-1.7 scan") + 16
    assert decrypt_blob(key, blob, b"scan:12") == b"%PDF-1.7 scan"
    with pytest.raises(TamperedBlob):
        decrypt_blob(key, blob, b"scan:13")
    with pytest.raises(TamperedBlob):
        decrypt_blob(derive_key(b"app secret", "exports"), blob, b"scan:12")
    for position in range(len(blob)):
        with pytest.raises(TamperedBlob):
            decrypt_blob(key, flip(blob, position), b"scan:12")
    with pytest.raises(TamperedBlob):
        decrypt_blob(key, blob[:28], b"scan:12")


@settings(max_examples=40, deadline=None)
@given(plaintext=st.binary(max_size=1000), aad=st.binary(max_size=40))
def test_encrypted_blobs_round_trip(plaintext: bytes, aad: bytes) -> None:
    key = derive_key(b"app secret", "blobs")
    assert decrypt_blob(key, encrypt_blob(key, plaintext, aad), aad) == plaintext


def test_blob_helpers_refuse_keys_of_the_wrong_size() -> None:
    with pytest.raises(ValueError, match="32 bytes"):
        encrypt_blob(b"k" * 16, b"x", b"")
    with pytest.raises(ValueError, match="32 bytes"):
        decrypt_blob(b"k" * 16, b"x" * 40, b"")


def test_derived_keys_are_hkdf_sha256_with_the_purpose_as_info() -> None:
    # RFC 5869 by hand: PRK = HMAC(zero salt, secret); first block = HMAC(PRK, info || 0x01).
    prk = hmac.new(b"\x00" * 32, b"app secret", hashlib.sha256).digest()
    expected = hmac.new(prk, b"scans\x01", hashlib.sha256).digest()
    assert derive_key(b"app secret", "scans") == expected
    assert derive_key(b"app secret", "exports") != expected
    assert derive_key(b"other secret", "scans") != expected
    with pytest.raises(ValueError, match="empty"):
        derive_key(b"app secret", "")
