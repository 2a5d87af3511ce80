"""Given names, surnames and patronymics, and the rules that compose them with consistent sex
forms (Kazakh and Russian families)."""

from __future__ import annotations

import random
from dataclasses import dataclass

from integrity.demo.domain.names.common import nfc, nfc_all

# --- Kazakh given names -----------------------------------------------------------------------

KAZAKH_BOYS = nfc_all(
    "Нұрсұлтан", "Ерұлан", "Дәулет", "Қайрат", "Ғалым", "Өмірзақ", "Әлихан", "Айбек",
    "Алдияр", "Ақжол", "Әділет", "Бекзат", "Жандос", "Нұрбол", "Санжар", "Айдос", "Азамат",
    "Ернар", "Темірлан", "Ділмұрат", "Мейіржан", "Абылай", "Елдос", "Бақдәулет", "Қуаныш",
    "Жасұлан", "Нұрдәулет", "Өркен", "Ұлан", "Ислам", "Рауан", "Диас", "Әмір", "Айсұлтан",
    "Ерасыл", "Ерназар", "Нұрислам", "Біржан", "Бексұлтан", "Шыңғыс", "Тамерлан", "Еділ",
    "Жәнібек", "Арсен", "Ақылбек", "Мұхаммед", "Нұрасыл", "Нұрали",
)  # fmt: skip

KAZAKH_GIRLS = nfc_all(
    "Әсел", "Айгерім", "Ұлжан", "Іңкәр", "Жұлдыз", "Аружан", "Айым", "Айзере", "Ақбота",
    "Әйгерім", "Балнұр", "Гүлназ", "Дана", "Дариға", "Жанерке", "Жансая", "Томирис", "Інжу",
    "Қарлығаш", "Мөлдір", "Назерке", "Нұрай", "Сәуле", "Толғанай", "Ұлдана", "Әмина",
    "Аяулым", "Шұғыла", "Меруерт", "Әсем", "Ақерке", "Аягөз", "Гүлнұр", "Ділназ", "Еркеназ",
    "Жібек", "Көркем", "Нұрсұлу", "Перизат", "Сымбат", "Ханшайым", "Ақниет", "Әдемі", "Үміт",
)  # fmt: skip

# Adults (parents, teachers, jurors), born roughly 1965-1995.
KAZAKH_MEN = nfc_all(
    "Серік", "Нұрлан", "Ерлан", "Бауыржан", "Қайрат", "Асқар", "Талғат", "Мұрат", "Ержан",
    "Болат", "Ғалым", "Бақытжан", "Жанат", "Марат", "Дәулет", "Сәкен", "Арман", "Қанат",
    "Берік", "Ерболат", "Самат", "Рахат", "Өмірзақ", "Ғабит", "Әділ", "Нұржан", "Азамат",
    "Мейрам", "Дархан", "Ербол", "Жұмабай", "Ұлықбек", "Айдар", "Руслан", "Нұрғали",
)  # fmt: skip

KAZAKH_WOMEN = nfc_all(
    "Гүлнар", "Сәуле", "Жанар", "Айгүл", "Гүлмира", "Әйгерім", "Динара", "Ләззат", "Мәдина",
    "Назгүл", "Роза", "Салтанат", "Ұлжан", "Шолпан", "Айнұр", "Бибігүл", "Гүлжан", "Жұлдыз",
    "Қаламқас", "Мөлдір", "Раушан", "Сәбира", "Үміт", "Фарида", "Ақмарал", "Ботагөз",
    "Дәмелі", "Еңлік", "Зәуре", "Ғалия", "Ақерке", "Маржан", "Индира", "Күләш",
)  # fmt: skip

# Grandfathers' names, used for adults' patronymics.
KAZAKH_ELDERS = nfc_all(
    "Жұмабай", "Төлеген", "Әбдірахман", "Сейітқали", "Қасымбек", "Мұхамеджан", "Нұрмахан",
    "Оспан", "Тұрсынбек", "Бекмұрат", "Ақылбек", "Дүйсенбек", "Әбілқасым", "Серікбай",
    "Жақсылық", "Сұлтанбек", "Бейсен", "Ермек", "Тоқтар", "Сәрсен", "Қалдыбай", "Шәкір",
)  # fmt: skip

