"""The director's dashboard, the analysis page's forms, the report downloads and the public check."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from docx import Document
from sqlalchemy import func, select

from integrity.accounts.domain import Role
from integrity.extensions import db
from integrity.risk import services
from integrity.risk.models import Analysis, AnalysisState, FindingStatus
from tests import factories as f
from tests.factories import YEAR, analysis_with_group, final_protocol, undeclare


@pytest.fixture
def app_settings() -> dict[str, Any]:
    return {"WTF_CSRF_ENABLED": False}


def lights(html: str) -> dict[str, str]:
    return dict(re.findall(r'data-code="([a-z_]+)" data-light="([a-z]+)"', html))


def test_the_dashboard_shows_a_light_for_every_indicator_with_its_trend(
    client: Any, session: Any, as_role: Any
) -> None:
    final_protocol(session)
    undeclare(session, 3)
    session.commit()
    as_role(Role.DIRECTOR)
    html = client.get("/risk/").get_data(as_text=True)
    found = lights(html)
    assert len(found) >= 15 and found["jurors_undeclared"] == "red"
    assert found["audit_chain"] == "green" and 'data-testid="chain"' in html
    assert html.count("<svg") == len(found) and "<script" not in html
    from integrity.registry.models import Participant

    surnames = [p.surname for p in db.session.execute(select(Participant)).scalars()]
    assert surnames and not [n for n in surnames if n in html]  # processes, not people


def test_jurors_and_observers_do_not_see_the_internal_analysis(client: Any, as_role: Any) -> None:
    as_role(Role.JUROR)
    assert client.get("/risk/").status_code == 403
    as_role(Role.OBSERVER)
    assert client.get("/risk/analyses").status_code == 403


def test_the_working_group_accepts_a_proposal_and_the_director_signs(
    client: Any, session: Any, users: Any
) -> None:
    from tests.conftest import login

    final_protocol(session)
    undeclare(session, 3)
    analysis = analysis_with_group(session)
    session.commit()
    login(client, users.make(Role.ORGANISER))
    url = f"/risk/analyses/{analysis.id}"
    client.post(f"{url}/compute")
    db.session.refresh(analysis)
    proposed = [x for x in analysis.findings if x.status is FindingStatus.PROPOSED]
    assert proposed
    for n, finding in enumerate(proposed):
        if n == 0:
            client.post(f"{url}/findings", data={"finding_id": finding.id,
                                   "description": "Декларациясыз іріктеу", "likelihood": "4",
                                   "impact": "3", "likelihood_after": "", "impact_after": ""})  # fmt: skip
        else:
            client.post(
                f"{url}/findings/dismiss", data={"finding_id": finding.id, "reason": "Тексерілді"}
            )
    db.session.refresh(analysis)
    assert {x.status for x in analysis.findings} <= {FindingStatus.OPEN, FindingStatus.DISMISSED}
    client.post(
        f"{url}/members",
        data={
            "members": "Әбенова Д. | директор | chair\nОспанова Ә. | іс жүргізуші | secretary",
        },
    )
    client.post(f"{url}/recommendations", data={"measure": "Декларацияларды жинау",
                           "responsible": "жюри төрағасы", "deadline": "2020-01-01"})  # fmt: skip
    client.post(f"{url}/review")
    assert client.post(f"{url}/sign").status_code == 403  # not the organiser's
    db.session.refresh(analysis)
    assert analysis.state is AnalysisState.IN_REVIEW and len(analysis.members) == 2

    login(client, users.make(Role.DIRECTOR))
    page = client.get(url).get_data(as_text=True)
    assert 'data-overdue="yes"' in page
    client.post(f"{url}/sign")
    db.session.refresh(analysis)
    assert analysis.state is AnalysisState.SIGNED
    digest = analysis.versions[-1].content_sha256
    report = client.get(f"{url}/report.docx?lang=ru")
    assert (
        report.status_code == 200
        and digest in Document(io.BytesIO(report.data)).sections[0].footer.paragraphs[0].text
    )
    pdf = client.get(f"{url}/report.pdf?lang=kk")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")

    # Undoing the signature is the director's act, not the organiser's.
    login(client, users.make(Role.ORGANISER))
    assert client.post(f"{url}/reopen", data={"reason": "x"}).status_code == 403
    db.session.refresh(analysis)
    assert analysis.state is AnalysisState.SIGNED
    # No participant's or juror's name in the dashboard or the report.
    from integrity.registry.models import Juror, Participant

    names = [p.surname for p in db.session.execute(select(Participant)).scalars()] + [
        j.surname for j in db.session.execute(select(Juror)).scalars()
    ]
    dashboard = client.get("/risk/").get_data(as_text=True)
    report_text = "\n".join(p.text for p in Document(io.BytesIO(report.data)).paragraphs)
    assert names and not [n for n in names if n in dashboard or n in report_text]

    anyone = client.application.test_client()  # the public, signed in as nobody
    check = anyone.get(f"/r/{digest}").get_data(as_text=True)
    assert 'data-found="yes"' in check
    assert 'data-found="no"' in anyone.get("/r/" + "0" * 64).get_data(as_text=True)


def test_bad_input_on_the_analysis_page_is_named_and_changes_nothing(
    client: Any, session: Any, users: Any
) -> None:
    from tests.conftest import login

    analysis = services.create(session, actor=f.ACTOR, period_start=YEAR[0], period_end=YEAR[1])
    session.commit()
    login(client, users.make(Role.ORGANISER))
    url = f"/risk/analyses/{analysis.id}"
    response = client.post(f"{url}/members", data={"members": "Біреу | директор | member"},
                           follow_redirects=True)  # fmt: skip
    assert 'class="flash flash-error"' in response.get_data(as_text=True)
    db.session.refresh(analysis)
    assert analysis.members == []
    response = client.post(f"{url}/members", data={"members": "Біреу | директор | бастық"},
                           follow_redirects=True)  # fmt: skip
    assert 'class="flash flash-error"' in response.get_data(as_text=True)  # not a 500
    client.post(f"{url}/members",
                data={"members": "Әбенова Д. | директор | төраға\nОспанова Ә. | іс жүргізуші"})  # fmt: skip
    db.session.refresh(analysis)
    assert [m.role.value for m in analysis.members] == ["chair", "member"]  # Kazakh, or left blank
    response = client.post(f"{url}/findings", data={"direction": "3", "description": "x",
                                      "likelihood": "9", "impact": "1"}, follow_redirects=True)  # fmt: skip
    assert 'class="flash flash-error"' in response.get_data(as_text=True)
    assert db.session.execute(select(Analysis)).scalar_one().findings == []
    client.post("/risk/analyses", data={"period_start": "2026-13-01", "period_end": "x"})
    assert db.session.scalar(select(func.count()).select_from(Analysis)) == 1


def test_the_sources_checklist_saves_in_one_step_with_one_audit_event(
    client: Any, session: Any, users: Any
) -> None:
    from integrity.audit.models import AuditEvent
    from tests.conftest import login

    analysis = services.create(session, actor=f.ACTOR, period_start=YEAR[0], period_end=YEAR[1])
    session.commit()
    login(client, users.make(Role.ORGANISER))
    before = db.session.scalar(select(func.count()).select_from(AuditEvent))
    client.post(f"/risk/analyses/{analysis.id}/sources", data={
        "used_3": "on", "note_3": "Білім басқармасының деректері",
        "evidence_3": "https://example.kz/a", "used_14": "on",
    })  # fmt: skip
    db.session.refresh(analysis)
    used = {s.number: (s.note, s.evidence) for s in analysis.sources if s.used}
    assert used == {3: ("Білім басқармасының деректері", "https://example.kz/a"), 14: ("", "")}
    actions = [
        e.action for e in db.session.execute(select(AuditEvent).order_by(AuditEvent.seq)).scalars()
    ][before:]
    assert actions == ["risk.sources_set"]
