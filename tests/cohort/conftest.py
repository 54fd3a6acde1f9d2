"""One small synthetic cohort and one DuckDB run of it, shared by the cohort tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from nidation.cohort.run import CohortRun, run_cohort
from nidation.cohort.synth import synthesize
from nidation.knowledge import Knowledge
from tests.conftest import TODAY

PATIENTS = 60
SEED = 7


@pytest.fixture(scope="session")
def cohort_dir(tmp_path_factory: pytest.TempPathFactory, kb: Knowledge) -> Path:
    out = tmp_path_factory.mktemp("cohort") / "facts"
    synthesize(out, patients=PATIENTS, seed=SEED, chunk_patients=30, knowledge=kb)
    return out


@pytest.fixture(scope="session")
def cohort_run(cohort_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> CohortRun:
    """A run with the long evidence table (``results/``) as well as the summary."""
    out = tmp_path_factory.mktemp("run") / "results"
    return run_cohort(cohort_dir, out, today=TODAY, batch_patients=30, evidence=True)


@pytest.fixture(scope="session")
def compact_run(cohort_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> CohortRun:
    """The default run: the summary only, rules evaluated without evidence."""
    out = tmp_path_factory.mktemp("compact") / "results"
    return run_cohort(cohort_dir, out, today=TODAY, batch_patients=20, threads=2)
