"""The therapy catalogue flattened into lookup tables the rule kernel can join.

Rules run as SQL, so the catalogue (``data/therapies/*.toml``) is also offered as three tables,
built when the knowledge base loads and carrying each entry's own provenance:

* ``therapy_stances``: one row per therapy × indication × guideline stance (an indication with
  trials but no guideline stance gets one ``no_recommendation`` row citing its first trial);
* ``therapy_details``: one row per therapy with its sourced regimen and timing as text;
* ``therapy_checks``: one row per contraindication or interaction, as data rules can check,
  with the alternative its sources offer (``alternative``, each with its source keys).

Threshold keys stay keys here: rules read their values when they compile, so a clinic overlay's
value applies.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from nidation.knowledge.tables import LookupTable, table_from_rows
from nidation.knowledge.therapies import Alternative, Regimen, Therapy, TherapyCatalogue, Timing

__all__ = ["STANCE_RANK", "therapy_tables"]

#: How favourable a stance is; a patient's status for a therapy is the most favourable stance of
#: any indication she has (the other stances stay listed in the evidence).
STANCE_ORDER = (
    "no_recommendation",
    "advised_against",
    "research_only",
    "conditional",
    "recommended",
)
STANCE_RANK: Mapping[str, int] = {s: i + 1 for i, s in enumerate(STANCE_ORDER)}
_TABLE = {"source": "nidation-defaults", "verified": True}
_PROVENANCE = {"source": "str", "locator": "str", "verified": "bool"}
_START = {
    "preconception": "before conception",
    "positive_pregnancy_test": "from the positive pregnancy test",
    "bleeding_onset": "from the onset of bleeding",
    "first_trimester": "in the first trimester",
    "ovarian_stimulation": "during ovarian stimulation",
    "before_transfer": "before the embryo transfer",
    "before_ivf": "before IVF",
    "non_conception_cycle": "in a non-conception cycle",
    "any_time": "at any time",
    "unspecified": "start not specified",
}
_STOP = {
    "gestational_week": "until {value:g} weeks of pregnancy",
    "postpartum_weeks": "until {value:g} weeks after birth",
    "duration_days": "for {value:g} days",
    "duration_weeks": "for {value:g} weeks",
    "end_of_pregnancy": "until the end of pregnancy",
    "pregnancy_test": "until the pregnancy test",
    "single_procedure": "once",
}


def therapy_tables(
    catalogue: TherapyCatalogue, displays: Mapping[str, str] | None = None
) -> dict[str, LookupTable]:
    """The three tables of ``catalogue``, keyed by table name (``displays``: therapy key →
    display name from the ``therapies`` value set)."""
    therapies = [catalogue[k] for k in sorted(catalogue)]
    return {
        "therapy_stances": _stances(therapies),
        "therapy_details": _details(therapies, displays or {}),
        "therapy_checks": _checks(therapies),
    }


def _table(
    name: str, title: str, columns: Mapping[str, str], rows: Iterable[dict[str, Any]]
) -> LookupTable:
    sidecar = {
        "name": name,
        "title": title,
        "locator": "data/therapies/*.toml (each row cites its own source)",
        **_TABLE,
        "key_columns": ["entry"],
        "columns": {
            "entry": "int",
            **columns,
            "source": "str",
            "locator": "str",
            "verified": "bool",
        },
    }
    labelled = [(f"{name}[{i}]", {"entry": i, **row}) for i, row in enumerate(rows)]
    return table_from_rows(sidecar, labelled, file=f"therapies → {name}")


def _stances(therapies: list[Therapy]) -> LookupTable:
    rows: list[dict[str, Any]] = []
    for t in therapies:
        for entry in t.indications:
            base = {
                "therapy": t.key,
                "indication": entry.indication,
                "population": entry.population,
                "min_losses": entry.min_losses,
                "max_losses": entry.max_losses,
                "qualifier": entry.qualifier or None,
                "evidence": " ".join(f"{e.evidence} [{e.source}]" for e in entry.evidence) or None,
            }
            if not entry.stances:
                first = entry.evidence[0]
                rows.append(
                    {
                        **base,
                        "stance": "no_recommendation",
                        "rank": STANCE_RANK["no_recommendation"],
                        "strength": None,
                        "recommendation": None,
                        "guideline": None,
                        "source": first.source,
                        "locator": first.locator,
                        "verified": first.verified,
                    }
                )
            for s in entry.stances:
                rows.append(
                    {
                        **base,
                        "stance": s.stance,
                        "rank": STANCE_RANK[s.stance],
                        "strength": s.strength or None,
                        "recommendation": s.recommendation,
                        "guideline": s.source,
                        "source": s.source,
                        "locator": s.locator,
                        "verified": s.verified,
                    }
                )
    columns = {
        "therapy": "str",
        "indication": "str",
        "population": "str",
        "min_losses": "int?",
        "max_losses": "int?",
        "qualifier": "str?",
        "evidence": "str?",
        "stance": "str",
        "rank": "int",
        "strength": "str?",
        "recommendation": "str?",
        "guideline": "str?",
    }
    return _table("therapy_stances", "Guideline stances per therapy and indication", columns, rows)


def regimen_text(regimens: Iterable[Regimen]) -> str | None:
    """The regimens a source documents (guideline ones first), each with its source key."""
    first = ("guideline", "label", "trial")
    chosen = sorted(
        regimens, key=lambda r: first.index(r.context) if r.context in first else len(first)
    )
    return "; ".join(f"{r.description} [{r.source}]" for r in chosen) or None


def timing_text(timing: Iterable[Timing]) -> str | None:
    """Every documented treatment window, in words, each with its source key."""
    parts = []
    for t in timing:
        words = [_START[t.start]]
        if t.stop is not None:
            words.append(_STOP[t.stop.kind].format(value=t.stop.value or 0))
        detail = f" ({t.start_detail})" if t.start_detail else ""
        parts.append(f"{' '.join(words)}{detail} [{t.source}]")
    return "; ".join(parts) or None


def _details(therapies: list[Therapy], displays: Mapping[str, str]) -> LookupTable:
    rows = []
    for t in therapies:
        anchor = next(iter(t.regimens), None) or next(iter(t.timing), None)
        stance = t.indications[0].stances[0] if t.indications[0].stances else None
        cited = anchor or stance or t.indications[0].evidence[0]
        rows.append(
            {
                "therapy": t.key,
                "display": t.display or displays.get(t.key) or t.key.replace("_", " "),
                "kind": t.kind,
                "summary": t.summary,
                "regimen": regimen_text(t.regimens),
                "timing": timing_text(t.timing),
                "source": cited.source,
                "locator": cited.locator,
                "verified": cited.verified,
            }
        )
    columns = {
        "therapy": "str",
        "display": "str",
        "kind": "str",
        "summary": "str",
        "regimen": "str?",
        "timing": "str?",
    }
    return _table("therapy_details", "Therapy regimens and timing windows", columns, rows)


def alternative_text(alternatives: Iterable[Alternative]) -> str | None:
    """What the sources offer instead, each description once with every source citing it."""
    cited: dict[str, list[str]] = {}
    for a in alternatives:
        cited.setdefault(a.description, []).append(a.source)
    return "; ".join(f"{d} [{', '.join(s)}]" for d, s in cited.items()) or None


def _checks(therapies: list[Therapy]) -> LookupTable:
    rows: list[dict[str, Any]] = []
    for t in therapies:
        for c in t.contraindications:
            rows.append(
                {
                    "therapy": t.key,
                    "check": c.kind,
                    "key": c.key or None,
                    "operator": c.operator,
                    "threshold": c.threshold or None,
                    "value": c.value,
                    "unit": c.unit or None,
                    "severity": c.severity,
                    "reason": c.reason,
                    "alternative": alternative_text(c.alternatives),
                    "source": c.source,
                    "locator": c.locator,
                    "verified": c.verified,
                }
            )
        for i in t.interactions:
            rows.append(
                {
                    "therapy": t.key,
                    "check": "interaction",
                    "key": i.medication,
                    "operator": None,
                    "threshold": None,
                    "value": None,
                    "unit": None,
                    "severity": i.severity,
                    "reason": i.effect,
                    "alternative": None,
                    "source": i.source,
                    "locator": i.locator,
                    "verified": i.verified,
                }
            )
    columns = {
        "therapy": "str",
        "check": "str",
        "key": "str?",
        "operator": "str?",
        "threshold": "str?",
        "value": "float?",
        "unit": "str?",
        "severity": "str",
        "reason": "str",
        "alternative": "str?",
    }
    return _table("therapy_checks", "Contraindications and interactions as checks", columns, rows)
