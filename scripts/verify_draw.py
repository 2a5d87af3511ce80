#!/usr/bin/env python3
"""Recompute a published Integrity jury draw. Standard library only.

The algorithm lives in one self-contained file, integrity/jury/domain/draw.py (the server runs the
same file; the public draw page offers it for download); this script runs it from a checkout:

    python3 scripts/verify_draw.py DRAW.json [--assignment]
    python3 scripts/verify_draw.py MANIFEST.json --secret HEX --contribution "6 6 2" ...
"""

import runpy
import sys
from pathlib import Path

if __name__ == "__main__":
    algorithm = Path(__file__).resolve().parent.parent / "integrity" / "jury" / "domain" / "draw.py"
    sys.argv[0] = str(algorithm)
    runpy.run_path(str(algorithm), run_name="__main__")
