"""Turning inconsistencies in the data into :class:`~nidation.errors.KnowledgeError`."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from importlib.resources.abc import Traversable
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from nidation.errors import KnowledgeError

__all__ = ["build", "fail", "read_toml", "table_of"]

M = TypeVar("M", bound=BaseModel)


def fail(file: str, entry: str, field: str, why: str, action: str = "") -> KnowledgeError:
    """A KnowledgeError naming the file, the entry and the field, with what to do."""
    where = ": ".join(part for part in (file, entry, field) if part)
    text = f"{where} — {why}."
    if action:
        text += f" {action.rstrip('.')}."
    return KnowledgeError(text)


def build(model: type[M], data: Mapping[str, Any], *, file: str, entry: str) -> M:
    """Validate ``data`` as ``model``; a failure names file, entry and the offending field."""
    try:
        return model.model_validate(dict(data))
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(part) for part in first["loc"]) or "(entry)"
        count = exc.error_count()
        more = f" (and {count - 1} more problem{'s' if count > 2 else ''})" if count > 1 else ""
        raise fail(file, entry, field, f"{first['msg']}{more}", "Fix the data file") from None


def read_toml(root: Traversable, name: str) -> dict[str, Any]:
    """Read a TOML file below ``root``; a missing or malformed file is a KnowledgeError."""
    node = root.joinpath(*name.split("/"))
    if not node.is_file():
        raise fail(name, "", "", "file is missing", "Restore it from the repository")
    try:
        return tomllib.loads(node.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise fail(name, "", "", f"not valid TOML ({exc})", "Fix the syntax") from None


def table_of(data: Mapping[str, Any], name: str, *, file: str) -> dict[str, Any]:
    """The sub-table ``name`` of a TOML document, required to be a table."""
    value = data.get(name)
    if not isinstance(value, dict):
        raise fail(file, name, "", "missing or not a table", f"Add a [{name}] table")
    return value
