"""The corruption-risk analysis: its fixed vocabulary (the model rules' nine directions and fourteen
information sources, in the centre's own Kazakh wording), the likelihood × impact matrix, and the
traffic lights. Pure: no Flask, no SQLAlchemy.

Wording: the Kazakh is the centre's 2025 report (directions) and a school's report (sources), as
in ``../shared/seeds``; the Russian follows the model rules («Типовые правила проведения
внутреннего анализа коррупционных рисков»).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum, StrEnum


class Direction(IntEnum):
    PERSONNEL = 1
    CONFLICT_OF_INTEREST = 2
    PUBLIC_SERVICES = 3
    PERMITS = 4
    CONTROL = 5
    BUDGET = 6
    CONTRACTS = 7
    INFORMATION_SYSTEMS = 8
    OTHER = 9

    def title(self, locale: str) -> str:
        kk, ru, en = DIRECTION_TITLES[self]
        return {"kk": kk, "ru": ru}.get(locale, en)


DIRECTION_TITLES: dict[Direction, tuple[str, str, str]] = {
    Direction.PERSONNEL: (
        "Персоналды басқару, оның ішінде сыбайлас жемқорлық тәуекелдеріне шалдыққан лауазымдарды айқындау",
        "Управление персоналом, в том числе определение должностей, подверженных коррупционным рискам",
        "Personnel management, including positions exposed to corruption risks",
    ),
    Direction.CONFLICT_OF_INTEREST: (
        "Мүдделер қақтығысын реттеу",
        "Урегулирование конфликта интересов",
        "Conflict of interest",
    ),
    Direction.PUBLIC_SERVICES: (
        "Мемлекеттік қызметтер көрсету",
        "Оказание государственных услуг",
        "Public services",
    ),
    Direction.PERMITS: (
        "Рұқсат беру функцияларын іске асыру",
        "Реализация разрешительных функций",
        "Permits",
    ),
    Direction.CONTROL: (
        "Бақылау-тексеру функцияларын іске асыру",
        "Реализация контрольно-надзорных функций",
        "Control and inspection functions",
    ),
    Direction.BUDGET: (
        "Бюджет және қаржы қаражатын игеру және бөлу",
        "Освоение и распределение бюджетных и финансовых средств",
        "Budget spending and allocation",
    ),
    Direction.CONTRACTS: (
        "Жеке және заңды тұлғалармен шарттар жасау",
        "Заключение договоров с физическими и юридическими лицами",
        "Contracts with individuals and legal entities",
    ),
    Direction.INFORMATION_SYSTEMS: (
        "Ақпараттық жүйелерді әзірлеу және пайдалану",
        "Разработка и использование информационных систем",
        "Development and use of information systems",
    ),
    Direction.OTHER: (
        "Талдау объектісінің ұйымдастырушылық-басқарушылық қызметінен туындайтын өзге де мәселелер",
        "Иные вопросы, вытекающие из организационно-управленческой деятельности объекта анализа",
        "Other organisational and managerial issues",
    ),
}

NO_RISK_SENTENCE = {
    "kk": "{direction} бағыты бойынша сыбайлас жемқорлық тәуекелдері анықталған жоқ.",
    "ru": "По направлению «{direction}» коррупционные риски не выявлены.",
    "en": "No corruption risks were identified in the direction “{direction}”.",
}


def no_risk_sentence(direction: Direction, locale: str) -> str:
    """The sentence printed for a direction without risks (the centre's own wording)."""
    template = NO_RISK_SENTENCE.get(locale, NO_RISK_SENTENCE["en"])
    title = direction.title(locale)
    if locale == "kk":
        return template.format(direction=title)
    return template.format(direction=title[0].upper() + title[1:])


# The information sources of the model rules (point 15), in the order the rules give them.
SOURCES: tuple[tuple[str, str], ...] = (
    ("талдау объектісінің қызметін реттейтін құқықтық актілер мен ішкі құжаттар",
     "правовые акты и внутренние документы, регулирующие деятельность объекта анализа"),
    ("талдау объектісінің қызметі туралы статистикалық есептілік",
     "статистическая отчетность о деятельности объекта анализа"),
    ("Қазақстан Республикасының заңнамасында белгіленген тәртіппен алынған талдау объектісінің "
     "қызметі туралы мемлекеттік және құқық қорғау органдарының ақпараттық жүйелерінің деректері",
     "данные информационных систем государственных и правоохранительных органов о деятельности "
     "объекта анализа, полученные в порядке, установленном законодательством Республики Казахстан"),
    ("талдау объектісіне қатысты бұрын мемлекеттік органдар жүргізген тексерулердің нәтижелері",
     "результаты проведенных ранее государственными органами проверок в отношении объекта анализа"),
    ("ішкі бақылау қызметтерінің бақылау іс-шараларының нәтижелері",
     "результаты контрольных мероприятий служб внутреннего контроля"),
    ("сыбайлас жемқорлыққа қарсы мониторинг нәтижелері",
     "результаты антикоррупционного мониторинга"),
    ("бұқаралық ақпарат құралдарындағы жарияланымдар",
     "публикации в средствах массовой информации"),
    ("талдау объектісіне қатысты жеке және заңды тұлғалардың өтініштері",
     "обращения физических и юридических лиц в отношении объекта анализа"),
    ("талдау объектісінің лауазымды адамдарын сыбайлас жемқорлық құқық бұзушылықтар жасағаны үшін "
     "жауапқа тарту туралы, оның ішінде қылмыстық құқық бұзушылық пен заңның басқа да "
     "бұзушылықтарын жасауға ықпал еткен мән-жайларды жою жөнінде ұсыну туралы мәліметтер",
     "сведения о привлечении должностных лиц объекта анализа к ответственности за совершение "
     "коррупционных правонарушений, в том числе о внесении представлений об устранении "
     "обстоятельств, способствовавших совершению уголовного правонарушения и других нарушений "
     "закона"),
    ("талдау объектісі қызметкерлерінің іс-әрекеттеріне қатысты сот органдарының шешімдері, "
     "қылмыстық істердің фабулалары",
     "решения судебных органов в отношении действий работников объекта анализа, фабулы "
     "уголовных дел"),
    ("сыбайлас жемқорлық тәуекелдеріне бұрын жүргізілген сыртқы талдау нәтижелері",
     "результаты ранее проведенного внешнего анализа коррупционных рисков"),
    ("сыбайлас жемқорлық тәуекелдеріне бұрын жүргізілген ішкі талдау нәтижелері",
     "результаты ранее проведенного внутреннего анализа коррупционных рисков"),
    ("талдау объектісінің қызметшілеріне, қызметкерлеріне сұрау салу нәтижелері",
     "результаты опроса служащих, работников объекта анализа"),
    ("ұсынуға Қазақстан Республикасының заңнамасында тыйым салынбаған өзге де мәліметтер",
     "иные сведения, представление которых не запрещено законодательством Республики Казахстан"),
)  # fmt: skip

LEGAL_BASIS = {
    "kk": (
        "«Сыбайлас жемқорлыққа қарсы іс-қимыл туралы» Қазақстан Республикасының 2015 жылғы "
        "18 қарашадағы Заңының 8-бабының 5-тармағына және сыбайлас жемқорлық тәуекелдеріне ішкі "
        "талдау жүргізудің үлгілік қағидаларына сәйкес."
    ),
    "ru": (
        "В соответствии с пунктом 5 статьи 8 Закона Республики Казахстан от 18 ноября 2015 года "
        "«О противодействии коррупции» и Типовыми правилами проведения внутреннего анализа "
        "коррупционных рисков."
    ),
}


class MemberRole(StrEnum):
    CHAIR = "chair"  # топ жетекшісі
    MEMBER = "member"
    SECRETARY = "secretary"

    @classmethod
    def read(cls, word: str) -> MemberRole | None:
        """A role as people type it, in English, Kazakh or Russian; None when it is none."""
        return ROLE_WORDS.get(word.strip().casefold())


ROLE_WORDS = {
    **{w: MemberRole.CHAIR for w in ("chair", "төраға", "жетекші", "председатель", "руководитель")},
    **{w: MemberRole.MEMBER for w in ("member", "мүше", "член", "")},
    **{w: MemberRole.SECRETARY for w in ("secretary", "хатшы", "секретарь")},
}


class Light(StrEnum):
    GREEN = "green"
    AMBER = "amber"
    RED = "red"
    NONE = "none"  # nothing to measure in the period
    FEW = "few"  # a share of too few things to judge (fewer than the RISK_MIN_COUNT setting)
    INFO = "info"  # for information: a high count is no risk in itself


@dataclass(frozen=True)
class Thresholds:
    """Amber from ``amber``, red from ``red`` (inclusive). For an indicator where less is worse
    (``higher_is_worse`` false) the comparisons turn round."""

    amber: float
    red: float
    higher_is_worse: bool = True

    def light(self, value: float | None) -> Light:
        if value is None:
            return Light.NONE
        if self.higher_is_worse:
            return (
                Light.RED
                if value >= self.red
                else Light.AMBER
                if value >= self.amber
                else Light.GREEN
            )
        return (
            Light.RED if value <= self.red else Light.AMBER if value <= self.amber else Light.GREEN
        )


def parse_thresholds(text: str) -> dict[str, tuple[float, float]]:
    """``code=amber/red; code=amber/red`` (the RISK_THRESHOLDS setting) as a mapping; ValueError
    naming the part that does not read."""
    found: dict[str, tuple[float, float]] = {}
    for part in filter(None, (p.strip() for p in text.replace("\n", ";").split(";"))):
        code, _, values = part.partition("=")
        amber, _, red = values.partition("/")
        try:
            found[code.strip()] = (float(amber), float(red))
        except ValueError:
            raise ValueError(f"not code=amber/red: {part!r}") from None
        if not code.strip():
            raise ValueError(f"not code=amber/red: {part!r}")
    return found


@dataclass(frozen=True)
class Matrix:
    """Likelihood × impact, each 1..size; the product's band is the risk level."""

    size: int = 5
    medium_from: int = 5  # products from here are medium
    high_from: int = 12  # and from here high

    def __post_init__(self) -> None:
        if not 2 <= self.size <= 10 or not 1 < self.medium_from < self.high_from <= self.size**2:
            raise ValueError("a matrix of 2 to 10 steps, with 1 < medium < high ≤ size²")

    def check(self, likelihood: int, impact: int) -> None:
        if not (1 <= likelihood <= self.size and 1 <= impact <= self.size):
            raise ValueError(f"likelihood and impact run from 1 to {self.size}")

    def level(self, likelihood: int, impact: int) -> str:
        self.check(likelihood, impact)
        score = likelihood * impact
        return (
            "high" if score >= self.high_from else "medium" if score >= self.medium_from else "low"
        )
