"""The shared diploma test vectors, checked by the server's verification page: the same file the
offline script is tested with (tests/unit/test_diploma_vectors.py)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from flask import current_app
from sqlalchemy import select

from integrity.diplomas.domain import read
from integrity.diplomas.models import AnnulKind, Diploma, DocumentStatus, KeyState, SigningKey
from integrity.diplomas.services import keys
from integrity.settings import settings_of
from integrity.vault import domain as vault_crypto
from tests import factories as f
from tests.vectors import VECTORS


@pytest.fixture
def vector_world(session: Any) -> None:
    """The vectors' keys and stored documents, as if this server had issued them."""
    event = f.event(session)
    assert event.id == 1  # the vectors' payloads name event 1
    for item in VECTORS["keys"]["keys"]:
        seed = bytes.fromhex(VECTORS["private_seeds_hex"][str(item["id"])])
        session.add(SigningKey(
            id=item["id"],
            public_key=keys.published.unb64(item["public"]),
            private_wrapped=vault_crypto.wrap_private_key(seed, keys._passphrase(settings_of(current_app)),
                                                      n_log2=10),
            state=KeyState(item["state"]),
            valid_from=dt.datetime.fromisoformat(item["valid_from"].replace("Z", "+00:00")),
            valid_until=dt.datetime.fromisoformat(item["valid_until"].replace("Z", "+00:00"))
            if item["valid_until"] else None,
        ))  # fmt: skip
    session.flush()
    by_serial: dict[str, Diploma] = {}
    stored = [c["stored"] for c in VECTORS["cases"] if "stored" in c]
    for item in stored:
        blob = bytes.fromhex(item["payload_hex"])
        payload, _, _ = read(blob)
        doc = Diploma(
            serial=item["serial"], issuer="ZHD", year=payload.serial.year,
            doc_type=payload.serial.doc_type.code, sequence=payload.serial.sequence,
            status_index=item["index"], key_id=payload.key_id, payload=blob, language="kk",
            event_id=event.id, subject=payload.subject, name=payload.name,
            surname_key=payload.name.split(" ")[0].lower(), grade=payload.grade,
            issued_on=payload.issued_on,
        )  # fmt: skip
        session.add(doc)
        by_serial[doc.serial] = doc
    session.flush()
    for index_text, entry in VECTORS["status"]["entries"].items():
        doc = next(d for d in by_serial.values() if d.status_index == int(index_text))
        doc.status = DocumentStatus(entry["status"])
        if doc.status is DocumentStatus.ANNULLED:  # the vectors' list predates annulment kinds
            doc.annul_kind = AnnulKind(entry.get("kind", "error"))
        doc.status_at = dt.datetime.fromisoformat(entry["on"] + "T12:00:00+00:00")
        if entry.get("by"):
            doc.superseded_by_id = by_serial[entry["by"]].id
    session.commit()


@pytest.mark.parametrize("case", VECTORS["cases"], ids=lambda c: c["label"])
def test_the_verification_page_gives_each_vector_its_verdict(
    case: dict[str, Any], client: Any, session: Any, vector_world: None
) -> None:
    code = case["text"].rsplit("/", 1)[-1]
    response = client.get(f"/v/{code}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    found = re.search(r'data-verdict="([a-z_]+)"', html)
    assert found and found.group(1) == case.get("server_verdict", case["verdict"])
    if case.get("superseded_by"):
        assert case["superseded_by"] in html
    if "name" in case:
        assert case["name"] in html and case["serial"] in html


def test_the_vector_world_is_what_the_vectors_describe(session: Any, vector_world: None) -> None:
    published = keys.published_keys(session, settings_of(current_app).zone)
    assert {k.id: k.state for k in published.values()} == {3: "retired", 7: "active"}
    annulled = session.execute(
        select(Diploma).where(Diploma.status == DocumentStatus.ANNULLED)
    ).scalar_one()
    assert annulled.status_index == 1