# --- Kazakh surnames --------------------------------------------------------------------------

# Masculine form; the feminine adds "а" (Сәрсенбаев / Сәрсенбаева, Ғабдуллин / Ғабдуллина).
KAZAKH_SURNAMES = nfc_all(
    "Сәрсенбаев", "Жақыпов", "Ахметов", "Омаров", "Төлеуов", "Қасымов", "Нұрланов",
    "Бекмұхамбетов", "Әбдірахманов", "Сейітов", "Мұқанов", "Құдайбергенов", "Оспанов",
    "Жұмабаев", "Есенов", "Әлиев", "Тұрсынов", "Ермеков", "Серікбаев", "Байжанов",
    "Иманбаев", "Қожахметов", "Өтепов", "Рысбеков", "Ташенов", "Ілиясов", "Ұзақбаев",
    "Шәріпов", "Смағұлов", "Исаев", "Тәжібаев", "Дүйсенов", "Ғабдуллин", "Нұрмағамбетов",
    "Әбілов", "Жексенбаев", "Сұлтанов", "Мамытов", "Қалиев", "Бейсенов", "Нұрпейісов",
    "Әшімов", "Тоқтаров", "Бектұрғанов", "Құрманов", "Шалабаев", "Үсенов", "Үмбетов",
)  # fmt: skip

# Roots of "-ұлы / -қызы" surnames (Жақыпұлы / Жақыпқызы).
KAZAKH_SURNAME_ROOTS = nfc_all(
    "Жақып", "Сәрсенбай", "Тұрсын", "Қасым", "Оспан", "Ахмет", "Бекет", "Есен", "Төлеу",
    "Мұқан", "Ермек", "Дүйсен", "Омар", "Жұмабай", "Серік", "Нұрлан", "Ержан", "Бауыржан",
    "Қанат", "Сейіт", "Тілеу", "Ақылбек", "Мырзабек", "Бейсен", "Әбдіғали",
)  # fmt: skip

KAZAKH_MALE_SUFFIX = nfc("ұлы")
KAZAKH_FEMALE_SUFFIX = nfc("қызы")

# --- Russian (and other non-Kazakh) names -----------------------------------------------------

RUSSIAN_BOYS = nfc_all(
    "Александр", "Дмитрий", "Максим", "Артём", "Иван", "Никита", "Михаил", "Кирилл", "Егор",
    "Андрей", "Даниил", "Илья", "Сергей", "Владислав", "Алексей", "Роман", "Тимофей", "Матвей",
)  # fmt: skip

RUSSIAN_GIRLS = nfc_all(
    "Анастасия", "Мария", "Дарья", "Анна", "Виктория", "Елизавета", "Полина", "Алина",
    "Ксения", "Екатерина", "Софья", "Валерия", "Алёна", "Вероника", "Арина", "Ульяна",
)  # fmt: skip

RUSSIAN_WOMEN = nfc_all(
    "Елена", "Ольга", "Наталья", "Ирина", "Татьяна", "Светлана", "Юлия", "Оксана", "Марина",
    "Людмила", "Галина", "Анна", "Екатерина", "Виктория", "Лариса", "Нина",
)  # fmt: skip

# Men's names (fathers, teachers) with the (masculine, feminine) patronymic they give.
RUSSIAN_PATRONYMICS: dict[str, tuple[str, str]] = {
    nfc(name): (nfc(male), nfc(female))
    for name, male, female in (
        ("Александр", "Александрович", "Александровна"),
        ("Сергей", "Сергеевич", "Сергеевна"),
        ("Андрей", "Андреевич", "Андреевна"),
        ("Дмитрий", "Дмитриевич", "Дмитриевна"),
        ("Николай", "Николаевич", "Николаевна"),
        ("Игорь", "Игоревич", "Игоревна"),
        ("Владимир", "Владимирович", "Владимировна"),
        ("Юрий", "Юрьевич", "Юрьевна"),
        ("Олег", "Олегович", "Олеговна"),
        ("Виктор", "Викторович", "Викторовна"),
        ("Евгений", "Евгеньевич", "Евгеньевна"),
        ("Михаил", "Михайлович", "Михайловна"),
        ("Павел", "Павлович", "Павловна"),
        ("Алексей", "Алексеевич", "Алексеевна"),
        ("Геннадий", "Геннадьевич", "Геннадьевна"),
        ("Вячеслав", "Вячеславович", "Вячеславовна"),
        ("Анатолий", "Анатольевич", "Анатольевна"),
        ("Валерий", "Валерьевич", "Валерьевна"),
        ("Константин", "Константинович", "Константиновна"),
        ("Василий", "Васильевич", "Васильевна"),
    )
}
RUSSIAN_MEN = tuple(RUSSIAN_PATRONYMICS)

