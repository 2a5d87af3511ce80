"""Where an app keeps the sources of the chain heads its areas recorded when they published
something (listed by ``create_app``; read by ``integrity audit verify`` and /audit/verify), and
the namers of the records audit events are about (listed by ``create_app``; read by the log)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence

from flask import Flask

from integrity.audit.domain.reading import Named
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


# A kind of record's namer: (session, ids, the reader's locale) → {id: Named} for the ids found.
Namer = Callable[[AnySession, Sequence[int], str], Mapping[int, Named]]
SUBJECT_NAMERS = "integrity.audit.subject_namers"


def register_subject_namers(app: Flask, namers: Mapping[str, Namer]) -> None:
    app.extensions[SUBJECT_NAMERS] = dict(namers)


def subject_namers_of(app: Flask) -> Mapping[str, Namer]:
    found: Mapping[str, Namer] = app.extensions.get(SUBJECT_NAMERS, {})
    return found


# Words for codes other areas put in event data (the risk indicators' codes): locale → {code: words}.
ValueWords = Callable[[str], Mapping[str, str]]
VALUE_WORDS = "integrity.audit.value_words"


def register_value_words(app: Flask, words: ValueWords) -> None:
    app.extensions[VALUE_WORDS] = words


def value_words_of(app: Flask, locale: str) -> Mapping[str, str]:
    words: ValueWords | None = app.extensions.get(VALUE_WORDS)
    return {} if words is None else words(locale)
