"""Running totals of a marking as shown: per task and for the work, from the points saved or
typed (a value that is not yet points counts as nothing)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from integrity.registry.domain.kinds import points_to_units, units_to_points
from integrity.registry.models import Task


@dataclass(frozen=True)
class Totals:
    tasks: dict[int, str]  # task id → points so far
    work: str  # the work's points so far
    work_max: str  # the most the tasks shown can give


def _units(value: Any) -> int:
    try:
        return points_to_units(str(value)) if value not in (None, "") else 0
    except ValueError:
        return 0


def totals(tasks: Sequence[Task], values: Mapping[tuple[int, int], Any]) -> Totals:
    per_task = {
        task.id: sum(_units(values.get((task.id, c.number))) for c in task.criteria)
        for task in tasks
    }
    return Totals(
        tasks={task_id: units_to_points(units) for task_id, units in per_task.items()},
        work=units_to_points(sum(per_task.values())),
        work_max=units_to_points(sum(t.max_units for t in tasks)),
    )
