"""The installable package: what `pip install` gives people who install Integrity themselves."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_the_wheel_holds_every_file_of_the_package_templates_and_static_files_included(
    tmp_path: Path,
) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
         "--wheel-dir", str(tmp_path), str(ROOT)],
        check=True, cwd=tmp_path, capture_output=True,
    )  # fmt: skip
    wheel = next(tmp_path.glob("integrity-*.whl"))
    packed = set(zipfile.ZipFile(wheel).namelist())
    tracked = subprocess.run(
        ["git", "ls-files", "integrity"], check=True, cwd=ROOT, capture_output=True, text=True
    ).stdout.split()
    # The translators' template is the one file the running app never reads.
    missing = [p for p in tracked if p not in packed and p != "integrity/translations/messages.pot"]
    assert missing == []
    assert "integrity/templates/public/home.html" in packed
    assert "integrity/static/app.css" in packed
