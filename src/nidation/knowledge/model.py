"""The knowledge base's entries as frozen pydantic models.

Every clinical entry carries ``source`` (a key of :class:`Source`), ``locator`` (where in that
source) and ``verified`` (checked against the source, or derived from checked values). The models
hold no clinical numbers themselves; the values come from the data files under ``data/``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from nidation.domain.context import Limit

__all__ = [
    "Band",
    "Cell",
    "Conversion",
    "LabRange",
    "LabTest",
    "Operator",
    "PlausibilityLimit",
    "Recommendation",
    "Source",
    "Threshold",
    "UnverifiedCodes",
    "ValueSet",
    "ValueSetEntry",
]

NonEmpty = Annotated[str, Field(min_length=1)]
Operator = Literal["<", "<=", ">", ">=", "=="]
OPERATORS: frozenset[str] = frozenset({"<", "<=", ">", ">=", "=="})
Cell = str | int | float | bool | None


class _Frozen(BaseModel):
    model_config = ConfigDict(
        frozen=True, extra="forbid", str_strip_whitespace=True, populate_by_name=True
    )


class _Provenance(_Frozen):
    source: NonEmpty
    locator: NonEmpty
    verified: bool
    note: str = ""


class Source(_Frozen):
    """A guideline, paper, report or project convention the knowledge base cites."""

    key: NonEmpty
    kind: NonEmpty
    title: NonEmpty
    authors: str = ""
    journal: str = ""
    year: int | None = None
    citation: str = ""
    doi: str = ""
    pmid: str = ""
    pmcid: str = ""
    url: str = ""
    grading: str = ""
    verified: bool
    note: str = ""


class Recommendation(_Provenance):
    """A source's statement in our own words, with its grade exactly as the source gives it."""

    id: NonEmpty
    kind: Literal[
        "definition",
        "classification",
        "investigation",
        "treatment",
        "prognosis",
        "counselling",
        "safety",
    ]
    population: Literal["rpl", "rif", ""] = ""
    stance: Literal[
        "definition",
        "classification",
        "recommended",
        "consider",
        "not_recommended",
        "research_only",
        "explanatory_only",
        "information",
    ]
    strength: str = ""
    certainty: str = ""
    statement: NonEmpty


class Threshold(_Provenance):
    """A numeric cut-off or a setting (``*_operator`` settings hold a comparison symbol)."""

    key: NonEmpty
    value: float | str
    unit: NonEmpty
    operator: Operator | None = None

    @model_validator(mode="after")
    def _value_kind(self) -> Threshold:
        if isinstance(self.value, str):
            if self.value not in OPERATORS:
                raise ValueError(
                    f"text value {self.value!r} must be one of {sorted(OPERATORS)} "
                    "(only comparison settings may hold text)"
                )
        elif not math.isfinite(self.value):
            raise ValueError("value must be a finite number")
        return self


class PlausibilityLimit(_Provenance):
    """A plausible range for input validation (a project convention, not clinical advice)."""

    key: NonEmpty
    unit: NonEmpty
    min: float | None = None
    max: float | None = None

    @model_validator(mode="after")
    def _bounds(self) -> PlausibilityLimit:
        if self.min is None and self.max is None:
            raise ValueError("at least one of min and max is required")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"min {self.min} is above max {self.max}")
        return self

    def as_limit(self) -> Limit:
        return Limit(key=self.key, unit=self.unit, min=self.min, max=self.max)


class Band(_Frozen):
    """A numeric band ``[min_column, max_column)`` of a lookup table; empty bounds are open."""

    name: NonEmpty
    min_column: NonEmpty
    max_column: NonEmpty
    unit: NonEmpty


class ValueSetEntry(_Frozen):
    key: NonEmpty
    code: str = ""
    system: str = ""
    display: NonEmpty

    @model_validator(mode="after")
    def _code_needs_system(self) -> ValueSetEntry:
        if bool(self.code) != bool(self.system):
            raise ValueError("code and system must be given together (or both left empty)")
        return self


class UnverifiedCodes(_Frozen):
    key: NonEmpty
    codes: tuple[str, ...]
    note: str = ""


class ValueSet(_Frozen):
    """A named list of Nidation keys with their codes (codes empty where not verified)."""

    name: NonEmpty
    title: NonEmpty
    source: NonEmpty
    locator: NonEmpty
    verified: bool
    description: str = ""
    code_sources: tuple[str, ...] = ()
    entries: tuple[ValueSetEntry, ...]
    unverified: tuple[UnverifiedCodes, ...] = ()

    def keys(self) -> frozenset[str]:
        return frozenset(e.key for e in self.entries)

    def codes_for(self, key: str) -> tuple[ValueSetEntry, ...]:
        return tuple(e for e in self.entries if e.key == key and e.code)

    def key_for(self, code: str, system: str | None = None) -> str | None:
        for e in self.entries:
            if e.code == code and (system is None or e.system == system):
                return e.key
        return None


class Conversion(_Provenance):
    """A test-specific link between two units pint cannot relate on its own."""

    kind: Literal["factor", "molar_mass", "affine"]
    from_unit: NonEmpty = Field(alias="from")
    to_unit: NonEmpty = Field(alias="to")
    factor: float | None = None
    molar_mass_g_per_mol: float | None = None
    slope: float | None = None
    intercept: float | None = None

    @model_validator(mode="after")
    def _parameters(self) -> Conversion:
        needed = {
            "factor": ("factor",),
            "molar_mass": ("molar_mass_g_per_mol",),
            "affine": ("slope", "intercept"),
        }[self.kind]
        for name in ("factor", "molar_mass_g_per_mol", "slope", "intercept"):
            present = getattr(self, name) is not None
            if present != (name in needed):
                state = "requires" if name in needed else "does not take"
                raise ValueError(f"a {self.kind} conversion {state} {name!r}")
        for name in needed:
            number = getattr(self, name)
            if name != "intercept" and not number > 0:
                raise ValueError(f"{name} must be positive")
        return self


class LabRange(_Provenance):
    min: float | None = None
    max: float | None = None


class LabTest(_Provenance):
    """One laboratory test: codes, accepted unit spellings, conversions and plausible range."""

    key: NonEmpty
    display: NonEmpty
    kind: Literal["numeric", "qualitative", "both"]
    canonical_unit: str | None = None
    loinc: tuple[str, ...] = ()
    loinc_unverified: tuple[str, ...] = ()
    units: Mapping[str, str] = Field(default_factory=dict)
    refused: Mapping[str, str] = Field(default_factory=dict)
    conversions: tuple[Conversion, ...] = ()
    plausible: LabRange | None = None

    @model_validator(mode="after")
    def _shape(self) -> LabTest:
        if self.kind == "qualitative":
            if self.canonical_unit or self.units or self.conversions:
                raise ValueError("a qualitative test takes no canonical_unit, units or conversions")
            return self
        if not self.canonical_unit:
            raise ValueError(f"a {self.kind} test needs a canonical_unit")
        if self.canonical_unit not in self.units:
            raise ValueError(f"canonical_unit {self.canonical_unit!r} is not among its units")
        for conversion in self.conversions:
            for unit in (conversion.from_unit, conversion.to_unit):
                if unit not in self.units:
                    raise ValueError(f"conversion unit {unit!r} is not among its units")
        clash = set(self.units) & set(self.refused)
        if clash:
            raise ValueError(f"units both accepted and refused: {sorted(clash)}")
        return self
