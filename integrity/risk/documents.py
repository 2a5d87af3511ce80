"""The analytical report (талдамалық анықтама) as DOCX and PDF, in Kazakh or Russian. Pure: the
signed snapshot in, bytes out.

One outline (a list of blocks) is built from the snapshot and written twice: as an editable DOCX
for the official signature, and as a PDF whose every page carries the version, the content hash,
the audit chain head and a QR code linking to the public check page. The order of the sections is
the model rules' form, as the centre's own 2025 report follows it.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from typing import Any

from integrity.risk.domain import SOURCES, Direction, no_risk_sentence
from integrity.risk.indicators import BY_CODE

LABELS: dict[str, dict[str, str]] = {
    "kk": {
        "approve": "БЕКІТЕМІН", "director": "директоры", "date_line": "«___» __________ 20___ ж.",
        "title": "Сыбайлас жемқорлық тәуекелдеріне ішкі талдау нәтижелері туралы талдамалық анықтама",
        "object": "Сыбайлас жемқорлық тәуекелдеріне ішкі талдауға жататын мекеменің атауы:",
        "basis": "Құқықтық негіз:",
        "directions": "Сыбайлас жемқорлық тәуекелдерін ішкі талдау бағыттары:",
        "group": "Жұмыс тобы:", "order": "{date} №{number} бұйрығына сәйкес құрылды.",
        "chair": "Топ жетекшісі:", "members": "Топ мүшелері:", "secretary": "Хатшы:",
        "period": "Сыбайлас жемқорлық тәуекелдерін ішкі талдаумен қамтылатын кезең:",
        "dates": "Сыбайлас жемқорлық тәуекелдеріне ішкі талдау жүргізу мерзімі:",
        "range": "{start} – {end}",
        "sources": "Талдау барысында пайдаланылған ақпарат көздері",
        "source": "Ақпарат көзі", "used": "Пайдаланылды", "na": "Қолданылмайды", "note": "Ескертпе",
        "findings": "Бағыттар бойынша талдау нәтижелері",
        "examined": "Не зерделенді:", "risk": "Сыбайлас жемқорлық тәуекелі:", "cause": "Себебі:",
        "process": "Процесс немесе лауазым:", "evidence": "Негіздеме:",
        "score": "Ықтималдығы × салдары: {l} × {i} ({level})",
        "after": "шаралардан кейін: {l} × {i} ({level})", "repeated": "(алдыңғы талдаудан қайталанған)",
        "low": "төмен", "medium": "орташа", "high": "жоғары",
        "indicators": "Платформа деректері бойынша көрсеткіштер",
        "indicator": "Көрсеткіш", "value": "Мәні", "threshold": "Шегі (сары / қызыл)",
        "light": "Белгісі", "previous": "Алдыңғы кезең",
        "green": "жасыл", "amber": "сары", "red": "қызыл", "none": "деректер жоқ",
        "conclusions": "ҚОРЫТЫНДЫ",
        "recommendations": "Ұсынымдар",
        "measure": "Ұсыным (жою жөніндегі шара)", "risk_col": "Анықталған сыбайлас жемқорлық тәуекелі",
        "responsible": "Жауапты орындаушы", "deadline": "Орындау мерзімі", "status": "Мәртебесі",
        "planned": "жоспарланған", "in_progress": "орындалуда", "done": "орындалды",
        "overdue": "мерзімі өткен",
        "agreed": "Талдамалық анықтамамен келісті:",
        "appendix_note": "Сыбайлас жемқорлық тәуекелдеріне ішкі талдау жүргізу бойынша әдістемелік ұсынымдарға 4-қосымша",
        "appendix": "Сыбайлас жемқорлық тәуекелдеріне ішкі талдау нәтижелері бойынша айқындалатын сыбайлас жемқорлық тәуекелдеріне ұшырайтын лауазымдардың тізбесі",
        "position": "Сыбайлас жемқорлық тәуекелдеріне байланысты лауазымдар",
        "competence": "Сыбайлас жемқорлық тәуекелдеріне байланысты лауазымдық құзыреті",
        "risks": "Сыбайлас жемқорлық тәуекелдері",
        "version": "Нұсқа {n}", "hash": "Мазмұнның SHA-256 хэші", "head": "Аудит тізбегінің басы",
        "check": "Тексеру", "compare": "Алдыңғы кезеңмен ({start} – {end}) салыстырылды.",
        "page": "бет", "draft": "ЖОБА: қол қойылмаған, ресми құжат емес",
    },
    "ru": {
        "approve": "УТВЕРЖДАЮ", "director": "Директор", "date_line": "«___» __________ 20___ г.",
        "title": "Аналитическая справка о результатах внутреннего анализа коррупционных рисков",
        "object": "Наименование объекта внутреннего анализа коррупционных рисков:",
        "basis": "Правовое основание:",
        "directions": "Направления внутреннего анализа коррупционных рисков:",
        "group": "Рабочая группа:", "order": "создана в соответствии с приказом от {date} №{number}.",
        "chair": "Руководитель группы:", "members": "Члены группы:", "secretary": "Секретарь:",
        "period": "Период, охватываемый внутренним анализом коррупционных рисков:",
        "dates": "Сроки проведения внутреннего анализа коррупционных рисков:",
        "range": "{start} – {end}",
        "sources": "Источники информации, использованные в ходе анализа",
        "source": "Источник информации", "used": "Использован", "na": "Не применимо",
        "note": "Примечание",
        "findings": "Результаты анализа по направлениям",
        "examined": "Что изучено:", "risk": "Коррупционный риск:", "cause": "Причина:",
        "process": "Процесс или должность:", "evidence": "Обоснование:",
        "score": "Вероятность × последствия: {l} × {i} ({level})",
        "after": "после мер: {l} × {i} ({level})", "repeated": "(повторно, из предыдущего анализа)",
        "low": "низкий", "medium": "средний", "high": "высокий",
        "indicators": "Показатели по данным платформы",
        "indicator": "Показатель", "value": "Значение", "threshold": "Порог (жёлтый / красный)",
        "light": "Сигнал", "previous": "Предыдущий период",
        "green": "зелёный", "amber": "жёлтый", "red": "красный", "none": "нет данных",
        "conclusions": "ЗАКЛЮЧЕНИЕ",
        "recommendations": "Рекомендации",
        "measure": "Рекомендация (мера по устранению)", "risk_col": "Выявленный коррупционный риск",
        "responsible": "Ответственный исполнитель", "deadline": "Срок исполнения",
        "status": "Статус", "planned": "запланировано", "in_progress": "выполняется",
        "done": "выполнено", "overdue": "просрочено",
        "agreed": "С аналитической справкой согласовано:",
        "appendix_note": "Приложение 4 к Методическим рекомендациям по проведению внутреннего анализа коррупционных рисков",
        "appendix": "Перечень должностей, подверженных коррупционным рискам, определяемых по результатам внутреннего анализа коррупционных рисков",
        "position": "Должности, связанные с коррупционными рисками",
        "competence": "Должностные полномочия, связанные с коррупционными рисками",
        "risks": "Коррупционные риски",
        "version": "Версия {n}", "hash": "SHA-256 содержимого", "head": "Голова журнала аудита",
        "check": "Проверка", "compare": "Проведено сравнение с предыдущим периодом ({start} – {end}).",
        "page": "стр.", "draft": "ПРОЕКТ: не подписан, не является официальным документом",
    },
}  # fmt: skip


# The critical actions an indicator's detail may name.
ACTIONS = {
    "score_change_after_freeze": {"kk": "хаттамадан кейін балл өзгерту",
                                  "ru": "изменение балла после протокола",
                                  "en": "score change after the protocol"},
    "diploma_batch": {"kk": "дипломдар топтамасы", "ru": "пакет дипломов", "en": "diploma batch"},
    "unseal": {"kk": "шифрды ашу", "ru": "вскрытие шифров", "en": "unsealing"},
}  # fmt: skip


def localise_detail(detail: str, lang: str) -> str:
    """An indicator's detail with the critical actions it names in words of the language."""
    for code, words in ACTIONS.items():
        detail = detail.replace(code, words.get(lang, words["en"]))
    return detail


