"""Every search box finds what is typed: % and _ are characters, not wildcards."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient

from integrity.accounts.domain import Role
from tests.conftest import Users, login

# Each search, with a query that finds something in the demo.
SEARCHES = [
    ("/registry/participants", "q", "а"),
    ("/registry/events/1/participants", "q", "а"),
    ("/registry/jurors", "q", "а"),
    ("/registry/schools", "q", "а"),
    ("/audit/", "action", "registry"),
]


def rows(client: FlaskClient, path: str, name: str, value: str) -> int:
    """How many rows the search's table lists (an empty table's one "none" row not counted)."""
    response = client.get(path, query_string={name: value})
    assert response.status_code == 200, (path, value)
    bodies = re.findall(r"<tbody>(.*?)</tbody>", response.get_data(as_text=True), re.S)
    found = [row for body in bodies for row in re.findall(r"<tr.*?</tr>", body, re.S)]
    return sum("colspan" not in row for row in found)


@pytest.mark.parametrize(("path", "name", "found"), SEARCHES)
def test_a_typed_percent_or_underscore_finds_only_itself_not_every_row(
    client: FlaskClient, users: Users, demo_without_scans: None, path: str, name: str, found: str
) -> None:
    login(client, users.make(Role.ADMIN))
    assert rows(client, path, name, "zzqqzz") == 0
    assert rows(client, path, name, found) > 0  # the search finds rows, and these find none:
    for wildcard in ("%", "_", "%%", "a%", "\\", "%а"):
        assert rows(client, path, name, wildcard) == 0, (path, wildcard)
