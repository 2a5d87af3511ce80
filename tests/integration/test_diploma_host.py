"""A diploma PDF never carries a placeholder host: while PUBLIC_HOST is the built-in default,
rendering refuses with a translated message naming the setting (development excepted), and the
demo prints its diplomas with the address it serves, so their QR codes open."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from flask import current_app
from flask_babel import force_locale
from sqlalchemy import func, select

from integrity.accounts.models import User
from integrity.config import DEFAULT_PUBLIC_HOST
from integrity.diplomas.models import Batch, BatchState
from integrity.diplomas.services.rendering import render_batch, render_one
from integrity.errors import Conflict
from integrity.settings import settings_of
from integrity.storage import file_store
from tests import factories as f
from tests.factories import issued_batch

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def app_settings() -> dict[str, Any]:
    return {"WTF_CSRF_ENABLED": False, "PUBLIC_HOST": DEFAULT_PUBLIC_HOST}


@pytest.mark.parametrize(("lang", "words"), [("kk", "әдепкі"), ("ru", "по умолчанию")])
def test_a_diploma_is_not_rendered_while_public_host_is_the_built_in_default(
    session: Any, users: Any, lang: str, words: str
) -> None:
    _, batch, made = issued_batch(session, users)
    settings = settings_of(current_app)
    assert settings.host == DEFAULT_PUBLIC_HOST and settings.env == "testing"
    with force_locale(lang), pytest.raises(Conflict) as refused:
        render_one(made[0], settings)
    with force_locale(lang):
        message = str(refused.value.message)
    assert "PUBLIC_HOST" in message and words in message  # in the reader's language
    # A batch's PDFs are refused the same way: the batch fails, saying why.
    session.commit()
    with pytest.raises(Conflict):
        render_batch(batch.id, f.ACTOR, settings)
    session.expire_all()
    failed = session.get(Batch, batch.id)
    assert failed.state is BatchState.FAILED and "PUBLIC_HOST" in (failed.error or "")


def test_development_may_print_the_default_host(session: Any, users: Any) -> None:
    _, _, made = issued_batch(session, users)
    development = settings_of(current_app).replace(env="development")
    assert render_one(made[0], development).startswith(b"%PDF")


def test_the_demo_prints_its_diplomas_with_the_address_it_serves(
    app: Any, session: Any, users: Any
) -> None:
    from integrity.demo.cli import _serve_diplomas_at

    _, batch, _ = issued_batch(session, users)
    session.commit()
    _serve_diplomas_at("http://127.0.0.1:8123/")  # what `integrity demo --address` does
    render_batch(batch.id, f.ACTOR, settings_of(app))
    assert batch.state is BatchState.DONE
    archive = file_store(settings_of(app)).read_bytes(batch.archive or "")
    manifest = zipfile.ZipFile(io.BytesIO(archive)).read("manifest.csv").decode("utf-8-sig")
    links = [line.rsplit(";", 1)[1] for line in manifest.splitlines()[1:]]
    assert links and all(link.startswith("http://127.0.0.1:8123/v/") for link in links)


def test_the_demo_without_an_address_refuses_before_loading_anything(
    app: Any, session: Any
) -> None:
    result = app.test_cli_runner().invoke(args=["demo", "--no-scans"])
    assert result.exit_code == 1 and "PUBLIC_HOST" in result.output
    assert session.scalar(select(func.count()).select_from(User)) == 0


def test_scripts_demo_serves_the_diplomas_at_its_own_address() -> None:
    script = (ROOT / "scripts" / "demo").read_text(encoding="utf-8")
    assert 'export INTEGRITY_PUBLIC_HOST="${INTEGRITY_PUBLIC_HOST:-http://$public:$port}"' in script
    assert 'integrity demo --if-empty --address "http://$public:$port"' in script


def test_the_pdf_page_and_the_approval_refuse_with_the_default_host(
    client: Any, session: Any, users: Any
) -> None:
    from integrity.accounts.domain import Role
    from integrity.diplomas import services
    from integrity.diplomas.models import Diploma
    from tests.conftest import login

    protocol, _, made = issued_batch(session, users)  # awards only
    session.commit()
    login(client, users.make(Role.DIRECTOR))
    response = client.get(f"/diplomas/{made[0].id}.pdf")
    assert response.status_code == 409 and "PUBLIC_HOST" in response.get_data(as_text=True)

    # The certificates of participation: asked for, and refused at the approval, unissued.
    issued = session.scalar(select(func.count()).select_from(Diploma))
    batch = services.request_batch(session, actor=users.make(Role.ORGANISER).as_actor(),
                                   protocol=protocol, language="kk", participation=True)  # fmt: skip
    session.commit()
    client.post(f"/diplomas/batches/{batch.id}/decide",
                data={"decision": "approve", "confirmed": "yes"})  # fmt: skip
    session.expire_all()
    assert session.get(Batch, batch.id).state is BatchState.REQUESTED
    assert session.scalar(select(func.count()).select_from(Diploma)) == issued


@pytest.mark.parametrize(("lang", "words"), [("kk", "әдепкі"), ("ru", "по умолчанию")])
def test_a_risk_report_is_not_printed_with_the_placeholder_host_either(
    session: Any, lang: str, words: str
) -> None:
    from integrity.risk.services import reports

    analysis = f.analysis_with_group(session)
    settings = settings_of(current_app)
    with force_locale(lang), pytest.raises(Conflict) as refused:
        reports.render(session, analysis, settings=settings, lang=lang, fmt="pdf")
    with force_locale(lang):
        assert words in str(refused.value.message)
    development = settings.replace(env="development")
    pdf = reports.render(session, analysis, settings=development, lang=lang, fmt="pdf")
    assert pdf.startswith(b"%PDF")
