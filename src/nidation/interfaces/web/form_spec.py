"""The case form's shape, read from the domain models: one input per field, named by its path.

An input's name is the field path a Problem uses (``pregnancies[2].outcome``), so a refusal
lands beside the input it names. Pickers come from the knowledge base: lab tests (and their
accepted units) from the laboratory catalogue, codes from the value sets. Nothing clinical is
written here: labels are the field names, options are the models' and knowledge's own values.
"""

from __future__ import annotations

import types
from dataclasses import dataclass, field
from datetime import date
from enum import Enum
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel

from nidation.domain import Case
from nidation.knowledge import Knowledge

__all__ = ["FieldSpec", "Section", "case_sections", "humanise"]

Kind = Literal["text", "number", "integer", "date", "select", "bool", "multi", "ids"]

# Value-set pickers: (model, field) → the knowledge base's value set; "labs" is the catalogue.
_PICKERS: dict[tuple[str, str], str] = {
    ("LabResult", "test"): "labs",
    ("TestRequest", "test"): "labs",
    ("Condition", "code"): "conditions",
    ("Medication", "code"): "medications",
    ("Allergy", "code"): "allergies",
    ("TherapyRequest", "therapy"): "therapies",
}
_SKIPPED = {"schema_version"}


def humanise(name: str) -> str:
    return name.replace("_", " ")


@dataclass(frozen=True)
class FieldSpec:
    """One input: its name relative to the record, its kind, and its options."""

    name: str
    label: str
    kind: Kind
    required: bool = False
    options: tuple[tuple[str, str], ...] = ()
    help: str = ""
    units_for: bool = False  # a lab result's unit: suggestions follow the chosen test


@dataclass(frozen=True)
class Section:
    """A record (patient, partner) or a list of records (pregnancies, labs, …)."""

    name: str
    title: str
    fields: tuple[FieldSpec, ...]
    repeated: bool
    help: str = ""
    children: tuple[Section, ...] = field(default=())


def _unwrap(annotation: Any) -> tuple[Any, bool]:
    """The core type of an annotation and whether it is optional."""
    optional = False
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            annotation = get_args(annotation)[0]
        elif origin in (Union, types.UnionType):
            args = [a for a in get_args(annotation) if a is not type(None)]
            optional = optional or len(args) < len(get_args(annotation))
            annotation = args[0]
        else:
            return annotation, optional


def _options(kb: Knowledge, picker: str) -> tuple[tuple[str, str], ...]:
    if picker == "labs":
        return tuple((k, f"{t.display} ({k})") for k, t in sorted(kb.labs.tests.items()))
    entries: dict[str, str] = {}
    for e in kb.valuesets[picker].entries:
        entries.setdefault(e.key, f"{e.display} ({e.key})")
    return tuple(sorted(entries.items(), key=lambda kv: kv[1].lower()))


def _field(model: type[BaseModel], name: str, kb: Knowledge, prefix: str) -> FieldSpec | None:
    info = model.model_fields[name]
    core, _ = _unwrap(info.annotation)
    # Inside an optional sub-record (a karyotype) a field is required only once it is filled.
    required = info.is_required() and prefix.count(".") == 0
    common: dict[str, Any] = {
        "name": f"{prefix}{name}",
        "label": humanise(f"{prefix}{name}".replace(".", " ")),
        "required": required,
        "help": info.description or "",
    }
    picker = _PICKERS.get((model.__name__, name))
    if picker:
        return FieldSpec(kind="select", options=_options(kb, picker), **common)
    if get_origin(core) is tuple:
        item = get_args(core)[0]
        if isinstance(item, type) and issubclass(item, Enum):
            return FieldSpec(kind="multi", options=_enum(item), **common)
        return FieldSpec(kind="ids", help=common.pop("help") or "comma-separated", **common)
    if isinstance(core, type) and issubclass(core, Enum):
        return FieldSpec(kind="select", options=_enum(core), **common)
    kind: Kind = (
        "bool"
        if core is bool
        else "integer"
        if core is int
        else "number"
        if core is float
        else "date"
        if core is date
        else "text"
    )
    return FieldSpec(kind=kind, units_for=(model.__name__, name) == ("LabResult", "unit"), **common)


def _enum(enum: type[Enum]) -> tuple[tuple[str, str], ...]:
    return tuple((str(m.value), humanise(str(m.value))) for m in enum)


def _record_fields(model: type[BaseModel], kb: Knowledge, prefix: str = "") -> list[FieldSpec]:
    """The flat inputs of a record; nested single records (a karyotype) become dotted names."""
    out: list[FieldSpec] = []
    for name, info in model.model_fields.items():
        core, _ = _unwrap(info.annotation)
        if isinstance(core, type) and issubclass(core, BaseModel):
            out += _record_fields(core, kb, f"{prefix}{name}.")
        elif _list_model(info.annotation) is None:
            spec = _field(model, name, kb, prefix)
            if spec is not None:
                out.append(spec)
    return out


def _list_model(annotation: Any) -> type[BaseModel] | None:
    core, _ = _unwrap(annotation)
    if get_origin(core) is tuple:
        item = get_args(core)[0]
        if isinstance(item, type) and issubclass(item, BaseModel):
            return item
    return None


def _section(name: str, annotation: Any, kb: Knowledge) -> Section:
    model = _list_model(annotation)
    repeated = model is not None
    if model is None:
        model, _ = _unwrap(annotation)
    children = tuple(
        _section(n, info.annotation, kb)
        for n, info in model.model_fields.items()
        if _list_model(info.annotation) is not None
    )
    return Section(
        name=name,
        title=humanise(name),
        fields=tuple(_record_fields(model, kb)),
        repeated=repeated,
        help=(model.__doc__ or "").strip().split("\n\n")[0],
        children=children,
    )


def case_sections(kb: Knowledge) -> tuple[tuple[FieldSpec, ...], tuple[Section, ...]]:
    """The case's own top-level inputs (``as_of``) and its sections, in the model's order."""
    top: list[FieldSpec] = []
    sections: list[Section] = []
    for name, info in Case.model_fields.items():
        if name in _SKIPPED:
            continue
        core, _ = _unwrap(info.annotation)
        if _list_model(info.annotation) or (isinstance(core, type) and issubclass(core, BaseModel)):
            sections.append(_section(name, info.annotation, kb))
        else:
            spec = _field(Case, name, kb, "")
            if spec is not None:
                top.append(spec)
    return tuple(top), tuple(sections)
