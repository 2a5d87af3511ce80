"""Every form a template opens, it closes: browsers ignore a <form> opened inside another, so one
missing </form> quietly makes every later form on the page post to the first one's address (a
chair's decision on the second appeal of a round was recorded on the first)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

TEMPLATES = Path(__file__).resolve().parents[2] / "integrity" / "templates"


@pytest.mark.parametrize(
    "template", sorted(TEMPLATES.rglob("*.html")), ids=lambda p: str(p.relative_to(TEMPLATES))
)
def test_every_form_a_template_opens_it_closes(template: Path) -> None:
    text = template.read_text(encoding="utf-8")
    assert len(re.findall(r"<form\b", text)) == len(re.findall(r"</form>", text))
