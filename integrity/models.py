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
from integrity.scans.models import Booklet, PrintRun, ScanPage, ScanRound, Upload, Work
from integrity.vault.models import IdentityLink, SealedLink, VaultKey

__all__ = [
    "AuditEvent",
    "AuditHead",
    "Booklet",
    "District",
    "Entry",
    "Event",
    "IdentityLink",
    "Juror",
    "JurorDeclaration",
    "JurorRelation",
    "JurorSubject",
    "Participant",
    "PrintRun",
    "Room",
    "RoomObserver",
    "Round",
    "ScanPage",
    "ScanRound",
    "School",
    "SealedLink",
    "Subject",
    "Task",
    "TaskCriterion",
    "Upload",
    "User",
    "UserRole",
    "VaultKey",
    "Venue",
    "Work",
]
