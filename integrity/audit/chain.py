"""The old address of ``integrity.audit.domain.chain``, kept because every area imports ``Actor``
from here: new code imports from ``integrity.audit.domain``; once no module imports this one, it
goes."""

from integrity.audit.domain.chain import (
    ACTION_PATTERN,
    GENESIS,
    SYSTEM,
    Actor,
    ChainReport,
    EventRecord,
    canonical_json,
    event_hash,
    format_time,
    verify_chain,
)

__all__ = [
    "ACTION_PATTERN",
    "GENESIS",
    "SYSTEM",
    "Actor",
    "ChainReport",
    "EventRecord",
    "canonical_json",
    "event_hash",
    "format_time",
    "verify_chain",
]
