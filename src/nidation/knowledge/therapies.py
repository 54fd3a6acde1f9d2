"""The therapy catalogue: what each therapy is for, who says so, how it is given, and when not to.

One file per therapy under ``data/therapies/<key>.toml`` plus the indication vocabulary in
``data/therapies/_indications.toml``. A therapy lists its *indications* (a cause or definition key,
each with every guideline's stance and the key trials), the *regimens* and *timing* its sources
document, and structured *contraindications*, *interactions* and *monitoring* that rules can check
against a case. Every entry carries ``source``, ``locator`` and ``verified``. The catalogue holds no
advice of its own: a stance is always a guideline's (or a flagged project convention's) statement.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import Field, model_validator

from nidation.errors import KnowledgeError
from nidation.knowledge.model import Operator, _Frozen, _Provenance
from nidation.knowledge.problems import build, fail, read_toml, table_of
from nidation.knowledge.units import spelling

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

    from nidation.knowledge.knowledge import Knowledge

__all__ = [
    "Alternative",
    "Contraindication",
    "Evidence",
    "GuidelineStance",
    "Indication",
    "IndicationKey",
    "Interaction",
    "Monitoring",
    "Regimen",
    "Stop",
    "Therapy",
    "TherapyCatalogue",
    "check_therapies",
    "load_therapies",
]

NonEmpty = Annotated[str, Field(min_length=1)]
Stance = Literal[
    "recommended", "conditional", "research_only", "advised_against", "no_recommendation"
]
Severity = Literal["absolute", "relative", "caution"]
FOLDER = "therapies"
VOCABULARY = "_indications.toml"

#: Which therapy stances may cite a recommendation of a given stance (never a trial result).
STANCE_OF_RECOMMENDATION: Mapping[str, frozenset[str]] = {
    "recommended": frozenset({"recommended"}),
    "consider": frozenset({"conditional"}),
    "not_recommended": frozenset({"advised_against", "no_recommendation"}),
    "research_only": frozenset({"research_only"}),
}
#: Kinds of source whose statements count as a stance; trials and reviews go under ``evidence``.
STANCE_SOURCE_KINDS = frozenset(
    {"guideline", "consensus", "committee opinion", "regulatory", "project convention"}
)


class GuidelineStance(_Provenance):
    """One body's stance on a therapy for one indication, strength exactly as it grades it."""

    stance: Stance
    strength: str = ""
    certainty: str = ""
    recommendation: NonEmpty


class Evidence(_Provenance):
    """A key trial or review: the headline result in our own words."""

    evidence: NonEmpty
    recommendation: str = ""


class Indication(_Frozen):
    """A cause or definition the therapy is (or is not) for, with every stance and key trials."""

    indication: NonEmpty
    population: Literal["rpl", "rif", "any"] = "any"
    qualifier: str = ""
    min_losses: int | None = Field(default=None, ge=0)
    max_losses: int | None = Field(default=None, ge=0)
    agent: str = ""
    locator: NonEmpty
    stances: tuple[GuidelineStance, ...] = ()
    evidence: tuple[Evidence, ...] = ()
    note: str = ""

    @model_validator(mode="after")
    def _shape(self) -> Indication:
        if not self.stances and not self.evidence:
            raise ValueError("an indication needs at least one stance or one piece of evidence")
        low, high = self.min_losses, self.max_losses
        if low is not None and high is not None and high < low:
            raise ValueError(f"max_losses {self.max_losses} is below min_losses {self.min_losses}")
        return self


class Regimen(_Provenance):
    """A dose, route and frequency exactly as the source documents it (numbers empty if none)."""

    agent: str = ""
    context: Literal["guideline", "trial", "label", "reference_intake", "advice", "convention"]
    description: NonEmpty
    dose_min: float | None = Field(default=None, gt=0)
    dose_max: float | None = Field(default=None, gt=0)
    dose_unit: str = ""
    route: Literal[
        "", "oral", "subcutaneous", "intravenous", "vaginal", "intrauterine", "surgical"
    ] = ""
    frequency: str = ""
    duration: str = ""

    @model_validator(mode="after")
    def _dose(self) -> Regimen:
        if self.dose_max is not None and self.dose_min is None:
            raise ValueError("dose_max needs dose_min (give both equal for a single dose)")
        if self.dose_min is not None and not self.dose_unit:
            raise ValueError("a dose needs its dose_unit")
        if (
            self.dose_min is not None
            and self.dose_max is not None
            and self.dose_max < self.dose_min
        ):
            raise ValueError(f"dose_max {self.dose_max} is below dose_min {self.dose_min}")
        return self


