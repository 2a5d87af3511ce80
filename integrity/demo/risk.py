"""The demo's corruption-risk analyses: last year's, signed and published (its indicator values
written as the working group recorded them, before the platform measured anything), and this
year's draft, carried over from it and measured from the demo's own records. Names here are
generated demo names; positions and risks follow the centre's own report."""

from __future__ import annotations

import datetime as dt

from integrity.audit.domain import Actor
from integrity.db import AnySession
from integrity.risk import services
from integrity.risk.domain import MemberRole
from integrity.risk.domain.indicators import BY_CODE
from integrity.risk.models import (
    Analysis,
    FindingStatus,
    IndicatorReading,
    RecommendationStatus,
)
from integrity.settings import Settings

MEMBERS: list[tuple[str, str, str]] = [
    ("Әбенова Д. С.", "директор", MemberRole.CHAIR),
    ("Серікбаев Н. Т.", "директордың орынбасары", MemberRole.MEMBER),
    ("Қасымова Г. Е.", "бас бухгалтер", MemberRole.MEMBER),
    ("Жұмабеков Р. А.", "бөлім басшысы", MemberRole.MEMBER),
    ("Оспанова Ә. Қ.", "іс жүргізуші", MemberRole.SECRETARY),
]
POSITIONS = [
    ("Директор", "Білім алушыларды қабылдау, тіркеу. Бірінші қол қою құқығы",
     "НҚА толық меңгермеуі, білмеуі"),
    ("Бас есепші, есепші", "Қаржы қызметін жүргізуі",
     "Қаржыландыруды жүргізуде, бюджетті жоспарлауда кемшіліктер, мемлекеттік сатып алу ережесінің бұзылуы"),
    ("Бөлім басшысы", "Олимпиадалар мен конкурстарды ұйымдастыру, қазылар алқасының құрамын қалыптастыру",
     "Қазылар алқасы мүшелері мен қатысушылардың жетекшілері арасындағы бейресми байланыстар"),
    ("Жүйелік әкімші", "Жауап парақтарын сканерлеу және нәтижелерді сайтқа жариялау",
     "Нәтижелердің (хаттамалардың) ресми сайтта жариялануындағы кешіктірулер"),
]  # fmt: skip
# Last year's values as the working group recorded them by hand (what a value is made of is kept
# as numbers, as the platform keeps it: risk.domain.wording says it in words).
LAST_YEAR = {
    "protocols_late": (33.3, "red", '{"n": 4, "of": 12}'),
    "score_changes_without_appeal": (2.0, "amber", ""),
    "jurors_undeclared": (6.0, "red", '{"n": 6, "of": 28}'),
    "appeals_late": (2.0, "amber", ""),
    "marker_divergence": (22.0, "amber", ""),
    "audit_chain": (0.0, "green", ""),
}


def load_risk_demo(
    session: AnySession, *, settings: Settings, today: dt.date, director: Actor, organiser: Actor
) -> Analysis:
    """Last year's analysis published; this year's drafted from it and measured."""
    last = _last_year(session, today=today, organiser=organiser)
    services.submit_for_review(session, actor=organiser, analysis=last)
    services.sign(session, actor=director, settings=settings, analysis=last)
    services.publish(session, actor=director, analysis=last)

    stage_lapses(session)
    current = services.create(
        session, actor=organiser, period_start=dt.date(today.year, 1, 1),
        period_end=dt.date(today.year, 12, 31), order_number="12", order_date=today, previous=last,
    )  # fmt: skip
    services.compute(session, actor=organiser, settings=settings, analysis=current)
    # One proposal accepted with the working group's own words; the rest wait for a person.
    proposed = [f for f in current.findings if f.status is FindingStatus.PROPOSED]
    if proposed:
        services.save_finding(
            session, actor=organiser, analysis=current, finding=proposed[0],
            description=proposed[0].description + " — жұмыс тобы тексерді",
            likelihood=3, impact=3,
        )  # fmt: skip
    return current


