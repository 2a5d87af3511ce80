"""The protocols area's words for its enums, in the reader's language: one place for the pages,
the forms and the services' refusals."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from integrity.protocols.models import ProtocolState, ProtocolVersion


def state_labels() -> dict[ProtocolState, str]:
    """Where a protocol stands, from its draft to its final publication."""
    return {
        ProtocolState.DRAFT: str(_l("draft")),
        ProtocolState.FROZEN: str(_l("frozen (ciphered)")),
        ProtocolState.PUBLISHED: str(_l("published (ciphered), appeals open")),
        ProtocolState.APPEALS_CLOSED: str(_l("appeals closed")),
        ProtocolState.UNSEALED: str(_l("unsealed")),
        ProtocolState.FINAL: str(_l("final (named)")),
        ProtocolState.FINAL_PUBLISHED: str(_l("final, published")),
    }


def outcome_labels() -> dict[str, str]:
    """An appeal's outcome: what the commission's decision did to the work's total."""
    return {"raised": str(_l("raised")), "lowered": str(_l("lowered")),
            "unchanged": str(_l("unchanged"))}  # fmt: skip


def version_reason(version: ProtocolVersion) -> str:
    """Why a version exists, in the reader's language (stored as "frozen", "final, named" or
    "appeal <id>: <outcome>")."""
    if version.reason == "frozen":
        return str(_l("frozen"))
    if version.reason == "final, named":
        return str(_l("final, named"))
    head, _sep, outcome = version.reason.partition(": ")
    if head.startswith("appeal ") and outcome in ("raised", "lowered", "unchanged"):
        return str(_l("appeal %(n)s: %(outcome)s", n=head[len("appeal ") :],
                      outcome=outcome_labels()[outcome]))  # fmt: skip
    return version.reason


# Who files an appeal (the appeal form's choices).
FILED_AS = (("participant", _l("the participant")), ("supervisor", _l("the supervisor")))
