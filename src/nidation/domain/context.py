"""What validation needs from the knowledge base, without importing it.

The domain layer holds no clinical numbers. Plausibility limits, the laboratory catalogue
(known tests, their units and conversions) and code lists come from the knowledge base,
which builds a :class:`ValidationContext` and passes it to :func:`nidation.domain.parse_case`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Protocol


@dataclass(frozen=True, slots=True)
class Limit:
    """A plausible range for one kind of value (either bound may be absent)."""

    key: str
    unit: str
    min: float | None = None
    max: float | None = None


class UnitProblem(ValueError):  # noqa: N818 - a problem, reported as one
    """A laboratory value's unit is unknown, ambiguous or wrong for its test."""


class LabCatalogue(Protocol):
    """The laboratory tests Nidation knows, and how to bring a value to its canonical unit."""

    def is_known(self, test: str) -> bool: ...

    def known_tests(self) -> list[str]: ...

    def loinc_matches(self, test: str, loinc: str) -> bool: ...

    def is_qualitative_only(self, test: str) -> bool: ...

    def normalise(self, test: str, value: float, unit: str | None) -> tuple[float, str]:
        """Return the value in the test's canonical unit, or raise :class:`UnitProblem`."""
        ...

    def plausible(self, test: str) -> Limit | None:
        """The plausible range of the test, in its canonical unit."""
        ...


@dataclass(frozen=True, slots=True)
class ValidationContext:
    """Everything a case is checked against: today's date, limits, labs and code lists."""

    today: date
    limits: Mapping[str, Limit]
    labs: LabCatalogue
    codes: Mapping[str, frozenset[str]] = field(default_factory=dict)

    def limit(self, key: str) -> Limit:
        try:
            return self.limits[key]
        except KeyError:
            raise KeyError(f"plausibility limit {key!r} is not in the knowledge base") from None
