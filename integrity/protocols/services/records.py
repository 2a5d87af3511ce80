"""Reading protocols back: the published list, the exports (CSV, PDF, XLSX), the chain heads they
carry, and a check of each current version against the live rows."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from integrity.db import AnySession
from integrity.errors import DomainError, NotFound
from integrity.protocols.models import Protocol, ProtocolState, ProtocolVersion
from integrity.protocols.services.content import build_ciphered, build_named, canonical
from integrity.protocols.services.public import public_sha256
from integrity.registry.models import Round


def published_protocols(session: AnySession, event_id: int) -> list[Protocol]:
    return list(
        session.execute(
            select(Protocol)
            .join(Round, Round.id == Protocol.round_id)
            .where(
                Round.subject.has(event_id=event_id),
                Protocol.state.not_in([ProtocolState.DRAFT, ProtocolState.FROZEN]),
            )
            .order_by(Protocol.round_id, Protocol.grade)
        ).scalars()
    )


def csv_rows(version: ProtocolVersion, public: dict[str, Any] | None = None) -> list[list[str]]:
    """Ciphers and scores, no names; with ``public``, signed with the public rendering's hash."""
    content = json.loads(version.content) if public is None else public
    digest = version.content_sha256 if public is None else public_sha256(public)
    header = ["cipher", *[f"task {n}" for n in content["tasks"]], "total", "rank", "award"]
    rows = [header]
    for row in content["rows"]:
        rows.append([row["cipher"], *row["tasks"], row["total"], str(row["rank"]),
                     row["award"] or ""])  # fmt: skip
    rows.append([f"sha256 {digest}", f"chain head {version.chain_head}"])
    return rows


def document(
    version: ProtocolVersion, fmt: str, lang: str, *, public: dict[str, Any] | None = None
) -> bytes:
    """The version as PDF or XLSX in Kazakh or Russian (hash and chain head on it); with
    ``public``, its public rendering (``public_content``) and that rendering's own hash."""
    from integrity.protocols import documents

    if lang not in documents.LABELS or fmt not in ("pdf", "xlsx"):
        raise NotFound(_l("No such export."))
    subject = version.protocol.round.subject
    content = json.loads(version.content) if public is None else public
    heading = documents.Heading(
        event=subject.event.title(lang),
        subject=subject.name(lang),
        content_sha256=version.content_sha256 if public is None else public_sha256(public),
        chain_head=version.chain_head,
    )
    return (
        documents.pdf(content, heading, lang)
        if fmt == "pdf"
        else documents.xlsx(content, heading, lang)
    )


def published_heads(session: AnySession) -> dict[str, str]:
    """The chain head recorded in each frozen protocol version, for `integrity audit verify`."""
    rows = session.execute(
        select(ProtocolVersion.chain_head, ProtocolVersion.protocol_id, ProtocolVersion.number)
    ).all()
    return {head: f"protocol {pid} version {number}" for head, pid, number in rows}


@dataclass(frozen=True)
class VersionCheck:
    protocol_id: int
    version: int
    problems: list[str]


def _recorded_hashes(session: AnySession) -> dict[tuple[str, int], str]:
    """The content hash each freezing wrote into the audit chain, by protocol and version."""
    from integrity.audit.models import AuditEvent

    recorded: dict[tuple[str, int], str] = {}
    for event in session.execute(
        select(AuditEvent).where(
            AuditEvent.action.in_(("protocols.frozen", "protocols.final_frozen"))
        )
    ).scalars():
        data = json.loads(event.data)
        if "version" in data and "content_sha256" in data:
            recorded[event.subject, int(data["version"])] = data["content_sha256"]
    return recorded


def _live_difference(session: AnySession, protocol: Protocol, version: ProtocolVersion) -> str:
    """What differs between the stored text and the content the live rows give now ("" if
    nothing), naming the ciphers whose rows differ."""
    try:
        live = (build_named if version.named else build_ciphered)(session, protocol)
    except DomainError as exc:
        return f"the live rows cannot be read as a protocol: {exc.message}"
    stored = json.loads(version.content)
    # The place, date and jury were confirmed at the freeze: facts of the version, not of the rows.
    if "signing" in stored:
        live["signing"] = stored["signing"]
    live = json.loads(canonical({**live, "version": version.number}))
    if live == stored:
        return ""
    by_cipher = {r["cipher"]: r for r in stored.get("rows", [])}
    changed = sorted(r["cipher"] for r in live.get("rows", []) if by_cipher.get(r["cipher"]) != r)
    changed += sorted(set(by_cipher) - {r["cipher"] for r in live.get("rows", [])})
    return "the live rows give another content" + (
        f": rows of {', '.join(changed[:10])}" if changed else ""
    )


def check_versions(session: AnySession) -> list[VersionCheck]:
    """Each protocol's current version, checked three ways: its stored text against its stored
    hash, that hash against the one its freezing wrote into the audit chain, and the text
    against the content the live rows (scores, and names once unsealed) give now, naming the
    ciphers whose rows differ. A score edited behind the application's back shows in the last."""
    recorded = _recorded_hashes(session)
    checks = []
    for protocol in session.execute(select(Protocol).order_by(Protocol.id)).scalars():
        version = protocol.current
        if version is None:
            continue
        problems = []
        if hashlib.sha256(version.content.encode()).hexdigest() != version.content_sha256:
            problems.append("the stored text does not match its stored hash")
        logged = recorded.get((f"protocol:{protocol.id}", version.number))
        if logged is not None and logged != version.content_sha256:
            problems.append("the stored hash is not the one the audit chain recorded")
        if difference := _live_difference(session, protocol, version):
            problems.append(difference)
        checks.append(VersionCheck(protocol.id, version.number, problems))
    return checks