# ---------------------------------------------------------------- the outline


@dataclass(frozen=True)
class Para:
    text: str
    bold: bool = False
    align: str = "left"  # left | right | centre
    size: float = 11
    heading: int = 0  # 0: body; 1 or 2: a heading of that level


@dataclass(frozen=True)
class Table:
    headers: list[str]
    rows: list[list[str]]
    widths: list[float]  # shares of the text width, summing to 1
    bold_rows: frozenset[int] = field(default_factory=frozenset)


@dataclass(frozen=True)
class PageBreak:
    pass


Block = Para | Table | PageBreak


@dataclass(frozen=True)
class Seal:
    """What every page of the PDF carries: which signed version this is, and where to check it."""

    version: int
    sha256: str
    chain_head: str
    link: str


def blocks_for(snap: dict[str, Any], lang: str, seal: Seal) -> list[Block]:
    """The outline, headed by a warning when this is an unsigned draft (version 0)."""
    blocks = outline(snap, lang)
    if seal.version == 0:
        blocks.insert(0, Para(LABELS[lang]["draft"], bold=True, align="centre"))
    return blocks


def _seal_line(seal: Seal, lang: str) -> str:
    t = LABELS[lang]
    version = t["draft"] if seal.version == 0 else t["version"].format(n=seal.version)
    return f"{version} · {t['hash']}: {seal.sha256}"


