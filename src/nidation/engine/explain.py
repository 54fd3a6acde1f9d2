"""Turn a rule's evidence into sentences and source references."""

from __future__ import annotations

import string
from collections.abc import Mapping
from typing import Any

from nidation.engine.registry import Rule
from nidation.knowledge import Knowledge

Evidence = dict[str, float | str | None]


class _KnowledgeValues(Mapping[str, Any]):
    """``{kb[some.key]}`` in a template reads the knowledge value."""

    def __init__(self, kb: Knowledge) -> None:
        self._kb = kb

    def __getitem__(self, key: str) -> Any:
        return _plain(self._kb.value(key))

    def __iter__(self) -> Any:
        return iter(())

    def __len__(self) -> int:
        return 0


def _plain(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


class _Formatter(string.Formatter):
    def format_field(self, value: Any, format_spec: str) -> str:
        if value is None:
            return "unknown"
        try:
            shown: str = super().format_field(
                _plain(value) if not format_spec else value, format_spec
            )
            return shown
        except (ValueError, TypeError):
            return str(value)

    def get_value(self, key: int | str, args: Any, kwargs: Mapping[str, Any]) -> Any:
        if isinstance(key, str):
            return kwargs.get(key)
        return super().get_value(key, args, kwargs)


_FORMATTER = _Formatter()


def render(template: str | None, evidence: Evidence, kb: Knowledge) -> str | None:
    """Fill ``template`` with evidence values and ``kb[...]`` knowledge values."""
    if not template:
        return None
    values: dict[str, Any] = {**evidence, "kb": _KnowledgeValues(kb)}
    return _FORMATTER.vformat(template, (), values)


def source_refs_for(rec_id: str, kb: Knowledge) -> list[dict[str, Any]]:
    """One recommendation as a source reference."""
    rec = kb.recommendations[rec_id]
    return [
        {
            "kind": "recommendation",
            "key": rec_id,
            "source": rec.source,
            "locator": rec.locator,
            "strength": rec.strength,
            "certainty": getattr(rec, "certainty", None) or None,
            "statement": rec.statement,
            "verified": rec.verified,
        }
    ]


def source_refs(rule: Rule, kb: Knowledge) -> list[dict[str, Any]]:
    """The recommendations a rule implements and the knowledge entries it uses, with their
    source, locator, strength and whether they were verified against the source."""
    refs: list[dict[str, Any]] = []
    for rec_id in rule.implements:
        refs += source_refs_for(rec_id, kb)
    for key in rule.uses:
        kind, _, name = key.partition(":")
        if not name:
            kind, name = "threshold", key
        if kind == "threshold":
            entry: Any = kb.thresholds[name]
        elif kind == "table":
            entry = kb.tables[name]
        else:
            continue
        refs.append(
            {
                "kind": kind,
                "key": name,
                "source": entry.source,
                "locator": entry.locator,
                "strength": None,
                "certainty": None,
                "statement": None,
                "verified": bool(entry.verified),
            }
        )
    return refs
