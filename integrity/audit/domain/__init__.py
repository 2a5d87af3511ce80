"""The audit area's pure part: the chain's arithmetic (``chain``). Standard library only."""

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