StopKind = Literal[
    "gestational_week",
    "postpartum_weeks",
    "duration_days",
    "duration_weeks",
    "end_of_pregnancy",
    "pregnancy_test",
    "single_procedure",
]
VALUED_STOPS = frozenset(
    {"gestational_week", "postpartum_weeks", "duration_days", "duration_weeks"}
)


class Stop(_Frozen):
    kind: StopKind
    value: float | None = Field(default=None, gt=0)

    @model_validator(mode="after")
    def _value(self) -> Stop:
        if (self.value is not None) != (self.kind in VALUED_STOPS):
            state = "needs" if self.kind in VALUED_STOPS else "takes no"
            raise ValueError(f"a {self.kind!r} stop {state} value")
        return self


class Timing(_Provenance):
    """A treatment window as data: when it starts and what ends it."""

    agent: str = ""
    start: Literal[
        "preconception",
        "positive_pregnancy_test",
        "bleeding_onset",
        "first_trimester",
        "ovarian_stimulation",
        "before_transfer",
        "before_ivf",
        "non_conception_cycle",
        "any_time",
        "unspecified",
    ]
    start_detail: str = ""
    stop: Stop | None = None


Kind = Literal[
    "condition", "allergy", "medication", "lab", "pregnancy", "dose_per_kg", "dose_per_day"
]
KEYED = frozenset({"condition", "allergy", "medication", "lab"})
MEASURED = frozenset({"lab", "dose_per_kg", "dose_per_day"})


class Alternative(_Provenance):
    """What a source offers instead when a contraindication rules the therapy out."""

    description: NonEmpty


class Contraindication(_Provenance):
    """A machine-checkable reason not to give (or to be careful giving) a therapy.

    ``alternatives`` name what the sources offer instead (shown when an absolute
    contraindication demotes the therapy)."""

    kind: Kind
    key: str = ""
    agent: str = ""
    operator: Operator | None = None
    threshold: str = ""
    value: float | None = None
    unit: str = ""
    severity: Severity
    phase: Literal["start", "any"] = "any"
    reason: NonEmpty
    recommendation: str = ""
    alternatives: tuple[Alternative, ...] = ()

    @model_validator(mode="after")
    def _shape(self) -> Contraindication:
        keyed = self.kind in KEYED
        if bool(self.key) != keyed:
            raise ValueError(
                f"a {self.kind} contraindication {'needs' if keyed else 'takes no'} key"
            )
        inline = self.value is not None or bool(self.unit)
        if self.kind not in MEASURED:
            if self.operator is not None or self.threshold or inline:
                raise ValueError(f"a {self.kind} contraindication takes no operator or value")
            return self
        if self.operator is None:
            raise ValueError(f"a {self.kind} contraindication needs an operator")
        if self.threshold and inline:
            raise ValueError("give a threshold key or value and unit, not both")
        if not self.threshold and (self.value is None or not self.unit):
            raise ValueError("give a threshold key, or both value and unit")
        return self

    def limit(self, kb: Knowledge) -> tuple[Operator, float, str] | None:
        """``(operator, value, unit)`` of a measured contraindication, ``None`` for the others.

        A threshold key is read from ``kb`` each time, so a clinic overlay's value applies.
        """
        if self.operator is None:
            return None
        if self.threshold:
            return self.operator, kb.value(self.threshold), kb.threshold(self.threshold).unit
        assert self.value is not None
        return self.operator, self.value, self.unit


class Interaction(_Provenance):
    medication: NonEmpty
    agent: str = ""
    severity: Severity
    effect: NonEmpty
    recommendation: str = ""


