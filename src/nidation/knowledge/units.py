"""The laboratory catalogue: which tests exist and how a value reaches its canonical unit.

Unit arithmetic is pint's. A unit string is accepted only if the test lists that exact spelling
(after trimming, collapsing spaces and reading the micro sign as the Greek mu); everything else is
refused with a reason, never guessed. Links pint cannot know (25-OH vitamin D ng/mL ↔ nmol/L,
prolactin ng/mL ↔ mIU/L, HbA1c % ↔ mmol/mol) come from ``labs.toml`` with their sources.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import pint

from nidation.domain.context import Limit, UnitProblem
from nidation.knowledge.model import Conversion, LabTest
from nidation.knowledge.problems import fail
from nidation.settings import cache_folder

__all__ = ["Labs", "spelling"]

FILE = "labs.toml"
_SPACES = re.compile(r"\s+")


def spelling(unit: str) -> str:
    """The form in which unit spellings are compared (no other tolerance is applied)."""
    return _SPACES.sub(" ", unit.replace("\u00b5", "\u03bc").strip())


class Labs:
    """Implements :class:`nidation.domain.context.LabCatalogue` from the catalogue data."""

    def __init__(self, tests: Mapping[str, LabTest], definitions: str) -> None:
        self.tests: Mapping[str, LabTest] = dict(tests)
        # pint parses its own definitions file on every start (≈ 1.3 s); its cache of the parsed
        # file cuts that to ≈ 0.2 s. Our definitions are added afterwards, never cached.
        self._registry: Any = pint.UnitRegistry(cache_folder=cache_folder("pint"))
        self._units: dict[str, dict[str, str]] = {}
        self._refused: dict[str, dict[str, str]] = {}
        for line in definitions.splitlines():
            if line.strip() and not line.lstrip().startswith("#"):
                self._define(line.strip(), "units.txt", "definition")
        for key, test in self.tests.items():
            self._units[key] = _by_spelling(test.units, key, "units")
            self._refused[key] = _by_spelling(test.refused, key, "refused")
            for conversion in test.conversions:
                if conversion.kind == "affine":
                    self._define_affine(test, conversion)
        for key, test in self.tests.items():
            self._check(key, test)

    # --- the LabCatalogue protocol -------------------------------------------------------------

    def is_known(self, test: str) -> bool:
        return test in self.tests

    def known_tests(self) -> list[str]:
        return sorted(self.tests)

    def loinc_matches(self, test: str, loinc: str) -> bool:
        """True only for codes verified for this test (unverified codes never match)."""
        known = self.tests.get(test)
        return known is not None and loinc.strip() in known.loinc

    def is_qualitative_only(self, test: str) -> bool:
        return self._test(test).kind == "qualitative"

    def normalise(self, test: str, value: float, unit: str | None) -> tuple[float, str]:
        """Return ``value`` in the test's canonical unit, or raise :class:`UnitProblem`."""
        known = self._test(test)
        canonical = self._numeric(known)
        return self.convert(test, value, unit, canonical), canonical

    def plausible(self, test: str) -> Limit | None:
        known = self._test(test)
        if known.plausible is None or known.canonical_unit is None:
            return None
        return Limit(
            key=f"labs.{test}",
            unit=known.canonical_unit,
            min=known.plausible.min,
            max=known.plausible.max,
        )

    # --- extras ---------------------------------------------------------------------------------

    def convert(self, test: str, value: float, unit: str | None, to_unit: str) -> float:
        """Convert ``value`` between two units accepted for ``test``."""
        known = self._test(test)
        self._numeric(known)
        source = self._expression(known, unit)
        target = self._expression(known, to_unit)
        quantity = self._registry.Quantity(float(value), source)
        try:
            result = self._to(known, quantity, target)
        except pint.errors.DimensionalityError:
            raise UnitProblem(
                f"unit {unit!r} cannot be converted to {to_unit!r} for {known.display}"
            ) from None
        return float(f"{result:.12g}")

    def accepted_units(self, test: str) -> list[str]:
        return list(self._test(test).units)

    # --- internals ------------------------------------------------------------------------------

    def _test(self, test: str) -> LabTest:
        try:
            return self.tests[test]
        except KeyError:
            raise UnitProblem(
                f"test {test!r} is not in the laboratory catalogue; use one of its test keys"
            ) from None

    def _numeric(self, test: LabTest) -> str:
        if test.kind == "qualitative" or test.canonical_unit is None:
            raise UnitProblem(
                f"{test.display} is a qualitative test; record the result as a category "
                "(for example positive or negative), not as a number with a unit"
            )
        return test.canonical_unit

    def _expression(self, test: LabTest, unit: str | None) -> str:
        choices = ", ".join(repr(u) for u in test.units)
        if unit is None or not unit.strip():
            raise UnitProblem(
                f"a numeric {test.display} result needs a unit; give it in "
                f"{test.canonical_unit!r} (accepted: {choices})"
            )
        spelled = spelling(unit)
        reason = self._refused[test.key].get(spelled)
        if reason is not None:
            raise UnitProblem(reason)
        expression = self._units[test.key].get(spelled)
        if expression is None:
            raise UnitProblem(
                f"unit {unit!r} is not accepted for {test.display}; use one of: {choices}"
            )
        return expression

    def _to(self, test: LabTest, quantity: Any, target: str) -> float:
        if quantity.dimensionality == self._dims(target):
            return float(quantity.to(target).magnitude)
        for conversion in test.conversions:
            link = self._link(test, conversion)
            if link is None:
                continue
            source_dims = self._dims(test.units[conversion.from_unit])
            target_dims = self._dims(test.units[conversion.to_unit])
            if quantity.dimensionality == source_dims:
                moved = quantity * link
            elif quantity.dimensionality == target_dims:
                moved = quantity / link
            else:
                continue
            if moved.dimensionality == self._dims(target):
                return float(moved.to(target).magnitude)
        raise pint.errors.DimensionalityError(quantity.units, target)

    def _dims(self, expression: str) -> Any:
        return self._registry.parse_units(expression).dimensionality

    def _link(self, test: LabTest, conversion: Conversion) -> Any:
        """The quantity that multiplies a ``from`` value into a ``to`` value (None if affine)."""
        source = test.units[conversion.from_unit]
        target = test.units[conversion.to_unit]
        if conversion.kind == "factor" and conversion.factor is not None:
            return self._registry.Quantity(conversion.factor, f"({target}) / ({source})")
        if conversion.kind == "molar_mass":
            return 1 / self._registry.Quantity(conversion.molar_mass_g_per_mol, "g/mol")
        return None

    def _define(self, definition: str, file: str, entry: str) -> None:
        try:
            self._registry.define(definition)
        except Exception as exc:  # pint raises several unrelated types for bad definitions
            raise fail(file, entry, definition, f"pint rejected the definition ({exc})") from None

    def _define_affine(self, test: LabTest, conversion: Conversion) -> None:
        source = test.units[conversion.from_unit]
        target = test.units[conversion.to_unit]
        if not source.isidentifier():
            raise fail(
                FILE,
                f"labs.{test.key}.conversions",
                "from",
                f"an affine conversion needs its own unit name, not {source!r}",
            )
        self._define(
            f"{source} = {conversion.slope} * {target}; offset: {conversion.intercept}",
            FILE,
            f"labs.{test.key}.conversions",
        )

    def _check(self, key: str, test: LabTest) -> None:
        """Every accepted spelling parses and reaches the canonical unit."""
        for spelled, expression in test.units.items():
            try:
                self._registry.parse_units(expression)
            except Exception as exc:  # pint's parse errors vary by cause
                raise fail(
                    FILE, f"labs.{key}.units", spelled, f"pint cannot read {expression!r} ({exc})"
                ) from None
            try:
                self.convert(key, 1.0, spelled, test.canonical_unit or spelled)
            except UnitProblem as exc:
                raise fail(
                    FILE,
                    f"labs.{key}.units",
                    spelled,
                    f"cannot reach the canonical unit: {exc}",
                    "Add a conversion or remove the spelling",
                ) from None


def _by_spelling(mapping: Mapping[str, str], key: str, field: str) -> dict[str, str]:
    result: dict[str, str] = {}
    for raw, value in mapping.items():
        spelled = spelling(raw)
        if spelled in result:
            raise fail(FILE, f"labs.{key}.{field}", raw, "listed twice (after normalisation)")
        result[spelled] = value
    return result
