#!/usr/bin/env python3
"""Check an Integrity diploma offline: the QR code's text, or a photo or scan of the diploma.

    python3 scripts/verify_diploma.py 'https://…/v/…' --keys diploma-keys.json --status diploma-status.json
    python3 scripts/verify_diploma.py photo.jpg --keys diploma-keys.json

The key list and the status list are the centre's published files
(/.well-known/integrity/diploma-keys.json and diploma-status.json), copied while online. The
check itself (integrity/diplomas/domain/offline.py) is the same one the server runs.
"""

import sys
from pathlib import Path

if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from integrity.diplomas.domain.offline import main

    raise SystemExit(main())
