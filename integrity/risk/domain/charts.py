"""Small SVG charts for the director's dashboard, drawn on the server (no script, no CDN). Pure."""

from __future__ import annotations

from collections.abc import Sequence
from xml.sax.saxutils import escape

COLOURS = {
    "green": "#1d7a46",
    "amber": "#c58a00",
    "red": "#b3261e",
    "none": "#9aa4b1",
    "few": "#7b8794",
    "info": "#4a78b0",
}


def trend(
    points: Sequence[tuple[str, float | None, str]],
    *,
    amber: float | None = None,
    red: float | None = None,
    width: int = 240,
    height: int = 64,
    title: str = "",
) -> str:
    """A line through (label, value, light) points, oldest first, with the amber and red
    thresholds as dashed lines; a missing value leaves a gap. Returns an ``<svg>`` element."""
    pad_x, pad_y = 8, 8
    values = [v for _, v, _ in points if v is not None]
    marks = [m for m in (amber, red) if m is not None]
    top = max([*values, *marks, 1.0])
    bottom = min([*values, *marks, 0.0])
    span = (top - bottom) or 1.0
    step = (width - 2 * pad_x) / max(1, len(points) - 1)

    def y(value: float) -> float:
        return round(height - pad_y - (value - bottom) / span * (height - 2 * pad_y), 1)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{escape(title, {chr(34): "&quot;"})}">',
        f"<title>{escape(title)}</title>",
    ]
    for mark, light in ((amber, "amber"), (red, "red")):
        if mark is not None:
            parts.append(
                f'<line x1="{pad_x}" x2="{width - pad_x}" y1="{y(mark)}" y2="{y(mark)}" '
                f'stroke="{COLOURS[light]}" stroke-dasharray="4 3" stroke-width="1"/>'
            )
    segment: list[str] = []
    for n, (_, value, _) in enumerate(points):
        if value is None:
            if len(segment) > 1:
                parts.append(_polyline(segment))
            segment = []
            continue
        segment.append(f"{round(pad_x + n * step, 1)},{y(value)}")
    if len(segment) > 1:
        parts.append(_polyline(segment))
    for n, (label, value, light) in enumerate(points):
        if value is None:
            continue
        parts.append(
            f'<circle cx="{round(pad_x + n * step, 1)}" cy="{y(value)}" r="3.5" '
            f'fill="{COLOURS.get(light, COLOURS["none"])}"><title>{escape(label)}: '
            f"{value:g}</title></circle>"
        )
    parts.append("</svg>")
    return "".join(parts)


def _polyline(points: list[str]) -> str:
    return (
        f'<polyline fill="none" stroke="#5b6675" stroke-width="1.5" points="{" ".join(points)}"/>'
    )
