"""Case files: read a JSON/YAML file into a validated :class:`~nidation.domain.Case`, and back.

Every refusal is an :class:`~nidation.errors.InputError` whose source is the file and whose
problems each name a field path (or, for syntax, a line and column), the value, why, and what
to do. Nothing else escapes for bad input: no ``OSError``, no ``yaml.YAMLError``, no traceback.
"""

from __future__ import annotations

import json
import os
import tempfile
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from nidation.domain import Case, ValidationContext, parse_case
from nidation.errors import InputError, Problem
from nidation.io.document import Format, Shown, decode_document, too_large
from nidation.settings import get_settings

if TYPE_CHECKING:
    from nidation.knowledge import Knowledge

__all__ = [
    "FORMATS",
    "case_to_data",
    "case_to_json",
    "case_to_yaml",
    "format_of",
    "parse_case_text",
    "read_case",
    "read_case_document",
    "write_case",
    "yaml_text",
]

FORMATS: dict[str, Format] = {".json": "json", ".yaml": "yaml", ".yml": "yaml"}
"""File extensions Nidation reads and writes, and their formats."""


def format_of(path: Path) -> Format:
    """The format of ``path`` by its extension, or :class:`InputError`."""
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise InputError(
            [
                Problem(
                    "",
                    Shown(repr(path.suffix) if path.suffix else "(no extension)"),
                    "not a case file extension; Nidation reads .json, .yaml and .yml",
                    "Save the case as JSON (.json) or YAML (.yaml)",
                )
            ],
            source=str(path),
        )
    return fmt


def read_case_document(path: Path) -> dict[str, Any]:
    """Read ``path`` (UTF-8 JSON or YAML) into a plain document, refusing unsafe input."""
    source = str(path)
    fmt = format_of(path)
    limit = get_settings().max_case_bytes
    try:
        with path.open("rb") as handle:
            raw = handle.read(limit + 1)
            size = len(raw) if len(raw) <= limit else os.fstat(handle.fileno()).st_size
    except OSError as exc:
        raise InputError([_unreadable(exc)], source=source) from None
    if size > limit:
        raise InputError([too_large(size, get_settings())], source=source)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        column = exc.start - (before.rfind(b"\n") + 1) + 1
        raise InputError(
            [
                Problem(
                    f"line {line}, column {column}",
                    Shown(f"byte 0x{raw[exc.start]:02x}"),
                    "not UTF-8 text",
                    "Save the file as UTF-8",
                )
            ],
            source=source,
        ) from None
    return decode_document(text, fmt=fmt, source=source)


def _unreadable(exc: OSError) -> Problem:
    reason = {
        FileNotFoundError: ("no such file", "Check the path"),
        IsADirectoryError: ("a directory, not a file", "Give the path of a case file"),
        PermissionError: ("not readable (permission denied)", "Check the file's permissions"),
    }.get(type(exc), (f"cannot be read ({exc.strerror or exc})", "Check the file"))
    return Problem("", Shown("(file)"), *reason)


def _context(knowledge: Knowledge | None, today: date | None) -> ValidationContext:
    if knowledge is None:
        from nidation.knowledge import load_knowledge

        knowledge = load_knowledge()
    return knowledge.validation_context(today=today)


def _validate(data: dict[str, Any], *, source: str, context: ValidationContext) -> Case:
    try:
        return parse_case(data, context=context)
    except InputError as exc:
        raise InputError(exc.problems, source=source) from None


def read_case(
    path: Path | str, *, knowledge: Knowledge | None = None, today: date | None = None
) -> Case:
    """Read and validate the case file at ``path``.

    ``knowledge`` defaults to :func:`nidation.knowledge.load_knowledge`; ``today`` (default:
    the real today) is the day future dates are judged against.
    """
    path = Path(path)
    data = read_case_document(path)
    return _validate(data, source=str(path), context=_context(knowledge, today))


def parse_case_text(
    text: str,
    *,
    fmt: Format,
    source: str = "<text>",
    knowledge: Knowledge | None = None,
    today: date | None = None,
) -> Case:
    """Validate a case given as JSON or YAML text (e.g. a request body)."""
    if fmt not in ("json", "yaml"):
        raise ValueError(
            f"The 'fmt' parameter of parse_case_text must be 'json' or 'yaml'. Got {fmt!r} instead."
        )
    data = decode_document(text, fmt=fmt, source=source)
    return _validate(data, source=source, context=_context(knowledge, today))


def case_to_data(case: Case) -> dict[str, Any]:
    """The case as plain JSON-compatible data; unset fields and empty lists are left out."""
    data: dict[str, Any] = _prune(case.model_dump(mode="json", exclude_none=True))
    # A statement left at its default ("no known allergies": false) was not made: leave it out.
    for name, info in type(case).model_fields.items():
        if info.default is False and data.get(name) is False:
            del data[name]
    return data


def _prune(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _prune(v) for k, v in value.items() if v != []}
    if isinstance(value, list):
        return [_prune(v) for v in value]
    return value


def case_to_json(case: Case, *, indent: int | None = 2) -> str:
    """The case as JSON text that :func:`parse_case_text` reads back to an equal case."""
    return json.dumps(case_to_data(case), indent=indent, ensure_ascii=False, allow_nan=False) + "\n"


class _Dumper(yaml.SafeDumper):
    """``SafeDumper`` that double-quotes text holding YAML 1.1 line breaks (NEL, LS, PS).

    PyYAML writes them raw inside single quotes, where a reader folds them into a space.
    """


def _represent_text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = '"' if any(c in value for c in "\x85\u2028\u2029") else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_text)


def yaml_text(data: Any) -> str:
    """Plain data as block-style YAML, keys in order, text that reads back unchanged."""
    return yaml.dump(
        data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, default_flow_style=False
    )


def case_to_yaml(case: Case) -> str:
    """The case as YAML text that :func:`parse_case_text` reads back to an equal case."""
    return yaml_text(case_to_data(case))


def write_case(case: Case, path: Path) -> None:
    """Write ``case`` to ``path`` as JSON or YAML (by extension), atomically, in UTF-8."""
    fmt = format_of(path)
    text = case_to_json(case) if fmt == "json" else case_to_yaml(case)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        Path(tmp).replace(path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
