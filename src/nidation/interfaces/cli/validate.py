"""``nidation validate FILE...``: check case files, one line per problem."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from nidation.errors import InputError
from nidation.interfaces.cli.app import EXIT_INPUT, app, err, knowledge, out, parse_day
from nidation.io.case_file import read_case


@app.command()
def validate(
    files: Annotated[
        list[Path],
        typer.Argument(help="Case files (.json, .yaml, .yml).", show_default=False),
    ],
    today: Annotated[
        str | None,
        typer.Option(
            help="Judge future dates against this day (YYYY-MM-DD) instead of today.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Check case files: one ✓ line per valid file, one line per problem otherwise.

    Exits 0 when every file is a valid case, 2 when any is refused.
    """
    day: date | None = parse_day(today)
    kb = knowledge()
    stdout = out()
    refused = problems = 0
    for path in files:
        try:
            read_case(path, knowledge=kb, today=day)
        except InputError as exc:
            refused += 1
            problems += len(exc.problems)
            for problem in exc.problems:
                stdout.print(f"{path}: {problem}")
        else:
            stdout.print(f"✓ {path}")
    if refused:
        err().print(
            f"{problems} problem{'s' if problems != 1 else ''} in {refused} of {len(files)} "
            f"file{'s' if len(files) != 1 else ''}."
        )
        raise typer.Exit(EXIT_INPUT)
