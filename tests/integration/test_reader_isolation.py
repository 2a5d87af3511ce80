"""A decoder that crashes, hangs or eats memory on a hostile file costs one child process.

The children are real: ``sitecustomize`` on their PYTHONPATH makes the reader misbehave inside
them (a segmentation fault, an endless loop, an allocation past the memory cap), while the test's
own process, which stands for a web worker or the job worker, must live on and say what happened.
"""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any

import pytest
from flask import current_app
from sqlalchemy import func, select

from integrity.errors import InvalidInput
from integrity.scans import isolation
from integrity.scans.domain import reader
from integrity.scans.models import ScanPage, Upload, UploadStatus
from integrity.scans.services import ingest
from integrity.scans.services.runner import run_ingest
from integrity.settings import settings_of
from tests import factories as f
from tests.factories import print_and_scan, stored_upload

MISBEHAVE = """
import os, signal, time
how = os.environ.get("INTEGRITY_TEST_READER")
if how:
    from integrity.scans.domain import reader

    def misbehave(*args, **kwargs):
        if how.endswith("crash"):
            os.kill(os.getpid(), signal.SIGSEGV)
        if how.endswith("hang"):
            while True:
                time.sleep(0.01)
        if how.endswith("hog"):
            hoard = bytearray(8 << 30)
            return hoard

    if how.startswith("open"):
        reader.open_source = misbehave
    else:
        reader.read_page = misbehave
"""


@pytest.fixture
def misbehaving(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    folder = tmp_path / "misbehave"
    folder.mkdir()
    (folder / "sitecustomize.py").write_text(MISBEHAVE, encoding="utf-8")
    monkeypatch.setenv(
        "PYTHONPATH", os.pathsep.join([str(folder), os.environ.get("PYTHONPATH", "")])
    )

    def choose(how: str) -> None:
        monkeypatch.setenv("INTEGRITY_TEST_READER", how)

    return choose


def test_a_probe_reports_the_pages_and_kind_of_a_real_scan(
    session: Any,
    round_world: dict[str, Any],
    tmp_path: Path,
) -> None:
    path = print_and_scan(session, round_world, tmp_path)
    assert isolation.probe(path) == (12, "pdf")


def test_an_upload_whose_decoder_crashes_is_refused_with_its_name_and_nothing_is_stored(
    session: Any,
    round_world: dict[str, Any],
    tmp_path: Path,
    misbehaving: Any,
) -> None:
    path = print_and_scan(session, round_world, tmp_path)
    misbehaving("open-crash")
    with pytest.raises(InvalidInput) as refused:
        ingest.create_upload(
            session,
            actor=f.ACTOR,
            round_=round_world["round"],
            stream=io.BytesIO(path.read_bytes()),
            filename="scan-07.pdf",
            settings=settings_of(current_app),
        )
    assert refused.value.details["code"] == isolation.READER_FAILED
    assert "scan-07.pdf" in str(refused.value.message)
    assert session.scalar(select(func.count()).select_from(Upload)) == 0


def test_a_decoder_that_grows_past_the_memory_cap_fails_in_its_child(
    tmp_path: Path, misbehaving: Any
) -> None:
    misbehaving("open-hog")  # eight GiB: granted at once without the cap, on this machine too
    path = tmp_path / "scan.pdf"
    path.write_bytes(b"%PDF-1.7\n")
    with pytest.raises(reader.UnreadableFile) as refused:
        isolation.probe(path)
    assert (refused.value.code, refused.value.detail) == (isolation.READER_FAILED, "out of memory")


def test_a_decoder_that_never_returns_is_stopped_at_the_time_limit(
    tmp_path: Path, misbehaving: Any
) -> None:
    misbehaving("open-hang")
    path = tmp_path / "scan.pdf"
    path.write_bytes(b"%PDF-1.7\n")
    with pytest.raises(reader.UnreadableFile) as refused:
        isolation.probe(path, timeout=1)
    assert refused.value.code == isolation.READER_FAILED


def test_a_reader_that_crashes_on_a_page_fails_the_upload_at_once_with_a_clear_error(
    session: Any,
    round_world: dict[str, Any],
    tmp_path: Path,
    misbehaving: Any,
) -> None:
    upload = stored_upload(session, round_world, tmp_path)
    misbehaving("page-crash")
    # Not the last try, yet the upload fails now: the same file would crash every retry.
    with pytest.raises(InvalidInput) as refused:
        run_ingest(upload.id, f.ACTOR, settings=settings_of(current_app), last_try=False, workers=1)
    assert refused.value.details["code"] == isolation.READER_FAILED
    session.expire_all()
    failed = session.get(Upload, upload.id)
    assert failed.status == UploadStatus.FAILED.value
    assert "scan.pdf" in (failed.error or "")
    assert session.scalar(select(func.count()).select_from(ScanPage)) == 0


def test_a_reader_stuck_on_a_page_is_stopped_and_the_file_refused(
    session: Any,
    round_world: dict[str, Any],
    tmp_path: Path,
    misbehaving: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    upload = stored_upload(session, round_world, tmp_path)
    misbehaving("page-hang")
    monkeypatch.setattr(ingest.reading, "TASK_SECONDS", 3.0)
    with pytest.raises(InvalidInput) as refused:
        run_ingest(upload.id, f.ACTOR, settings=settings_of(current_app), last_try=False, workers=1)
    assert refused.value.details["code"] == isolation.READER_FAILED
    session.expire_all()
    assert session.get(Upload, upload.id).status == UploadStatus.FAILED.value


def test_a_failed_scan_sent_again_is_read_again(
    client: Any,
    users: Any,
    session: Any,
    round_world: dict[str, Any],
    tmp_path: Path,
    misbehaving: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from integrity.accounts.domain import Role
    from tests.conftest import login

    path = print_and_scan(session, round_world, tmp_path)
    login(client, users.make(Role.IT_SPECIALIST))
    url = f"/scans/rounds/{round_world['round'].id}/uploads"

    def send() -> Any:
        with path.open("rb") as stream:
            return client.post(url, data={"files": (stream, "scan.pdf")},
                               content_type="multipart/form-data")  # fmt: skip

    misbehaving("page-crash")  # a reader dies on it the first time (say, out of memory)
    send()
    session.expire_all()
    upload = session.execute(select(Upload)).scalar_one()
    assert upload.status == UploadStatus.FAILED.value
    monkeypatch.delenv("INTEGRITY_TEST_READER")
    send()  # the same file again: not "uploaded before, nothing changed", but read again
    session.expire_all()
    assert session.get(Upload, upload.id).status == UploadStatus.DONE.value
    assert session.scalar(select(func.count()).select_from(ScanPage)) == 12
