"""The base class every record of a case derives from."""

from __future__ import annotations

import types
import typing
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationInfo, field_validator


class Record(BaseModel):
    """Immutable, closed (unknown fields are refused), validated on construction."""

    model_config = ConfigDict(
        frozen=True,
        extra="forbid",
        str_strip_whitespace=True,
        use_enum_values=False,
        validate_default=False,
    )

    @field_validator("*", mode="before")
    @classmethod
    def _no_yes_no_as_number(cls, value: Any, info: ValidationInfo) -> Any:
        """A yes/no value is never read as a number (``false`` would silently become 0)."""
        if isinstance(value, bool) and info.field_name is not None:
            field = cls.model_fields.get(info.field_name)
            if field is not None and _numeric_only(field.annotation):
                raise ValueError("a yes/no value where a number is expected")
        return value


def _numeric_only(annotation: Any) -> bool:
    """Whether ``annotation`` admits numbers and not booleans (through Optional/Annotated)."""
    found: set[Any] = set()
    stack = [annotation]
    while stack:
        t = stack.pop()
        origin = typing.get_origin(t)
        if origin in (typing.Union, types.UnionType, typing.Annotated):
            args = typing.get_args(t)
            stack.extend(args[:1] if origin is typing.Annotated else args)
        else:
            found.add(t)
    return bool(found & {int, float}) and bool not in found
