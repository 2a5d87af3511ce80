"""Where an app keeps the sources of the chain heads its areas recorded when they published
something (listed by ``create_app``; read by ``integrity audit verify`` and /audit/verify)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from flask import Flask

from integrity.db import AnySession

# The same as ``services.HeadSource``, spelt here so that this module imports nothing of the
# services (which re-export ``register_head_sources`` while create_app imports it from there).
HeadSource = Callable[[AnySession], dict[str, str]]
HEAD_SOURCES = "integrity.audit.head_sources"


def register_head_sources(app: Flask, sources: Iterable[HeadSource]) -> None:
    app.extensions[HEAD_SOURCES] = list(sources)


def head_sources_of(app: Flask) -> list[HeadSource]:
    found: list[HeadSource] = app.extensions.get(HEAD_SOURCES, [])
    return found
