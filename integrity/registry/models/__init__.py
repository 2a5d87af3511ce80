"""Registry tables: events, subjects, rounds, tasks, places, people and entries, and the import
runs; by topic in the modules below, re-exported here (every later area imports from here)."""

from __future__ import annotations

from integrity.registry.domain.kinds import ImportState
from integrity.registry.models.catalogue import Event, Round, Subject, Task, TaskCriterion
from integrity.registry.models.columns import enum_column
from integrity.registry.models.imports import ImportRun
from integrity.registry.models.people import (
    Entry,
    Juror,
    JurorDeclaration,
    JurorRelation,
    JurorSubject,
    Participant,
)
from integrity.registry.models.places import District, Room, RoomObserver, School, Venue

__all__ = [
    "District",
    "Entry",
    "Event",
    "ImportRun",
    "ImportState",
    "Juror",
    "JurorDeclaration",
    "JurorRelation",
    "JurorSubject",
    "Participant",
    "Room",
    "RoomObserver",
    "Round",
    "School",
    "Subject",
    "Task",
    "TaskCriterion",
    "Venue",
    "enum_column",
]
