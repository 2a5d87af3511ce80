"""Finding the registry's schools, districts and subjects by the names an imported file gives
them (any language, any case); what is not found or is ambiguous becomes a row's problem."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select

from integrity.db import AnySession
from integrity.registry.domain import RowError, name_key
from integrity.registry.models import District, Event, School, Subject


class Schools:
    """Looks schools up by name (Kazakh or Russian), optionally within a named district."""

    def __init__(self, session: AnySession) -> None:
        self.by_name: dict[str, list[School]] = defaultdict(list)
        self.districts: dict[str, District] = {}
        for district in session.execute(select(District)).scalars():
            self.districts[name_key(district.name_kk)] = district
            self.districts[name_key(district.name_ru)] = district
        for school in session.execute(select(School)).scalars():
            for name in {name_key(school.name_kk), name_key(school.name_ru)}:
                self.by_name[name].append(school)

    def find(
        self, row: int, name: str, district_name: str | None, errors: list[RowError]
    ) -> School | None:
        candidates = self.by_name.get(name_key(name), [])
        if district_name:
            district = self.districts.get(name_key(district_name))
            if district is None:
                errors.append(RowError(row, "district", "district_unknown", district_name[:60]))
                return None
            candidates = [s for s in candidates if s.district_id == district.id]
        if not candidates:
            errors.append(RowError(row, "school", "school_unknown", name[:60]))
            return None
        if len(candidates) > 1:
            errors.append(RowError(row, "school", "school_ambiguous", name[:60]))
            return None
        return candidates[0]


def subjects_by_name(session: AnySession, event: Event) -> dict[str, Subject]:
    """The event's subjects by every name a file may give them: code, and names in each language."""
    found: dict[str, Subject] = {}
    for subject in session.execute(select(Subject).where(Subject.event_id == event.id)).scalars():
        for label in (subject.code, subject.name_kk, subject.name_ru, subject.name_en):
            if label:
                found[name_key(label)] = subject
    return found
