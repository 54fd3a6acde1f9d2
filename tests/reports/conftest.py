"""Every bundled example assessed once per session (one run of the compiled plan)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from nidation.api import default_assessor
from nidation.domain import Case
from nidation.engine.result import Assessment
from nidation.io.case_file import read_case

if TYPE_CHECKING:
    from nidation.knowledge import Knowledge

EXAMPLES = Path(__file__).parents[2] / "examples"
EXAMPLE_FILES = sorted(p.name for p in (*EXAMPLES.glob("*.yaml"), *EXAMPLES.glob("*.json")))

Assessed = dict[str, tuple[Case, Assessment]]


@pytest.fixture(scope="session")
def assessed() -> Assessed:
    assessor = default_assessor()
    cases = [read_case(EXAMPLES / name, knowledge=assessor.knowledge) for name in EXAMPLE_FILES]
    results = assessor.assess_many(cases)
    by_id = {a.patient_id: a for a in results}
    return {
        name: (case, by_id[case.patient.id])
        for name, case in zip(EXAMPLE_FILES, cases, strict=True)
    }


@pytest.fixture(scope="session")
def knowledge() -> Knowledge:
    return default_assessor().knowledge


Render = Callable[..., str]


@pytest.fixture(scope="session")
def render(assessed: Assessed, knowledge: Knowledge) -> Render:
    """``render(example, audience, fmt, lang)`` → the report's text, each made once."""
    from nidation.reports import render_report

    made: dict[tuple[str, str, str, str], str] = {}

    def make(name: str, audience: str, fmt: str, lang: str) -> str:
        key = (name, audience, fmt, lang)
        if key not in made:
            case, assessment = assessed[name]
            made[key] = render_report(
                assessment, case, audience=audience, fmt=fmt, lang=lang, knowledge=knowledge
            ).decode()
        return made[key]

    return make
