"""Every condition a therapy contraindication names says whether its history counts."""

from __future__ import annotations

from nidation.knowledge import load_knowledge


def test_every_contraindicating_condition_says_whether_its_history_counts() -> None:
    kb = load_knowledge()
    named = {str(r["key"]) for r in kb.tables["therapy_checks"].rows if r["check"] == "condition"}
    listed = {str(r["condition"]) for r in kb.tables["condition_history"].rows}
    assert named <= listed, f"add to tables/condition_history.csv: {sorted(named - listed)}"
    conditions = {e.key for e in kb.valuesets["conditions"].entries}
    assert listed <= conditions, f"not condition keys: {sorted(listed - conditions)}"


def test_past_events_that_contraindicate_count_whatever_their_status() -> None:
    rows = {
        r["condition"]: r["history_counts"]
        for r in load_knowledge().tables["condition_history"].rows
    }
    for past_event in ("hit_history", "vte_history", "bleeding_disorder"):
        assert rows[past_event] is True, past_event
    assert rows["hypertension"] is False