def _last_year(session: AnySession, *, today: dt.date, organiser: Actor) -> Analysis:
    """Last year's analysis as the working group wrote it, ready for review."""
    last = services.create(
        session, actor=organiser, period_start=dt.date(today.year - 1, 1, 1),
        period_end=dt.date(today.year - 1, 12, 31), order_number="69",
        order_date=dt.date(today.year, 1, 10),
    )  # fmt: skip
    last.analysis_from, last.analysis_to = dt.date(today.year, 1, 10), dt.date(today.year, 1, 31)
    services.set_members(session, actor=organiser, analysis=last, members=MEMBERS)
    services.set_positions(session, actor=organiser, analysis=last, rows=POSITIONS)
    services.set_sources(session, actor=organiser, analysis=last,
                         sources={n: (True, "", "") for n in (1, 2, 5, 8)})  # fmt: skip
    for code, (value, light, detail) in LAST_YEAR.items():
        limits = BY_CODE[code].thresholds
        last.readings.append(IndicatorReading(code=code, value=value, light=light, detail=detail,
                                              amber=limits.amber, red=limits.red))  # fmt: skip
    _last_year_findings(session, today=today, organiser=organiser, last=last)
    services.set_texts(
        session, actor=organiser, analysis=last,
        conclusions_kk="Жүргізілген ішкі талдау нәтижесінде мекеме қызметінде жүйелі сыбайлас "
        "жемқорлық фактілері анықталған жоқ.",
        conclusions_ru="По результатам проведённого внутреннего анализа системных фактов "
        "коррупции в деятельности учреждения не выявлено.",
    )  # fmt: skip
    return last


def _last_year_findings(
    session: AnySession, *, today: dt.date, organiser: Actor, last: Analysis
) -> None:
    late = services.save_finding(
        session, actor=organiser, analysis=last, finding=None, direction=5,
        description="Аудандық кезеңдерде хаттамалардың ресми сайтта кешіктіріп жариялануы",
        cause="Хаттамалар қолмен шифрланып, қолмен жинақталады", process="Жүйелік әкімші",
        likelihood=4, impact=4,
    )  # fmt: skip
    services.save_finding(
        session, actor=organiser, analysis=last, finding=None, direction=9,
        description="Берілген дипломдар мен мақтау қағаздарының QR-кодпен қорғалмауы",
        likelihood=3, impact=4,
    )  # fmt: skip
    services.save_recommendation(
        session, actor=organiser, analysis=last, finding=late,
        measure="Хаттамаларды тур аяқталғаннан кейін 3 күн ішінде жариялау",
        responsible="директордың орынбасары", deadline=today - dt.timedelta(days=20),
        status=RecommendationStatus.IN_PROGRESS,
    )  # fmt: skip
    services.save_recommendation(
        session, actor=organiser, analysis=last,
        measure="Қазылар алқасының құрамын автоматты түрде кездейсоқ іріктеу жүйесін енгізу",
        responsible="бөлім басшысы", deadline=today - dt.timedelta(days=60),
        status=RecommendationStatus.DONE, note="Integrity платформасы енгізілді",
    )  # fmt: skip


def stage_lapses(session: AnySession) -> None:
    """The lapses this year's demo data shows, as a working group would meet them: the rounds
    took place yesterday, except the one already final, held six days ago (so its ciphered
    protocol, published two days ago, came a day late; the loader dates the rounds so, before
    their kits are printed); and three jurors were drawn before they signed their declarations."""
    from sqlalchemy import select

    from integrity.jury.models import Assignment
    from integrity.registry.models import JurorDeclaration

    drawn = select(Assignment.juror_id).distinct()
    for declaration in session.execute(
        select(JurorDeclaration)
        .where(JurorDeclaration.juror_id.in_(drawn))
        .order_by(JurorDeclaration.juror_id)
        .limit(3)
    ).scalars():
        session.delete(declaration)
    session.flush()
