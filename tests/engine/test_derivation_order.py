"""Derivations are built after what they read, with no hand-kept order; cycles are refused."""

from __future__ import annotations

import ibis.expr.types as ir
import pytest

from nidation.engine.plan import Derivation, Plan
from nidation.engine.registry import RuleSet
from nidation.engine.sources import Facts
from nidation.errors import RuleDefinitionError
from nidation.knowledge import Knowledge, load_knowledge
from nidation.rules import default_rules


def _first(facts: Facts, kb: Knowledge) -> ir.Table:
    return facts.patients.select("patient_id")


def _second(facts: Facts, kb: Knowledge) -> ir.Table:
    return facts.derived("a_first").select("patient_id")


def _loop_a(facts: Facts, kb: Knowledge) -> ir.Table:
    return facts.derived("loop_b")


def _loop_b(facts: Facts, kb: Knowledge) -> ir.Table:
    return facts.derived("loop_a")


def _plan(derivations: dict[str, Derivation]) -> Plan:
    rules = RuleSet(default_rules().rules[:1])
    return Plan(rules, load_knowledge(), derivations)


def test_a_derivation_read_by_another_is_built_first_whatever_the_names() -> None:
    # "z_second" sorts after "a_first" and "0_second" before it: both orders work.
    for name in ("z_second", "0_second"):
        plan = _plan({name: Derivation(_second), "a_first": Derivation(_first)})
        order = list(plan.stage_expressions)
        assert order.index("a_first") < order.index(name)


def test_derivations_reading_each_other_are_refused_naming_the_cycle() -> None:
    plan = _plan({"loop_a": Derivation(_loop_a), "loop_b": Derivation(_loop_b)})
    with pytest.raises(RuleDefinitionError, match="loop_a -> loop_b -> loop_a"):
        _ = plan.stage_expressions


def test_reading_an_unknown_derivation_is_refused() -> None:
    plan = _plan({"z_second": Derivation(_second)})
    with pytest.raises(RuleDefinitionError, match="unknown derivation 'a_first'"):
        _ = plan.stage_expressions
