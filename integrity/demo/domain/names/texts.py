"""The event's titles and the notes of jurors' declared relations."""

from __future__ import annotations

from integrity.demo.domain.names.common import nfc, nfc_all

EVENT_TITLES = nfc_all(
    "Мектеп оқушыларына арналған пәндік олимпиаданың облыстық кезеңі, {span} оқу жылы",
    "Областной этап предметной олимпиады школьников, {span} учебный год",
    "Regional stage of the school subject olympiad, {span} academic year",
)

# Notes of jurors' declared relations, "Kazakh / Russian".
NOTE_OWN_PUPIL = nfc("өз оқушысы, олимпиадаға дайындаған / свой ученик, готовил к олимпиаде")
NOTE_PROJECT = nfc(
    "{year} жылы ғылыми жобасының жетекшісі / руководитель научного проекта в {year} году"
)
# by the relative's sex
NOTE_BROTHERS_CHILD = {
    "M": nfc("інісінің ұлы / сын младшего брата"),
    "F": nfc("інісінің қызы / дочь младшего брата"),
}
NOTE_OWN_CHILD = {
    "M": nfc("ұлы, 10-сынып, олимпиадаға қатыспайды / сын, 10 класс, в олимпиаде не участвует"),
    "F": nfc("қызы, 10-сынып, олимпиадаға қатыспайды / дочь, 10 класс, в олимпиаде не участвует"),
}
# by (juror's sex, relative's sex)
NOTE_SISTERS_CHILD = {
    ("M", "M"): nfc("жиені (қарындасының ұлы) / племянник, сын сестры"),
    ("M", "F"): nfc("жиені (қарындасының қызы) / племянница, дочь сестры"),
    ("F", "M"): nfc("жиені (сіңлісінің ұлы) / племянник, сын сестры"),
    ("F", "F"): nfc("жиені (сіңлісінің қызы) / племянница, дочь сестры"),
}
# by the juror's sex; the relative is a boy
NOTE_SPOUSES_NEPHEW = {
    "M": nfc("әйелінің жиені, Шымкентте оқиды / племянник жены, учится в Шымкенте"),
    "F": nfc("күйеуінің жиені, Шымкентте оқиды / племянник мужа, учится в Шымкенте"),
}
