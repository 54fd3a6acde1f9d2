"""Charts as inline SVG (matplotlib, Agg): the history timeline and the RIF cumulative chance.

Text is drawn as paths, so a chart needs no font on the reader's machine and no network. Each
SVG's ids get a prefix so that several charts can live in one HTML document.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import date
from io import StringIO
from typing import Any, Final, cast

import matplotlib

matplotlib.use("Agg")  # before pyplot is imported: no display, no GUI toolkit

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import PercentFormatter

from nidation.reports.labels import RECORD_VALUES
from nidation.reports.model import ChanceRow, TimelineEvent

__all__ = ["chance_chart", "timeline_chart"]

Gettext = Callable[[str], str]

_LOSS = {"miscarriage", "biochemical_loss", "stillbirth", "pregnancy_of_unknown_location"}
_COLOURS = {
    "loss": "#c0392b",
    "live_birth": "#1e8449",
    "ongoing": "#2471a3",
    "other": "#7d3c98",
    "negative_hcg": "#7f8c8d",
    "biochemical": "#e67e22",
    "clinical_pregnancy": "#2471a3",
    "ectopic": "#7d3c98",
}
_MARKERS = {"blastocyst": "o", "cleavage": "^", "morula": "s"}
_STYLE: Final[dict[Any, Any]] = {
    "font.size": 8,
    "font.family": "DejaVu Sans",
    "svg.fonttype": "path",
    "svg.hashsalt": "nidation",
    "axes.spines.top": False,
    "axes.spines.right": False,
}


_date_num = cast(Callable[[date], float], mdates.date2num)


def _svg(fig: Figure, prefix: str) -> str:
    buffer = StringIO()
    fig.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    plt.close(fig)
    text = buffer.getvalue()
    text = text[text.index("<svg") :]
    ids = set(re.findall(r'\bid="([^"]+)"', text))
    for old in sorted(ids, key=len, reverse=True):
        new = f"{prefix}-{old}"
        text = text.replace(f'id="{old}"', f'id="{new}"').replace(f"#{old})", f"#{new})")
        text = text.replace(f'href="#{old}"', f'href="#{new}"')
    return text.replace("<svg ", '<svg role="img" ', 1)


def _pregnancy_colour(outcome: str | None) -> str:
    if outcome in _LOSS:
        return _COLOURS["loss"]
    return _COLOURS.get(outcome or "", _COLOURS["other"])


def timeline_chart(events: Sequence[TimelineEvent], _: Gettext) -> str | None:
    """Pregnancies (top lane) and transfers (bottom lane) on one time axis; None if no dates."""
    dated = [(_date_num(e.when), e) for e in events if e.when is not None]
    if not dated:
        return None
    with plt.rc_context(_STYLE):
        fig, ax = plt.subplots(figsize=(7.0, 2.4))
        for n, (x, e) in enumerate((x, e) for x, e in dated if e.kind == "pregnancy"):
            ax.scatter([x], [1], s=60, color=_pregnancy_colour(e.outcome), zorder=3)
            if e.gestation:
                ax.annotate(
                    e.gestation,
                    (x, 1),
                    xytext=(0, 9 if n % 2 == 0 else -14),
                    textcoords="offset points",
                    ha="center",
                    fontsize=7,
                )
        for x, e in ((x, e) for x, e in dated if e.kind == "transfer"):
            stage = e.embryos[0][0] if e.embryos else ""
            euploid = any(pgt == "euploid" for _s, pgt, _d in e.embryos)
            colour = _COLOURS.get(e.outcome or "", "#34495e")
            ax.scatter(
                [x],
                [0],
                s=55,
                marker=_MARKERS.get(stage, "D"),
                facecolors=colour if euploid else "white",
                edgecolors=colour,
                linewidths=1.5,
                zorder=3,
            )
            if len(e.embryos) > 1:
                ax.annotate(
                    f"×{len(e.embryos)}",
                    (x, 0),
                    xytext=(0, -14),
                    textcoords="offset points",
                    ha="center",
                    fontsize=7,
                )
        ax.set_yticks([0, 1], [_("Transfers"), _("Pregnancies")])
        ax.set_ylim(-0.6, 1.6)
        ax.grid(axis="x", color="#dddddd", linewidth=0.5)
        locator = cast(Any, mdates.AutoDateLocator)(maxticks=8)
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(cast(Any, mdates.ConciseDateFormatter)(locator))
        ax.xaxis_date()
        ax.legend(
            handles=_legend(_),
            loc="upper center",
            bbox_to_anchor=(0.5, -0.22),
            ncol=4,
            frameon=False,
            fontsize=7,
        )
        return _svg(fig, "timeline")


def _record(code: str, _: Gettext) -> str:
    """A record value's label, translated."""
    return _(RECORD_VALUES[code])