# Masculine form; the feminine adds "а" (Иванов / Иванова, Ильин / Ильина).
RUSSIAN_SURNAMES = nfc_all(
    "Иванов", "Петров", "Смирнов", "Кузнецов", "Попов", "Васильев", "Соколов", "Новиков",
    "Морозов", "Волков", "Лебедев", "Козлов", "Фёдоров", "Павлов", "Семёнов", "Никитин",
    "Захаров", "Зайцев", "Соловьёв", "Борисов", "Ильин", "Макаров", "Белов", "Григорьев",
)  # fmt: skip

# Same form for both sexes: Korean, Ukrainian and German surnames common in Kazakhstan.
UNISEX_SURNAMES = nfc_all(
    "Ким", "Ли", "Цой", "Пак", "Тен", "Хан", "Огай", "Югай", "Шевченко", "Бондаренко",
    "Ткаченко", "Шмидт", "Миллер", "Вебер",
)  # fmt: skip


# --- Composing names --------------------------------------------------------------------------


@dataclass(frozen=True)
class Family:
    male: str
    female: str
    russian: bool

    def surname(self, sex: str) -> str:
        return self.male if sex == "M" else self.female


def family(rng: random.Random, russian: bool) -> Family:
    if russian and rng.random() < 0.25:
        same = rng.choice(UNISEX_SURNAMES)
        return Family(same, same, True)
    if russian:
        masc = rng.choice(RUSSIAN_SURNAMES)
        return Family(masc, masc + "а", True)
    if rng.random() < 0.3:
        root = rng.choice(KAZAKH_SURNAME_ROOTS)
        return Family(root + KAZAKH_MALE_SUFFIX, root + KAZAKH_FEMALE_SUFFIX, False)
    masc = rng.choice(KAZAKH_SURNAMES)
    return Family(masc, masc + "а", False)


def patronymic(rng: random.Random, father: str, sex: str, fam: Family) -> str | None:
    """Russian families: Сергеевич/Сергеевна; Kazakh: Нұрланұлы/Нұрланқызы or Нұрланович/-овна."""
    if fam.russian:
        return RUSSIAN_PATRONYMICS[father][0 if sex == "M" else 1]
    kazakh = father + (KAZAKH_MALE_SUFFIX if sex == "M" else KAZAKH_FEMALE_SUFFIX)
    roll = rng.random()
    if fam.male.endswith(KAZAKH_MALE_SUFFIX):  # "-ұлы" surnames rarely add one
        return None if roll < 0.6 else kazakh
    if roll < 0.6:
        return None if roll < 0.1 else kazakh
    if father.endswith("й"):
        stem = father[:-1] + "ев"  # Жұмабай -> Жұмабаевич
    else:
        stem = father + ("ев" if father.endswith(("и", "і")) else "ов")  # Нұрғалиевич, Серікович
    return stem + ("ич" if sex == "M" else "на")


def given_name(rng: random.Random, sex: str, russian: bool, adult: bool) -> str:
    pools = {
        (False, False): (KAZAKH_BOYS, KAZAKH_GIRLS),
        (False, True): (KAZAKH_MEN, KAZAKH_WOMEN),
        (True, False): (RUSSIAN_BOYS, RUSSIAN_GIRLS),
        (True, True): (RUSSIAN_MEN, RUSSIAN_WOMEN),
    }[(russian, adult)]
    return rng.choice(pools[0] if sex == "M" else pools[1])


def fathers(fam: Family, elder: bool) -> tuple[str, ...]:
    """Given names a father of someone in this family may have (grandfathers when ``elder``)."""
    if fam.russian:
        return RUSSIAN_MEN
    return KAZAKH_ELDERS if elder else KAZAKH_MEN
