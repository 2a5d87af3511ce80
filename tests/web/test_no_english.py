"""No English and no internal codes on a Kazakh or Russian screen (issue 16).

Every GET route is rendered for one object of each kind of the demo, in kk and in ru, as a role
allowed to open it, with the translation catalogues wrapped: a message the reader's catalogue lacks
would reach the screen in English, and is recorded. What the page then shows a person (its text and
its placeholder, title and aria-label attributes; not <code>, <pre>, <kbd> or <samp>, which hold
machine text on purpose: hashes, commands, file names) is searched for internal codes: dotted event
names, setting names, snake_case identifiers, ``user:5``-style references.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from html.parser import HTMLParser
from typing import Any

import flask_babel
import pytest
from flask import Flask
from flask.testing import FlaskClient

from integrity.accounts.domain import Role
from tests.conftest import Users, login
from tests.web.test_access import ANY_USER, POLICY, PUBLIC
from tests.web.test_demo_walk import argument_values, readable_text, urls

CODES = {
    "an event name": re.compile(
        r"\b(?:accounts|registry|scans|jury|protocols|diplomas|risk|vault|audit|uploads|jobs)\.[a-z_]+\b"
    ),
    "a setting name": re.compile(r"\b[A-Z]{2,}(?:_[A-Z]+)+\b"),
    "an identifier": re.compile(r"\b[a-z]+(?:_[a-z]+)+\b"),
    "a reference": re.compile(r"\b(?:user|round|event|draw|work):\d+\b"),
}
MACHINE = {"code", "pre", "kbd", "samp", "script", "style", "textarea"}
# What people read; JSON and CSV are for programs and spreadsheets, keyed as the data is.
READ = ("text/html", "application/pdf", "application/vnd.openxmlformats")
READ_ALOUD = {"placeholder", "title", "aria-label", "alt"}


class _Readable(HTMLParser):
    """The words a person reads on a page: text outside machine elements, and labelling attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.words: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in MACHINE:
            self.depth += 1
        self.words += [value for name, value in attrs if name in READ_ALOUD and value]

    def handle_endtag(self, tag: str) -> None:
        if tag in MACHINE and self.depth:
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if not self.depth:
            self.words.append(data)


def shown(body: bytes, content_type: str) -> str:
    if "wordprocessingml" in content_type:
        import io

        import docx

        document = docx.Document(io.BytesIO(body))
        cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
        return " ".join(" ".join([*(p.text for p in document.paragraphs), *cells]).split())
    if not content_type.startswith("text/html"):
        return readable_text(body, content_type)
    parser = _Readable()
    parser.feed(body.decode("utf-8", errors="replace"))
    return " ".join(" ".join(parser.words).split())


class _Checking:
    """A catalogue that records every message it does not hold (so it would fall back to English)."""

    def __init__(self, inner: Any, missed: set[str]) -> None:
        self.inner, self.missed = inner, missed
        self.catalog: dict[Any, str] = getattr(inner, "_catalog", {})

    def _check(self, key: Any, message: str) -> None:
        if not self.catalog.get(key):
            self.missed.add(message)

    def ugettext(self, message: str) -> str:
        self._check(message, message)
        return str(self.inner.ugettext(message))

    def ungettext(self, singular: str, plural: str, n: int) -> str:
        self._check((singular, 0), singular)
        return str(self.inner.ungettext(singular, plural, n))

    def upgettext(self, context: str, message: str) -> str:
        self._check(f"{context}\x04{message}", message)
        return str(self.inner.upgettext(context, message))

    def unpgettext(self, context: str, singular: str, plural: str, n: int) -> str:
        self._check((f"{context}\x04{singular}", 0), singular)
        return str(self.inner.unpgettext(context, singular, plural, n))

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


@contextmanager
def fallbacks_recorded(monkeypatch: pytest.MonkeyPatch) -> Iterator[set[str]]:
    missed: set[str] = set()
    original = flask_babel.Domain.get_translations

    def checked(self: flask_babel.Domain) -> Any:
        translations = original(self)
        if str(flask_babel.get_locale()) in ("kk", "ru"):
            return _Checking(translations, missed)
        return translations

    monkeypatch.setattr(flask_babel.Domain, "get_translations", checked)
    yield missed


def reader_for(endpoint: str) -> Role | None:
    """One role that may open the endpoint (None: anyone, signed out)."""
    allowed = POLICY[endpoint]
    if allowed in (PUBLIC,):
        return None
    if allowed == ANY_USER:
        return Role.OBSERVER
    return sorted(allowed, key=lambda r: list(Role).index(r))[0]


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_no_screen_or_document_shows_english_or_an_internal_code(
    app: Flask,
    client: FlaskClient,
    users: Users,
    demo: None,
    language: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # One object of each kind, but every format of a document (PDF, XLSX, DOCX, CSV).
    values = {
        name: found if name in ("doc", "fmt") else found[:1]
        for name, found in argument_values().items()
    }
    by_reader: dict[Role | None, list[str]] = {}
    for rule in app.url_map.iter_rules():
        if "GET" not in (rule.methods or set()) or rule.endpoint in ("accounts.logout", "static"):
            continue
        found = urls(app, rule.endpoint, sorted(rule.arguments), values)
        by_reader.setdefault(reader_for(rule.endpoint), []).extend(found)
    problems: list[str] = []
    with fallbacks_recorded(monkeypatch) as missed:
        for role, found in by_reader.items():
            client.post("/language", data={"lang": language})
            if role is not None:
                login(client, users.make(role, locale=language))
            for url in found:
                response = client.get(url)
                if response.status_code != 200 or not response.content_type.startswith(READ):
                    continue
                text = shown(response.get_data(), response.content_type)
                problems += [
                    f"{url}: {what} {match!r}"
                    for what, pattern in CODES.items()
                    for match in sorted(set(pattern.findall(text)))
                ]
    problems += [f"in English: {message!r}" for message in sorted(missed)]
    assert not problems, "\n".join(problems)


def test_a_message_missing_from_the_catalogue_is_caught_and_one_present_is_not(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    with fallbacks_recorded(monkeypatch) as missed:
        for language in ("kk", "ru"):
            with app.test_request_context(f"/?lang={language}"), flask_babel.force_locale(language):
                flask_babel.gettext("A sentence no catalogue holds")
                flask_babel.gettext("Sign in")
                flask_babel.ngettext("%(num)d page", "%(num)d pages", 3)
    assert missed == {"A sentence no catalogue holds"}
