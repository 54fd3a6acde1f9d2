"""The patient summary's content, in plain terms, taken from the Assessment.

Statuses become plain sentences chosen by the template; the only number shown (the chance of a
live birth in the next pregnancy) is the estimate the Assessment gives, with its caveat. A
cause that was not tested is listed as *unknown*, never as normal.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from nidation.domain import Case
from nidation.engine.result import Assessment, RuleOutcome
from nidation.reports.clinician import KNOWN_GROUPS, outcome_groups
from nidation.reports.i18n import N_
from nidation.reports.labels import CAUSE_LAY_NAMES, PATIENT_STATUS, humanise
from nidation.reports.statements import title_of

__all__ = ["DEFINITION_RULES", "PatientSummary", "build_patient_summary", "lay_name"]

DEFINITION_RULES = {
    "rpl": "RPL-DEF-001",
    "rif": "RIF-DEF-001",
    "unexplained_rpl": "RPL-DEF-006",
    "unexplained_rif": "RIF-DEF-005",
}
"""The definitions a patient is told about (ESHRE's), by the sentence family that explains them."""


@dataclass(frozen=True)
class PatientSummary:
    patient_id: str
    as_of: date
    disclaimer: str
    pregnancies: int
    transfers: int
    definitions: dict[str, str]  # sentence family → status
    live_birth_chance: float | None
    found: tuple[str, ...]
    ruled_out: tuple[str, ...]
    unknown: tuple[str, ...]
    tests_to_ask: tuple[tuple[str, str | None], ...]  # (test, earliest date for a repeat)
    tests_advised_against: tuple[str, ...]
    treatments: tuple[tuple[str, tuple[str, ...]], ...]  # (plain status heading, therapies)
    extra_care: tuple[str, ...]
    safety_review: tuple[str, ...]
    questions: tuple[str, ...]


def lay_name(outcome: RuleOutcome) -> str:
    """The plain name of what a cause or surveillance rule looks at (message id)."""
    return CAUSE_LAY_NAMES.get(outcome.name, humanise(outcome.name).capitalize())


def _unique(values: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))


def _definitions(a: Assessment, case: Case) -> dict[str, str]:
    status = {key: o.status for key, rid in DEFINITION_RULES.items() for o in a.outcomes(rid)}
    out: dict[str, str] = {}
    if "rpl" in status and (case.pregnancies or status["rpl"] != "not_met"):
        out["rpl"] = status["rpl"]
        if status["rpl"] == "met" and "unexplained_rpl" in status:
            out["unexplained_rpl"] = status["unexplained_rpl"]
    if "rif" in status and (case.transfers or status["rif"] != "not_met"):
        out["rif"] = status["rif"]
        if status["rif"] == "met" and "unexplained_rif" in status:
            out["unexplained_rif"] = status["unexplained_rif"]
    return out


def _live_birth(a: Assessment) -> float | None:
    for o in a.predictions:
        chance = o.evidence.get("live_birth_chance")
        if o.status == "estimated" and isinstance(chance, int | float):
            return float(chance)
    return None


def _treatments(a: Assessment) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Therapies (and any later group) by plain status; item-less rows with nothing to say
    (not indicated, not assessed) are left to the clinician report."""
    rows = [
        o
        for name, group in outcome_groups(a).items()
        if name not in KNOWN_GROUPS
        for o in group
        if o.item is not None or o.status not in ("not_indicated", "not_assessed")
    ]
    order = [*PATIENT_STATUS, *(o.status for o in rows if o.status not in PATIENT_STATUS)]
    out = []
    for status in dict.fromkeys(order):
        names = _unique([title_of(o) for o in rows if o.status == status])
        if names:
            out.append((PATIENT_STATUS.get(status, humanise(status).capitalize()), names))
    return tuple(out)


def _questions(s: dict[str, object]) -> tuple[str, ...]:
    asked = [N_("What do these results mean for us, and what are the next steps?")]
    if s["tests_to_ask"]:
        asked.append(
            N_("When can I have the tests that are still missing, and what will they show?")
        )
    if s["unknown"]:
        asked.append(N_("Which of the things not yet tested matter for me? Should they be tested?"))
    if s["found"]:
        asked.append(N_("What can be done about what was found?"))
    if s["treatments"]:
        asked.append(N_("Which treatments do you suggest for me, and why? What are the risks?"))
    if s["tests_advised_against"] or s["advised_against_treatment"]:
        asked.append(N_("Why are some tests or treatments not recommended for me?"))
    if s["live_birth_chance"] is not None:
        asked.append(N_("How does my own situation compare with the estimate in this summary?"))
    asked.append(N_("Who can I talk to about how I am feeling?"))
    return tuple(asked)


def build_patient_summary(assessment: Assessment, case: Case) -> PatientSummary:
    a = assessment
    causes = {
        st: _unique([lay_name(o) for o in a.causes if o.status == st])
        for st in ("supported", "ruled_out", "not_assessed")
    }
    items = [o for o in a.investigations if o.item is not None]
    to_ask = _unique([title_of(o) for o in items if o.status in ("due", "repeat_due")])
    repeat = {
        title_of(o): str(o.evidence.get("earliest_repeat_date") or "") or None
        for o in items
        if o.status == "repeat_due"
    }
    against = _unique([title_of(o) for o in items if o.status == "advised_against"])
    treatments = _treatments(a)
    parts: dict[str, object] = {
        "tests_to_ask": to_ask,
        "unknown": causes["not_assessed"],
        "found": causes["supported"],
        "treatments": treatments,
        "tests_advised_against": against,
        "advised_against_treatment": any(
            heading == PATIENT_STATUS["advised_against"] for heading, _ in treatments
        ),
        "live_birth_chance": _live_birth(a),
    }
    return PatientSummary(
        patient_id=a.patient_id,
        as_of=a.as_of,
        disclaimer=a.disclaimer,
        pregnancies=len(case.pregnancies),
        transfers=len(case.transfers),
        definitions=_definitions(a, case),
        live_birth_chance=_live_birth(a),
        found=causes["supported"],
        ruled_out=causes["ruled_out"],
        unknown=causes["not_assessed"],
        tests_to_ask=tuple((t, repeat.get(t)) for t in to_ask),
        tests_advised_against=against,
        treatments=treatments,
        extra_care=_unique(
            [lay_name(o) for o in a.surveillance if o.status == "flagged" and o.item is None]
        ),
        safety_review=_unique(
            [title_of(o) for o in a.surveillance if o.status == "flagged" and o.item is not None]
        ),
        questions=_questions(parts),
    )
