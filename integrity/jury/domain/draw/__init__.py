"""The jury draw: from a frozen manifest and a final seed to who marks which work.

Standard library only, and nothing imported from the rest of Integrity: the modules of this
package, joined into one file by ``standalone.assemble``, are what anyone runs to check a published
draw (the public draw page serves that file as ``verify_draw.py``; ``scripts/verify_draw.py`` runs
it from a checkout). Change nothing here without changing ``ALGORITHM``: a published draw must
stay reproducible for as long as its results stand.

Seal, roll, reveal:

1. the manifest (works by cipher, jurors by id with the ciphers each must not mark, k or the panel
   size, capacities) is frozen and its SHA-256 published;
2. the server commits to a secret: SHA-256(secret) is published before anything else is entered;
3. two or more named people enter contributions (dice rolled on camera, say);
4. the secret is revealed; final seed = SHA-256(manifest hash ‖ secret ‖ each contribution, each
   prefixed by its length);
5. the assignment is a deterministic function of the manifest and the final seed, driven by an
   HMAC-SHA256 counter stream.

    python verify_draw.py DRAW.json [--assignment]
    python verify_draw.py MANIFEST.json --secret HEX --contribution TEXT --contribution TEXT ...
"""

from __future__ import annotations

from integrity.jury.domain.draw.command import main
from integrity.jury.domain.draw.double import assign_double, load_bounds
from integrity.jury.domain.draw.manifest import Problem, read_manifest
from integrity.jury.domain.draw.panel import assign_panel
from integrity.jury.domain.draw.result import assignment, assignment_hash, third_marker_order
from integrity.jury.domain.draw.seeding import (
    ALGORITHM,
    MODES,
    PANEL_SIZES,
    DrawError,
    Stream,
    canonical,
    commitment,
    final_seed,
    manifest_hash,
    normal_contribution,
    sha256_hex,
)

__all__ = [
    "ALGORITHM",
    "MODES",
    "PANEL_SIZES",
    "DrawError",
    "Problem",
    "Stream",
    "assign_double",
    "assign_panel",
    "assignment",
    "assignment_hash",
    "canonical",
    "commitment",
    "final_seed",
    "load_bounds",
    "main",
    "manifest_hash",
    "normal_contribution",
    "read_manifest",
    "sha256_hex",
    "third_marker_order",
]
