"""Places and institutions of Zhambyl region (public names), and how schools are named."""

from __future__ import annotations

from integrity.demo.domain.names.common import nfc, nfc_all

# (key, Kazakh name, Russian name, relative number of schools, localities)
# locality: (Kazakh, Russian, is_town); the first locality is the district centre.
Locality = tuple[str, str, bool]
DistrictRow = tuple[str, str, str, int, tuple[Locality, ...]]

DISTRICTS: tuple[DistrictRow, ...] = tuple(
    (key, nfc(kk), nfc(ru), weight, tuple((nfc(a), nfc(b), town) for a, b, town in places))
    for key, kk, ru, weight, places in (
        ("D01", "Байзақ ауданы", "Байзакский район", 5,
         (("Сарыкемер", "Сарыкемер", False), ("Көктал", "Коктал", False))),
        ("D02", "Жамбыл ауданы", "Жамбылский район", 5,
         (("Аса", "Аса", False), ("Айшабибі", "Айша-Биби", False))),
        ("D03", "Жуалы ауданы", "Жуалынский район", 3,
         (("Бауыржан Момышұлы", "Бауыржан Момышулы", False),)),
        ("D04", "Қордай ауданы", "Кордайский район", 6,
         (("Қордай", "Кордай", False), ("Сортөбе", "Сортобе", False),
          ("Масаншы", "Масанчи", False), ("Қаракемер", "Каракемер", False))),
        ("D05", "Меркі ауданы", "Меркенский район", 4, (("Меркі", "Мерке", False),)),
        ("D06", "Мойынқұм ауданы", "Мойынкумский район", 2,
         (("Мойынқұм", "Мойынкум", False), ("Ұланбел", "Уланбель", False))),
        ("D07", "Сарысу ауданы", "Сарысуский район", 3,
         (("Жаңатас", "Жанатас", True), ("Саудакент", "Саудакент", False))),
        ("D08", "Талас ауданы", "Таласский район", 3,
         (("Қаратау", "Каратау", True), ("Ақкөл", "Акколь", False))),
        ("D09", "Тұрар Рысқұлов ауданы", "Район Турара Рыскулова", 4,
         (("Құлан", "Кулан", False),)),
        ("D10", "Шу ауданы", "Шуский район", 5,
         (("Төле би", "Толе би", False), ("Шу", "Шу", True))),
    )
)  # fmt: skip

# Public figures schools are commonly named after: (Kazakh, Russian genitive).
SCHOOL_PATRONS: tuple[tuple[str, str], ...] = tuple(
    (nfc(kk), nfc(ru))
    for kk, ru in (
        ("Абай", "Абая"),
        ("Ы. Алтынсарин", "Ы. Алтынсарина"),
        ("М. Әуезов", "М. Ауэзова"),
        ("Ж. Жабаев", "Ж. Жабаева"),
        ("Б. Момышұлы", "Б. Момышулы"),
        ("Т. Рысқұлов", "Т. Рыскулова"),
        ("Әл-Фараби", "аль-Фараби"),
        ("Ш. Уәлиханов", "Ш. Уалиханова"),
        ("Ә. Молдағұлова", "А. Молдагуловой"),
        ("Қ. Сәтбаев", "К. Сатпаева"),
        ("Ж. Баласағұн", "Ж. Баласагуна"),
    )
)

UNIVERSITIES = nfc_all(
    "М.Х. Дулати атындағы Тараз өңірлік университеті",
    "Тараз инновациялық-гуманитарлық университеті",
)

OTHER_ORGANISATIONS = nfc_all(
    "Жамбыл облысы білім басқармасының әдістемелік кабинеті",
    "Облыстық балалар мен жасөспірімдердің ғылыми-техникалық шығармашылық орталығы",
)

# School names, (Kazakh, Russian); {n} is the number, {patron} a SCHOOL_PATRONS entry.
SCHOOL_LYCEUM = nfc_all(
    "№{n} дарынды балаларға арналған мамандандырылған лицей",
    "Специализированный лицей для одарённых детей №{n}",
)
SCHOOL_GYMNASIUM = nfc_all("№{n} гимназия", "Гимназия №{n}")
SCHOOL_NAMED = nfc_all(
    "{patron} атындағы №{n} жалпы білім беретін мектеп",
    "Общеобразовательная школа №{n} имени {patron}",
)
SCHOOL_PLAIN = nfc_all("№{n} жалпы білім беретін мектеп", "Общеобразовательная школа №{n}")
VILLAGE = nfc_all(" ({place} ауылы)", " (с. {place})")
TOWN = nfc_all(" ({place} қаласы)", " (г. {place})")
