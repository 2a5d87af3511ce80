from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from integrity.scans.domain.codes import (
    CROCKFORD,
    CodeType,
    PagePayload,
    PayloadError,
    access_code_valid,
    cipher_valid,
    damm_check_digit,
    damm_valid,
    decode_payload,
    encode_payload,
    format_payload,
    new_access_code,
    new_cipher,
    new_serial,
    normalise_crockford,
)
from integrity.scans.domain.layout import Corner

payloads = st.builds(
    lambda t, r, s, p, c: PagePayload(t, r, s, 0 if t is CodeType.COVER else max(1, p), c),
    st.sampled_from(list(CodeType)),
    st.integers(0, 99_999),
    st.integers(0, 99_999_999),
    st.integers(1, 99),
    st.sampled_from(list(Corner)),
)


@given(payloads)
def test_a_payload_survives_encoding_printing_and_typing_back(payload: PagePayload) -> None:
    digits = encode_payload(payload)
    assert len(digits) == 19 and digits.isdigit()
    assert decode_payload(digits) == payload
    assert decode_payload(format_payload(digits)) == payload
    assert decode_payload(" ".join(format_payload(digits).split("-"))) == payload


@given(payloads, st.data())
def test_the_check_digit_catches_every_single_wrong_digit(
    payload: PagePayload, data: st.DataObject
) -> None:
    digits = encode_payload(payload)
    for position in range(len(digits)):
        for replacement in "0123456789":
            if replacement != digits[position]:
                typo = digits[:position] + replacement + digits[position + 1 :]
                assert not damm_valid(typo)


@given(payloads)
def test_the_check_digit_catches_every_swap_of_neighbouring_digits(payload: PagePayload) -> None:
    digits = encode_payload(payload)
    for i in range(len(digits) - 1):
        if digits[i] != digits[i + 1]:
            swapped = digits[:i] + digits[i + 1] + digits[i] + digits[i + 2 :]
            assert not damm_valid(swapped)


def test_damm_matches_the_published_example() -> None:
    assert damm_check_digit("572") == 4  # Damm (2004): 572 → 5724
    assert damm_valid("5724")


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("123", "length"),
        ("11000421234567803a8", "characters"),
        ("1100042123456780339", "check"),
    ],
)
def test_a_bad_payload_is_refused_with_its_reason(text: str, reason: str) -> None:
    with pytest.raises(PayloadError) as refused:
        decode_payload(text)
    assert refused.value.reason == reason


def test_an_unknown_version_type_or_corner_is_refused_even_with_a_valid_check_digit() -> None:
    for body in ("2100042123456780 3", "1900042123456780 3", "1100042123456780 8"):
        body = body.replace(" ", "")
        text = body + str(damm_check_digit(body))
        with pytest.raises(PayloadError):
            decode_payload(text)


def test_only_the_cover_has_page_zero() -> None:
    with pytest.raises(ValueError, match="page 0"):
        PagePayload(CodeType.ANSWER, 1, 12345678, 0, Corner.TOP_RIGHT)
    with pytest.raises(ValueError, match="page 0"):
        PagePayload(CodeType.COVER, 1, 12345678, 1, Corner.TOP_RIGHT)


def test_serials_have_eight_digits_and_are_random() -> None:
    rng = random.Random(1)
    serials = {new_serial(rng.randrange) for _ in range(1000)}
    assert len(serials) == 1000
    assert all(10_000_000 <= s <= 99_999_999 for s in serials)


def test_ciphers_use_the_unambiguous_alphabet_and_a_valid_check_symbol() -> None:
    rng = random.Random(2)
    for _ in range(500):
        cipher = new_cipher(rng.randrange)
        assert len(cipher) == 6
        assert set(cipher) <= set(CROCKFORD)
        assert not set(cipher) & set("ILOU")
        assert cipher_valid(cipher)
        assert cipher_valid(cipher.lower())


def test_a_cipher_with_one_wrong_symbol_is_refused() -> None:
    cipher = new_cipher(random.Random(3).randrange)
    for position in range(6):
        for symbol in CROCKFORD:
            if symbol != cipher[position]:
                assert not cipher_valid(cipher[:position] + symbol + cipher[position + 1 :])


def test_access_codes_are_checked_and_read_o_as_zero_and_l_as_one() -> None:
    code = new_access_code(random.Random(4).randrange)
    assert access_code_valid(code)
    assert access_code_valid(f"{code[:4]}-{code[4:8]}-{code[8:]}".lower())
    assert normalise_crockford("o1-Il") == "0111"
    assert not access_code_valid(code[:-1] + ("0" if code[-1] != "0" else "1"))