def _date(text: str | None) -> str:
    return dt.date.fromisoformat(text).strftime("%d.%m.%Y") if text else "—"


def outline(snap: dict[str, Any], lang: str) -> list[Block]:
    t = LABELS[lang]
    blocks: list[Block] = []
    org = snap["organisation"][lang]
    blocks += [
        Para(t["approve"], bold=True, align="right"),
        # Kazakh names the office after the organisation; Russian would need the genitive, so
        # the office stands on a line of its own above the organisation.
        *([Para(f"{org} {t['director']}", align="right", size=10)] if lang == "kk" else
          [Para(t["director"], align="right", size=10), Para(org, align="right", size=10)]),
        Para("____________________", align="right"),
        Para(t["date_line"], align="right", size=10),
        Para(t["title"], bold=True, align="centre", size=14, heading=1),
        Para(t["object"], bold=True),
        Para(org),
        Para(t["basis"], bold=True),
        Para(snap["legal_basis"][lang]),
        Para(t["directions"], bold=True),
        *[Para(f"{d.value}) {d.title(lang)};" if d.value < 9 else f"{d.value}) {d.title(lang)}.")
          for d in Direction],
        Para(t["group"], bold=True),
    ]  # fmt: skip
    order = snap["order"]
    if order["number"]:
        blocks.append(Para(t["order"].format(date=_date(order["date"]), number=order["number"])))
    members = snap["members"]
    for role, label in (("chair", "chair"), ("member", "members"), ("secretary", "secretary")):
        chosen = [m for m in members if m["role"] == role]
        if chosen:
            blocks.append(Para(t[label], bold=True))
            blocks += [Para(f"{m['name']} – {m['position']}") for m in chosen]
    start, end = snap["period"]
    blocks += [
        Para(t["period"], bold=True),
        Para(t["range"].format(start=_date(start), end=_date(end))),
        Para(t["dates"], bold=True),
        Para(t["range"].format(start=_date(snap["analysis_dates"][0]), end=_date(snap["analysis_dates"][1]))),
    ]  # fmt: skip
    if snap["previous"]:
        p_start, p_end = snap["previous"]["period"]
        blocks.append(Para(t["compare"].format(start=_date(p_start), end=_date(p_end)), size=10))

    blocks.append(Para(t["sources"], heading=2, bold=True))
    source_rows = []
    for s in snap["sources"]:
        kk, ru = SOURCES[s["number"] - 1]
        note = s["note"] + (("\n" + s["evidence"]) if s["evidence"] else "")
        source_rows.append([str(s["number"]), kk if lang == "kk" else ru,
                            t["used"] if s["used"] else t["na"], note])  # fmt: skip
    blocks.append(Table(["№", t["source"], "", t["note"]], source_rows, [0.05, 0.55, 0.15, 0.25]))

    blocks.append(Para(t["findings"], heading=2, bold=True))
    for d in snap["directions"]:
        direction = Direction(d["number"])
        blocks.append(Para(f"{direction.value}) {direction.title(lang)}", bold=True))
        examined = d["examined"][lang]
        if examined:
            blocks.append(Para(f"{t['examined']} {examined}"))
        if not d["findings"]:
            blocks.append(Para(no_risk_sentence(direction, lang)))
        for n, f in enumerate(d["findings"], start=1):
            tail = f" {t['repeated']}" if f["repeated"] else ""
            blocks.append(Para(f"{direction.value}.{n}. {t['risk']} {f['description']}{tail}"))
            for key in ("cause", "process", "evidence"):
                if f[key]:
                    blocks.append(Para(f"{t[key]} {f[key]}", size=10))
            score = t["score"].format(l=f["likelihood"], i=f["impact"], level=t[f["level"]])
            if f["level_after"]:
                score += "; " + t["after"].format(
                    l=f["likelihood_after"], i=f["impact_after"], level=t[f["level_after"]]
                )
            blocks.append(Para(score, size=10))

    blocks.append(Para(t["indicators"], heading=2, bold=True))
    rows = []
    for r in snap["indicators"]:
        indicator = BY_CODE.get(r["code"])
        name = indicator.name(lang) if indicator else r["code"]
        unit = "%" if indicator and indicator.unit == "%" else ""
        value = "—" if r["value"] is None else f"{r['value']}{unit}"
        light = t[r["light"]] if r["light"] in t else r["light"]
        previous = "—" if r["previous"] is None else f"{r['previous']}{unit}"
        threshold = "—" if indicator and indicator.informative else f"{r['amber']} / {r['red']}"
        detail = localise_detail(r["detail"], lang)
        rows.append([name, value + (f"\n{detail}" if detail else ""), threshold, light, previous])
    blocks.append(Table([t["indicator"], t["value"], t["threshold"], t["light"], t["previous"]], rows,
                        [0.34, 0.24, 0.14, 0.12, 0.16]))  # fmt: skip

    blocks.append(Para(t["conclusions"], heading=2, bold=True))
    blocks += [Para(line) for line in snap["conclusions"][lang].splitlines() if line.strip()]

    blocks.append(Para(t["recommendations"], heading=2, bold=True))
    rec_rows, late = [], set()
    for n, r in enumerate(snap["recommendations"], start=1):
        status = t[r["status"]] + (f", {t['overdue']}" if r["overdue"] else "")
        if r["overdue"]:
            late.add(n - 1)
        rec_rows.append([str(n), r["measure"] + (f" {t['repeated']}" if r["repeated"] else ""),
                         r["risk"], r["responsible"], _date(r["deadline"]), status])  # fmt: skip
    blocks.append(Table(["№", t["measure"], t["risk_col"], t["responsible"], t["deadline"], t["status"]],
                        rec_rows, [0.05, 0.31, 0.22, 0.17, 0.11, 0.14], frozenset(late)))  # fmt: skip

    blocks.append(Para(t["agreed"], bold=True))
    for m in members:
        blocks.append(Para(f"{m['position']}   ____________   {m['name']}"))

    blocks += [
        PageBreak(),
        Para(t["appendix_note"], align="right", size=9),
        Para(t["appendix"], bold=True, align="centre", heading=2),
        Table(["№", t["position"], t["competence"], t["risks"]],
              [[str(p["number"]), p["position"], p["competence"], p["risk"]] for p in snap["positions"]],
              [0.06, 0.26, 0.34, 0.34]),
    ]  # fmt: skip
    return blocks


