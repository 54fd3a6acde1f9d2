"""Hypothesis strategies for case files.

:func:`valid_cases` draws case documents (plain JSON-compatible dicts, dates as ISO text) that
every check accepts: values inside the knowledge base's plausibility limits, laboratory
results from its catalogue in their canonical unit, unique ids, dates between the patient's
birth and the record's as-of day, transfers after the retrieval of their embryos and linked to
a pregnancy of a matching outcome. :func:`invalid_cases` takes such a document and breaks one
field, returning the document with the path that must be named in the refusal.

Limits are read from the validation context the tests use, never written here.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from hypothesis import assume
from hypothesis import strategies as st

from nidation.domain import (
    Cd138Denominator,
    Conception,
    ConditionStatus,
    EmbryoStage,
    EndometriosisStage,
    FindingKind,
    FindingMethod,
    Insemination,
    KaryotypeResult,
    PgtA,
    PocGenetics,
    PregnancyComplication,
    PregnancyOutcome,
    PregnancyTestMethod,
    Qualitative,
    Side,
    Smoking,
    TransferKind,
    TransferOutcome,
    ValidationContext,
)

Doc = dict[str, Any]
YEAR = 365.25

_ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
IDS = st.builds(
    str.__add__, st.sampled_from(_ALNUM), st.text(alphabet=_ALNUM + "_.:-", max_size=11)
)
"""Record identifiers as the domain accepts them (``[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}``)."""
TEXT = st.text(min_size=1, max_size=40).filter(lambda s: s.strip() != "")

# Which pregnancy outcomes a positive transfer may lead to (the specification, independent of
# the implementation in nidation.domain.consistency).
LINKABLE: dict[TransferOutcome, list[PregnancyOutcome]] = {
    TransferOutcome.BIOCHEMICAL: [
        PregnancyOutcome.BIOCHEMICAL_LOSS,
        PregnancyOutcome.PREGNANCY_OF_UNKNOWN_LOCATION,
    ],
    TransferOutcome.ECTOPIC: [PregnancyOutcome.ECTOPIC],
    TransferOutcome.CLINICAL_PREGNANCY: [
        o
        for o in PregnancyOutcome
        if o
        not in (
            PregnancyOutcome.BIOCHEMICAL_LOSS,
            PregnancyOutcome.PREGNANCY_OF_UNKNOWN_LOCATION,
            PregnancyOutcome.ECTOPIC,
        )
    ],
}


def bounds(ctx: ValidationContext, key: str, *, default_span: float = 100.0) -> tuple[float, float]:
    """The plausible range of ``key`` (an absent bound replaced by a finite one)."""
    limit = ctx.limit(key)
    low = limit.min if limit.min is not None else 0.0
    high = limit.max if limit.max is not None else low + default_span
    return low, high


def within(ctx: ValidationContext, key: str, *, integer: bool = False) -> st.SearchStrategy[Any]:
    """A value inside the plausible range of ``key``."""
    low, high = bounds(ctx, key)
    if integer:
        return st.integers(int(-(-low // 1)), int(high // 1))
    return st.floats(low, high, allow_nan=False, allow_infinity=False)


def iso(day: date) -> str:
    return day.isoformat()


def maybe(draw: st.DrawFn, strategy: st.SearchStrategy[Any]) -> Any:
    return draw(st.none() | strategy)


def put(doc: Doc, key: str, value: Any) -> None:
    if value is not None:
        doc[key] = value


@dataclass(frozen=True)
class Window:
    """The days events of the case may fall on."""

    start: date
    end: date

    def day(
        self, *, after: date | None = None, within_days: int | None = None
    ) -> st.SearchStrategy[date]:
        low = max(self.start, after) if after else self.start
        high = self.end if within_days is None else min(self.end, low + timedelta(within_days))
        return st.dates(low, max(low, high))


@st.composite
def valid_cases(draw: st.DrawFn, ctx: ValidationContext) -> Doc:
    """A case document every check accepts (see the module docstring)."""
    as_of = draw(st.none() | st.dates(ctx.today - timedelta(days=3 * 365), ctx.today))
    ref = as_of or ctx.today
    age_low, age_high = bounds(ctx, "plausibility.age_years")
    age = draw(st.integers(max(int(age_low) + 1, 20), min(int(age_high) - 1, 55)))
    birth = ref - timedelta(days=int(age * YEAR) + draw(st.integers(0, 300)))
    window = Window(
        max(birth + timedelta(days=int(16 * YEAR)), ref - timedelta(days=12 * 365)), ref
    )

    doc: Doc = {"patient": draw(_patient(ctx, ref, birth, window))}
    put(doc, "as_of", iso(as_of) if as_of else None)
    if not doc["patient"].get("birth_date"):
        window = Window(ref - timedelta(days=4 * 365), ref)
    put(doc, "partner", maybe(draw, _partner(ctx, window)))

    pregnancies = [draw(_pregnancy(ctx, window, None)) for _ in range(draw(st.integers(0, 3)))]
    for i, pregnancy in enumerate(pregnancies):
        pregnancy["id"] = f"tmp{i}"
    cycles, transfers = draw(_ivf(ctx, window, pregnancies))
    ids = draw(st.lists(IDS, min_size=len(pregnancies), max_size=len(pregnancies), unique=True))
    renamed = {p["id"]: new for p, new in zip(pregnancies, ids, strict=True)}
    for p in pregnancies:
        p["id"] = renamed[p["id"]]
    for t in transfers:
        if "pregnancy_id" in t:
            t["pregnancy_id"] = renamed[t["pregnancy_id"]]
    draw(st.randoms()).shuffle(pregnancies)
    for key, records in (
        ("pregnancies", pregnancies),
        ("cycles", cycles),
        ("transfers", transfers),
    ):
        if records:
            doc[key] = records
    labs = draw(st.lists(_lab(ctx, window), max_size=4))
    if labs:
        doc["labs"] = labs
    findings = draw(st.lists(_finding(ctx, window), max_size=3))
    if findings:
        doc["findings"] = findings
    for field, valueset, make in (
        ("conditions", "conditions", _condition),
        ("medications", "medications", _medication),
        ("allergies", "allergies", _allergy),
        ("requested_therapies", "therapies", _therapy),
    ):
        codes = sorted(ctx.codes.get(valueset, ()))
        if codes:
            records = draw(st.lists(make(st.sampled_from(codes), window), max_size=2))
            if records:
                doc[field] = records
    # "None known" statements: only where the record lists nothing that contradicts them.
    current = [m for m in doc.get("medications", ()) if m.get("current", True)]
    for flag, empty in (
        ("no_known_conditions", not doc.get("conditions")),
        ("no_known_allergies", not doc.get("allergies")),
        ("no_current_medications", not current),
    ):
        if empty and draw(st.booleans()):
            doc[flag] = True
    if not any(p["outcome"] == "ongoing" for p in pregnancies) and draw(st.booleans()):
        excluded: Doc = {"date": iso(draw(window.day()))}
        put(excluded, "method", maybe(draw, st.sampled_from(PregnancyTestMethod).map(str)))
        put(excluded, "detail", maybe(draw, TEXT))
        doc["pregnancy_excluded"] = excluded
    tests = ctx.labs.known_tests()
    requested = draw(st.lists(st.fixed_dictionaries({"test": st.sampled_from(tests)}), max_size=2))
    if requested:
        doc["requested_tests"] = requested
    return doc


@st.composite
def _karyotype(draw: st.DrawFn, window: Window) -> Doc:
    doc: Doc = {"result": draw(st.sampled_from(KaryotypeResult)).value}
    put(doc, "iscn", maybe(draw, TEXT))
    put(doc, "date", maybe(draw, window.day().map(iso)))
    return doc


@st.composite
def _patient(
    draw: st.DrawFn, ctx: ValidationContext, ref: date, birth: date, window: Window
) -> Doc:
    doc: Doc = {"id": draw(IDS)}
    how = draw(st.sampled_from(["birth_date", "age_years", "both", "neither"]))
    if how in ("birth_date", "both"):
        doc["birth_date"] = iso(birth)
    if how in ("age_years", "both"):
        doc["age_years"] = round((ref - birth).days / YEAR, 1)
    height = maybe(draw, within(ctx, "plausibility.height_cm"))
    weight = maybe(draw, within(ctx, "plausibility.weight_kg"))
    put(doc, "height_cm", height)
    put(doc, "weight_kg", weight)
    low, high = bounds(ctx, "plausibility.bmi_kg_m2")
    if height and weight:
        bmi = round(weight / (height / 100) ** 2, 2)
        if low <= bmi <= high and draw(st.booleans()):
            doc["bmi_kg_m2"] = bmi
    else:
        put(doc, "bmi_kg_m2", maybe(draw, within(ctx, "plausibility.bmi_kg_m2")))
    smoking = maybe(draw, st.sampled_from(Smoking))
    put(doc, "smoking", smoking.value if smoking else None)
    if smoking is Smoking.NEVER:
        put(doc, "cigarettes_per_day", draw(st.sampled_from([None, 0.0])))
    else:
        put(doc, "cigarettes_per_day", maybe(draw, within(ctx, "plausibility.cigarettes_per_day")))
    for field in ("alcohol_units_per_week", "caffeine_mg_per_day"):
        put(doc, field, maybe(draw, within(ctx, f"plausibility.{field}")))
    put(doc, "karyotype", maybe(draw, _karyotype(window)))
    return doc


@st.composite
def _partner(draw: st.DrawFn, ctx: ValidationContext, window: Window) -> Doc:
    doc: Doc = {}
    put(doc, "age_years", maybe(draw, within(ctx, "plausibility.partner_age_years")))
    put(doc, "karyotype", maybe(draw, _karyotype(window)))
    put(
        doc,
        "sperm_dna_fragmentation_pct",
        maybe(draw, within(ctx, "plausibility.sperm_dna_fragmentation_pct")),
    )
    put(doc, "sperm_dna_fragmentation_method", maybe(draw, st.sampled_from(["SCSA", "TUNEL"])))
    return doc


@st.composite
def _pregnancy(
    draw: st.DrawFn,
    ctx: ValidationContext,
    window: Window,
    linked: tuple[date, list[PregnancyOutcome]] | None,
) -> Doc:
    """A pregnancy; ``linked`` = (transfer date, allowed outcomes) when a transfer led to it."""
    outcomes = linked[1] if linked else list(PregnancyOutcome)
    outcome = draw(st.sampled_from(outcomes))
    doc: Doc = {"outcome": outcome.value}
    if linked:
        put(doc, "conception", draw(st.sampled_from([None, "ivf_fresh", "ivf_frozen"])))
    else:
        conception = maybe(draw, st.sampled_from(Conception))
        put(doc, "conception", conception.value if conception else None)
    after = linked[0] if linked else None
    put(doc, "end_date", maybe(draw, window.day(after=after).map(iso)))
    g_low, g_high = bounds(ctx, "plausibility.gestation_weeks")
    minimum = {
        PregnancyOutcome.LIVE_BIRTH: "plausibility.live_birth_min_weeks",
        PregnancyOutcome.STILLBIRTH: "plausibility.stillbirth_min_weeks",
    }.get(outcome)
    if minimum:
        g_low = max(g_low, ctx.limit(minimum).min or g_low)
    weeks = maybe(draw, st.integers(int(-(-g_low // 1)), int(g_high // 1)))
    put(doc, "gestational_age_weeks", weeks)
    if weeks is not None:
        put(doc, "gestational_age_days", maybe(draw, st.integers(0, 6)))
    never_seen = outcome in (
        PregnancyOutcome.BIOCHEMICAL_LOSS,
        PregnancyOutcome.PREGNANCY_OF_UNKNOWN_LOCATION,
    )
    seen = st.sampled_from([None, False]) if never_seen else st.sampled_from([None, False, True])
    for field in ("intrauterine_sac_seen", "fetal_heart_seen"):
        put(doc, field, draw(seen))
    for field in ("fetal_morphology_normal", "bleeding_in_early_pregnancy"):
        put(doc, field, maybe(draw, st.booleans()))
    poc = maybe(draw, st.sampled_from(PocGenetics))
    put(doc, "poc_genetics", poc.value if poc else None)
    complications = draw(st.lists(st.sampled_from(PregnancyComplication), unique=True, max_size=2))
    if complications:
        doc["complications"] = [c.value for c in complications]
    put(doc, "maternal_age_years", maybe(draw, within(ctx, "plausibility.age_years")))
    put(doc, "notes", maybe(draw, TEXT))
    return doc


@st.composite
def _ivf(
    draw: st.DrawFn, ctx: ValidationContext, window: Window, pregnancies: list[Doc]
) -> tuple[list[Doc], list[Doc]]:
    """Cycles with their embryos, and transfers of those embryos (adding linked pregnancies)."""
    n_cycles = draw(st.integers(0, 3))
    cycle_ids = draw(st.lists(IDS, min_size=n_cycles, max_size=n_cycles, unique=True))
    n_embryos = [draw(st.integers(0, 4)) for _ in cycle_ids]
    embryo_ids = draw(st.lists(IDS, min_size=sum(n_embryos), max_size=sum(n_embryos), unique=True))
    _, max_day = bounds(ctx, "plausibility.embryo_day")
    _, per_transfer = bounds(ctx, "plausibility.embryos_per_transfer")
    cycles: list[Doc] = []
    transfers: list[Doc] = []
    taken = 0
    for cycle_id, n in zip(cycle_ids, n_embryos, strict=True):
        ids = embryo_ids[taken : taken + n]
        taken += n
        cycle: Doc = {"id": cycle_id}
        retrieval = maybe(draw, window.day())
        put(cycle, "retrieval_date", iso(retrieval) if retrieval else None)
        put(cycle, "age_at_retrieval_years", maybe(draw, within(ctx, "plausibility.age_years")))
        if draw(st.booleans()):
            cycle["oocyte_source"] = "donor"
            put(cycle, "donor_age_years", maybe(draw, within(ctx, "plausibility.donor_age_years")))
        insemination = maybe(draw, st.sampled_from(Insemination))
        put(cycle, "insemination", insemination.value if insemination else None)
        put(
            cycle,
            "oocytes_retrieved",
            maybe(draw, within(ctx, "plausibility.oocytes_retrieved", integer=True)),
        )
        if ids:
            cycle["embryos"] = [draw(_embryo(ctx, embryo_id)) for embryo_id in ids]
        cycles.append(cycle)
        remaining = list(ids)
        while remaining:
            if not draw(st.booleans()):
                break
            size = draw(st.integers(1, int(min(per_transfer, len(remaining)))))
            chosen, remaining = remaining[:size], remaining[size:]
            transfers.append(
                draw(_transfer(ctx, window, chosen, retrieval, int(max_day), pregnancies))
            )
    ids = draw(st.lists(IDS, min_size=len(transfers), max_size=len(transfers), unique=True))
    for transfer, transfer_id in zip(transfers, ids, strict=True):
        transfer["id"] = transfer_id
    return cycles, transfers


@st.composite
def _embryo(draw: st.DrawFn, ctx: ValidationContext, embryo_id: str) -> Doc:
    doc: Doc = {"id": embryo_id, "stage": draw(st.sampled_from(EmbryoStage)).value}
    put(doc, "day", maybe(draw, within(ctx, "plausibility.embryo_day", integer=True)))
    put(doc, "grade", maybe(draw, st.sampled_from(["4AA", "3BB", "5AB", "8-cell"])))
    put(doc, "grading_system", maybe(draw, st.sampled_from(["Gardner", "Istanbul"])))
    pgt = maybe(draw, st.sampled_from(PgtA))
    put(doc, "pgt_a", pgt.value if pgt else None)
    return doc


@st.composite
def _transfer(
    draw: st.DrawFn,
    ctx: ValidationContext,
    window: Window,
    embryo_ids: list[str],
    retrieval: date | None,
    max_day: int,
    pregnancies: list[Doc],
) -> Doc:
    kind = draw(st.sampled_from(TransferKind))
    limit = max_day if kind is TransferKind.FRESH and retrieval else None
    day = draw(window.day(after=retrieval, within_days=limit))
    doc: Doc = {"date": iso(day), "embryo_ids": embryo_ids, "kind": kind.value}
    put(
        doc,
        "endometrial_thickness_mm",
        maybe(draw, within(ctx, "plausibility.endometrial_thickness_mm")),
    )
    outcome = maybe(draw, st.sampled_from(TransferOutcome))
    if outcome is not None:
        doc["outcome"] = outcome.value
    if outcome in LINKABLE:
        assert outcome is not None
        pregnancy = draw(_pregnancy(ctx, window, (day, LINKABLE[outcome])))
        pregnancy["id"] = doc["pregnancy_id"] = f"tmp{len(pregnancies)}"
        pregnancies.append(pregnancy)
    return doc


@st.composite
def _lab(draw: st.DrawFn, ctx: ValidationContext, window: Window) -> Doc:
    labs = ctx.labs
    test = draw(st.sampled_from(labs.known_tests()))
    doc: Doc = {"test": test, "date": iso(draw(window.day()))}
    qualitative = st.sampled_from(Qualitative).map(lambda q: q.value)
    limit = labs.plausible(test)
    if labs.is_qualitative_only(test) or limit is None:
        doc["qualitative"] = draw(qualitative)
    else:
        low = limit.min if limit.min is not None else 0.0
        high = limit.max if limit.max is not None else low + 1000.0
        doc["value"] = draw(st.floats(low, high, allow_nan=False, allow_infinity=False))
        doc["unit"] = limit.unit
        put(doc, "qualitative", maybe(draw, qualitative))
        if draw(st.booleans()):
            ref_low, ref_high = sorted(draw(st.lists(st.floats(low, high), min_size=2, max_size=2)))
            doc["reference_low"], doc["reference_high"] = ref_low, ref_high
    put(doc, "laboratory", maybe(draw, TEXT))
    return doc


@st.composite
def _finding(draw: st.DrawFn, ctx: ValidationContext, window: Window) -> Doc:
    kind = draw(st.sampled_from(FindingKind))
    doc: Doc = {"kind": kind.value, "present": draw(st.booleans())}
    put(doc, "date", maybe(draw, window.day().map(iso)))
    method = maybe(draw, st.sampled_from(FindingMethod))
    put(doc, "method", method.value if method else None)
    put(doc, "eshre_esge_class", maybe(draw, st.from_regex(r"U[0-6](a|b|c)?", fullmatch=True)))
    put(doc, "figo_type", maybe(draw, st.from_regex(r"[0-8](-[0-8])?", fullmatch=True)))
    put(doc, "size_mm", maybe(draw, within(ctx, "plausibility.lesion_size_mm")))
    side = maybe(draw, st.sampled_from(Side))
    put(doc, "side", side.value if side else None)
    put(doc, "cd138_count", maybe(draw, within(ctx, "plausibility.cd138_cells")))
    denominator = maybe(draw, st.sampled_from(Cd138Denominator))
    put(doc, "cd138_denominator", denominator.value if denominator else None)
    stage = maybe(draw, st.sampled_from(EndometriosisStage))
    put(doc, "endometriosis_stage", stage.value if stage else None)
    put(
        doc,
        "endometrial_thickness_mm",
        maybe(draw, within(ctx, "plausibility.endometrial_thickness_mm")),
    )
    put(doc, "lactobacillus_pct", maybe(draw, within(ctx, "plausibility.lactobacillus_pct")))
    put(doc, "notes", maybe(draw, TEXT))
    return doc


@st.composite
def _condition(draw: st.DrawFn, codes: st.SearchStrategy[str], window: Window) -> Doc:
    doc: Doc = {"code": draw(codes), "status": draw(st.sampled_from(ConditionStatus)).value}
    put(doc, "onset_date", maybe(draw, window.day().map(iso)))
    return doc


@st.composite
def _medication(draw: st.DrawFn, codes: st.SearchStrategy[str], window: Window) -> Doc:
    doc: Doc = {"code": draw(codes), "current": draw(st.booleans())}
    put(doc, "dose", maybe(draw, st.sampled_from(["40 mg daily", "100 mg"])))
    put(doc, "start_date", maybe(draw, window.day().map(iso)))
    return doc


@st.composite
def _allergy(draw: st.DrawFn, codes: st.SearchStrategy[str], window: Window) -> Doc:
    doc: Doc = {"code": draw(codes)}
    put(doc, "reaction", maybe(draw, TEXT))
    return doc


@st.composite
def _therapy(draw: st.DrawFn, codes: st.SearchStrategy[str], window: Window) -> Doc:
    doc: Doc = {"therapy": draw(codes)}
    put(doc, "protocol", maybe(draw, TEXT))
    put(doc, "date", maybe(draw, window.day().map(iso)))
    return doc


# --- one invalid field ------------------------------------------------------------------------


@dataclass(frozen=True)
class Broken:
    """A case document with one field made invalid, and what the refusal must name."""

    doc: Doc
    path: str
    kind: str


# (location, plausibility key, integer?) of numeric fields checked against a limit.
_NUMERIC = [
    (("patient", "age_years"), "plausibility.age_years", False),
    (("patient", "height_cm"), "plausibility.height_cm", False),
    (("patient", "weight_kg"), "plausibility.weight_kg", False),
    (("patient", "bmi_kg_m2"), "plausibility.bmi_kg_m2", False),
    (("patient", "alcohol_units_per_week"), "plausibility.alcohol_units_per_week", False),
    (("patient", "caffeine_mg_per_day"), "plausibility.caffeine_mg_per_day", False),
    (("pregnancies", "*", "gestational_age_weeks"), "plausibility.gestation_weeks", True),
    (("pregnancies", "*", "maternal_age_years"), "plausibility.age_years", False),
    (("cycles", "*", "oocytes_retrieved"), "plausibility.oocytes_retrieved", True),
    (("cycles", "*", "age_at_retrieval_years"), "plausibility.age_years", False),
    (("cycles", "*", "embryos", "*", "day"), "plausibility.embryo_day", True),
    (
        ("transfers", "*", "endometrial_thickness_mm"),
        "plausibility.endometrial_thickness_mm",
        False,
    ),
    (("findings", "*", "size_mm"), "plausibility.lesion_size_mm", False),
    (("findings", "*", "lactobacillus_pct"), "plausibility.lactobacillus_pct", False),
]
_DATES = [
    ("as_of",),
    ("patient", "birth_date"),
    ("pregnancies", "*", "end_date"),
    ("cycles", "*", "retrieval_date"),
    ("transfers", "*", "date"),
    ("labs", "*", "date"),
    ("findings", "*", "date"),
]
_ENUMS = [
    ("patient", "smoking"),
    ("pregnancies", "*", "outcome"),
    ("pregnancies", "*", "conception"),
    ("cycles", "*", "embryos", "*", "stage"),
    ("transfers", "*", "kind"),
    ("transfers", "*", "outcome"),
    ("findings", "*", "kind"),
    ("labs", "*", "qualitative"),
]


def _locations(
    doc: Any, pattern: tuple[str, ...], at: tuple[str | int, ...] = ()
) -> list[tuple[str | int, ...]]:
    """Every concrete location matching ``pattern`` ('*' = each item) that holds a value."""
    if not pattern:
        return [at]
    head, rest = pattern[0], pattern[1:]
    if head == "*":
        if not isinstance(doc, list):
            return []
        return [loc for i, item in enumerate(doc) for loc in _locations(item, rest, (*at, i))]
    if not isinstance(doc, dict) or head not in doc:
        return []
    return _locations(doc[head], rest, (*at, head))


def _set(doc: Doc, loc: tuple[str | int, ...], value: Any) -> None:
    target: Any = doc
    for part in loc[:-1]:
        target = target[part]
    target[loc[-1]] = value


def _path(loc: tuple[str | int, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


KINDS = (
    "above the plausible maximum",
    "below the plausible minimum",
    "future date",
    "unknown enum value",
    "unknown unit",
    "wrong type",
)


@st.composite
def invalid_cases(draw: st.DrawFn, ctx: ValidationContext, kind: str | None = None) -> Broken:
    """A valid case with one field replaced by a wrong type, an implausible number, a future
    date, an unknown unit or an unknown enum value (``kind``, one of :data:`KINDS`)."""
    doc = copy.deepcopy(draw(valid_cases(ctx)))
    options: list[tuple[str, tuple[str | int, ...], Any]] = []
    for pattern, key, integer in _NUMERIC:
        for loc in _locations(doc, pattern):
            low, high = ctx.limit(key).min, ctx.limit(key).max
            step = st.integers(1, 1000) if integer else st.floats(0.01, 1e6)
            if high is not None:
                options.append(("above the plausible maximum", loc, high + draw(step)))
            if low is not None:
                options.append(("below the plausible minimum", loc, low - draw(step)))
            options.append(("wrong type", loc, draw(st.sampled_from(["many", "12 kg", [1], {}]))))
    for pattern in _DATES:
        for loc in _locations(doc, pattern):
            future = ctx.today + timedelta(days=draw(st.integers(1, 20 * 365)))
            options.append(("future date", loc, iso(future)))
            options.append(
                (
                    "wrong type",
                    loc,
                    draw(st.sampled_from(["yesterday", "2024-02-30", "01/02/2024"])),
                )
            )
    for pattern in _ENUMS:
        for loc in _locations(doc, pattern):
            options.append(
                ("unknown enum value", loc, draw(st.sampled_from(["maybe", "OTHER", "", 3])))
            )
    if kind == "unknown unit" and not any("unit" in lab for lab in doc.get("labs", [])):
        numeric = [t for t in ctx.labs.known_tests() if not ctx.labs.is_qualitative_only(t)]
        test = draw(st.sampled_from(numeric))
        limit = ctx.labs.plausible(test)
        assume(limit is not None)
        assert limit is not None
        day = doc.get("as_of") or iso(ctx.today)
        value = limit.min if limit.min is not None else 0.0
        doc.setdefault("labs", []).append(
            {"test": test, "value": value, "unit": limit.unit, "date": day}
        )
    for i, lab in enumerate(doc.get("labs", [])):
        if "unit" in lab:
            options.append(
                (
                    "unknown unit",
                    ("labs", i, "unit"),
                    draw(st.sampled_from(["furlongs", "bananas/fortnight", "??"])),
                )
            )
    options.append(
        ("wrong type", ("patient", "id"), draw(st.sampled_from([12, "has space", "", ["P1"]])))
    )
    chosen = kind or draw(st.sampled_from(sorted({k for k, _, _ in options})))
    candidates = [o for o in options if o[0] == chosen]
    assume(candidates)
    _, loc, value = draw(st.sampled_from(candidates))
    _set(doc, loc, value)
    return Broken(doc, _path(loc), chosen)
