"""The corruption-risk analysis: indicators from the platform's records, proposed findings, carrying
over from the previous period, signing, and the DOCX and PDF report."""

from __future__ import annotations

import datetime as dt
import io
import json
from typing import Any

import pypdfium2 as pdfium  # type: ignore[import-untyped]
import pytest
from docx import Document
from flask import current_app
from sqlalchemy import select

from integrity.errors import Conflict, InvalidInput
from integrity.risk import services
from integrity.risk.domain import Direction, MemberRole, documents
from integrity.risk.domain.facts import Process
from integrity.risk.models import Analysis, AnalysisState, FindingStatus, RecommendationStatus
from integrity.risk.services import facts
from integrity.scans.models import ScanRound
from integrity.settings import Settings, settings_of
from tests import factories as f
from tests.conftest import expect_events
from tests.factories import TODAY, YEAR, analysis_with_group, final_protocol, undeclare

SEAL = documents.Seal(1, "a" * 64, "b" * 64, "https://localhost:5000/r/" + "a" * 64)


def settings() -> Settings:
    """The app's settings, as the views and commands pass them to the services."""
    return settings_of(current_app)


def test_a_new_analysis_has_the_model_rules_sources_and_nine_directions(session: Any) -> None:
    with expect_events("risk.analysis_created"):
        analysis = services.create(session, actor=f.ACTOR, period_start=YEAR[0], period_end=YEAR[1])
    assert [s.number for s in analysis.sources] == list(range(1, 15))
    assert [n.direction for n in analysis.examined] == list(range(1, 10))
    assert "8-бабының 5-тармағына" in analysis.legal_basis_kk
    assert analysis.state is AnalysisState.DRAFT
    with pytest.raises(InvalidInput):
        services.create(session, actor=f.ACTOR, period_start=YEAR[1], period_end=YEAR[0])


def test_the_indicators_read_the_platforms_own_records_of_the_period(
    session: Any, users: Any
) -> None:
    protocol = final_protocol(session)
    round_id = protocol.round_id
    held = (
        session.execute(select(ScanRound).filter_by(round_id=round_id))
        .scalar_one()
        .frozen_at.date()
    )
    found = facts.gather(session, *YEAR, settings())
    subject = protocol.round.subject  # named as people name it, not by its code
    names = (subject.name("kk"), subject.name("ru"), subject.name("en"))
    assert [p.process for p in found.protocols] == [Process(names, 1, 10)]
    assert found.protocols[0].published is not None and found.chain_ok
    assert found.task_scores == 12 and found.jurors_drawn >= 2
    assert found.jurors_undeclared == 0  # the factory's jurors declare before the draw
    undeclare(session, 1)
    assert facts.gather(session, *YEAR, settings()).jurors_undeclared == 1
    assert any(a.action == "unseal" and not a.second_person for a in found.critical_actions)
    elsewhere = facts.gather(
        session, held - dt.timedelta(days=400), held - dt.timedelta(days=300), settings()
    )
    assert elsewhere.protocols == () and elsewhere.task_scores == 0


def test_a_red_light_proposes_a_finding_once_and_a_person_accepts_or_dismisses_it(
    session: Any,
) -> None:
    final_protocol(session)
    undeclare(session, 3)
    analysis = analysis_with_group(session)
    with expect_events("risk.indicators_computed"):
        proposed = services.compute(session, actor=f.ACTOR, settings=settings(), analysis=analysis)
    lights = {r.code: r.light for r in analysis.readings}
    assert lights["jurors_undeclared"] == "red" and lights["audit_chain"] == "green"
    codes = {p.indicator for p in proposed}
    assert "jurors_undeclared" in codes and "critical_alone" not in codes  # one unseal: amber
    assert all(p.status is FindingStatus.PROPOSED for p in proposed)
    assert (
        services.compute(session, actor=f.ACTOR, settings=settings(), analysis=analysis) == []
    )  # not twice
    undeclared = next(p for p in proposed if p.indicator == "jurors_undeclared")
    assert undeclared.direction == Direction.CONFLICT_OF_INTEREST
    with pytest.raises(Conflict) as blocked:
        services.submit_for_review(session, actor=f.ACTOR, analysis=analysis)
    assert blocked.value.details["code"] == "proposed"
    with expect_events("risk.finding_saved"):
        services.save_finding(session, actor=f.ACTOR, analysis=analysis, finding=undeclared,
                              description="Қазылар декларациясыз іріктелген", likelihood=4, impact=4)  # fmt: skip
    assert undeclared.status is FindingStatus.OPEN
    for other in [p for p in proposed if p is not undeclared]:
        with pytest.raises(InvalidInput):
            services.dismiss_finding(session, actor=f.ACTOR, finding=other, reason=" ")
        services.dismiss_finding(session, actor=f.ACTOR, finding=other, reason="Тексерілді")
    with pytest.raises(InvalidInput):
        services.save_finding(session, actor=f.ACTOR, analysis=analysis, finding=None,
                              direction=2, description="x", likelihood=6, impact=1)  # fmt: skip
    services.submit_for_review(session, actor=f.ACTOR, analysis=analysis)
    assert analysis.state is AnalysisState.IN_REVIEW


