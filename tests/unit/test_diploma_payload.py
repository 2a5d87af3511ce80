"""Diploma serials and signed payloads (integrity/diplomas/domain/)."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given, settings
from hypothesis import strategies as st

from integrity.diplomas.domain import (
    DocType,
    Payload,
    PayloadError,
    Serial,
    SerialError,
    from_text,
    read,
    sign,
    to_link,
    verify,
)

KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
OTHER = Ed25519PrivateKey.from_private_bytes(bytes(range(1, 33)))
KEYS = {7: KEY.public_key()}


def payload(name: str = "Сейтқали Әсел Нұрланқызы", **changes: object) -> Payload:
    fields: dict[str, object] = {
        "key_id": 7,
        "serial": Serial("ZHD", 26, DocType.DIPLOMA_1, 4217),
        "event_id": 3,
        "subject": "Математика",
        "name": name,
        "grade": 10,
        "issued_on": dt.date(2026, 11, 22),
        "status_index": 123,
    }
    fields.update(changes)
    return Payload(**fields)  # type: ignore[arg-type]


def test_a_serial_prints_with_its_damm_digit_and_reads_back() -> None:
    serial = Serial("ZHD", 26, DocType.DIPLOMA_1, 4217)
    text = str(serial)
    assert text.startswith("ZHD-26-D1-004217-") and len(text) == len("ZHD-26-D1-004217-7")
    assert Serial.parse(text.lower()) == serial
    assert Serial.parse(" " + text + " ") == serial


def test_the_check_digit_catches_every_single_digit_error_and_neighbour_swap() -> None:
    text = str(Serial("ZHD", 26, DocType.PARTICIPATION, 93017))
    digit_positions = [i for i, ch in enumerate(text) if ch.isdigit()]
    for i in digit_positions:
        for d in "0123456789":
            if d != text[i]:
                with pytest.raises(ValueError, match=r"\w"):
                    Serial.parse(text[:i] + d + text[i + 1 :])
    for a, b in itertools.pairwise(digit_positions):
        if b == a + 1 and text[a] != text[b]:
            swapped = text[:a] + text[b] + text[a] + text[b + 1 :]
            with pytest.raises(ValueError, match=r"\w"):
                Serial.parse(swapped)


names = st.one_of(
    st.text(alphabet="АӘБВГҒДЕЁЖЗИЙКҚЛМНҢОӨПРСТУҰҮФХҺЦЧШЩЪЫІЬЭЮЯаәбвгғдеёжзийкқлмнңоөпрстуұүфхһцчшщъыіьэюя -'", min_size=1, max_size=60),
    st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz -'", min_size=1, max_size=80),
)  # fmt: skip


@settings(max_examples=200, deadline=None)
@given(names, st.integers(0, 12), st.integers(0, 2**32 - 1))
def test_any_name_round_trips_through_the_signed_payload_and_the_link(
    name: str, grade: int, index: int
) -> None:
    original = payload(name=name, grade=grade, status_index=index)
    blob = sign(original, KEY)
    link = to_link("Verify.Example.KZ", blob)
    assert link == link.lower() and link.startswith("https://verify.example.kz/v/")
    assert verify(from_text(link), KEYS) == original


def test_a_long_double_barrelled_name_fits_and_a_longer_one_is_refused() -> None:
    long = "Әбдіқадыр-Жұмабайұлы Нұрсұлтан-Ерболатұлы Мұхаммед-Әлі Қасымжомартұлы"
    assert verify(sign(payload(name=long), KEY), KEYS).name == long
    with pytest.raises(ValueError, match="too long"):
        sign(payload(name="Ә" * 101), KEY)


def test_tampering_with_any_byte_gives_not_issued_by_us() -> None:
    blob = sign(payload(), KEY)
    for i in range(len(blob)):
        changed = bytearray(blob)
        changed[i] ^= 0x01
        with pytest.raises(PayloadError):
            verify(bytes(changed), KEYS)


def test_an_unknown_key_version_or_a_truncated_payload_is_not_issued_by_us() -> None:
    with pytest.raises(PayloadError, match="unknown key"):
        verify(sign(payload(key_id=8), KEY), KEYS)
    with pytest.raises(PayloadError, match="bad signature"):
        verify(sign(payload(), OTHER), KEYS)  # a forger's key under our key id
    blob = sign(payload(), KEY)
    with pytest.raises(PayloadError):
        verify(b"\x02" + blob[1:], KEYS)
    for cut in (1, 10, 64, len(blob) - 1):
        with pytest.raises(PayloadError):
            verify(blob[:cut], KEYS)
    with pytest.raises(PayloadError):
        from_text("https://verify.example.kz/v/!!not-base32!!")
    parsed, _, _ = read(blob)
    assert parsed == payload()


@given(
    st.text(max_size=40)
    | st.from_regex(r"[A-ZА-Я]{3}[ -]?[0-9]{2}-?(D[1-3]|CP|AH|SP)-?[0-9]{6}-?[0-9]")
)
def test_any_typed_text_reads_as_a_serial_or_says_why_not(text: str) -> None:
    try:
        serial = Serial.parse(text)
    except SerialError as exc:
        reason = exc.reason
    else:
        reason = "read"
        assert Serial.parse(str(serial)) == serial
    assert reason in ("format", "check_digit", "read")


def _published(private: Ed25519PrivateKey) -> Any:
    from integrity.diplomas.domain.published import PublishedKey

    return PublishedKey(
        id=7,
        public=private.public_key().public_bytes_raw(),
        state="active",
        valid_from=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        valid_until=None,
    )


def test_a_remembered_signature_is_remembered_only_for_its_bytes_and_its_key(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from integrity.diplomas.domain import published

    monkeypatch.setattr(published, "_memo", published._Memo(2))
    valid = published.StatusNote("valid", None, None)
    blob = sign(payload(), KEY)
    assert published.check(blob, {7: _published(KEY)}, lambda p: valid).verdict.value == "genuine"
    assert published._memo.holds(_published(KEY).public, blob)
    # The same bytes under another key listed with the same id: checked afresh, and refused.
    assert published.check(blob, {7: _published(OTHER)}, lambda p: valid).verdict.value == (
        "not_issued"
    )
    # Tampered bytes never pass through the memo, and failures are not remembered.
    for i in (10, len(blob) - 1):
        changed = bytearray(blob)
        changed[i] ^= 0x01
        result = published.check(bytes(changed), {7: _published(KEY)}, lambda p: valid)
        assert result.verdict.value == "not_issued"
        assert not published._memo.holds(_published(KEY).public, bytes(changed))
    # Bounded: the oldest goes first.
    others = [sign(payload(name=f"Бала {n}"), KEY) for n in range(2)]
    for other in others:
        published.check(other, {7: _published(KEY)}, lambda p: valid)
    assert not published._memo.holds(_published(KEY).public, blob)
    assert all(published._memo.holds(_published(KEY).public, o) for o in others)
