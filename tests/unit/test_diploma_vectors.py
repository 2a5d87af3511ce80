"""The shared diploma test vectors, checked offline by the script's code (the server's tests use
the same file: tests/web/test_diploma_vectors.py)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from PIL import Image, ImageFilter

from integrity.diplomas.domain import DocType, offline
from integrity.diplomas.domain.documents import Printable, render
from tests.vectors import VECTORS, make_diploma_vectors

ROOT = Path(__file__).resolve().parents[2]


def test_the_committed_vectors_are_what_the_generator_makes() -> None:
    assert make_diploma_vectors.FILE.read_text(encoding="utf-8") == make_diploma_vectors.render()


@pytest.fixture
def lists(tmp_path: Path) -> tuple[Path, Path]:
    keys, status = tmp_path / "diploma-keys.json", tmp_path / "diploma-status.json"
    keys.write_text(json.dumps(VECTORS["keys"]), encoding="utf-8")
    status.write_text(json.dumps(VECTORS["status"]), encoding="utf-8")
    return keys, status


@pytest.mark.parametrize("case", VECTORS["cases"], ids=lambda c: c["label"])
def test_the_offline_check_gives_each_vector_its_verdict(
    case: dict[str, Any], lists: tuple[Path, Path], capsys: Any
) -> None:
    keys, status = lists
    code = offline.main([case["text"], "--keys", str(keys), "--status", str(status), "--json"])
    out = json.loads(capsys.readouterr().out)
    assert out["verdict"] == case["verdict"], out
    assert code == (0 if case["verdict"] == "genuine" else 1)
    for key in ("since", "superseded_by"):
        assert out.get(key) == case.get(key)
    if "name" in case:
        assert out["fields"]["name"] == case["name"] and out["fields"]["serial"] == case["serial"]
    if case["verdict"] == "not_issued":
        assert "fields" not in out  # nothing from a forgery is shown as if it were ours


def test_without_the_status_list_a_good_signature_says_its_status_is_unknown(
    lists: tuple[Path, Path], capsys: Any
) -> None:
    keys, _ = lists
    assert offline.main([VECTORS["cases"][0]["text"], "--keys", str(keys), "--json"]) == 1
    assert json.loads(capsys.readouterr().out)["verdict"] == "status_unknown"


def test_the_status_lists_date_is_always_shown_and_a_foreign_or_stale_keyed_list_refused(
    tmp_path: Path, lists: tuple[Path, Path], capsys: Any
) -> None:
    keys, status = lists
    offline.main(
        [VECTORS["cases"][0]["text"], "--keys", str(keys), "--status", str(status), "--json"]
    )
    assert json.loads(capsys.readouterr().out)["status_as_of"] == VECTORS["status"]["updated"]
    foreign = tmp_path / "foreign.json"
    foreign.write_text(json.dumps({**VECTORS["keys"], "issuer": "XYZ"}), encoding="utf-8")
    assert (
        offline.main([VECTORS["cases"][0]["text"], "--keys", str(foreign), "--status", str(status)])
        == 2
    )
    # A list dated after its key's retirement: the retired key may verify old diplomas, not new lists.
    import datetime as dt

    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from integrity.diplomas.domain.published import (
        ListError,
        read_key_list,
        read_status_list,
        status_list,
    )

    retired = Ed25519PrivateKey.from_private_bytes(bytes.fromhex(VECTORS["private_seeds_hex"]["3"]))
    late = status_list(issuer="ZHD", size=6, notes={}, key_id=3, private=retired,
                       updated=dt.datetime(2026, 11, 22, tzinfo=dt.UTC))  # fmt: skip
    with pytest.raises(ListError, match="validity"):
        read_status_list(late, read_key_list(VECTORS["keys"]))
    early = status_list(issuer="ZHD", size=6, notes={}, key_id=3, private=retired,
                        updated=dt.datetime(2025, 6, 1, tzinfo=dt.UTC))  # fmt: skip
    assert read_status_list(early, read_key_list(VECTORS["keys"])).size == 6


def test_a_status_list_that_was_altered_is_refused(
    tmp_path: Path, lists: tuple[Path, Path]
) -> None:
    keys, _ = lists
    altered = {**VECTORS["status"], "entries": {}}  # someone hides an annulment
    status = tmp_path / "altered.json"
    status.write_text(json.dumps(altered), encoding="utf-8")
    assert (
        offline.main([VECTORS["cases"][1]["text"], "--keys", str(keys), "--status", str(status)])
        == 2
    )


@pytest.mark.slow
def test_the_script_reads_the_qr_from_a_photo_of_the_printed_diploma(
    tmp_path: Path, lists: tuple[Path, Path]
) -> None:
    import pypdfium2 as pdfium  # type: ignore[import-untyped]

    case = VECTORS["cases"][0]
    pdf = render([Printable(
        serial=case["serial"], doc_type=DocType.DIPLOMA_1, language="kk", organisation="Орталық",
        event="Облыстық олимпиада", subject="Математика", name=case["name"], grade=9,
        school="№5 мектеп", award_note="", date="20.11.2026", link=case["text"],
        host=VECTORS["host"],
    )])  # fmt: skip
    page = pdfium.PdfDocument(pdf)[0].render(scale=150 / 72).to_pil()
    # A slightly tilted, slightly blurred phone photo.
    photo = page.rotate(4, expand=True, fillcolor="white").filter(ImageFilter.GaussianBlur(0.8))
    path = tmp_path / "photo.jpg"
    photo.convert("RGB").save(path, quality=70)
    keys, status = lists
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "verify_diploma.py"), str(path),
         "--keys", str(keys), "--status", str(status)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("GENUINE") and case["serial"] in done.stdout
    assert case["name"] in done.stdout


def test_a_picture_without_a_qr_code_is_an_input_error(
    tmp_path: Path, lists: tuple[Path, Path]
) -> None:
    path = tmp_path / "blank.png"
    Image.new("L", (400, 300), 255).save(path)
    keys, _ = lists
    assert offline.main([str(path), "--keys", str(keys)]) == 2
