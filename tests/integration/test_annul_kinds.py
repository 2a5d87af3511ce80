"""An annulment says its kind (issued in error, re-issued, revoked): required, audited, in the signed
status list; a re-issued one may name the valid document that replaces it, and nothing else."""

from __future__ import annotations

import json
from typing import Any

import pytest
from flask import current_app

from integrity.accounts.domain import Role
from integrity.diplomas import services
from integrity.diplomas.domain import published
from integrity.diplomas.models import AnnulKind, DocumentStatus
from integrity.diplomas.services import keys
from integrity.errors import InvalidInput
from integrity.settings import settings_of
from tests.conftest import expect_events
from tests.factories import issued_batch


def test_an_annulment_says_its_kind_in_the_audit_log_and_the_signed_status_list(
    session: Any, users: Any
) -> None:
    _, _, (first, second) = issued_batch(session, users)
    settings, actor = settings_of(current_app), users.make(Role.ADMIN).as_actor()

    def annul(doc: Any, **kw: Any) -> Any:
        return services.set_status(session, actor=actor, settings=settings, diploma=doc,
                                   status=DocumentStatus.ANNULLED, reason="r", **kw)  # fmt: skip

    with pytest.raises(InvalidInput):
        annul(first)  # no kind
    with pytest.raises(InvalidInput):
        annul(first, kind=AnnulKind.REVOKED, replaced_by=second.serial)  # only a re-issue names one
    with pytest.raises(InvalidInput):
        annul(first, kind=AnnulKind.REISSUED, replaced_by="ZHD-26-D1-999999-9")  # no such document
    with pytest.raises(InvalidInput):
        annul(first, kind=AnnulKind.REISSUED, replaced_by=first.serial)  # not itself
    assert first.status is DocumentStatus.VALID

    with expect_events("diploma.status_changed") as events:
        annul(first, kind=AnnulKind.REISSUED, replaced_by=second.serial.lower())
    data = json.loads(events[0].data)
    assert data["kind"] == "reissued" and data["replaced_by"] == second.serial
    assert first.annul_kind is AnnulKind.REISSUED and first.superseded_by is second

    document = keys.status_list_document(session)
    assert document is not None
    view = published.read_status_list(document, keys.published_keys(session, settings.zone))
    note = view.note(first.status_index)
    assert note is not None and note.kind == "reissued" and note.by == second.serial
