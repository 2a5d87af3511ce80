"""Writes tests/vectors/diplomas.json: diploma test vectors shared by the server's tests and the
offline script's. Deterministic (fixed seeds, fixed dates; Ed25519 signatures are deterministic),
so a test checks the committed file against this generator. The keys here are test keys only.

    python -m tests.vectors.make_diploma_vectors
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from integrity.diplomas.domain import DocType, Payload, Serial, sign, to_link
from integrity.diplomas.domain.published import PublishedKey, StatusNote, key_list, status_list

FILE = Path(__file__).with_name("diplomas.json")
HOST = "verify.example.kz"
ACTIVE_SEED, RETIRED_SEED, FORGER_SEED = bytes(range(32)), bytes(range(32, 64)), b"\xff" * 32
ACTIVE_ID, RETIRED_ID = 7, 3
UTC = dt.UTC


def private(seed: bytes) -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(seed)


def public(seed: bytes) -> bytes:
    return private(seed).public_key().public_bytes_raw()


def build() -> dict[str, Any]:
    keys = [
        PublishedKey(RETIRED_ID, public(RETIRED_SEED), "retired",
                     dt.datetime(2025, 1, 1, tzinfo=UTC), dt.datetime(2026, 1, 1, tzinfo=UTC)),
        PublishedKey(ACTIVE_ID, public(ACTIVE_SEED), "active",
                     dt.datetime(2026, 1, 1, tzinfo=UTC), None),
    ]  # fmt: skip

    def payload(index: int, *, name: str, key_id: int = ACTIVE_ID, day: dt.date | None = None,
                doc_type: DocType = DocType.DIPLOMA_1) -> Payload:  # fmt: skip
        return Payload(
            key_id=key_id,
            serial=Serial("ZHD", (day or dt.date(2026, 11, 20)).year % 100, doc_type, 100 + index),
            event_id=1,
            subject="Математика",
            name=name,
            grade=9,
            issued_on=day or dt.date(2026, 11, 20),
            status_index=index,
        )

    docs = {
        0: payload(0, name="Әбілқасымова-Смағұлова Аружан Ғалымжанқызы"),
        1: payload(1, name="Иванов Пётр Сергеевич", doc_type=DocType.DIPLOMA_2),
        2: payload(2, name="Нұрланұлы Ерасыл", doc_type=DocType.DIPLOMA_3),
        3: payload(3, name="Нұрланұлы Ерасыл Нұрланұлы", doc_type=DocType.DIPLOMA_3),
        4: payload(4, name="Smith-Jones Mary", doc_type=DocType.SPECIAL_PRIZE),
        5: payload(5, name="Сейітқали Үмітжан", key_id=RETIRED_ID, day=dt.date(2025, 6, 1)),
        6: payload(6, name="Өтегенова Іңкәр", doc_type=DocType.COMMENDATION),
        7: payload(7, name="Қайратұлы Һидаят", key_id=RETIRED_ID, day=dt.date(2026, 6, 1)),
    }
    seeds = {ACTIVE_ID: ACTIVE_SEED, RETIRED_ID: RETIRED_SEED}
    blobs = {i: sign(p, private(seeds[p.key_id])) for i, p in docs.items()}
    status = {1: "annulled", 2: "superseded", 4: "suspended"}
    notes = {
        1: StatusNote("annulled", dt.date(2026, 11, 21)),
        2: StatusNote("superseded", dt.date(2026, 11, 21), str(docs[3].serial)),
        4: StatusNote("suspended", dt.date(2026, 11, 22)),
    }
    status_doc = status_list(
        issuer="ZHD", size=6, notes=notes, updated=dt.datetime(2026, 11, 22, 9, 0, tzinfo=UTC),
        key_id=ACTIVE_ID, private=private(ACTIVE_SEED),
    )  # fmt: skip

    def case(label: str, blob_or_text: bytes | str, verdict: str, **extra: Any) -> dict[str, Any]:
        text = blob_or_text if isinstance(blob_or_text, str) else to_link(HOST, blob_or_text)
        return {"label": label, "text": text, "verdict": verdict, **extra}

    def stored(i: int) -> dict[str, Any]:
        return {"stored": {"index": i, "status": status.get(i, "valid"),
                           "payload_hex": blobs[i].hex(), "serial": str(docs[i].serial)}}  # fmt: skip

    tampered = bytearray(blobs[0])
    tampered[30] ^= 0x04  # inside the name
    wrong_version = bytes([2]) + blobs[0][1:]
    unknown_key = sign(Payload(**{**docs[0].__dict__, "key_id": 9}), private(ACTIVE_SEED))
    forged = sign(docs[0], private(FORGER_SEED))
    cases = [
        case("genuine, Kazakh double-barrelled name", blobs[0], "genuine", **stored(0),
             serial=str(docs[0].serial), name=docs[0].name),
        case("annulled", blobs[1], "annulled", since="2026-11-21", **stored(1)),
        case("superseded, naming its successor", blobs[2], "superseded",
             superseded_by=str(docs[3].serial), since="2026-11-21", **stored(2)),
        case("the successor is genuine", blobs[3], "genuine", **stored(3)),
        case("suspended", blobs[4], "suspended", since="2026-11-22", **stored(4)),
        case("signed by a retired key inside its validity", blobs[5], "genuine", **stored(5)),
        case("newer than the status list", blobs[6], "status_unknown",
             server_verdict="genuine", **stored(6)),
        case("retired key used after its validity", blobs[7], "not_issued", **stored(7)),
        case("one bit flipped in the name", bytes(tampered), "not_issued"),
        case("a forger's key under our key id", forged, "not_issued"),
        case("an unknown key id", unknown_key, "not_issued"),
        case("an unknown payload version", wrong_version, "not_issued"),
        case("truncated", blobs[0][:-10], "not_issued"),
        case("not base32 at all", f"https://{HOST}/v/0189!!", "not_issued"),
        case("upper-cased link still reads", to_link(HOST, blobs[0]).upper().replace("HTTPS", "https"),
             "genuine"),
    ]  # fmt: skip
    return {
        "comment": "Test vectors for Integrity diplomas; the keys are test keys, never used for real.",
        "host": HOST,
        "keys": key_list("ZHD", keys),
        "status": status_doc,
        "private_seeds_hex": {str(k): v.hex() for k, v in seeds.items()},
        "cases": cases,
    }


def render() -> str:
    return json.dumps(build(), ensure_ascii=False, indent=1) + "\n"


if __name__ == "__main__":
    FILE.write_text(render(), encoding="utf-8")
    print(FILE)
