"""A threshold's comparison ``operator`` in the knowledge base is honoured by the rules.

The whole plan is built once over a knowledge base whose thresholds record which of their
fields the rules read. A threshold with an operator whose value is read but whose operator is
never read is compared with a hard-coded operator: a clinic overlay changing ``>=`` to ``>``
would be silently ignored."""

from __future__ import annotations

import dataclasses
from types import MappingProxyType
from typing import Any

from nidation.engine.plan import Plan
from nidation.knowledge import load_knowledge
from nidation.rules import default_rules, derivations

#: Found by this test when it was written (issue 11): thresholds whose value the rules read
#: but whose operator they never read. The list may only shrink — compare with
#: ``engine.vocabulary.meets`` (or ``compare`` with the threshold's operator) and remove the
#: line; a new entry fails the test. The therapy limits carry a second copy of the operator in
#: the therapy catalogue's checks (that copy is used); the RIF threshold has a separate
#: ``rif.eshre_operator`` setting (used) — one source of truth each is the fix.
KNOWN_IGNORED: frozenset[str] = frozenset(
    {
        "aps.acr_eular_max_years_test_to_event",
        "aps.acr_eular_min_consecutive_early_losses",
        "aps.sydney_max_years_test_to_event",
        "aps.sydney_min_consecutive_early_losses",
        "aps.sydney_min_weeks_test_to_event",
        "hcq.max_dose_mg_per_kg_per_day",
        "lmwh.crcl_exclusion_below_ml_min",
        "lmwh.platelets_min_10e9_per_l",
        "metformin.egfr_contraindicated_below_ml_min_173m2",
        "metformin.egfr_start_not_recommended_below_ml_min_173m2",
        "metformin.pregmet2_alt_exclusion_iu_per_l",
        "metformin.pregmet2_creatinine_exclusion_umol_per_l",
        "rif.eshre_cumulative_threshold_fraction",
    }
)


class _Spy:
    """A threshold that notes which of its fields were read."""

    def __init__(self, threshold: Any, reads: dict[str, set[str]]) -> None:
        self._threshold = threshold
        self._reads = reads.setdefault(threshold.key, set())

    def __getattr__(self, name: str) -> Any:
        self._reads.add(name)
        return getattr(self._threshold, name)


def _reads() -> tuple[dict[str, set[str]], dict[str, Any]]:
    kb = load_knowledge()
    reads: dict[str, set[str]] = {}
    spied = {k: _Spy(t, reads) for k, t in kb.thresholds.items()}
    spy_kb = dataclasses.replace(kb, thresholds=MappingProxyType(spied))
    plan = Plan(default_rules(), spy_kb, derivations())
    _ = plan.expression
    return reads, dict(kb.thresholds)


def test_every_threshold_read_as_a_comparison_has_its_operator_read_too() -> None:
    reads, thresholds = _reads()
    ignored = sorted(
        key
        for key, fields in reads.items()
        if "value" in fields and "operator" not in fields and thresholds[key].operator is not None
    )
    new = sorted(set(ignored) - KNOWN_IGNORED)
    fixed = sorted(KNOWN_IGNORED - set(ignored))
    assert not new, f"these thresholds' operators are never read by the rules: {new}"
    assert not fixed, f"these now honour their operator: remove them from KNOWN_IGNORED: {fixed}"


def test_the_spy_sees_operators_that_are_read() -> None:
    reads, _ = _reads()
    assert "operator" in reads["rpl.eshre_min_losses"]
    assert "value" in reads["rpl.eshre_min_losses"]
