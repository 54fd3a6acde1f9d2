"""The base class every record of a case derives from."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Record(BaseModel):
    """Immutable, closed (unknown fields are refused), validated on construction."""

    model_config = ConfigDict(
        frozen=True,
        extra="forbid",
        str_strip_whitespace=True,
        use_enum_values=False,
        validate_default=False,
    )
