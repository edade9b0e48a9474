"""Charts drawn on the server as inline SVG: no script, no CDN, readable without colour alone."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from markupsafe import Markup, escape

PALETTE = ("#0b6e4f", "#2e90fa", "#dc6803", "#7a5af8", "#ca8504", "#b42318", "#667085")
WIDTH, HEIGHT = 560, 240
LEFT, RIGHT, TOP, BOTTOM = 48, 12, 28, 36


TICKS = 4  # gridlines above zero


def _nice_max(value: float) -> float:
    """Return an axis top whose every gridline is a whole, round number (1–5 × 10ⁿ apart)."""
    need = max(value, 0) / TICKS
    magnitude = 1
    while True:
        for step in (1, 2, 2.5, 3, 4, 5):
            tick = step * magnitude
            if tick >= need and float(tick).is_integer():
                return float(tick * TICKS)
        magnitude *= 10


def _axis(top: float, unit: str) -> list[str]:
    parts = []
    plot_h = HEIGHT - TOP - BOTTOM
    for i in range(TICKS + 1):
        value = top * i / TICKS
        y = TOP + plot_h - plot_h * i / TICKS
        label = f"{value:.0f}"
        parts.append(f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" '
                     f'stroke="#d9e2ec"/><text x="{LEFT - 6}" y="{y + 4:.1f}" '
                     f'text-anchor="end">{escape(label)}</text>')
    parts.append(f'<text x="{LEFT - 6}" y="{TOP - 10}" text-anchor="end">{escape(unit)}</text>')
    return parts


def stacked_bars(title: str, labels: Sequence[str], series: Mapping[str, Sequence[float]],
                 *, unit: str = "") -> Markup:
    """Draw one bar per label, stacked by series, with a legend and a text summary."""
    totals = [sum(values[i] for values in series.values()) for i in range(len(labels))]
    top = _nice_max(max(totals, default=0))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / max(1, len(labels))
    bar_w = min(48.0, slot * 0.6)
    parts = [f'<text class="title" x="{LEFT}" y="16">{escape(title)}</text>', *_axis(top, unit)]
    for i, label in enumerate(labels):
        x = LEFT + slot * i + (slot - bar_w) / 2
        y = float(TOP + plot_h)
        for n, (name, values) in enumerate(series.items()):
            h = plot_h * values[i] / top
            if h > 0:
                y -= h
                parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.1f}" '
                             f'fill="{PALETTE[n % len(PALETTE)]}"><title>{escape(label)} '
                             f'{escape(name)}：{values[i]:g}</title></rect>')
        parts.append(f'<text x="{x + bar_w / 2:.1f}" y="{TOP + plot_h + 16}" '
                     f'text-anchor="middle">{escape(label)}</text>')
        parts.append(f'<text x="{x + bar_w / 2:.1f}" y="{y - 4:.1f}" '
                     f'text-anchor="middle">{totals[i]:g}</text>')
    summary = "；".join(f"{label} {total:g}{unit}" for label, total in zip(labels, totals, strict=True))
    svg = (f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
           f'aria-label="{escape(title)}：{escape(summary)}" xmlns="http://www.w3.org/2000/svg">'
           + "".join(parts) + "</svg>")
    # Every piece of text inside was escaped above; the numbers and colours are ours.
    return Markup(svg + _legend(list(series)) if len(series) > 1 else svg)  # noqa: S704


def bars(title: str, labels: Sequence[str], values: Sequence[float], *, unit: str = "") -> Markup:
    """Draw a simple bar chart of one series."""
    return stacked_bars(title, labels, {title: values}, unit=unit)


def _legend(names: list[str]) -> str:
    items = "".join(
        f'<span><svg width="12" height="12" aria-hidden="true"><rect width="12" height="12" '
        f'fill="{PALETTE[n % len(PALETTE)]}"/></svg> {escape(name)}</span>'
        for n, name in enumerate(names))
    return f'<div class="legend">{items}</div>'
