"""``nidation cohort DIR -o OUT``: assess every patient of a cohort's fact tables;
``nidation audit RESULTS -o audit.html``: the audit report of a cohort run."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn
from rich.table import Table

from nidation.cohort.audit import audit_data, write_audit
from nidation.cohort.run import run_cohort
from nidation.errors import InputError, NidationError
from nidation.interfaces.cli.app import EXIT_INPUT, app, err, fail, out, parse_day


@app.command()
def cohort(
    directory: Annotated[Path, typer.Argument(help="Folder of fact tables (Parquet or CSV).")],
    output: Annotated[Path, typer.Option("-o", "--out", help="New directory for the results.")],
    engine: Annotated[str, typer.Option(help="duckdb (embedded) or spark.")] = "duckdb",
    spark_master: Annotated[
        str | None, typer.Option(help="Spark master URL (default local[2]).", show_default=False)
    ] = None,
    today: Annotated[
        str | None,
        typer.Option(
            help="Assessment date for patients without as_of (YYYY-MM-DD).", show_default=False
        ),
    ] = None,
    batch_patients: Annotated[
        int | None, typer.Option(min=1, help="Patients per batch.", show_default=False)
    ] = None,
    audit: Annotated[
        Path | None,
        typer.Option(help="Also write the audit report (HTML) here.", show_default=False),
    ] = None,
    evidence: Annotated[
        bool,
        typer.Option(
            "--evidence", help="Also write the long table with every rule's evidence (slower)."
        ),
    ] = False,
    threads: Annotated[
        int, typer.Option(min=1, help="DuckDB threads per batch (two batches run at once).")
    ] = 1,
) -> None:
    """Assess a cohort: one row per patient (a status per rule, the list items), as Parquet;
    with --evidence also the long table (patient × rule × item with evidence).

    Exits 2 with one line per problem (file, column, row) when the input is refused; nothing
    is written then.
    """
    if engine not in ("duckdb", "spark"):
        raise typer.BadParameter(f"{engine!r} is not an engine; use duckdb or spark")
    chosen: Literal["duckdb", "spark"] = "spark" if engine == "spark" else "duckdb"
    console = err()
    try:
        with Progress(
            "cohort", BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=console
        ) as bar:
            task = bar.add_task("patients", total=None)
            run = run_cohort(
                directory,
                output,
                engine=chosen,
                today=parse_day(today),
                batch_patients=batch_patients,
                evidence=evidence,
                threads=threads,
                spark_master=spark_master,
                progress=lambda done, total: bar.update(task, completed=done, total=total),
            )
        if audit is not None:
            write_audit(output, audit)
    except InputError as exc:
        for problem in exc.problems:
            out().print(str(problem))
        console.print(
            f"{len(exc.problems)} problem{'s' if len(exc.problems) != 1 else ''}; "
            "nothing was written."
        )
        raise typer.Exit(EXIT_INPUT) from None
    except NidationError as exc:
        fail(str(exc))
    _print_summary(output, run.patients, run.seconds, run.batches, run.engine)
    if evidence:
        out().print(f"Evidence: {output}/results")
    if audit is not None:
        console.print(f"Audit report: {audit}")


def _print_summary(output: Path, patients: int, seconds: float, batches: int, engine: str) -> None:
    data = audit_data(output)
    table = Table(
        title=f"{patients} patients in {seconds:.1f} s ({batches} batches, {engine})",
        title_justify="left",
    )
    for column in ("Definition", "Met", "% met", "Not assessed"):
        table.add_column(column)
    for row in data["overall"]:
        share = 100.0 * row["met"] / row["patients"] if row["patients"] else 0.0
        table.add_row(row["rule_id"], str(row["met"]), f"{share:.1f}", str(row["not_assessed"]))
    console = out()
    console.print(table)
    console.print(f"Patients with a repeat test due: {data['repeat_patients']}")
    console.print(f"Results (one row per patient): {output}/summary")


@app.command(name="audit")
def audit_command(
    results: Annotated[Path, typer.Argument(help="Output directory of 'nidation cohort'.")],
    output: Annotated[Path, typer.Option("-o", "--out", help="HTML file to write.")],
) -> None:
    """Write the audit report (HTML with charts) of a cohort run."""
    try:
        write_audit(results, output)
    except InputError as exc:
        for problem in exc.problems:
            out().print(str(problem))
        raise typer.Exit(EXIT_INPUT) from None
    err().print(f"Audit report: {output}")
