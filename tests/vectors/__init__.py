"""Shared test vectors: ``diplomas.json`` (made by ``make_diploma_vectors.py``), checked both by the
offline script's tests (tests/unit) and by the server's verification page (tests/web)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

DIPLOMAS = Path(__file__).with_name("diplomas.json")
VECTORS: dict[str, Any] = json.loads(DIPLOMAS.read_text(encoding="utf-8"))
