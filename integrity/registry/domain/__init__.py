"""The registry's pure rules: IINs, names, vocabularies and points, reading tables and turning
their rows into validated participants and jurors.

Pure: no Flask, no SQLAlchemy (an import-linter contract holds every ``integrity.*.domain``
to it). The names below are re-exported so callers need not know which submodule holds them.
"""

from __future__ import annotations

from integrity.registry.domain.cells import (
    MAX_ERROR_VALUE,
    ImportRejected,
    RowError,
    header_key,
    mask_iin,
    match_columns,
    parse_date,
    unknown_columns,
)
from integrity.registry.domain.names import (
    KAZAKH_ALPHABET,
    MAX_NAME_LENGTH,
    collation_key,
    full_name,
    is_plausible_name,
    name_key,
    normalise_name,
)
from integrity.registry.domain.rows import (
    JUROR_COLUMNS,
    JUROR_REQUIRED,
    PARTICIPANT_COLUMNS,
    PARTICIPANT_EXPORT_ONLY,
    PARTICIPANT_REQUIRED,
    PROBLEMS,
    JurorRow,
    ParticipantRow,
    TableLike,
    parse_jurors,
    parse_participants,
)

__all__ = [
    "JUROR_COLUMNS",
    "JUROR_REQUIRED",
    "KAZAKH_ALPHABET",
    "MAX_ERROR_VALUE",
    "MAX_NAME_LENGTH",
    "PARTICIPANT_COLUMNS",
    "PARTICIPANT_EXPORT_ONLY",
    "PARTICIPANT_REQUIRED",
    "PROBLEMS",
    "ImportRejected",
    "JurorRow",
    "ParticipantRow",
    "RowError",
    "TableLike",
    "collation_key",
    "full_name",
    "header_key",
    "is_plausible_name",
    "mask_iin",
    "match_columns",
    "name_key",
    "normalise_name",
    "parse_date",
    "parse_jurors",
    "parse_participants",
    "unknown_columns",
]
