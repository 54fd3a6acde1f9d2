"""Field-level plausibility checks that read their limits from the validation context.

A field annotated with :func:`plausible` is compared with the knowledge base's limit of that
key; :data:`NotFuture` refuses dates after the context's ``today``. The checks run only when
validation is given a :class:`~nidation.domain.context.ValidationContext` (as
:func:`nidation.domain.parse_case` always does); models built in code are trusted.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from pydantic import AfterValidator, StringConstraints, ValidationInfo
from pydantic_core import PydanticCustomError

from nidation.domain.context import ValidationContext

Identifier = Annotated[
    str, StringConstraints(strip_whitespace=True, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:\-]{0,63}$")
]
"""A record identifier: letters, digits and ``_.:-``, at most 64 characters."""

ShortText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]


def context_of(info: ValidationInfo) -> ValidationContext | None:
    ctx: Any = info.context
    if isinstance(ctx, ValidationContext):
        return ctx
    if isinstance(ctx, dict):
        found = ctx.get("nidation")
        return found if isinstance(found, ValidationContext) else None
    return None


def _fmt(number: float) -> str:
    return f"{number:g}"


def _check_limit(key: str, value: float, info: ValidationInfo) -> float:
    ctx = context_of(info)
    if ctx is None:
        return value
    limit = ctx.limit(key)
    unit = f" {limit.unit}" if limit.unit else ""
    if limit.min is not None and value < limit.min:
        raise PydanticCustomError(
            "implausible_low",
            "below {bound}{unit}, the plausible minimum ({key})",
            {
                "bound": _fmt(limit.min),
                "unit": unit,
                "key": key,
                "action": "Check the value or its unit",
            },
        )
    if limit.max is not None and value > limit.max:
        raise PydanticCustomError(
            "implausible_high",
            "above {bound}{unit}, the plausible maximum ({key})",
            {
                "bound": _fmt(limit.max),
                "unit": unit,
                "key": key,
                "action": "Check the value or its unit",
            },
        )
    return value


def plausible(key: str) -> AfterValidator:
    """Annotate a numeric field with the knowledge-base plausibility limit ``key``."""

    def check(value: float | None, info: ValidationInfo) -> float | None:
        if value is None:
            return None
        return _check_limit(key, value, info)

    return AfterValidator(check)


def _not_future(value: date | None, info: ValidationInfo) -> date | None:
    ctx = context_of(info)
    if value is None or ctx is None:
        return value
    if value > ctx.today:
        raise PydanticCustomError(
            "future_date",
            "after today ({today}); a record cannot describe the future",
            {"today": ctx.today.isoformat(), "action": "Check the date (YYYY-MM-DD)"},
        )
    return value


NotFuture = AfterValidator(_not_future)
PastDate = Annotated[date, NotFuture]
