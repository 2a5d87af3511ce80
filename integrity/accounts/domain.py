"""Roles and password rules. Pure."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"
    ORGANISER = "organiser"
    IT_SPECIALIST = "it_specialist"
    JUROR = "juror"
    CHAIR = "chair"
    DIRECTOR = "director"
    OBSERVER = "observer"


MIN_PASSWORD_LENGTH = 10
USERNAME_ALPHABET = frozenset("abcdefghijklmnopqrstuvwxyz0123456789._-")


def username_problem(username: str) -> str | None:
    """Why a username is unacceptable, or None. Usernames are ASCII so they can be typed anywhere."""
    if not 3 <= len(username) <= 64:
        return "length"
    if not set(username) <= USERNAME_ALPHABET:
        return "characters"
    return None


def password_problem(password: str, *, username: str = "") -> str | None:
    if len(password) < MIN_PASSWORD_LENGTH:
        return "short"
    if username and password.lower() == username.lower():
        return "same_as_username"
    return None
