"""Offset pagination shared by every long list."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, request

from integrity.settings import settings_of


@dataclass(frozen=True)
class Page:
    number: int
    size: int
    total: int

    @classmethod
    def from_request(cls, total: int) -> Page:
        size = int(settings_of(current_app).page_size)
        number = request.args.get("page", 1, type=int) or 1
        last = max(1, -(-total // size))
        return cls(number=min(max(1, number), last), size=size, total=total)

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))

    @property
    def has_prev(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages
