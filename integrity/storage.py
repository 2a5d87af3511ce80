"""The app's file store: content-addressed files under the data folder (see integrity.filestore)."""

from __future__ import annotations

from pathlib import Path

from flask import current_app

from integrity.filestore import FileStore


def file_store() -> FileStore:
    return FileStore(Path(current_app.config["INTEGRITY"]["DATA_DIR"]) / "files")


__all__ = ["FileStore", "file_store"]
