"""Nidation's exception tree.

::

    NidationError                 anything Nidation raises on purpose
    ├── InputError                a case, file or request was refused; carries every Problem
    ├── KnowledgeError            the knowledge base or a clinic overlay is inconsistent
    ├── RuleDefinitionError       a rule's metadata, docs or cases are malformed
    └── BackendError              a query engine (DuckDB, Spark, a warehouse) failed

Every message says what went wrong, the value as given, why, and what to do. A ``Problem``
is one such sentence tied to a field path: ``<where>: <value> — <why>. <what to do>.``
Messages never carry a whole patient record, only the field path and the offending value.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

__all__ = [
    "BackendError",
    "InputError",
    "KnowledgeError",
    "NidationError",
    "Problem",
    "RuleDefinitionError",
]


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with an input, tied to where it is."""

    path: str
    value: object
    why: str
    action: str = ""

    def __str__(self) -> str:
        shown = _show(self.value)
        text = f"{self.path or '(document)'}: {shown} — {self.why}."
        if self.action:
            text += f" {self.action.rstrip('.')}."
        return text

    def as_dict(self) -> dict[str, object]:
        return {
            "path": self.path,
            "value": _jsonable(self.value),
            "why": self.why,
            "action": self.action,
            "message": str(self),
        }


def _show(value: object) -> str:
    if value is None:
        return "(missing)"
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _jsonable(value: object) -> object:
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return _show(value)


class NidationError(Exception):
    """Base class of every error Nidation raises on purpose."""


class InputError(NidationError, ValueError):
    """An input was refused. ``problems`` lists every problem found, not just the first."""

    def __init__(self, problems: Iterable[Problem], *, source: str = "") -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        self.source = source
        head = f"{source}: " if source else ""
        count = len(self.problems)
        lines = "\n".join(f"  {p}" for p in self.problems)
        super().__init__(f"{head}{count} problem{'s' if count != 1 else ''} found\n{lines}")


class KnowledgeError(NidationError):
    """The knowledge base (or a clinic overlay) is missing, malformed or inconsistent."""


class RuleDefinitionError(NidationError):
    """A rule's metadata, documentation or cases do not conform."""


class BackendError(NidationError):
    """A query backend failed while running the rules."""
