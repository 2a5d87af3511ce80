"""Jury screens: the chair's conflicts, draw ceremony and progress; the juror's works; the public
draw page. A juror's pages show ciphers and masked pixels only.

Two blueprints (``blueprint``); routes split by concept across the modules below, each importing
the blueprints, never this package.
"""

from __future__ import annotations

from integrity.jury.views import conflicts, draw, juror, marking, public, submission
from integrity.jury.views.blueprint import bp, private_jpeg, public_bp

__all__ = [
    "bp",
    "conflicts",
    "draw",
    "juror",
    "marking",
    "private_jpeg",
    "public",
    "public_bp",
    "submission",
]