def test_signing_freezes_a_version_and_a_change_needs_reopening_and_a_new_version(
    session: Any,
) -> None:
    analysis = analysis_with_group(session)
    services.compute(session, actor=f.ACTOR, settings=settings(), analysis=analysis)
    services.submit_for_review(session, actor=f.ACTOR, analysis=analysis)
    with expect_events("risk.signed"):
        first = services.sign(session, actor=f.ACTOR, settings=settings(), analysis=analysis)
    content = json.loads(first.content)
    assert content["version"] == 1 and len(first.content_sha256) == 64
    assert services.version_by_hash(session, first.content_sha256.upper()) is first
    with pytest.raises(Conflict) as frozen:
        services.save_finding(session, actor=f.ACTOR, analysis=analysis, finding=None,
                              direction=1, description="Кеш қосылған")  # fmt: skip
    assert frozen.value.details["code"] == "signed"
    services.reopen(session, actor=f.ACTOR, analysis=analysis, reason="Қосымша тәуекел")
    services.save_finding(session, actor=f.ACTOR, analysis=analysis, finding=None, direction=1,
                          description="Кеш қосылған")  # fmt: skip
    services.submit_for_review(session, actor=f.ACTOR, analysis=analysis)
    second = services.sign(session, actor=f.ACTOR, settings=settings(), analysis=analysis)
    assert second.number == 2 and second.content_sha256 != first.content_sha256
    assert json.loads(first.content) == content  # the first version stays as it was signed


def test_the_next_analysis_carries_open_findings_and_unfinished_recommendations(
    session: Any,
) -> None:
    old = analysis_with_group(session)
    open_ = services.save_finding(session, actor=f.ACTOR, analysis=old, finding=None, direction=5,
                                  description="Хаттамалар кеш жарияланады")  # fmt: skip
    closed = services.save_finding(session, actor=f.ACTOR, analysis=old, finding=None,
                                   direction=6, description="Жабылған")  # fmt: skip
    services.close_finding(session, actor=f.ACTOR, finding=closed, note="Шаралар орындалды")
    services.save_recommendation(session, actor=f.ACTOR, analysis=old, measure="Жариялау мерзімін бекіту",
                                 responsible="директордың орынбасары", deadline=TODAY - dt.timedelta(days=1),
                                 finding=open_)  # fmt: skip
    services.save_recommendation(session, actor=f.ACTOR, analysis=old, measure="Орындалды",
                                 responsible="бөлім басшысы", deadline=TODAY,
                                 status=RecommendationStatus.DONE)  # fmt: skip
    old.period_start, old.period_end = (
        dt.date(TODAY.year - 1, 1, 1),
        dt.date(TODAY.year - 1, 12, 31),
    )
    new = services.create(
        session, actor=f.ACTOR, period_start=YEAR[0], period_end=YEAR[1], previous=old
    )
    assert [(x.description, x.repeated) for x in new.findings] == [
        ("Хаттамалар кеш жарияланады", True)
    ]
    (carried,) = new.recommendations
    assert carried.repeated and carried.overdue(TODAY) and carried.finding is new.findings[0]
    assert [m.name for m in new.members] == [m.name for m in old.members]
    assert next(s for s in new.sources if s.number == 12).used  # the previous analysis is a source


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_the_report_reopens_as_docx_with_its_sections_and_the_pdf_keeps_kazakh_letters(
    session: Any, lang: str
) -> None:
    final_protocol(session)
    undeclare(session, 3)
    analysis = analysis_with_group(session)
    services.compute(session, actor=f.ACTOR, settings=settings(), analysis=analysis)
    finding = next(x for x in analysis.findings if x.indicator == "jurors_undeclared")
    services.save_finding(session, actor=f.ACTOR, analysis=analysis, finding=finding,
                          description="Қазылар декларациясыз іріктелген", likelihood=4, impact=4,
                          likelihood_after=2, impact_after=2)  # fmt: skip
    for other in [x for x in analysis.findings if x.status is FindingStatus.PROPOSED]:
        services.dismiss_finding(session, actor=f.ACTOR, finding=other, reason="Тексерілді")
    services.save_recommendation(session, actor=f.ACTOR, analysis=analysis,
                                 measure="Декларацияларды іріктеуге дейін жинау",
                                 responsible="жюри төрағасы", deadline=TODAY - dt.timedelta(days=3))  # fmt: skip
    services.set_positions(session, actor=f.ACTOR, analysis=analysis, rows=[
        ("Бөлім басшысы", "Қазылар алқасының құрамын қалыптастыру",
         "Қазылар мен жетекшілер арасындағы бейресми байланыстар"),
    ])  # fmt: skip
    snap = services.snapshot(analysis, today=TODAY, settings=settings())

    book = Document(io.BytesIO(documents.render_docx(snap, lang, SEAL)))
    text = "\n".join(p.text for p in book.paragraphs)
    cells = "\n".join(c.text for t in book.tables for row in t.rows for c in row.cells)
    t = documents.LABELS[lang]
    for heading in ("approve", "title", "group", "sources", "findings", "indicators",
                    "conclusions", "recommendations", "agreed", "appendix"):  # fmt: skip
        assert t[heading] in text, heading
    assert Direction.PERMITS.title(lang) in text
    no_risk = "анықталған жоқ" if lang == "kk" else "не выявлены"
    assert text.count(no_risk) == 8  # every direction but the one with a finding
    assert "Қазылар декларациясыз іріктелген" in text
    assert t["overdue"] in cells and "Бөлім басшысы" in cells and "Сәрсенова А." in text
    assert len(book.tables) == 4  # sources, indicators, recommendations, positions

    pdf = pdfium.PdfDocument(documents.render_pdf(snap, lang, SEAL))
    extracted = "".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    flat = extracted.replace("\r", "").replace("\n", " ")
    assert "ә" in extracted or lang == "ru"
    assert any(ch in extracted for ch in "әғқңөұүһі")  # names and findings keep Kazakh letters
    assert SEAL.sha256 in flat.replace(" ", "") and t["title"].split()[0] in flat


