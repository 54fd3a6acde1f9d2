"""Charts for the audit report: matplotlib (Agg, no display, no network) to inline SVG."""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

__all__ = ["bar_chart", "line_chart", "stacked_bars"]

_SVG_START = "<svg"


def _svg(figure: Figure) -> str:
    buffer = io.StringIO()
    figure.savefig(
        buffer, format="svg", bbox_inches="tight", metadata={"Date": None, "Creator": None}
    )
    plt.close(figure)
    text = buffer.getvalue()
    return text[text.find(_SVG_START) :]  # drop the XML prolog and DOCTYPE


def bar_chart(series: Mapping[str, Mapping[str, float]], *, title: str, ylabel: str) -> str:
    """Grouped bars: one group per category (x), one bar per series."""
    categories = sorted({c for values in series.values() for c in values})
    figure, axes = plt.subplots(figsize=(7, 3.2))
    width = 0.8 / max(1, len(series))
    for i, (label, values) in enumerate(series.items()):
        xs = [j + i * width for j in range(len(categories))]
        axes.bar(xs, [values.get(c, 0.0) for c in categories], width=width, label=label)
    axes.set_xticks([j + 0.4 - width / 2 for j in range(len(categories))], categories)
    axes.set_title(title)
    axes.set_ylabel(ylabel)
    if series:
        axes.legend(fontsize="small")
    return _svg(figure)


def line_chart(series: Mapping[str, Mapping[int, float]], *, title: str, ylabel: str) -> str:
    """One line per series over integer x values (years)."""
    figure, axes = plt.subplots(figsize=(7, 3.2))
    for label, values in series.items():
        xs = sorted(values)
        axes.plot(xs, [values[x] for x in xs], marker="o", label=label)
    axes.set_title(title)
    axes.set_ylabel(ylabel)
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    if series:
        axes.legend(fontsize="small")
    return _svg(figure)


def stacked_bars(rows: Sequence[str], stacks: Mapping[str, Sequence[float]], *, title: str) -> str:
    """Horizontal stacked bars: one bar per row, one segment per stack."""
    figure, axes = plt.subplots(figsize=(7, 0.35 * max(4, len(rows)) + 1))
    left = [0.0] * len(rows)
    for label, values in stacks.items():
        axes.barh(list(rows), list(values), left=left, label=label)
        left = [a + b for a, b in zip(left, values, strict=True)]
    axes.invert_yaxis()
    axes.set_title(title)
    if stacks:
        axes.legend(fontsize="small", ncol=min(4, len(stacks)))
    return _svg(figure)