class Monitoring(_Provenance):
    what: NonEmpty
    lab: str = ""
    threshold: str = ""
    schedule: NonEmpty
    when_condition: str = ""
    when_medication: str = ""
    recommendation: str = ""


class Therapy(_Frozen):
    """One therapy of ``valuesets/therapies.csv`` with everything the catalogue knows about it."""

    key: NonEmpty
    display: str = ""
    kind: Literal["medicine", "surgery", "laboratory", "supportive"]
    components: tuple[str, ...] = ()
    summary: NonEmpty
    indications: tuple[Indication, ...] = Field(min_length=1)
    regimens: tuple[Regimen, ...] = ()
    timing: tuple[Timing, ...] = ()
    contraindications: tuple[Contraindication, ...] = ()
    interactions: tuple[Interaction, ...] = ()
    monitoring: tuple[Monitoring, ...] = ()
    note: str = ""


class IndicationKey(_Frozen):
    """An indication key: a cause or definition decided by rules (``decided_by``, if written)."""

    key: NonEmpty
    display: NonEmpty
    within: str = ""
    decided_by: tuple[str, ...] = ()
    note: str = ""


class TherapyCatalogue(Mapping[str, Therapy]):
    """A read-only mapping therapy key → :class:`Therapy`, with the indication vocabulary."""

    def __init__(
        self, therapies: Mapping[str, Therapy], indications: Mapping[str, IndicationKey]
    ) -> None:
        self._therapies = dict(therapies)
        self._indications = dict(indications)

    def __getitem__(self, key: str) -> Therapy:
        return self._therapies[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._therapies)

    def __len__(self) -> int:
        return len(self._therapies)

    @property
    def indications(self) -> Mapping[str, IndicationKey]:
        return dict(self._indications)

    def broader(self, indication: str) -> tuple[str, ...]:
        """``indication`` and every indication it lies within, narrowest first."""
        chain = [indication]
        while (parent := self._indications[chain[-1]].within) and parent not in chain:
            chain.append(parent)
        return tuple(chain)

    def for_indication(
        self, indication: str, *, population: str = "any"
    ) -> list[tuple[Therapy, Indication]]:
        """Every (therapy, indication entry) for ``indication`` or a broader one.

        ``population`` (``rpl`` or ``rif``) keeps entries for that population and for ``any``.
        """
        keys = set(self.broader(indication))
        return [
            (therapy, entry)
            for therapy in self._therapies.values()
            for entry in therapy.indications
            if entry.indication in keys
            and (population == "any" or entry.population in {"any", population})
        ]


def load_therapies(root: Traversable) -> TherapyCatalogue:
    """Read ``therapies/_indications.toml`` and every ``therapies/<key>.toml`` below ``root``."""
    folder = root.joinpath(FOLDER)
    vocabulary_file = f"{FOLDER}/{VOCABULARY}"
    vocabulary = table_of(read_toml(root, vocabulary_file), "indications", file=vocabulary_file)
    indications: dict[str, IndicationKey] = {}
    for key, entry in vocabulary.items():
        if not isinstance(entry, dict):
            raise fail(vocabulary_file, f"indications.{key}", "", "must be a table of fields")
        data = {**entry, "key": key}
        indications[key] = build(
            IndicationKey, data, file=vocabulary_file, entry=f"indications.{key}"
        )
    therapies: dict[str, Therapy] = {}
    names = sorted(n.name for n in folder.iterdir() if n.name.endswith(".toml"))
    for name in names:
        if name == VOCABULARY:
            continue
        file, key = f"{FOLDER}/{name}", name.removesuffix(".toml")
        document = read_toml(root, file)
        if document.get("key", key) != key:
            raise fail(file, key, "key", f"{document['key']!r} differs from the file name")
        therapies[key] = build(Therapy, {**document, "key": key}, file=file, entry=f"therapy {key}")
    return TherapyCatalogue(therapies, indications)


