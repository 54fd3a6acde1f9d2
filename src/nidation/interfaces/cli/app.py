"""The Typer application every command registers on, and helpers the commands share.

A command module does::

    from nidation.interfaces.cli.app import app, out

    @app.command()
    def assess(...) -> None: ...

and is imported in :mod:`nidation.interfaces.cli.main`.

Exit codes: 0 success, 1 Nidation itself failed (e.g. the knowledge base cannot be
loaded), 2 the input was refused (one line per problem) or the command line was wrong.
"""

from __future__ import annotations

from datetime import date
from functools import cache
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer
from rich.console import Console

from nidation._version import __version__
from nidation.errors import KnowledgeError

if TYPE_CHECKING:
    from pathlib import Path

    from nidation.domain import Case
    from nidation.knowledge import Knowledge

__all__ = ["EXIT_FAILED", "EXIT_INPUT", "app", "err", "fail", "knowledge", "out", "parse_day"]

EXIT_FAILED = 1
EXIT_INPUT = 2

app = typer.Typer(
    name="nidation",
    help="Clinical decision support for recurrent implantation failure and pregnancy loss.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def out() -> Console:
    """Console on stdout: no wrapping of long lines, no markup or highlighting of data."""
    return Console(soft_wrap=True, highlight=False, markup=False, emoji=False)


def err() -> Console:
    """Console on stderr, for summaries and failures."""
    return Console(stderr=True, soft_wrap=True, highlight=False, markup=False, emoji=False)


def fail(message: str, *, code: int = EXIT_FAILED) -> NoReturn:
    """Print ``message`` on stderr and exit with ``code``."""
    err().print(f"nidation: {message}")
    raise typer.Exit(code)


@cache
def knowledge() -> Knowledge:
    """The knowledge base, loaded once per process; exits 1 with the reason if it cannot be."""
    try:
        from nidation.knowledge import load_knowledge

        return load_knowledge()
    except (KnowledgeError, ImportError) as exc:
        fail(f"the knowledge base cannot be loaded: {exc}")


def parse_day(value: str | None) -> date | None:
    """Typer callback for options that take a date (YYYY-MM-DD)."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a date; give it as YYYY-MM-DD") from None


def _version(requested: bool) -> None:
    if not requested:
        return
    out().print(f"nidation {__version__}")
    out().print(f"knowledge {knowledge().version}")
    raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            help="Print the version of Nidation and of its knowledge base, and exit.",
            callback=_version,
            is_eager=True,
        ),
    ] = False,
) -> None:
    """Clinical decision support for recurrent implantation failure and pregnancy loss."""


def knowledge_with(overlay: Path | None) -> Knowledge:
    """The packaged knowledge base, or it with a clinic overlay; exits 2 if the overlay is
    refused."""
    if overlay is None:
        return knowledge()
    from nidation.knowledge import load_knowledge

    try:
        return load_knowledge(overlay)
    except KnowledgeError as exc:
        fail(f"the clinic overlay {overlay} was refused: {exc}", code=EXIT_INPUT)


def read_case_or_exit(path: Path, kb: Knowledge, today: date | None) -> Case:
    """The case in ``path``; on refusal every problem is printed, one line each, and exit 2."""
    from nidation.errors import InputError
    from nidation.io.case_file import read_case

    try:
        return read_case(path, knowledge=kb, today=today)
    except InputError as exc:
        for problem in exc.problems:
            err().print(f"{path}: {problem}")
        raise typer.Exit(EXIT_INPUT) from None