def _legend(_: Gettext) -> list[Line2D]:
    def dot(colour: str, label: str, marker: str = "o", fill: bool = True) -> Line2D:
        return Line2D(
            [],
            [],
            linestyle="none",
            marker=marker,
            markersize=6,
            markerfacecolor=colour if fill else "white",
            markeredgecolor=colour,
            label=label,
        )

    return [
        dot(_COLOURS["loss"], _("pregnancy loss")),
        dot(_COLOURS["live_birth"], _record("live_birth", _)),
        dot(_COLOURS["ongoing"], _record("ongoing", _)),
        dot(_COLOURS["other"], _("ectopic, molar or other")),
        dot(_COLOURS["negative_hcg"], _record("negative_hcg", _), fill=False),
        dot(_COLOURS["biochemical"], _record("biochemical", _), fill=False),
        dot(_COLOURS["clinical_pregnancy"], _record("clinical_pregnancy", _), fill=False),
        dot("#34495e", _("○ blastocyst, △ cleavage; filled = euploid"), fill=False),
    ]


def chance_chart(rows: Sequence[ChanceRow], threshold: float | None, _: Gettext) -> str | None:
    """Each embryo's predicted chance (bars) and the cumulative chance (line) vs the threshold."""
    if not rows:
        return None
    with plt.rc_context(_STYLE):
        fig, ax = plt.subplots(figsize=(7.0, 2.8))
        xs = list(range(len(rows)))
        for x, r in zip(xs, rows, strict=True):
            ax.bar(
                x,
                r.p_implant or 0.0,
                width=0.6,
                color="#aed6f1" if r.counted else "#eeeeee",
                edgecolor="#2471a3" if r.counted else "#999999",
                hatch=None if r.counted else "///",
                zorder=2,
            )
        counted = [(x, r.cumulative) for x, r in zip(xs, rows, strict=True) if r.cumulative]
        if counted:
            cx, cy = zip(*counted, strict=True)
            ax.plot(cx, cy, marker="o", color="#1b2631", linewidth=1.6, zorder=4)
            for x, y in counted:
                ax.annotate(
                    f"{y:.0%}", (x, y), xytext=(0, 6), textcoords="offset points", ha="center"
                )
        if threshold is not None:
            ax.axhline(threshold, color="#c0392b", linestyle="--", linewidth=1.2, zorder=3)
            ax.annotate(
                _("threshold {value}").format(value=f"{threshold:.0%}"),
                (-0.45, threshold),
                xytext=(0, 3),
                textcoords="offset points",
                ha="left",
                color="#c0392b",
            )
        labels = [f"{r.transfer_date:%Y-%m}" if r.transfer_date else r.transfer_id for r in rows]
        ax.set_xticks(xs, labels, rotation=0 if len(rows) <= 8 else 45)
        ax.set_ylim(0, 1.08)
        ax.yaxis.set_major_formatter(PercentFormatter(1.0))
        ax.set_ylabel(_("chance of implantation"))
        ax.grid(axis="y", color="#dddddd", linewidth=0.5, zorder=0)
        ax.legend(
            handles=[
                Line2D([], [], color="#1b2631", marker="o", label=_("cumulative chance")),
                Line2D([], [], color="#aed6f1", linewidth=6, label=_("embryo counted")),
                Line2D([], [], color="#dddddd", linewidth=6, label=_("embryo not counted")),
            ],
            loc="upper center",
            bbox_to_anchor=(0.5, -0.14),
            ncol=3,
            frameon=False,
        )
        return _svg(fig, "chance")
