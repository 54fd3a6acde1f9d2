"""The conformance suite every rule must pass (our ``check_rule``)."""

from __future__ import annotations

import re
from collections import defaultdict

import pytest

from nidation.engine.registry import DOC_SECTIONS, LIFECYCLES, Rule
from nidation.engine.status import STATUSES
from nidation.knowledge import load_knowledge
from nidation.rules import REDIRECTS, default_rules
from tests.rules.golden import SIDES, load_golden_cases

RULES = list(default_rules())
ID = re.compile(r"^[A-Z]{2,5}-[A-Z]{2,6}-\d{3}$")
NAME = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def test_ids_and_names_are_unique_and_well_formed() -> None:
    ids = [r.id for r in RULES]
    names = [r.name for r in RULES]
    assert len(set(ids)) == len(ids)
    assert len(set(names)) == len(names)
    for r in RULES:
        assert ID.match(r.id), r.id
        assert NAME.match(r.name), r.name
    for old, new in REDIRECTS.items():
        assert old not in ids and new in ids


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_rule_metadata_resolves(rule: Rule) -> None:
    kb = load_knowledge()
    assert rule.lifecycle in LIFECYCLES
    assert rule.implements, "a rule implements at least one recommendation"
    for rec in rule.implements:
        assert rec in kb.recommendations, f"{rule.id}: unknown recommendation {rec}"
        assert kb.recommendations[rec].source in kb.sources
    for key in rule.uses:
        kind, _, name = key.partition(":")
        if not name:
            assert key in kb.thresholds, f"{rule.id}: unknown threshold {key}"
            assert kb.thresholds[key].source in kb.sources
        else:
            assert kind == "table" and name in kb.tables, f"{rule.id}: unknown {key}"
    for status in (*rule.because, *rule.next_step):
        assert status in STATUSES[rule.kind], f"{rule.id}: template for unknown status {status}"


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_rule_docs_have_the_fixed_sections(rule: Rule) -> None:
    positions = [rule.doc.find(section) for section in DOC_SECTIONS]
    assert all(p >= 0 for p in positions), f"{rule.id} lacks a doc section"
    assert positions == sorted(positions), f"{rule.id}: doc sections out of order"


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_every_threshold_has_cases_on_every_side(rule: Rule) -> None:
    kb = load_knowledge()
    assert rule.cases_file is not None, f"{rule.id} has no cases file"
    cases = [c for c in load_golden_cases() if c.rule_id == rule.id]
    assert cases, f"{rule.id} has no golden cases"
    sides: dict[str, set[str]] = defaultdict(set)
    for c in cases:
        assert c.status in STATUSES[rule.kind], f"{c.name}: status {c.status}"
        assert c.name.split("/", 1)[0].replace("-", "_") == c.status, c.name
        assert c.why, f"{c.name} does not say why"
        if c.threshold:
            assert c.threshold in rule.uses, f"{c.name}: {c.threshold} not used by the rule"
            sides[c.threshold].add(c.side or "")
    numeric = [k for k in rule.uses if ":" not in k and kb.thresholds[k].unit != "operator"]
    for key in numeric:
        assert sides[key] >= set(SIDES), (
            f"{rule.id}: threshold {key} lacks cases for {sorted(set(SIDES) - sides[key])}"
        )
