"""Tiny case documents for the domain tests, and helpers to accept or refuse them."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from nidation.domain import Case, ValidationContext, parse_case
from nidation.errors import InputError, Problem

Doc = dict[str, Any]

PATIENT: Doc = {"id": "P1", "birth_date": "1988-03-14"}


def case(**fields: Any) -> Doc:
    """A case document: the default patient plus ``fields``."""
    return copy.deepcopy({"patient": PATIENT, **fields})


def ivf(**fields: Any) -> Doc:
    """A case with one cycle (retrieved 2024-02-01) of three day-5 blastocysts e1…e3."""
    cycle = {
        "id": "c1",
        "retrieval_date": "2024-02-01",
        "embryos": [{"id": f"e{i}", "stage": "blastocyst", "day": 5} for i in (1, 2, 3)],
    }
    return case(cycles=[cycle], **fields)


def transfer(**fields: Any) -> Doc:
    return {"id": "t1", "date": "2024-02-06", "embryo_ids": ["e1"], "kind": "fresh", **fields}


def accept(doc: Doc, ctx: ValidationContext) -> Case:
    return parse_case(doc, context=ctx)


def refuse(doc: Doc, ctx: ValidationContext) -> tuple[Problem, ...]:
    with pytest.raises(InputError) as caught:
        parse_case(doc, context=ctx)
    return caught.value.problems


def refused_at(doc: Doc, ctx: ValidationContext, path: str) -> Problem:
    """The single problem of ``doc``, which must be at ``path``."""
    problems = refuse(doc, ctx)
    assert [p.path for p in problems] == [path], [str(p) for p in problems]
    return problems[0]
