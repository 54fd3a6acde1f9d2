"""The Jinja2 environment of the reports: package templates, gettext, and a few filters."""

from __future__ import annotations

from functools import cache

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from nidation.reports.i18n import translations
from nidation.reports.labels import RECORD_VALUES, humanise
from nidation.reports.sources import ranges

__all__ = ["environment"]


def _md(value: object) -> str:
    """Text safe inside a Markdown table cell."""
    return " ".join(str(value).split()).replace("|", "\\|")


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"


@cache
def environment(lang: str) -> Environment:
    """The environment for ``lang`` (HTML templates autoescaped, Markdown ones not)."""
    env = Environment(
        loader=PackageLoader("nidation.reports", "templates"),
        autoescape=select_autoescape(enabled_extensions=("html.j2",), default=False),
        extensions=["jinja2.ext.i18n"],
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    tr = translations(lang)
    env.install_gettext_translations(tr, newstyle=True)  # type: ignore[attr-defined]

    def label(code: str | None) -> str:
        if not code:
            return "—"
        return tr.gettext(RECORD_VALUES.get(code, humanise(code)))

    env.filters["label"] = label
    env.filters["md"] = _md
    env.filters["percent"] = _percent
    env.filters["ranges"] = ranges
    env.globals["lang"] = lang
    return env
