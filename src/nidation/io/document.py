"""Untrusted text (JSON or YAML) → a plain document (dicts, lists, scalars), or an InputError.

This layer knows nothing of cases: it refuses what is not a safe, well-formed document —
syntax errors (with line and column), duplicate keys, YAML tags beyond the plain types,
alias bombs and recursive aliases, excessive nesting, NaN and infinities, and a top level
that is not an object. Limits come from :func:`nidation.settings.get_settings`.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

import yaml

from nidation.domain.parse import path_of
from nidation.errors import InputError, Problem
from nidation.settings import Settings, get_settings

__all__ = ["Format", "Shown", "decode_document"]

Format = Literal["json", "yaml"]

_FIX_SYNTAX = "Fix the file at this position"


@dataclass(frozen=True, slots=True)
class Shown:
    """A value shown as is in a problem sentence (not quoted like a string the user wrote)."""

    text: str

    def __str__(self) -> str:
        return self.text


class _Refused(Exception):  # noqa: N818 - internal signal carrying problems
    def __init__(self, *problems: Problem) -> None:
        self.problems = problems


def decode_document(
    text: str, *, fmt: Format, source: str = "", settings: Settings | None = None
) -> dict[str, Any]:
    """Parse ``text`` as ``fmt`` and return its top-level object.

    Raises :class:`InputError` (with ``source`` as its source) listing every problem found.
    """
    settings = settings or get_settings()
    try:
        data = _decode(text, fmt=fmt, settings=settings)
    except _Refused as refused:
        raise InputError(refused.problems, source=source) from None
    return data


def _decode(text: str, *, fmt: Format, settings: Settings) -> dict[str, Any]:
    size = len(text.encode("utf-8", errors="surrogatepass"))
    if size > settings.max_case_bytes:
        raise _Refused(too_large(size, settings))
    if not text.strip():
        raise _Refused(
            Problem(
                "",
                Shown("(empty)"),
                "the file is empty",
                "Give the case as a JSON or YAML object with a 'patient' field",
            )
        )
    try:
        data = _load_json(text) if fmt == "json" else _load_yaml(text, settings)
    except RecursionError:
        raise _Refused(_too_deep("", settings)) from None
    except ValueError as exc:  # e.g. an integer with thousands of digits
        why = "a number has too many digits" if "digits" in str(exc) else str(exc)
        raise _Refused(
            Problem(
                "", Shown("(document)"), f"cannot be read as {fmt.upper()}: {why}", "Check the file"
            )
        ) from None
    if not isinstance(data, dict):
        raise _Refused(
            Problem(
                "",
                Shown(_kind(data)),
                "the top level of a case file must be an object with a 'patient' field",
                "Put the case's fields (patient, pregnancies, …) at the top level",
            )
        )
    problems = list(_inspect(data, settings))
    if problems:
        raise _Refused(*problems)
    return data


def too_large(size: int, settings: Settings) -> Problem:
    """The problem of a document over the size limit."""
    return Problem(
        "",
        Shown(f"{size} bytes"),
        f"larger than {settings.max_case_bytes} bytes, the limit (NIDATION_MAX_CASE_BYTES)",
        "Check the file is one patient's case, or raise NIDATION_MAX_CASE_BYTES",
    )


def _too_deep(path: str, settings: Settings) -> Problem:
    return Problem(
        path,
        Shown("(nested values)"),
        f"nested more than {settings.max_case_depth} levels deep, the limit "
        "(NIDATION_MAX_CASE_DEPTH)",
        "Check the file's structure",
    )


def _kind(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return "text"
    if isinstance(value, int | float):
        return "a number"
    return type(value).__name__


# --- JSON -------------------------------------------------------------------------------


class _Pairs(dict[str, Any]):
    """A JSON object that had repeated keys (the last value kept, as json does)."""

    repeated: tuple[str, ...] = ()


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    keys = [k for k, _ in pairs]
    repeated = tuple(dict.fromkeys(k for k in keys if keys.count(k) > 1))
    if not repeated:
        return dict(pairs)
    out = _Pairs(pairs)
    out.repeated = repeated
    return out


def _load_json(text: str) -> Any:
    try:
        return json.loads(text, object_pairs_hook=_object)
    except json.JSONDecodeError as exc:
        raise _Refused(
            _position(
                exc.doc,
                exc.lineno,
                exc.colno,
                f"not valid JSON: {exc.msg[:1].lower()}{exc.msg[1:]}",
            )
        ) from None


def _position(text: str, line: int, column: int, why: str) -> Problem:
    """A syntax problem at 1-based ``line``/``column``, showing the text found there."""
    lines = text.splitlines()
    if line > len(lines):
        shown = Shown("(end of file)")
    else:
        here = lines[line - 1][max(column - 1, 0) :].strip()
        shown = Shown(repr(here[:30]) if here else "(end of line)")
    return Problem(f"line {line}, column {column}", shown, why, _FIX_SYNTAX)


# --- YAML -------------------------------------------------------------------------------


class _Loader(yaml.SafeLoader):
    """``SafeLoader`` that refuses repeated keys."""


def _construct_mapping(
    loader: yaml.SafeLoader, node: yaml.MappingNode, deep: bool = False
) -> dict[Any, Any]:
    loader.flatten_mapping(node)
    seen: set[object] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=True)
        if isinstance(key, str | int | float | bool | date) and key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"the key {key!r} is repeated in this object", key_node.start_mark
            )
        if isinstance(key, str | int | float | bool | date):
            seen.add(key)
    return loader.construct_mapping(node, deep=deep)


_Loader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
    _construct_mapping,
)


def _load_yaml(text: str, settings: Settings) -> Any:
    loader: _Loader | None = None
    try:
        loader = _Loader(text)
        node = loader.get_single_node()
        if node is None:
            return None
        _check_graph(node, settings)
        return loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        found = ", ".join(part for part in (exc.context, exc.problem) if part)
        why = f"not valid YAML: {found or 'syntax error'}"
        if mark is None:
            raise _Refused(Problem("", Shown("(document)"), why, _FIX_SYNTAX)) from None
        raise _Refused(_position(text, mark.line + 1, mark.column + 1, why)) from None
    except yaml.reader.ReaderError as exc:
        before = text[: exc.position]
        line, column = before.count("\n") + 1, exc.position - (before.rfind("\n") + 1) + 1
        why = f"not valid YAML: character #x{exc.character:04x} is not allowed"
        raise _Refused(
            Problem(
                f"line {line}, column {column}", Shown(f"#x{exc.character:04x}"), why, _FIX_SYNTAX
            )
        ) from None
    except yaml.YAMLError as exc:
        raise _Refused(
            Problem("", Shown("(document)"), f"not valid YAML: {exc}", _FIX_SYNTAX)
        ) from None
    finally:
        if loader is not None:
            loader.dispose()


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    return []


def _check_graph(root: yaml.Node, settings: Settings) -> None:
    """Refuse recursive aliases, and documents whose aliases expand past the limits."""
    sizes: dict[int, int] = {}
    ancestors: set[int] = set()
    stack: list[tuple[yaml.Node, int, bool]] = [(root, 0, False)]
    while stack:
        node, depth, finished = stack.pop()
        if finished:
            sizes[id(node)] = 1 + sum(sizes[id(c)] for c in _children(node))
            ancestors.discard(id(node))
            if sizes[id(node)] > settings.max_case_nodes:
                raise _Refused(_graph_problem(node, settings, recursive=False))
            continue
        if id(node) in sizes:
            continue
        if depth > settings.max_case_depth:
            raise _Refused(_too_deep("", settings))
        ancestors.add(id(node))
        stack.append((node, depth, True))
        for child in _children(node):
            if id(child) in ancestors:
                raise _Refused(_graph_problem(child, settings, recursive=True))
            if id(child) not in sizes:
                stack.append((child, depth + 1, False))


def _graph_problem(node: yaml.Node, settings: Settings, *, recursive: bool) -> Problem:
    mark = node.start_mark
    where = f"line {mark.line + 1}, column {mark.column + 1}"
    if recursive:
        return Problem(
            where, Shown("(alias)"), "this alias refers to an object that contains it", _FIX_SYNTAX
        )
    return Problem(
        where,
        Shown("(aliases)"),
        f"expands to more than {settings.max_case_nodes} values, the limit "
        "(NIDATION_MAX_CASE_NODES)",
        "Write the values out instead of repeating anchors (&) and aliases (*)",
    )


# --- every value ---------------------------------------------------------------------------

_PLAIN = (str, bool, int, float, date, type(None))


def _inspect(data: dict[str, Any], settings: Settings) -> Iterator[Problem]:
    """Problems no schema can see: repeated keys, NaN/∞, odd keys and types, nesting."""
    stack: list[tuple[tuple[int | str, ...], Any]] = [((), data)]
    while stack:
        loc, value = stack.pop()
        path = path_of(loc)
        if len(loc) > settings.max_case_depth:
            yield _too_deep(path, settings)
            continue
        if isinstance(value, dict):
            for key in getattr(value, "repeated", ()):
                yield Problem(
                    path_of((*loc, key)),
                    Shown("(repeated key)"),
                    "this key appears more than once in the same object",
                    "Keep only one of them",
                )
            for key, item in reversed(value.items()):
                if not isinstance(key, str):
                    yield Problem(
                        path,
                        key if isinstance(key, _PLAIN) else Shown(type(key).__name__),
                        "object keys must be text",
                        "Use a field name (quote it in YAML)",
                    )
                    continue
                stack.append(((*loc, key), item))
        elif isinstance(value, list):
            stack.extend(((*loc, i), item) for i, item in reversed(list(enumerate(value))))
        elif isinstance(value, float) and not math.isfinite(value):
            yield Problem(
                path,
                Shown(str(value)),
                "not a finite number (NaN and infinities are not values)",
                "Give a number, or leave the field out if it is not known",
            )
        elif not isinstance(value, _PLAIN):
            yield Problem(
                path,
                Shown(type(value).__name__),
                "not a plain value (YAML tags such as !!binary, !!set or !!omap are not accepted)",
                "Give text, a number, true/false, a date, a list or an object",
            )
