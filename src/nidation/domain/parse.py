"""Turn untrusted data into a :class:`Case`, or an :class:`InputError` listing every problem."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from nidation.domain.case import Case
from nidation.domain.consistency import check_case
from nidation.domain.context import ValidationContext
from nidation.errors import InputError, Problem

_ACTIONS: dict[str, str] = {
    "missing": "Add this field",
    "extra_forbidden": "Remove this field or check its spelling",
    "enum": "Use one of the allowed values",
    "literal_error": "Use one of the allowed values",
    "float_parsing": "Give a number",
    "float_type": "Give a number",
    "int_parsing": "Give a whole number",
    "int_type": "Give a whole number",
    "int_from_float": "Give a whole number",
    "bool_parsing": "Give true or false",
    "bool_type": "Give true or false",
    "date_from_datetime_parsing": "Give the date as YYYY-MM-DD",
    "date_parsing": "Give the date as YYYY-MM-DD",
    "date_type": "Give the date as YYYY-MM-DD",
    "string_type": "Give text",
    "string_pattern_mismatch": "Use letters, digits and _ . : - only",
    "too_short": "Give at least one item",
    "model_type": "Give an object with named fields",
    "model_attributes_type": "Give an object with named fields",
    "tuple_type": "Give a list",
    "list_type": "Give a list",
    "dict_type": "Give an object with named fields",
}


def path_of(loc: tuple[int | str, ...]) -> str:
    """``('pregnancies', 2, 'outcome')`` → ``pregnancies[2].outcome``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def problem_of(error: ErrorDetails) -> Problem:
    """Translate one pydantic error into Nidation's problem sentence."""
    ctx = error.get("ctx") or {}
    loc = tuple(p for p in error["loc"] if not (isinstance(p, str) and p.startswith("function-")))
    value: object = error.get("input")
    field = ctx.get("field")
    if isinstance(field, str):
        loc = (*loc, field)
        value = value.get(field) if isinstance(value, Mapping) else None
    if error["type"] == "missing":
        value = None
    elif isinstance(value, Mapping | list | tuple):
        value = "(object)" if isinstance(value, Mapping) else "(list)"
    why = error["msg"]
    if why.startswith("Value error, "):
        why = why.removeprefix("Value error, ")
    action = str(ctx.get("action") or _ACTIONS.get(error["type"], "Check this value"))
    if not why[1:2].isupper():  # keep acronyms such as "LOINC" as written
        why = why[:1].lower() + why[1:]
    return Problem(path_of(loc), value, why, action)


def parse_case(data: Any, *, context: ValidationContext) -> Case:
    """Validate ``data`` (a mapping as read from JSON/YAML) into a :class:`Case`.

    Raises :class:`InputError` carrying every problem: structural ones (types, required
    fields, plausibility limits, units) and, once every record is well formed, the
    cross-record ones (references, dates, contradictions).
    """
    if not isinstance(data, Mapping):
        raise InputError(
            [
                Problem(
                    "",
                    type(data).__name__,
                    "a case must be an object with a 'patient' field",
                    "Give a JSON/YAML object",
                )
            ]
        )
    try:
        case = Case.model_validate(data, context={"nidation": context})
    except ValidationError as exc:
        raise InputError([problem_of(e) for e in exc.errors()]) from None
    problems = check_case(case, context)
    if problems:
        raise InputError(problems)
    return case
