"""Checks that span fields and records: references, order of dates, contradictions.

They run after every record has passed its own validation, and return every problem found.
Limits come from the validation context (knowledge base), never from this module.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import date

from nidation.domain.case import Case
from nidation.domain.context import ValidationContext
from nidation.domain.enums import (
    OocyteSource,
    PregnancyOutcome,
    Smoking,
    TransferKind,
    TransferOutcome,
)
from nidation.domain.ivf import Transfer
from nidation.domain.pregnancy import Pregnancy
from nidation.errors import Problem

_DAYS_PER_YEAR = 365.25

# Which pregnancy outcomes a transfer outcome may link to.
_LINKABLE: dict[TransferOutcome, frozenset[PregnancyOutcome]] = {
    TransferOutcome.BIOCHEMICAL: frozenset(
        {PregnancyOutcome.BIOCHEMICAL_LOSS, PregnancyOutcome.PREGNANCY_OF_UNKNOWN_LOCATION}
    ),
    TransferOutcome.ECTOPIC: frozenset({PregnancyOutcome.ECTOPIC}),
    TransferOutcome.CLINICAL_PREGNANCY: frozenset(
        set(PregnancyOutcome)
        - {
            PregnancyOutcome.BIOCHEMICAL_LOSS,
            PregnancyOutcome.PREGNANCY_OF_UNKNOWN_LOCATION,
            PregnancyOutcome.ECTOPIC,
        }
    ),
}
_NEVER_VISUALISED = frozenset(
    {PregnancyOutcome.BIOCHEMICAL_LOSS, PregnancyOutcome.PREGNANCY_OF_UNKNOWN_LOCATION}
)


def check_case(case: Case, ctx: ValidationContext) -> list[Problem]:
    """Return every cross-field problem of ``case`` (empty when consistent)."""
    checks = (
        _counts,
        _identifiers,
        _patient,
        _pregnancies,
        _cycles,
        _transfers,
        _codes,
        _dates,
        _none_known,
    )
    return [p for check in checks for p in check(case, ctx)]


def _counts(case: Case, ctx: ValidationContext) -> Iterator[Problem]:
    for field, key in (
        ("pregnancies", "plausibility.pregnancies_count"),
        ("cycles", "plausibility.cycles_count"),
        ("transfers", "plausibility.transfers_count"),
        ("labs", "plausibility.lab_results_count"),
    ):
        limit = ctx.limit(key)
        n = len(getattr(case, field))
        if limit.max is not None and n > limit.max:
            yield Problem(
                field,
                f"{n} records",
                f"more than {limit.max:g}, the plausible maximum ({key})",
                "Check the file is one patient's record",
            )


def _duplicates(values: list[str]) -> set[str]:
    return {v for v, n in Counter(values).items() if n > 1}


def _identifiers(case: Case, ctx: ValidationContext) -> Iterator[Problem]:
    groups = {
        "pregnancies": [p.id for p in case.pregnancies],
        "cycles": [c.id for c in case.cycles],
        "transfers": [t.id for t in case.transfers],
    }
    for field, ids in groups.items():
        for i, value in enumerate(ids):
            if value in _duplicates(ids):
                yield Problem(
                    f"{field}[{i}].id",
                    value,
                    "the same id is used twice",
                    "Give each record its own id",
                )
    embryo_ids = [
        (ci, ei, e.id) for ci, c in enumerate(case.cycles) for ei, e in enumerate(c.embryos)
    ]
    dup = _duplicates([e for _, _, e in embryo_ids])
    for ci, ei, value in embryo_ids:
        if value in dup:
            yield Problem(
                f"cycles[{ci}].embryos[{ei}].id",
                value,
                "the same embryo id is used twice",
                "Give each embryo its own id",
            )


def _patient(case: Case, ctx: ValidationContext) -> Iterator[Problem]:
    p = case.patient
    as_of = case.as_of or ctx.today
    if p.birth_date is not None and p.age_years is not None:
        derived = (as_of - p.birth_date).days / _DAYS_PER_YEAR
        if abs(derived - p.age_years) >= 1:
            yield Problem(
                "patient.age_years",
                p.age_years,
                f"does not match birth_date {p.birth_date} (age {derived:.1f} on {as_of})",
                "Give one of them, or correct the other",
            )
    if p.birth_date is not None:
        age = (as_of - p.birth_date).days / _DAYS_PER_YEAR
        limit = ctx.limit("plausibility.age_years")
        if (limit.min is not None and age < limit.min) or (
            limit.max is not None and age > limit.max
        ):
            yield Problem(
                "patient.birth_date",
                p.birth_date.isoformat(),
                f"gives an age of {age:.1f} years, outside the plausible "
                f"{limit.min:g}–{limit.max:g} (plausibility.age_years)",
                "Check the date of birth",
            )
    if p.height_cm and p.weight_kg and p.bmi_kg_m2:
        computed = p.weight_kg / (p.height_cm / 100) ** 2
        tol = ctx.limit("plausibility.bmi_tolerance_kg_m2").max or 0.0
        if abs(computed - p.bmi_kg_m2) > tol:
            yield Problem(
                "patient.bmi_kg_m2",
                p.bmi_kg_m2,
                f"does not match weight/height² = {computed:.1f} (tolerance {tol:g}, "
                "plausibility.bmi_tolerance_kg_m2)",
                "Check height (cm), weight (kg) and BMI",
            )
    if p.smoking is Smoking.NEVER and (p.cigarettes_per_day or 0) > 0:
        yield Problem(
            "patient.cigarettes_per_day",
            p.cigarettes_per_day,
            "contradicts smoking 'never'",
            "Correct one of the two",
        )


def _pregnancies(case: Case, ctx: ValidationContext) -> Iterator[Problem]:
    minimum = {
        PregnancyOutcome.LIVE_BIRTH: "plausibility.live_birth_min_weeks",
        PregnancyOutcome.STILLBIRTH: "plausibility.stillbirth_min_weeks",
    }
    for i, preg in enumerate(case.pregnancies):
        where = f"pregnancies[{i}]"
        weeks = preg.gestational_age_weeks
        key = minimum.get(preg.outcome)
        if key is not None and weeks is not None:
            low = ctx.limit(key).min
            if low is not None and weeks < low:
                yield Problem(
                    f"{where}.gestational_age_weeks",
                    weeks,
                    f"a {preg.outcome.value.replace('_', ' ')} before {low:g} weeks "
                    f"is not possible ({key})",
                    "Check the week, or record the outcome as a miscarriage",
                )
        if preg.gestational_age_days is not None and weeks is None:
            yield Problem(
                f"{where}.gestational_age_days",
                preg.gestational_age_days,
                "days given without completed weeks",
                "Give gestational_age_weeks too",
            )
        yield from _cervical_length(preg, where)
        if preg.outcome in _NEVER_VISUALISED:
            for field in ("intrauterine_sac_seen", "fetal_heart_seen"):
                if getattr(preg, field) is True:
                    yield Problem(
                        f"{where}.{field}",
                        True,
                        f"contradicts outcome '{preg.outcome.value}' (never seen on ultrasound)",
                        "Record the outcome as a miscarriage, or correct the ultrasound finding",
                    )


def _cervical_length(preg: Pregnancy, where: str) -> Iterator[Problem]:
    """A cervical length needs the week of its scan (and the reverse), within the pregnancy."""
    length, week = preg.cervical_length_mm, preg.cervical_length_weeks
    if length is not None and week is None:
        yield Problem(
            f"{where}.cervical_length_mm",
            length,
            "given without the week of the scan (cervical_length_weeks); the thresholds for "
            "cerclage and progesterone depend on it",
            "Give cervical_length_weeks too",
        )
    if week is not None and length is None:
        yield Problem(
            f"{where}.cervical_length_weeks",
            week,
            "given without the cervical length it dates (cervical_length_mm)",
            "Give cervical_length_mm too, or remove the week",
        )
    weeks = preg.gestational_age_weeks
    if week is not None and weeks is not None and week > weeks:
        yield Problem(
            f"{where}.cervical_length_weeks",
            week,
            f"after the pregnancy's recorded gestational age ({weeks} weeks)",
            "Check the week of the scan or the pregnancy's gestational age",
        )
    if length is not None and preg.outcome in _NEVER_VISUALISED:
        yield Problem(
            f"{where}.cervical_length_mm",
            length,
            f"contradicts outcome '{preg.outcome.value}' (never seen on ultrasound)",
            "Record the outcome as a miscarriage, or remove the cervical length",
        )


def _cycles(case: Case, ctx: ValidationContext) -> Iterator[Problem]:
    for i, cycle in enumerate(case.cycles):
        if cycle.oocyte_source is OocyteSource.OWN and cycle.donor_age_years is not None:
            yield Problem(
                f"cycles[{i}].donor_age_years",
                cycle.donor_age_years,
                "given for a cycle with the patient's own oocytes",
                "Set oocyte_source to 'donor' or remove donor_age_years",
            )


def _transfers(case: Case, ctx: ValidationContext) -> Iterator[Problem]:
    embryos = case.embryos()
    pregnancies = {p.id: p for p in case.pregnancies}
    per_transfer = ctx.limit("plausibility.embryos_per_transfer")
    max_day = ctx.limit("plausibility.embryo_day").max
    seen: dict[str, str] = {}
    for i, t in enumerate(case.transfers):
        where = f"transfers[{i}]"
        if per_transfer.max is not None and len(t.embryo_ids) > per_transfer.max:
            yield Problem(
                f"{where}.embryo_ids",
                len(t.embryo_ids),
                f"more than {per_transfer.max:g} embryos in one transfer "
                "(plausibility.embryos_per_transfer)",
                "Check the embryo list",
            )
        for j, eid in enumerate(t.embryo_ids):
            if eid not in embryos:
                yield Problem(
                    f"{where}.embryo_ids[{j}]",
                    eid,
                    "no embryo has this id",
                    "Add the embryo under its cycle, or correct the id",
                )
                continue
            if eid in seen:
                yield Problem(
                    f"{where}.embryo_ids[{j}]",
                    eid,
                    f"this embryo was already transferred in {seen[eid]}",
                    "An embryo can be transferred only once; check the ids",
                )
            seen[eid] = t.id
            cycle, _ = embryos[eid]
            if cycle.retrieval_date is not None:
                gap = (t.date - cycle.retrieval_date).days
                if gap < 0:
                    yield Problem(
                        f"{where}.date",
                        t.date.isoformat(),
                        f"before the oocyte retrieval of cycle {cycle.id!r} "
                        f"({cycle.retrieval_date})",
                        "Check both dates",
                    )
                elif t.kind is TransferKind.FRESH and max_day is not None and gap > max_day:
                    yield Problem(
                        f"{where}.kind",
                        t.kind.value,
                        f"a fresh transfer {gap} days after retrieval (more than "
                        f"{max_day:g}, plausibility.embryo_day)",
                        "Record it as a frozen transfer, or check the dates",
                    )
        yield from _transfer_link(where, t, pregnancies)


def _transfer_link(where: str, t: Transfer, pregnancies: dict[str, Pregnancy]) -> Iterator[Problem]:
    allowed = _LINKABLE.get(t.outcome) if t.outcome is not None else None
    if t.pregnancy_id is None:
        if allowed is not None:
            yield Problem(
                f"{where}.pregnancy_id",
                None,
                f"a transfer with outcome '{t.outcome}' must link its pregnancy",
                "Add the pregnancy and give its id here",
            )
        return
    preg = pregnancies.get(t.pregnancy_id)
    if preg is None:
        yield Problem(
            f"{where}.pregnancy_id",
            t.pregnancy_id,
            "no pregnancy has this id",
            "Correct the id or add the pregnancy",
        )
        return
    if allowed is None:
        yield Problem(
            f"{where}.pregnancy_id",
            t.pregnancy_id,
            f"a transfer with outcome '{t.outcome or 'pending'}' cannot have a pregnancy",
            "Correct the outcome or remove the link",
        )
    elif preg.outcome not in allowed:
        yield Problem(
            f"{where}.outcome",
            t.outcome.value if t.outcome else None,
            f"contradicts the linked pregnancy's outcome '{preg.outcome.value}'",
            "Make the transfer outcome and the pregnancy outcome agree",
        )
    if preg.end_date is not None and preg.end_date < t.date:
        yield Problem(
            f"{where}.date",
            t.date.isoformat(),
            f"after the end of the pregnancy it led to ({preg.end_date})",
            "Check both dates",
        )


def _codes(case: Case, ctx: ValidationContext) -> Iterator[Problem]:
    for field, attr, valueset in (
        ("conditions", "code", "conditions"),
        ("medications", "code", "medications"),
        ("allergies", "code", "allergies"),
        ("requested_therapies", "therapy", "therapies"),
    ):
        known = ctx.codes.get(valueset)
        if known is None:
            continue
        for i, record in enumerate(getattr(case, field)):
            code = getattr(record, attr)
            if code not in known:
                yield Problem(
                    f"{field}[{i}].{attr}",
                    code,
                    f"not a key of the '{valueset}' value set",
                    f"Use one of: {', '.join(sorted(known)[:12])}…",
                )
    for i, req in enumerate(case.requested_tests):
        if not ctx.labs.is_known(req.test):
            yield Problem(
                f"requested_tests[{i}].test",
                req.test,
                "not in the laboratory catalogue",
                "Use a known test key",
            )


def _dates(case: Case, ctx: ValidationContext) -> Iterator[Problem]:
    """Nothing happens before birth, nor after the record's as-of date."""
    birth = case.patient.birth_date
    as_of = case.as_of
    dated: list[tuple[str, date | None]] = []
    dated += [(f"pregnancies[{i}].end_date", p.end_date) for i, p in enumerate(case.pregnancies)]
    dated += [(f"cycles[{i}].retrieval_date", c.retrieval_date) for i, c in enumerate(case.cycles)]
    dated += [(f"transfers[{i}].date", t.date) for i, t in enumerate(case.transfers)]
    dated += [(f"labs[{i}].date", r.date) for i, r in enumerate(case.labs)]
    dated += [(f"findings[{i}].date", f.date) for i, f in enumerate(case.findings)]
    if case.pregnancy_excluded is not None:
        dated.append(("pregnancy_excluded.date", case.pregnancy_excluded.date))
    for path, when in dated:
        if when is None:
            continue
        if birth is not None and when < birth:
            yield Problem(
                path,
                when.isoformat(),
                f"before the patient's date of birth ({birth})",
                "Check the date",
            )
        if as_of is not None and when > as_of:
            yield Problem(
                path,
                when.isoformat(),
                f"after the record's as_of date ({as_of})",
                "Check the date, or move as_of",
            )


def _none_known(case: Case, ctx: ValidationContext) -> Iterator[Problem]:
    """A "none known" statement contradicted by the record's own entries."""
    listed = (
        ("no_known_conditions", "conditions", len(case.conditions)),
        ("no_known_allergies", "allergies", len(case.allergies)),
        ("no_current_medications", "current medications", sum(m.current for m in case.medications)),
    )
    for flag, what, n in listed:
        if getattr(case, flag) and n:
            yield Problem(
                flag,
                True,
                f"the record also lists {n} {what}",
                f"Remove the {what}, or set {flag} to false",
            )
    excluded = case.pregnancy_excluded
    if excluded is None:
        return
    for i, p in enumerate(case.pregnancies):
        if p.outcome is PregnancyOutcome.ONGOING and (
            p.end_date is None or p.end_date <= excluded.date
        ):
            when = "undated" if p.end_date is None else f"dated {p.end_date}"
            yield Problem(
                "pregnancy_excluded.date",
                excluded.date.isoformat(),
                f"pregnancies[{i}] is ongoing ({when}): pregnancy cannot be excluded on this day",
                "Record how that pregnancy ended, or remove pregnancy_excluded",
            )
