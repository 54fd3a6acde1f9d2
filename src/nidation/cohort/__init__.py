"""Cohort mode: fact tables from Parquet/CSV files through the one compiled plan, in patient
batches, on DuckDB or Spark; synthetic cohorts; and the audit report over the results.

Public API::

    read_inputs(directory, *, staging)         the fact files, checked (file/column/row)
    run_cohort(directory, out, *, engine=...)  per-patient results + wide summary (Parquet)
    synthesize(out, *, patients, seed)         a synthetic cohort as Parquet parts
    write_audit(results, html)                 the audit report (HTML, inline SVG charts)
"""

from __future__ import annotations

from nidation.cohort.audit import write_audit
from nidation.cohort.inputs import CohortInputs, read_inputs
from nidation.cohort.run import CohortRun, run_cohort
from nidation.cohort.synth import synthesize

__all__ = [
    "CohortInputs",
    "CohortRun",
    "read_inputs",
    "run_cohort",
    "synthesize",
    "write_audit",
]
