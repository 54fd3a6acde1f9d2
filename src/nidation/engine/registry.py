"""The rule registry: every rule is one small, named, documented unit.

A rule is a function ``(facts, kb) -> ibis Table`` with columns ``patient_id``, ``status`` and
any evidence columns (numbers, booleans, dates or short text). It is registered with
:func:`rule`, which records its metadata: a permanent id (``AREA-KIND-NNN``), a name that says
the finding, its kind, the recommendations it implements, the knowledge keys it uses, and the
templates of the sentence explaining it (``because``) and of the advice (``next_step``).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from nidation.engine.status import STATUSES, Kind
from nidation.errors import RuleDefinitionError

if TYPE_CHECKING:
    import ibis.expr.types as ir

    from nidation.engine.sources import Facts
    from nidation.knowledge import Knowledge

RuleFunction = Callable[["Facts", "Knowledge"], "ir.Table"]
DOC_SECTIONS = ("## What it decides", "## Why it matters", "## Not assessed when", "## Example")
LIFECYCLES = ("preview", "stable", "deprecated", "removed")


@dataclass(frozen=True)
class Rule:
    """A rule's metadata and decision."""

    id: str
    name: str
    kind: Kind
    implements: tuple[str, ...]
    uses: tuple[str, ...]
    because: dict[str, str]
    next_step: dict[str, str]
    decide: RuleFunction
    lifecycle: str = "stable"
    since: str = "0.1.0"
    cases_file: Path | None = None
    doc: str = ""
    statuses: tuple[str, ...] = field(default=())

    @property
    def area(self) -> str:
        return self.id.split("-", 1)[0]


def rule(
    *,
    id: str,
    name: str,
    kind: str,
    implements: Sequence[str],
    uses: Sequence[str] = (),
    because: dict[str, str] | None = None,
    next_step: dict[str, str] | None = None,
    lifecycle: str = "stable",
    since: str = "0.1.0",
) -> Callable[[RuleFunction], Rule]:
    """Declare a rule. ``because``/``next_step`` map a status to a sentence template whose
    ``{placeholders}`` are evidence columns or ``kb[key]`` knowledge values."""

    def wrap(func: RuleFunction) -> Rule:
        module_file = Path(inspect.getfile(func))
        cases = module_file.with_suffix(".cases.yaml")
        the_kind = Kind(kind)
        return Rule(
            id=id,
            name=name,
            kind=the_kind,
            implements=tuple(implements),
            uses=tuple(uses),
            because=dict(because or {}),
            next_step=dict(next_step or {}),
            decide=func,
            lifecycle=lifecycle,
            since=since,
            cases_file=cases if cases.exists() else None,
            doc=inspect.getdoc(func) or "",
            statuses=STATUSES[the_kind],
        )

    return wrap


@dataclass(frozen=True)
class RuleSet:
    """An ordered, immutable collection of rules with unique ids."""

    rules: tuple[Rule, ...]
    redirects: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        seen: set[str] = set()
        for r in self.rules:
            if r.id in seen:
                raise RuleDefinitionError(f"rule id {r.id} is registered twice")
            seen.add(r.id)

    def __iter__(self) -> Iterator[Rule]:
        return iter(self.rules)

    def __len__(self) -> int:
        return len(self.rules)

    def get(self, rule_id: str) -> Rule:
        wanted = self.redirects.get(rule_id, rule_id)
        for r in self.rules:
            if r.id == wanted or r.name == wanted:
                return r
        raise KeyError(f"no rule {rule_id!r}; see `nidation rules list`")

    def active(self) -> tuple[Rule, ...]:
        return tuple(r for r in self.rules if r.lifecycle != "removed")


def collect(*modules: Any) -> tuple[Rule, ...]:
    """Every :class:`Rule` defined at module level in ``modules``, in definition order."""
    found: list[Rule] = []
    for module in modules:
        found.extend(v for v in vars(module).values() if isinstance(v, Rule))
    return tuple(found)
