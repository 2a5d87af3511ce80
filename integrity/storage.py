"""The app's file store: content-addressed files under the data folder (see integrity.filestore)."""

from __future__ import annotations

from integrity.filestore import FileStore
from integrity.settings import Settings


def file_store(settings: Settings) -> FileStore:
    return FileStore(settings.files_dir)


__all__ = ["FileStore", "file_store"]