# ---------------------------------------------------------------- DOCX


def render_docx(snap: dict[str, Any], lang: str, seal: Seal) -> bytes:
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt

    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(20)
    section.top_margin = section.bottom_margin = Mm(18)
    style = document.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(11)
    aligns = {"left": WD_ALIGN_PARAGRAPH.LEFT, "right": WD_ALIGN_PARAGRAPH.RIGHT,
              "centre": WD_ALIGN_PARAGRAPH.CENTER}  # fmt: skip
    width = 170.0
    for block in blocks_for(snap, lang, seal):
        if isinstance(block, PageBreak):
            document.add_page_break()  # type: ignore[no-untyped-call]
        elif isinstance(block, Para):
            if block.heading:
                p = document.add_heading(block.text, level=block.heading)
            else:
                p = document.add_paragraph()
                run = p.add_run(block.text)
                run.bold = block.bold
                run.font.size = Pt(block.size)
            p.alignment = aligns[block.align]
        else:
            table = document.add_table(rows=1, cols=len(block.headers))
            table.style = "Table Grid"
            for cell, header in zip(table.rows[0].cells, block.headers, strict=True):
                cell.text = header
                for run in cell.paragraphs[0].runs:
                    run.bold = True
            for index, row in enumerate(block.rows):
                cells = table.add_row().cells
                for cell, text in zip(cells, row, strict=True):
                    cell.text = text
                    if index in block.bold_rows:
                        for run in cell.paragraphs[0].runs:
                            run.bold = True
            for column, share in zip(table.columns, block.widths, strict=True):
                for cell in column.cells:
                    cell.width = Mm(width * share)
    footer = section.footer.paragraphs[0]
    footer.text = f"{_seal_line(seal, lang)} · {LABELS[lang]['check']}: {seal.link}"
    for run in footer.runs:
        run.font.size = Pt(7)
    out = io.BytesIO()
    document.core_properties.title = LABELS[lang]["title"]
    document.save(out)
    return out.getvalue()


