"""The report as an outline of blocks (paragraphs, tables, page breaks), built from the signed
snapshot alone; the DOCX and the PDF are two writings of it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from integrity.risk.domain import SOURCES, Direction, no_risk_sentence, wording
from integrity.risk.domain.documents.words import LABELS
from integrity.risk.domain.indicators import BY_CODE


@dataclass(frozen=True)
class Para:
    text: str
    bold: bool = False
    align: str = "left"  # left | right | centre
    size: float = 11
    heading: int = 0  # 0: body; 1 or 2: a heading of that level
    keep: bool = False  # on the same page as the block after it (a signature block)


@dataclass(frozen=True)
class Table:
    """A table with a heading for every column; its column widths follow from its content
    (``fit_widths``), so that no word and no date breaks inside a cell."""

    headers: list[str]
    rows: list[list[str]]
    bold_rows: frozenset[int] = field(default_factory=frozenset)


@dataclass(frozen=True)
class PageBreak:
    """A new page; a ``soft`` one only when the rest of the document does not fit whole on the
    current page, so that no page is left nearly empty before a short appendix."""

    soft: bool = False


def _words(text: str) -> list[str]:
    """What may not break: the text between ordinary spaces (a no-break space holds)."""
    return [w for w in text.replace("\n", " ").split(" ") if w]


def fit_widths(
    table: Table, total: float, measure: Callable[[str, bool], float], padding: float
) -> list[float] | None:
    """Column widths from the content, as a browser lays out a table: every column at least as
    wide as its widest word or date, the room left shared by how much more each would like.
    ``measure(text, bold)`` is a text's width; None when even the widest words do not fit."""
    narrowest, widest = [], []
    for n, header in enumerate(table.headers):
        cells = [(header, True)] + [
            (row[n], i in table.bold_rows) for i, row in enumerate(table.rows)
        ]
        narrowest.append(
            padding
            + max(
                (measure(word, bold) for text, bold in cells for word in _words(text)), default=0.0
            )
        )
        widest.append(
            padding
            + max(
                (measure(line, bold) for text, bold in cells for line in text.splitlines()),
                default=0.0,
            )
        )
    if sum(narrowest) > total:
        return None
    if sum(widest) <= total:
        return [w * total / sum(widest) for w in widest]
    wants = [w - n for w, n in zip(widest, narrowest, strict=True)]
    room = total - sum(narrowest)
    return [n + room * want / sum(wants) for n, want in zip(narrowest, wants, strict=True)]


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


def seal_line(seal: Seal, lang: str) -> str:
    t = LABELS[lang]
    version = t["draft"] if seal.version == 0 else t["version"].format(n=seal.version)
    return f"{version} · {t['hash']}: {seal.sha256}"


def _date(text: str | None) -> str:
    return dt.date.fromisoformat(text).strftime("%d.%m.%Y") if text else "—"


def outline(snap: dict[str, Any], lang: str) -> list[Block]:
    """The report's blocks, in the order of the model rules' form."""
    t = LABELS[lang]
    return [
        *_title(snap, lang, t),
        *_group(snap, t),
        *_sources(snap, lang, t),
        *_findings(snap, lang, t),
        *_indicators(snap, lang, t),
        Para(t["conclusions"], heading=2, bold=True),
        *[Para(line) for line in snap["conclusions"][lang].splitlines() if line.strip()],
        *_recommendations(snap, t),
        *_closing(snap, t),
    ]


def _title(snap: dict[str, Any], lang: str, t: dict[str, str]) -> list[Block]:
    """The approval corner, the title, the object, the legal basis and the nine directions."""
    org = snap["organisation"][lang]
    return [
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
    ]  # fmt: skip


def _group(snap: dict[str, Any], t: dict[str, str]) -> list[Block]:
    """The working group, the period analysed, the analysis dates, the period compared with."""
    blocks: list[Block] = [Para(t["group"], bold=True)]
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
    return blocks


def _sources(snap: dict[str, Any], lang: str, t: dict[str, str]) -> list[Block]:
    source_rows = []
    for s in snap["sources"]:
        kk, ru = SOURCES[s["number"] - 1]
        note = s["note"] + (("\n" + s["evidence"]) if s["evidence"] else "")
        source_rows.append([str(s["number"]), kk if lang == "kk" else ru,
                            t["used"] if s["used"] else t["na"], note])  # fmt: skip
    return [
        Para(t["sources"], heading=2, bold=True),
        Table(["№", t["source"], t["use"], t["note"]], source_rows),
    ]


def _findings(snap: dict[str, Any], lang: str, t: dict[str, str]) -> list[Block]:
    blocks: list[Block] = [Para(t["findings"], heading=2, bold=True)]
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
    return blocks


def _indicators(snap: dict[str, Any], lang: str, t: dict[str, str]) -> list[Block]:
    rows = []

    def said(value: str | None, unit: str) -> str:
        return wording.value_text(None if value is None else float(value), unit, lang)

    for r in snap["indicators"]:
        indicator = BY_CODE.get(r["code"])
        name = indicator.name(lang) if indicator else r["code"]
        unit = indicator.unit if indicator else ""
        light = t[r["light"]] if r["light"] in t else r["light"]
        threshold = (
            "—" if indicator and indicator.informative
            else f"{said(r['amber'], '')} / {said(r['red'], '')}"
        )  # fmt: skip
        detail = wording.detail_of_stored(r["code"], r["detail"], lang)
        value = said(r["value"], unit) + (f"\n{detail}" if detail else "")
        rows.append([name, value, threshold, light, said(r["previous"], unit)])
    return [
        Para(t["indicators"], heading=2, bold=True),
        Table([t["indicator"], t["value"], t["threshold"], t["light"], t["previous"]], rows),
    ]


def _recommendations(snap: dict[str, Any], t: dict[str, str]) -> list[Block]:
    rec_rows, late = [], set()
    for n, r in enumerate(snap["recommendations"], start=1):
        status = t[r["status"]] + (f", {t['overdue']}" if r["overdue"] else "")
        if r["overdue"]:
            late.add(n - 1)
        rec_rows.append([str(n), r["measure"] + (f" {t['repeated']}" if r["repeated"] else ""),
                         r["risk"], r["responsible"], _date(r["deadline"]), status])  # fmt: skip
    return [
        Para(t["recommendations"], heading=2, bold=True),
        Table(["№", t["measure"], t["risk_col"], t["responsible"], t["deadline"], t["status"]],
              rec_rows, frozenset(late)),
    ]  # fmt: skip


def _closing(snap: dict[str, Any], t: dict[str, str]) -> list[Block]:
    """The members' signatures, then the appendix of positions on a page of its own."""
    return [
        Para(t["agreed"], bold=True, keep=True),
        *[Para(f"{m['position']}   ____________   {m['name']}", keep=n < len(snap["members"]))
          for n, m in enumerate(snap["members"], start=1)],
        PageBreak(soft=True),
        Para(t["appendix_note"], align="right", size=9),
        Para(t["appendix"], bold=True, align="centre", heading=2),
        Table(["№", t["position"], t["competence"], t["risks"]],
              [[str(p["number"]), p["position"], p["competence"], p["risk"]] for p in snap["positions"]]),
    ]  # fmt: skip