def check_therapies(kb: Knowledge) -> None:
    """Every key, source, recommendation, value-set key, lab and unit named must resolve."""
    catalogue = kb.therapies
    listed = kb.valuesets["therapies"].keys()
    unlisted = sorted(set(catalogue) - listed)
    if unlisted:
        raise fail(
            f"{FOLDER}/{unlisted[0]}.toml",
            f"therapy {unlisted[0]}",
            "key",
            "not in valuesets/therapies.csv",
            "Add the key to the value set or rename the file",
        )
    missing = sorted(listed - set(catalogue))
    if missing:
        raise fail(
            f"{FOLDER}/{missing[0]}.toml",
            f"therapy {missing[0]}",
            "",
            "no catalogue entry for this key of valuesets/therapies.csv",
            "Write the entry",
        )
    vocabulary_file = f"{FOLDER}/{VOCABULARY}"
    for key, entry in catalogue.indications.items():
        label = f"indications.{key}"
        if entry.within and entry.within not in catalogue.indications:
            raise fail(vocabulary_file, label, "within", f"{entry.within!r} is not an indication")
        chain = catalogue.broader(key)
        if catalogue.indications[chain[-1]].within:
            raise fail(vocabulary_file, label, "within", f"forms a cycle ({' → '.join(chain)})")
    for key, therapy in catalogue.items():
        _Checker(kb, f"{FOLDER}/{key}.toml", f"therapy {key}", therapy).run()


