"""Laboratory results."""

from __future__ import annotations

from pydantic import Field, ValidationInfo, model_validator
from pydantic_core import PydanticCustomError

from nidation.domain.base import Record
from nidation.domain.checks import Identifier, PastDate, ShortText, context_of
from nidation.domain.context import UnitProblem
from nidation.domain.enums import Qualitative


class LabResult(Record):
    """One laboratory result.

    ``test`` is a key of the knowledge base's laboratory catalogue (``nidation`` knows its
    LOINC codes and units); ``loinc``, when given, must be one of that test's codes. A result is
    a number with its unit, a qualitative reading, or both (e.g. an ANA titre read positive).
    The reference range printed by the laboratory, when given, is kept and preferred.
    """

    id: Identifier | None = None
    test: str = Field(min_length=1, max_length=64)
    loinc: str | None = Field(default=None, pattern=r"^\d{1,7}-\d$")
    value: float | None = None
    unit: str | None = Field(default=None, max_length=32)
    qualitative: Qualitative | None = None
    reference_low: float | None = None
    reference_high: float | None = None
    date: PastDate
    laboratory: ShortText | None = None

    @model_validator(mode="after")
    def _check_against_catalogue(self, info: ValidationInfo) -> LabResult:
        ctx = context_of(info)
        if self.value is None and self.qualitative is None:
            raise PydanticCustomError(
                "lab_no_result",
                "neither a value nor a qualitative result",
                {"field": "value", "action": "Give 'value' with its 'unit', or 'qualitative'"},
            )
        if (
            self.reference_low is not None
            and self.reference_high is not None
            and self.reference_low > self.reference_high
        ):
            raise PydanticCustomError(
                "lab_reference_range",
                "reference_low {low} is above reference_high {high}",
                {
                    "field": "reference_low",
                    "low": self.reference_low,
                    "high": self.reference_high,
                    "action": "Check the reference range",
                },
            )
        if ctx is None:
            return self
        labs = ctx.labs
        if not labs.is_known(self.test):
            raise PydanticCustomError(
                "lab_unknown_test",
                "test '{test}' is not in the laboratory catalogue",
                {
                    "field": "test",
                    "test": self.test,
                    "action": "Use a test key of the laboratory catalogue (knowledge labs.toml)",
                },
            )
        if self.loinc is not None and not labs.loinc_matches(self.test, self.loinc):
            raise PydanticCustomError(
                "lab_loinc_mismatch",
                "LOINC {loinc} is not a code of test '{test}'",
                {
                    "field": "loinc",
                    "loinc": self.loinc,
                    "test": self.test,
                    "action": "Check the LOINC code or the test key",
                },
            )
        if self.value is not None:
            if labs.is_qualitative_only(self.test):
                raise PydanticCustomError(
                    "lab_not_numeric",
                    "test '{test}' is reported as positive/negative, not as a number",
                    {
                        "test": self.test,
                        "field": "value",
                        "action": "Give 'qualitative' instead of 'value'",
                    },
                )
            try:
                canonical, unit = labs.normalise(self.test, self.value, self.unit)
            except UnitProblem as problem:
                raise PydanticCustomError(
                    "lab_unit",
                    "{reason}",
                    {
                        "reason": str(problem),
                        "field": "unit",
                        "action": "Give the unit as the laboratory reported it",
                    },
                ) from None
            limit = labs.plausible(self.test)
            if limit is not None and (
                (limit.min is not None and canonical < limit.min)
                or (limit.max is not None and canonical > limit.max)
            ):
                raise PydanticCustomError(
                    "lab_implausible",
                    "{value} {unit} for '{test}' is outside the plausible range "
                    "{low}–{high} {unit} ({key})",
                    {
                        "field": "value",
                        "value": f"{canonical:g}",
                        "unit": unit,
                        "test": self.test,
                        "low": "" if limit.min is None else f"{limit.min:g}",
                        "high": "" if limit.max is None else f"{limit.max:g}",
                        "key": limit.key,
                        "action": "Check the value or its unit",
                    },
                )
        return self