def test_the_command_line_starts_measures_signs_and_writes_the_report(
    app: Any, session: Any, tmp_path: Any
) -> None:
    final_protocol(session)
    session.commit()
    run = app.test_cli_runner().invoke
    started = run(args=["risk", "new", "--from", YEAR[0].isoformat(), "--to", YEAR[1].isoformat(),
                        "--order", "69"])  # fmt: skip
    assert started.exit_code == 0, started.output
    analysis_id = int(started.output.split()[-1])
    bad = run(args=["risk", "new", "--from", "2026-02-30", "--to", "2026-12-31"])
    assert bad.exit_code == 2 and "not a date" in bad.output
    measured = run(args=["risk", "compute", "--analysis", str(analysis_id)])
    assert measured.exit_code == 0 and "audit_chain" in measured.output
    live = run(args=["risk", "indicators", "--from", YEAR[0].isoformat(), "--to",
                     YEAR[1].isoformat(), "--json"])  # fmt: skip
    assert live.exit_code == 0 and '"code": "protocols_late"' in live.output
    draft = tmp_path / "draft.pdf"
    assert run(args=["risk", "report", "--analysis", str(analysis_id), "--lang", "kk",
                     "--format", "pdf", "--out", str(draft)]).exit_code == 0  # fmt: skip
    text = "".join(p.get_textpage().get_text_range() for p in pdfium.PdfDocument(str(draft)))
    assert documents.LABELS["kk"]["draft"].split(":")[0] in text  # an unsigned draft says so
    refused = run(args=["risk", "review", "--analysis", str(analysis_id)])
    assert refused.exit_code == 1  # no working group named yet
    analysis = session.get(Analysis, analysis_id)
    services.set_members(session, actor=f.ACTOR, analysis=analysis,
                         members=[("Әбенова Д.", "директор", MemberRole.CHAIR)])  # fmt: skip
    for finding in list(analysis.findings):
        services.dismiss_finding(session, actor=f.ACTOR, finding=finding, reason="demo")
    session.commit()
    assert run(args=["risk", "review", "--analysis", str(analysis_id)]).exit_code == 0
    signed = run(args=["risk", "sign", "--analysis", str(analysis_id)])
    assert signed.exit_code == 0 and signed.output.startswith("version 1 ")
    out = tmp_path / "report.docx"
    written = run(args=["risk", "report", "--analysis", str(analysis_id), "--lang", "ru",
                        "--format", "docx", "--out", str(out)])  # fmt: skip
    assert written.exit_code == 0
    footer = Document(str(out)).sections[0].footer.paragraphs[0].text
    assert signed.output.split()[2] in footer


