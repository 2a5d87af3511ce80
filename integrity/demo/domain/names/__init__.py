"""Reference data for the generated demo event, and the rules that compose full names from it.

Lists of names (``people``), places and institutions (``places``), subjects (``subjects``) and
texts (``texts``); ``family``, ``patronymic`` and ``given_name`` compose Kazakh and Russian names
with consistent sex forms.

Everything a person is made of here is a common first name, surname or patronymic; the demo
generator combines them at random, so no generated person is a real one. Places and universities
are public geographic and institutional names of Zhambyl region.

Pure: no Flask, no SQLAlchemy. Every string is NFC-normalised on import.
"""

from integrity.demo.domain.names.common import (
    join,
    nfc,
    nfc_all,
)
from integrity.demo.domain.names.criteria_ru import CRITERIA_RU
from integrity.demo.domain.names.people import (
    KAZAKH_BOYS,
    KAZAKH_ELDERS,
    KAZAKH_FEMALE_SUFFIX,
    KAZAKH_GIRLS,
    KAZAKH_MALE_SUFFIX,
    KAZAKH_MEN,
    KAZAKH_SURNAME_ROOTS,
    KAZAKH_SURNAMES,
    KAZAKH_WOMEN,
    RUSSIAN_BOYS,
    RUSSIAN_GIRLS,
    RUSSIAN_MEN,
    RUSSIAN_PATRONYMICS,
    RUSSIAN_SURNAMES,
    RUSSIAN_WOMEN,
    UNISEX_SURNAMES,
    Family,
    family,
    fathers,
    given_name,
    patronymic,
)
from integrity.demo.domain.names.places import (
    DISTRICTS,
    OTHER_ORGANISATIONS,
    SCHOOL_GYMNASIUM,
    SCHOOL_LYCEUM,
    SCHOOL_NAMED,
    SCHOOL_PATRONS,
    SCHOOL_PLAIN,
    TOWN,
    UNIVERSITIES,
    VILLAGE,
    DistrictRow,
    Locality,
)
from integrity.demo.domain.names.subjects import (
    SUBJECTS,
    Criterion,
    SubjectRow,
    TaskRow,
)
from integrity.demo.domain.names.texts import (
    EVENT_TITLES,
    NOTE_BROTHERS_CHILD,
    NOTE_OWN_CHILD,
    NOTE_OWN_PUPIL,
    NOTE_PROJECT,
    NOTE_SISTERS_CHILD,
    NOTE_SPOUSES_NEPHEW,
)

__all__ = [
    "CRITERIA_RU",
    "DISTRICTS",
    "EVENT_TITLES",
    "KAZAKH_BOYS",
    "KAZAKH_ELDERS",
    "KAZAKH_FEMALE_SUFFIX",
    "KAZAKH_GIRLS",
    "KAZAKH_MALE_SUFFIX",
    "KAZAKH_MEN",
    "KAZAKH_SURNAMES",
    "KAZAKH_SURNAME_ROOTS",
    "KAZAKH_WOMEN",
    "NOTE_BROTHERS_CHILD",
    "NOTE_OWN_CHILD",
    "NOTE_OWN_PUPIL",
    "NOTE_PROJECT",
    "NOTE_SISTERS_CHILD",
    "NOTE_SPOUSES_NEPHEW",
    "OTHER_ORGANISATIONS",
    "RUSSIAN_BOYS",
    "RUSSIAN_GIRLS",
    "RUSSIAN_MEN",
    "RUSSIAN_PATRONYMICS",
    "RUSSIAN_SURNAMES",
    "RUSSIAN_WOMEN",
    "SCHOOL_GYMNASIUM",
    "SCHOOL_LYCEUM",
    "SCHOOL_NAMED",
    "SCHOOL_PATRONS",
    "SCHOOL_PLAIN",
    "SUBJECTS",
    "TOWN",
    "UNISEX_SURNAMES",
    "UNIVERSITIES",
    "VILLAGE",
    "Criterion",
    "DistrictRow",
    "Family",
    "Locality",
    "SubjectRow",
    "TaskRow",
    "family",
    "fathers",
    "given_name",
    "join",
    "nfc",
    "nfc_all",
    "patronymic",
]
