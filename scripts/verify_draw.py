#!/usr/bin/env python3
"""Recompute a published Integrity jury draw. Standard library only.

The algorithm lives in the package integrity/jury/domain/draw/, which the server imports; its
standalone.py joins the package into the one file the public draw page offers for download. This
script runs that same assembled file from a checkout:

    python3 scripts/verify_draw.py DRAW.json [--assignment]
    python3 scripts/verify_draw.py MANIFEST.json --secret HEX --contribution "6 6 2" ...
"""

import importlib.util
import sys
import types
from pathlib import Path

DRAW = Path(__file__).resolve().parent.parent / "integrity" / "jury" / "domain" / "draw"


def checker() -> types.ModuleType:
    """The assembled verify_draw.py, loaded as a module of its own (not the package: importing
    integrity would need the whole application's dependencies)."""
    spec = importlib.util.spec_from_file_location("draw_standalone", DRAW / "standalone.py")
    assert spec is not None and spec.loader is not None
    standalone = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(standalone)
    module = types.ModuleType("verify_draw")
    module.__file__ = "verify_draw.py"
    sys.modules[module.__name__] = module
    exec(compile(standalone.assemble(DRAW), "verify_draw.py", "exec"), module.__dict__)  # noqa: S102
    return module


if __name__ == "__main__":
    sys.argv[0] = "verify_draw.py"
    sys.exit(checker().main())
