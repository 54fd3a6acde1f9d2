"""``nidation synth --patients N --seed S -o DIR``: write a synthetic cohort (Parquet parts)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

from nidation.cohort.synth import synthesize
from nidation.errors import InputError, NidationError
from nidation.interfaces.cli.app import EXIT_INPUT, app, err, fail, knowledge


@app.command()
def synth(
    out: Annotated[Path, typer.Option("-o", "--out", help="New directory for the fact tables.")],
    patients: Annotated[int, typer.Option(min=1, help="How many patients.")] = 1000,
    seed: Annotated[int, typer.Option(help="Random seed (same seed, same cohort).")] = 0,
) -> None:
    """Write a synthetic cohort: RPL- and IVF-clinic patients with sourced prevalences.

    Every number comes from the knowledge table synth_parameters. Synthetic patients are
    not real people; use them to try and benchmark cohort runs.
    """
    kb = knowledge()
    console = err()
    try:
        with Progress(
            "synth", BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=console
        ) as bar:
            task = bar.add_task("patients", total=patients)
            summary = synthesize(
                out,
                patients=patients,
                seed=seed,
                knowledge=kb,
                progress=lambda n: bar.advance(task, n),
            )
    except InputError as exc:
        for problem in exc.problems:
            console.print(str(problem))
        raise typer.Exit(EXIT_INPUT) from None
    except NidationError as exc:
        fail(str(exc))
    rows = sum(summary.rows.values())
    console.print(f"Wrote {summary.patients} patients ({rows} fact rows) to {summary.directory}.")
