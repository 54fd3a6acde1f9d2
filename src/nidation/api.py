"""The public entry points: assess one case, or a whole cohort's fact tables.

Both go through the same compiled plan on the same engine, so a patient assessed alone and
the same patient inside a million-patient cohort get identical answers.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from datetime import date
from functools import cache

import pyarrow as pa

from nidation.domain import Case
from nidation.engine.embedded import EmbeddedRunner
from nidation.engine.facts import case_to_tables
from nidation.engine.plan import Plan
from nidation.engine.registry import RuleSet
from nidation.engine.result import Assessment, build_assessments
from nidation.engine.run import RunOutput, bind_tables
from nidation.knowledge import Knowledge, load_knowledge
from nidation.rules import default_rules, derivations

_PLANS: dict[tuple[int, tuple[str, ...]], tuple[Knowledge, Plan]] = {}
_PLANS_LOCK = threading.Lock()


def _plan(knowledge: Knowledge, rules: RuleSet) -> Plan:
    """The compiled plan of ``rules`` on ``knowledge``, built once per process (compiling
    takes seconds; knowledge objects are immutable, so the plan is reused)."""
    key = (id(knowledge), tuple(r.id for r in rules.active()))
    with _PLANS_LOCK:
        cached = _PLANS.get(key)
        if cached is None or cached[0] is not knowledge or cached[1].rules != rules:
            cached = (knowledge, Plan(rules, knowledge, derivations()))
            _PLANS[key] = cached
        return cached[1]


class Assessor:
    """A rule set compiled against one knowledge base, ready to run (thread-safe)."""

    def __init__(self, knowledge: Knowledge | None = None, rules: RuleSet | None = None) -> None:
        self.knowledge = knowledge or load_knowledge()
        self.rules = rules or default_rules()
        self.plan = _plan(self.knowledge, self.rules)
        self.runner = EmbeddedRunner(self.plan)

    def run_tables(self, tables: Mapping[str, pa.Table], *, today: date | None = None) -> RunOutput:
        """Run every rule over fact tables of any number of patients."""
        return self.runner.run(tables, today=today or date.today())

    def assess(self, case: Case, *, today: date | None = None) -> Assessment:
        """Assess one case."""
        return self.assess_many([case], today=today)[0]

    def assess_many(self, cases: list[Case], *, today: date | None = None) -> list[Assessment]:
        from nidation.engine.facts import cases_to_tables

        when = today or date.today()
        tables = cases_to_tables(cases, knowledge=self.knowledge)
        output = self.runner.run(tables, today=when)
        as_of = {c.patient.id: c.as_of or when for c in cases}
        return build_assessments(output, self.plan, as_of=as_of)


@cache
def default_assessor() -> Assessor:
    """The assessor for the bundled knowledge base and rule set (built once per process)."""
    return Assessor()


def assess(
    case: Case, *, knowledge: Knowledge | None = None, today: date | None = None
) -> Assessment:
    """Assess one patient. ``today`` is the assessment date for a case without ``as_of``."""
    assessor = default_assessor() if knowledge is None else Assessor(knowledge)
    return assessor.assess(case, today=today)


def assess_cohort(
    tables: Mapping[str, pa.Table],
    *,
    knowledge: Knowledge | None = None,
    today: date | None = None,
) -> RunOutput:
    """Assess every patient in a cohort's fact tables (one row per patient × rule)."""
    assessor = default_assessor() if knowledge is None else Assessor(knowledge)
    return assessor.run_tables(tables, today=today)


__all__ = [
    "Assessor",
    "assess",
    "assess_cohort",
    "bind_tables",
    "case_to_tables",
    "default_assessor",
]
