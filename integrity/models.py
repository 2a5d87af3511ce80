"""Imports every area's models so that the metadata (and Alembic) sees all tables."""

from integrity.accounts.models import User, UserRole
from integrity.audit.models import AuditEvent, AuditHead
from integrity.registry.models import (
    District,
    Entry,
    Event,
    Juror,
    JurorDeclaration,
    JurorRelation,
    JurorSubject,
    Participant,
    Room,
    RoomObserver,
    Round,
    School,
    Subject,
    Task,
    TaskCriterion,
    Venue,
)

__all__ = [
    "AuditEvent",
    "AuditHead",
    "District",
    "Entry",
    "Event",
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
    "User",
    "UserRole",
    "Venue",
]