def test_the_matrix_is_configurable_but_never_below_a_score_already_given(session: Any) -> None:
    analysis = services.create(session, actor=f.ACTOR, period_start=YEAR[0], period_end=YEAR[1])
    services.save_finding(session, actor=f.ACTOR, analysis=analysis, finding=None, direction=7,
                          description="Шарттар", likelihood=4, impact=2)  # fmt: skip
    with pytest.raises(InvalidInput):
        services.set_texts(session, actor=f.ACTOR, analysis=analysis, matrix_size="3")
    services.set_texts(session, actor=f.ACTOR, analysis=analysis, matrix_size="4")
    assert services.matrix(analysis).size == 4
    assert services.matrix(analysis).level(4, 4) == "high"
    assert services.matrix(analysis).level(1, 2) == "low"
    with pytest.raises(InvalidInput):
        services.save_finding(session, actor=f.ACTOR, analysis=analysis, finding=None,
                              direction=7, description="x", likelihood=5, impact=1)  # fmt: skip


def test_the_signed_pdfs_qr_code_opens_the_public_check_of_that_version(session: Any) -> None:
    import numpy as np
    import zxingcpp

    analysis = analysis_with_group(session)
    services.compute(session, actor=f.ACTOR, settings=settings(), analysis=analysis)
    for finding in list(analysis.findings):
        services.dismiss_finding(session, actor=f.ACTOR, finding=finding, reason="demo")
    services.submit_for_review(session, actor=f.ACTOR, analysis=analysis)
    version = services.sign(session, actor=f.ACTOR, settings=settings(), analysis=analysis)
    from integrity.risk.services.reports import render

    pdf = pdfium.PdfDocument(render(session, analysis, settings=settings(), lang="kk", fmt="pdf"))
    image = pdf[0].render(scale=150 / 72, grayscale=True).to_pil()
    (code,) = [c for c in zxingcpp.read_barcodes(np.asarray(image))
               if c.format == zxingcpp.BarcodeFormat.QRCode]  # fmt: skip
    assert code.text == f"https://olimp.example.kz/r/{version.content_sha256}"


def test_changing_a_recommendations_status_keeps_the_finding_it_answers(session: Any) -> None:
    analysis = services.create(session, actor=f.ACTOR, period_start=YEAR[0], period_end=YEAR[1])
    finding = services.save_finding(session, actor=f.ACTOR, analysis=analysis, finding=None,
                                     direction=5, description="Кеш жариялау")  # fmt: skip
    rec = services.save_recommendation(session, actor=f.ACTOR, analysis=analysis, measure="Жариялау",
                                       responsible="әдіскер", deadline=TODAY, finding=finding)  # fmt: skip
    services.save_recommendation(session, actor=f.ACTOR, analysis=analysis, recommendation=rec,
                                 measure=rec.measure, responsible=rec.responsible, deadline=TODAY,
                                 status=RecommendationStatus.DONE, note="Орындалды")  # fmt: skip
    assert rec.finding_id == finding.id and rec.status is RecommendationStatus.DONE


def test_in_review_nothing_changes_and_signing_refuses_a_waiting_proposal(session: Any) -> None:
    final_protocol(session)
    undeclare(session, 3)
    analysis = analysis_with_group(session)
    services.compute(session, actor=f.ACTOR, settings=settings(), analysis=analysis)
    for finding in list(analysis.findings):
        services.dismiss_finding(session, actor=f.ACTOR, finding=finding, reason="demo")
    services.submit_for_review(session, actor=f.ACTOR, analysis=analysis)
    for change in (
        lambda: services.compute(session, actor=f.ACTOR, settings=settings(), analysis=analysis),
        lambda: services.save_finding(session, actor=f.ACTOR, analysis=analysis, finding=None,
                                      direction=1, description="x"),
    ):  # fmt: skip
        with pytest.raises(Conflict) as frozen:
            change()
        assert frozen.value.details["code"] == "in_review"
    # A proposal that slipped in (say, by an older page) still blocks the signature.
    analysis.findings[0].status = FindingStatus.PROPOSED
    with pytest.raises(Conflict) as waiting:
        services.sign(session, actor=f.ACTOR, settings=settings(), analysis=analysis)
    assert waiting.value.details["code"] == "proposed"
    analysis.findings[0].status = FindingStatus.DISMISSED
    services.reopen(session, actor=f.ACTOR, analysis=analysis, reason="one more source")
    assert analysis.state is AnalysisState.DRAFT and analysis.version == 0


def test_a_recommendation_of_another_analysis_cannot_be_changed_from_this_one(session: Any) -> None:
    signed = analysis_with_group(session)
    rec = services.save_recommendation(session, actor=f.ACTOR, analysis=signed, measure="A",
                                       responsible="B", deadline=TODAY)  # fmt: skip
    draft = services.create(session, actor=f.ACTOR, period_start=YEAR[0], period_end=YEAR[1])
    with pytest.raises(InvalidInput):
        services.save_recommendation(session, actor=f.ACTOR, analysis=draft, recommendation=rec,
                                     measure="A", responsible="B", deadline=TODAY,
                                     status=RecommendationStatus.DONE)  # fmt: skip
    assert rec.status is RecommendationStatus.PLANNED
