"""Load the golden cases that sit beside every rule (``<module>.cases.yaml``).

A cases file lists cases; each names the rule it exercises, why, the threshold and side it
tests (``below`` / ``at`` / ``above`` / ``missing``) when it tests one, a minimal patient
record and the expected status and evidence; for a rule that lists items, ``expect.item``
picks the row of that item. Names read ``<expected-status>/<reason>``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from nidation.domain import Case, parse_case
from nidation.knowledge import Knowledge
from nidation.rules import default_rules

TODAY = date(2026, 11, 21)
SIDES = ("below", "at", "above", "missing")


@dataclass(frozen=True)
class GoldenCase:
    rule_id: str
    name: str
    why: str
    file: Path
    data: dict[str, Any]
    status: str
    evidence: dict[str, Any] = field(default_factory=dict)
    threshold: str | None = None
    side: str | None = None
    item: str | None = None

    @property
    def patient_id(self) -> str:
        slug = re.sub(r"[^A-Za-z0-9]+", "-", f"{self.rule_id}-{self.name}").strip("-")
        return slug[:64]

    def case(self, kb: Knowledge) -> Case:
        data = dict(self.data)
        patient = dict(data.get("patient") or {})
        patient["id"] = self.patient_id
        data["patient"] = patient
        data.setdefault("as_of", "2026-10-01")
        return parse_case(data, context=kb.validation_context(today=TODAY))


def load_golden_cases() -> list[GoldenCase]:
    """Every golden case (parsed once per process; a fresh list each call)."""
    return list(_golden_cases())


@cache
def _golden_cases() -> tuple[GoldenCase, ...]:
    out: list[GoldenCase] = []
    files = sorted({r.cases_file for r in default_rules() if r.cases_file is not None})
    for path in files:
        doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for item in doc.get("cases", []):
            expect = item.get("expect", {})
            out.append(
                GoldenCase(
                    rule_id=item["rule"],
                    name=item["name"],
                    why=item.get("why", ""),
                    file=path,
                    data=item.get("case", {}),
                    status=expect["status"],
                    evidence=expect.get("evidence", {}),
                    threshold=item.get("threshold"),
                    side=item.get("side"),
                    item=expect.get("item"),
                )
            )
    return tuple(out)