# ---------------------------------------------------------------- PDF


def render_pdf(snap: dict[str, Any], lang: str, seal: Seal) -> bytes:
    from xml.sax.saxutils import escape

    from reportlab.lib import colors  # type: ignore[import-untyped]
    from reportlab.lib.pagesizes import A4  # type: ignore[import-untyped]
    from reportlab.lib.styles import ParagraphStyle  # type: ignore[import-untyped]
    from reportlab.lib.units import mm  # type: ignore[import-untyped]
    from reportlab.platypus import (  # type: ignore[import-untyped]
        LongTable,
        Paragraph,
        SimpleDocTemplate,
        Spacer,
        TableStyle,
    )
    from reportlab.platypus import (
        PageBreak as RLPageBreak,
    )

    from integrity.diplomas.documents import qr_modules
    from integrity.scans.domain.kits import FONT, FONT_BOLD, qr_rects, register_fonts

    register_fonts()
    t = LABELS[lang]
    aligns = {"left": 0, "centre": 1, "right": 2}
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm,
                            topMargin=18 * mm, bottomMargin=30 * mm, title=t["title"],
                            author="Integrity")  # fmt: skip
    cell = ParagraphStyle("cell", fontName=FONT, fontSize=8, leading=10)
    cell_bold = ParagraphStyle("cellb", parent=cell, fontName=FONT_BOLD)

    def text(value: str) -> str:
        return escape(value).replace("\n", "<br/>")

    flow: list[Any] = []
    for block in blocks_for(snap, lang, seal):
        if isinstance(block, PageBreak):
            flow.append(RLPageBreak())
        elif isinstance(block, Para):
            size = 13 if block.heading == 1 else 12 if block.heading == 2 else block.size
            style = ParagraphStyle(
                "p", fontName=FONT_BOLD if block.bold or block.heading else FONT, fontSize=size,
                leading=size * 1.3, alignment=aligns[block.align],
                spaceBefore=8 if block.heading else 1, spaceAfter=4 if block.heading else 1,
            )  # fmt: skip
            flow.append(Paragraph(text(block.text), style))
        else:
            width = doc.width
            data = [[Paragraph(text(h), cell_bold) for h in block.headers]] + [
                [Paragraph(text(c), cell_bold if i in block.bold_rows else cell) for c in row]
                for i, row in enumerate(block.rows)
            ]
            table = LongTable(data, colWidths=[width * s for s in block.widths], repeatRows=1)
            table.setStyle(TableStyle([
                ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.93, 0.95, 0.97)),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]))  # fmt: skip
            flow += [Spacer(1, 2 * mm), table, Spacer(1, 3 * mm)]
    matrix = qr_modules(seal.link)

    def footer(canvas: Any, document: Any) -> None:
        canvas.saveState()
        canvas.setFont(FONT, 6.5)
        canvas.setFillGray(0.3)
        # Short lines, left of the QR code: a draft's warning alone would run into it.
        lines = [
            t["draft"] if seal.version == 0 else t["version"].format(n=seal.version),
            f"{t['hash']}: {seal.sha256}",
            f"{t['head']}: {seal.chain_head}",
            f"{t['check']}: {seal.link}",
            f"{document.page} {t['page']}",
        ]
        for n, line in enumerate(lines):
            canvas.drawString(20 * mm, 22 * mm - n * 2.8 * mm, line)
        side = 20 * mm / len(matrix)
        canvas.setFillGray(0)
        canvas.translate(A4[0] - 20 * mm - 20 * mm, 26 * mm)
        canvas.scale(side, -side)
        rects = " ".join(f"{x} {y} {w} {h} re" for x, y, w, h in qr_rects(matrix))
        canvas.addLiteral(f"n {rects} f")
        canvas.restoreState()

    doc.build(flow, onFirstPage=footer, onLaterPages=footer)
    return out.getvalue()
