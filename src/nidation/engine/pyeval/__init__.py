"""A pure-Python evaluator of the plan's ibis expressions, for one patient or a few.

Rules stay defined once, as ibis expressions; SQL backends (DuckDB, Spark) compile them to
SQL for cohorts, and this package compiles the same expressions to Python closures for
interactive use, where SQL planning would cost more than the whole evaluation. Parity with
DuckDB is a tested property (every golden case and example on both)."""

from nidation.engine.pyeval.runner import PythonRunner

__all__ = ["PythonRunner"]
