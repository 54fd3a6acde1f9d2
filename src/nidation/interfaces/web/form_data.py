"""Between the case form and a case document: parse posted fields, add/remove rows, show values.

Field names are Problem paths (``cycles[0].embryos[1].stage``). A row exists when its marker
``<row>._row`` is posted, so a new, still empty row survives a round trip. Empty inputs are left
out of the document; a number that does not parse is kept as typed, for validation to refuse
with its reason beside the field.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from nidation.interfaces.web.form_spec import FieldSpec, Section

__all__ = ["add_row", "field_index", "parse_form", "remove_row", "shown", "slug", "value_at"]

_TOKEN = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]")
_MAX_ROWS = 500  # per list: a posted index above this is refused (protects memory)
ROW_MARKER = "_row"


def slug(path: str) -> str:
    """An HTML id fragment for a field path."""
    return re.sub(r"[^A-Za-z0-9]+", "-", path).strip("-")


def _tokens(path: str) -> list[str | int]:
    out: list[str | int] = []
    for name, index in _TOKEN.findall(path):
        out.append(int(index) if index else name)
    return out


def _generic(tokens: Iterable[str | int]) -> str:
    return ".".join(t for t in tokens if isinstance(t, str))


def field_index(top: Iterable[FieldSpec], sections: Iterable[Section]) -> dict[str, FieldSpec]:
    """Every input by its path with indices dropped (``cycles.embryos.stage``)."""
    out = {f.name: f for f in top}
    for s in sections:
        out.update({f"{s.name}.{f.name}": f for f in s.fields})
        for c in s.children:
            out.update({f"{s.name}.{c.name}.{f.name}": f for f in c.fields})
    return out


def _convert(spec: FieldSpec, values: list[str]) -> Any:
    values = [v.strip() for v in values if v.strip()]
    if spec.kind == "multi":
        return values or None
    if not values:
        return None
    text = values[0]
    if spec.kind == "ids":
        items = [p.strip() for p in text.split(",") if p.strip()]
        return items or None
    if spec.kind == "bool":
        return {"true": True, "false": False}.get(text, text)
    if spec.kind in ("number", "integer"):
        try:
            return int(text)
        except ValueError:
            pass
        try:
            number = float(text)
        except ValueError:
            return text
        if spec.kind == "integer" and number.is_integer():
            return int(number)
        return number
    return text


def _place(doc: dict[str, Any], tokens: list[str | int], value: Any) -> None:
    node: Any = doc
    for here in tokens[:-1]:
        node = node.setdefault(here, {})
    last = tokens[-1]
    if last != ROW_MARKER and value is not None:
        node[last] = value


def _listify(node: Any) -> Any:
    if not isinstance(node, dict):
        return node
    if node and all(isinstance(k, int) for k in node):
        return [_listify(node[k]) for k in sorted(node)]
    return {k: _listify(v) for k, v in node.items()}


def parse_form(pairs: Iterable[tuple[str, str]], fields: dict[str, FieldSpec]) -> dict[str, Any]:
    """The case document a posted form describes (only known field names are read)."""
    grouped: dict[str, list[str]] = {}
    for key, value in pairs:
        grouped.setdefault(key, []).append(value)
    doc: dict[str, Any] = {}
    for key, values in grouped.items():
        tokens = _tokens(key)
        if not tokens or any(isinstance(t, int) and t > _MAX_ROWS for t in tokens):
            continue
        if tokens[-1] == ROW_MARKER:
            _place(doc, tokens, None)
            continue
        spec = fields.get(_generic(tokens))
        if spec is not None:
            _place(doc, tokens, _convert(spec, values))
    result: dict[str, Any] = _prune(_listify(doc))
    return result


def _prune(node: Any) -> Any:
    """Drop records left empty (an untouched partner or karyotype); list rows are kept."""
    if isinstance(node, list):
        return [_prune(v) for v in node]
    if isinstance(node, dict):
        out = {k: _prune(v) for k, v in node.items()}
        return {k: v for k, v in out.items() if v != {} or k == "patient"}
    return node


def _list_at(doc: dict[str, Any], path: str) -> list[Any] | None:
    node: Any = doc
    for t in _tokens(path):
        try:
            node = node[t] if isinstance(t, int) else node.setdefault(t, [])
        except (IndexError, KeyError, TypeError, AttributeError):
            return None
    return node if isinstance(node, list) else None


def add_row(doc: dict[str, Any], path: str) -> None:
    """Append an empty record to the list at ``path`` (``labs``, ``cycles[0].embryos``)."""
    rows = _list_at(doc, path)
    if rows is not None and len(rows) < _MAX_ROWS:
        rows.append({})


def remove_row(doc: dict[str, Any], path: str) -> None:
    """Remove the record at ``path`` (``labs[2]``); later rows move up."""
    tokens = _tokens(path)
    if not tokens or not isinstance(tokens[-1], int):
        return
    parent = path[: path.rindex("[")]
    rows = _list_at(doc, parent)
    if rows is not None and tokens[-1] < len(rows):
        del rows[tokens[-1]]


def value_at(record: Any, name: str) -> Any:
    """The value of a dotted field (``karyotype.result``) in a record, or None."""
    node = record
    for part in name.split("."):
        if not isinstance(node, dict):
            return None
        node = node.get(part)
    return node


def shown(value: Any, spec: FieldSpec) -> Any:
    """A value as the input shows it (a list for multi-selects)."""
    if value is None:
        return [] if spec.kind == "multi" else ""
    if spec.kind == "multi":
        return [str(v) for v in value] if isinstance(value, list) else [str(value)]
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, float) and value.is_integer() and spec.kind == "integer":
        return str(int(value))
    return str(value)


def slots_of(
    doc: dict[str, Any], top: Iterable[FieldSpec], sections: Iterable[Section]
) -> tuple[set[str], set[str]]:
    """Every field path and every row path the form shows for ``doc``."""
    fields = {f.name for f in top}
    rows: set[str] = set()

    def walk(section: Section, base: str, records: Any) -> None:
        if not section.repeated:
            rows.add(base)
            fields.update(f"{base}.{f.name}" for f in section.fields)
            return
        for i, record in enumerate(records if isinstance(records, list) else []):
            row = f"{base}[{i}]"
            rows.add(row)
            fields.update(f"{row}.{f.name}" for f in section.fields)
            for child in section.children:
                walk(child, f"{row}.{child.name}", _get(record, child.name))

    for s in sections:
        walk(s, s.name, doc.get(s.name))
    return fields, rows


def _get(record: Any, name: str) -> Any:
    return record.get(name) if isinstance(record, dict) else None
