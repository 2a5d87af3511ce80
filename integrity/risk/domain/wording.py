"""What the director reads about an indicator, in Kazakh, Russian (and English): its definition,
with the deadlines in hours rather than a setting's name; its value in its unit; what the number
is made of. Pure: the dashboard, its drill-downs and the printed report all say it the same way.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from integrity.risk.domain.facts import Words, say

DEFINITIONS: dict[str, Words] = {
    "protocols_late": (
        "Кезеңдегі шифрланған хаттамалардың тур өткен күннен кейін {protocol_hours} ішінде "
        "жарияланбағандарының үлесі (осы мерзім өтіп, әлі жарияланбағандары да есептеледі); "
        "ең ұзақ кешігу көрсетіледі.",
        "Доля шифрованных протоколов периода, опубликованных позже чем через {protocol_hours} "
        "после дня тура или не опубликованных к этому сроку; указывается наибольшая задержка.",
        "Share of the period's ciphered protocols published more than {protocol_hours} after "
        "their round's day, or still unpublished past that time; with the longest delay.",
    ),
    "score_changes_without_appeal": (
        "Хаттама жарияланғаннан кейін апелляциясыз өзгертілген тапсырма баллдарының саны.",
        "Число баллов за задания, изменённых после публикации протокола не по апелляции.",
        "Task scores changed after the protocol's publication by anything but an appeal.",
    ),
    "diplomas_unverifiable": (
        "Кезеңде берілген, QR коды жарияланған кілттермен тексерілмейтін дипломдар саны.",
        "Число выданных за период дипломов, QR-код которых не проходит проверку по "
        "опубликованным ключам.",
        "Diplomas issued in the period whose QR code does not verify against the published keys.",
    ),
    "conflicts_detected": (
        "Мүдделер қақтығысы себебінен бағалаудан шеттетілген «қазы – жұмыс» жұптары (міндетті "
        "қақтығыстар және төраға шеттеткен ықтимал қақтығыстар). Ақпарат үшін: оларды платформа "
        "анықтады.",
        "Пары «член жюри – работа», отведённые из-за конфликта интересов (безусловные и "
        "потенциальные, отведённые председателем). Для сведения: их выявила платформа.",
        "Juror–work pairs barred for a conflict of interest (hard ones and potential ones the "
        "chair barred). For information: the platform found them.",
    ),
    "conflicts_reached_marking": (
        "Шеттетілген, бірақ бәрібір бағалауға тағайындалған «қазы – жұмыс» жұптары.",
        "Отведённые пары «член жюри – работа», которые всё же оказались среди назначений на "
        "проверку.",
        "Barred juror–work pairs that nevertheless appear among the marking assignments.",
    ),
    "jurors_undeclared": (
        "Кезеңдегі жеребеге түскен, іс-шара бойынша мүдделер қақтығысы туралы декларацияға қол "
        "қоймаған қазылар саны.",
        "Члены жюри, попавшие в жеребьёвки периода без подписанной декларации о конфликте "
        "интересов по мероприятию.",
        "Jurors in the period's draws with no signed conflict-of-interest declaration for the "
        "event.",
    ),
    "appeals_filed": (
        "Кезеңде берілген апелляциялар. Ақпарат үшін.",
        "Апелляции, поданные за период. Для сведения.",
        "Appeals filed in the period. For information.",
    ),
    "appeals_upheld": (
        "Қаралған апелляциялардың баллды өзгерткен (көтерген немесе төмендеткен) үлесі.",
        "Доля рассмотренных апелляций, изменивших балл (повысивших или понизивших).",
        "Share of decided appeals that changed a score (raised or lowered).",
    ),
    "appeals_late": (
        "Берілгеннен кейін {appeal_hours} ішінде қаралмаған апелляциялар (әлі қаралмағандары да).",
        "Апелляции, рассмотренные позже чем через {appeal_hours} после подачи (или всё ещё не "
        "рассмотренные).",
        "Appeals decided (or still open) more than {appeal_hours} after filing.",
    ),
    "marker_divergence": (
        "Екі бағалаушысы үшінші бағалаушы қажет болатындай алшақтаған тапсырма баллдарының үлесі.",
        "Доля баллов за задания, по которым два проверяющих разошлись настолько, что понадобился "
        "третий.",
        "Share of task scores whose two markers differed enough to need a third.",
    ),
    "outlier_jurors": (
        "Екінші бағалаушыдан орташа ауытқуы басқа қазылардікінен 2 стандартты ауытқуға алшақ "
        "қазылар (тек саны; кім екені айтылмайды).",
        "Члены жюри, чьё среднее отклонение от второго проверяющего отстоит от остальных на 2 "
        "стандартных отклонения (только число, без имён).",
        "Jurors whose mean deviation from their co-markers is 2 standard deviations from the "
        "others' (a count, never who).",
    ),
    "pages_by_hand": (
        "Беттер кезегінде адам тағайындаған немесе түзеткен сканерленген беттердің үлесі.",
        "Доля отсканированных страниц, которые человек назначил или исправил в очереди страниц.",
        "Share of scanned pages that a person assigned or corrected in the page queue.",
    ),
    "pages_discarded": (
        "Беттер кезегінде есептен шығарылған сканерленген беттердің үлесі.",
        "Доля отсканированных страниц, отброшенных в очереди страниц.",
        "Share of scanned pages discarded in the page queue.",
    ),
    "critical_alone": (
        "Бір адамның құпия сөзімен (кілт үлестерінсіз) шифрды ашу, бекітілгеннен кейін "
        "комиссиясыз балл өзгерту, дипломдар топтамасын оны жасаған адамның өзі бекітуі.",
        "Вскрытие шифров по паролю одного человека (без долей ключа), изменения баллов после "
        "утверждения без комиссии, пакеты дипломов, утверждённые их же составителем.",
        "Unsealing by one person's passphrase (not by key shares), score changes after a freeze "
        "without a commission, diploma batches approved by their maker.",
    ),
    "disqualifications_per_venue": (
        "Бір өткізу орнындағы шеттетілген қатысушылардың ең жоғары үлесі (10 немесе одан көп "
        "қатысушысы бар орындар).",
        "Наибольшая доля дисквалифицированных участников на одной площадке (площадки с 10 и "
        "более участниками).",
        "The highest share of disqualified entries at one venue (venues with 10 entries or more).",
    ),
    "audit_chain": (
        "Аудит журналының тізбегі алғашқы оқиғадан соңғысына дейін тексерілмесе — 1, әйтпесе 0.",
        "1, если цепочка журнала аудита не проходит проверку от первого события до последнего, "
        "иначе 0.",
        "1 when the audit chain does not verify from its first event to its head, else 0.",
    ),
}

# "n of m" labels: what ``n`` counts.
COUNTED: dict[str, Words] = {
    "protocols_late": ("кешіккені", "с опозданием", "late"),
    "diplomas_unverifiable": ("тексерілмейтіні", "не проходят проверку", "unverifiable"),
    "jurors_undeclared": ("декларациясыз", "без декларации", "without a declaration"),
    "appeals_upheld": ("баллды өзгерткені", "изменили балл", "changed a score"),
    "marker_divergence": ("үшінші бағалаушы қажет болғаны", "понадобился третий проверяющий",
                          "needed a third marker"),
    "pages_by_hand": ("қолмен шешілгені", "разобраны вручную", "resolved by hand"),
    "pages_discarded": ("есептен шығарылғаны", "отброшены", "discarded"),
    "disqualifications_per_venue": ("шеттетілгені", "дисквалифицированы", "disqualified"),
    "conflicts_detected": ("міндетті қақтығыстар", "безусловные конфликты", "hard conflicts"),
}  # fmt: skip
LONGEST: Words = ("ең ұзақ кешігу", "наибольшая задержка", "longest delay")
DEADLINE: Words = ("мерзімі", "срок", "deadline")
JURORS_COUNTED: Words = ("саналған қазылар", "учтено членов жюри", "jurors counted")
ACTIONS: dict[str, Words] = {
    "score_change_after_freeze": ("бекітілгеннен кейін балл өзгерту",
                                  "изменение балла после утверждения",
                                  "score change after the freeze"),
    "diploma_batch": ("дипломдар топтамасы", "пакет дипломов", "diploma batch"),
    "unseal": ("шифрды ашу", "вскрытие шифров", "unsealing"),
}  # fmt: skip
OUTCOMES: dict[str, Words] = {
    "raised": ("балл көтерілді", "балл повышен", "score raised"),
    "lowered": ("балл төмендетілді", "балл понижен", "score lowered"),
    "unchanged": ("балл өзгеріссіз", "балл без изменений", "score unchanged"),
}
DOT = "\u00a0"  # between a number and its unit: never broken across lines


def number(value: float, lang: str) -> str:
    """A number as the language writes it: a decimal comma in Kazakh and Russian."""
    text = f"{value:g}"
    return text.replace(".", ",") if lang in ("kk", "ru") else text


def value_text(value: float | None, unit: str, lang: str) -> str:
    """A value in its unit ("37,5 %", "3"), or a dash when there was nothing to measure."""
    if value is None:
        return "—"
    return number(value, lang) + (f"{DOT}%" if unit == "%" else "")


def hours_text(hours: float, lang: str) -> str:
    """ "30 сағат", "30 часов", "30 hours"."""
    n = round(hours)
    if lang == "kk":
        return f"{n}{DOT}сағат"
    if lang == "ru":
        last, tens = n % 10, n % 100
        word = (
            "час"
            if last == 1 and tens != 11
            else "часа"
            if 2 <= last <= 4 and not 12 <= tens <= 14
            else "часов"
        )
        return f"{n}{DOT}{word}"
    return f"{n}{DOT}hour" + ("" if n == 1 else "s")


def n_of(n: float, of: float, lang: str) -> str:
    """ "8 ішінен 3", "3 из 8", "3 of 8"."""
    a, b = f"{n:g}", f"{of:g}"
    return {"kk": f"{b} ішінен {a}", "ru": f"{a} из {b}"}.get(lang, f"{a} of {b}")


def definition(code: str, lang: str, *, protocol_hours: float, appeal_hours: float) -> str:
    return say(DEFINITIONS[code], lang).format(
        protocol_hours=hours_text(protocol_hours, lang),
        appeal_hours=hours_text(appeal_hours, lang),
    )


def detail(code: str, parts: Mapping[str, float | str], lang: str) -> str:
    """What the number is made of, in words: "кешіккені: 8 ішінен 3; ең ұзақ кешігу — 30 сағат"."""
    said = []
    if code == "critical_alone":
        return "; ".join(
            f"{say(ACTIONS[k], lang)}: {v}" for k, v in sorted(parts.items()) if k in ACTIONS
        )
    if "venue" in parts:
        said.append(str(parts["venue"]))
    if "n" in parts and "of" in parts and code in COUNTED:
        said.append(
            f"{say(COUNTED[code], lang)}: {n_of(float(parts['n']), float(parts['of']), lang)}"
        )
    if "hours" in parts:
        label = LONGEST if code == "protocols_late" else DEADLINE
        said.append(f"{say(label, lang)} — {hours_text(float(parts['hours']), lang)}")
    if code == "outlier_jurors" and "of" in parts:
        said.append(f"{say(JURORS_COUNTED, lang)}: {parts['of']}")
    return "; ".join(said)


def stored(parts: Mapping[str, float | str]) -> str:
    """The detail as it is kept with a reading and in a signed snapshot: numbers, no words."""
    return json.dumps(dict(parts), ensure_ascii=False, sort_keys=True) if parts else ""


def detail_of_stored(code: str, text: str, lang: str) -> str:
    """A kept detail in words. Readings kept before details were numbers read as they were
    written, their critical actions named in words."""
    if not text:
        return ""
    if text.startswith("{"):
        return detail(code, json.loads(text), lang)
    for action, words in ACTIONS.items():
        text = text.replace(action, say(words, lang))
    return text