class _Checker:
    def __init__(self, kb: Knowledge, file: str, entry: str, therapy: Therapy) -> None:
        self.kb, self.file, self.entry, self.therapy = kb, file, entry, therapy

    def fail(self, field: str, why: str, action: str = "Fix the data file") -> KnowledgeError:
        return fail(self.file, self.entry, field, why, action)

    def key_in(self, valueset: str, key: str, field: str) -> None:
        known = self.kb.valuesets[valueset].keys()
        if key and key not in known:
            raise self.fail(field, f"{key!r} is not a key of valuesets/{valueset}.csv")

    def agent(self, agent: str, field: str) -> None:
        if agent and agent not in self.therapy.components:
            raise self.fail(field, f"{agent!r} is not one of the therapy's components")

    def provenance(self, item: _Provenance, field: str) -> None:
        source = self.kb.sources.get(item.source)
        if source is None:
            raise self.fail(
                f"{field}.source",
                f"{item.source!r} is not a key in sources.toml",
                "Declare the source or fix the key",
            )
        if source.kind == "project convention" and item.verified:
            raise self.fail(
                f"{field}.verified",
                f"{item.source!r} is a project convention and cannot be verified",
            )

    def recommendation(self, rec_id: str, source: str, field: str) -> None:
        rec = self.kb.recommendations.get(rec_id)
        if rec_id and rec is None:
            raise self.fail(f"{field}.recommendation", f"{rec_id!r} is not a recommendation id")
        if rec is not None and rec.source != source:
            raise self.fail(
                f"{field}.recommendation", f"{rec_id!r} belongs to {rec.source!r}, not {source!r}"
            )

    def threshold(self, key: str, field: str) -> str:
        if key not in self.kb.thresholds:
            raise self.fail(f"{field}.threshold", f"{key!r} is not a key in thresholds.toml")
        return self.kb.thresholds[key].unit

    def run(self) -> None:
        t = self.therapy
        for i, component in enumerate(t.components):
            self.key_in("medications", component, f"components[{i}]")
        for i, indication in enumerate(t.indications):
            self.indication(indication, f"indications[{i}]")
        for name in ("regimens", "timing"):
            for i, item in enumerate(getattr(t, name)):
                self.provenance(item, f"{name}[{i}]")
                self.agent(item.agent, f"{name}[{i}].agent")
        for i, contra in enumerate(t.contraindications):
            self.contraindication(contra, f"contraindications[{i}]")
        for i, inter in enumerate(t.interactions):
            field = f"interactions[{i}]"
            self.provenance(inter, field)
            self.key_in("medications", inter.medication, f"{field}.medication")
            self.agent(inter.agent, f"{field}.agent")
            self.recommendation(inter.recommendation, inter.source, field)
        for i, mon in enumerate(t.monitoring):
            self.monitoring(mon, f"monitoring[{i}]")

    def indication(self, item: Indication, field: str) -> None:
        if item.indication not in self.kb.therapies.indications:
            raise self.fail(
                f"{field}.indication",
                f"{item.indication!r} is not declared in {FOLDER}/{VOCABULARY}",
                "Declare it or fix the key",
            )
        self.agent(item.agent, f"{field}.agent")
        for j, stance in enumerate(item.stances):
            self.stance(stance, f"{field}.stances[{j}]")
        for j, evidence in enumerate(item.evidence):
            self.provenance(evidence, f"{field}.evidence[{j}]")
            self.recommendation(evidence.recommendation, evidence.source, f"{field}.evidence[{j}]")

    def stance(self, item: GuidelineStance, field: str) -> None:
        self.provenance(item, field)
        kind = self.kb.sources[item.source].kind
        if kind not in STANCE_SOURCE_KINDS:
            raise self.fail(
                f"{field}.source",
                f"{item.source!r} is a {kind}, not a guideline: list it under evidence",
            )
        self.recommendation(item.recommendation, item.source, field)
        rec = self.kb.recommendations[item.recommendation]
        allowed = STANCE_OF_RECOMMENDATION.get(rec.stance, frozenset())
        if rec.kind not in {"treatment", "counselling"} or item.stance not in allowed:
            raise self.fail(
                f"{field}.stance",
                f"{item.stance!r} does not match {item.recommendation!r} "
                f"({rec.kind}, {rec.stance})",
            )
        if item.strength != rec.strength:
            raise self.fail(
                f"{field}.strength",
                f"{item.strength!r} differs from the recommendation's {rec.strength!r}",
                "Store the strength exactly as graded",
            )
        if item.certainty != rec.certainty:
            raise self.fail(
                f"{field}.certainty",
                f"{item.certainty!r} differs from the recommendation's {rec.certainty!r}",
                "Store the certainty exactly as graded",
            )
        if item.verified and not rec.verified:
            raise self.fail(f"{field}.verified", f"{item.recommendation!r} is itself unverified")

    def contraindication(self, item: Contraindication, field: str) -> None:
        self.provenance(item, field)
        for j, alternative in enumerate(item.alternatives):
            self.provenance(alternative, f"{field}.alternatives[{j}]")
        self.agent(item.agent, f"{field}.agent")
        self.recommendation(item.recommendation, item.source, field)
        namespace = {"condition": "conditions", "allergy": "allergies", "medication": "medications"}
        if item.kind in namespace:
            self.key_in(namespace[item.kind], item.key, f"{field}.key")
        if item.kind not in MEASURED:
            return
        unit = self.threshold(item.threshold, field) if item.threshold else item.unit
        if item.kind == "lab":
            test = self.kb.labs.tests.get(item.key)
            if test is None:
                raise self.fail(f"{field}.key", f"{item.key!r} is not a test in labs.toml")
            if test.canonical_unit is None or spelling(unit) != spelling(test.canonical_unit):
                raise self.fail(
                    f"{field}.unit",
                    f"{unit!r} is not the canonical unit "
                    f"{test.canonical_unit!r} of labs.{item.key}",
                )
        elif not unit.endswith("/day") or (item.kind == "dose_per_kg") != ("/kg/" in unit):
            expected = "mg/kg/day-like" if item.kind == "dose_per_kg" else "per day (e.g. IU/day)"
            raise self.fail(f"{field}.unit", f"{unit!r} is not a {expected} unit")

    def monitoring(self, item: Monitoring, field: str) -> None:
        self.provenance(item, field)
        self.recommendation(item.recommendation, item.source, field)
        if item.lab and item.lab not in self.kb.labs.tests:
            raise self.fail(f"{field}.lab", f"{item.lab!r} is not a test in labs.toml")
        if item.threshold:
            self.threshold(item.threshold, field)
        self.key_in("conditions", item.when_condition, f"{field}.when_condition")
        self.key_in("medications", item.when_medication, f"{field}.when_medication")
