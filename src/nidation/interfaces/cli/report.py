"""``nidation report CASE --audience … --format html|pdf|md --lang en|es -o FILE``."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from nidation.errors import NidationError
from nidation.interfaces.cli.app import (
    EXIT_INPUT,
    app,
    err,
    fail,
    knowledge_with,
    parse_day,
    read_case_or_exit,
)


class AudienceOption(StrEnum):
    CLINICIAN = "clinician"
    PATIENT = "patient"


class FormatOption(StrEnum):
    HTML = "html"
    PDF = "pdf"
    MD = "md"


class LangOption(StrEnum):
    EN = "en"
    ES = "es"


@app.command()
def report(
    case_file: Annotated[Path, typer.Argument(help="A case file (.json, .yaml, .yml).")],
    output: Annotated[Path, typer.Option("-o", "--output", help="Where to write the report.")],
    audience: Annotated[
        AudienceOption, typer.Option(help="Who reads it: the clinician, or the patient.")
    ] = AudienceOption.CLINICIAN,
    fmt: Annotated[FormatOption, typer.Option("--format", help="File format.")] = (
        FormatOption.HTML
    ),
    lang: Annotated[LangOption, typer.Option(help="Language of the report.")] = LangOption.EN,
    today: Annotated[
        str | None,
        typer.Option(
            help="Assessment date for a case without as_of (YYYY-MM-DD).", show_default=False
        ),
    ] = None,
    overlay: Annotated[
        Path | None,
        typer.Option(
            help="A clinic overlay (TOML): its own implantation table or RIF settings.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Write the clinician report or the patient summary of one case."""
    from nidation.api import Assessor, default_assessor
    from nidation.reports import render_report

    day = parse_day(today)
    kb = knowledge_with(overlay)
    assessor = default_assessor() if overlay is None else None  # compiled once per process
    case = read_case_or_exit(case_file, kb, day)
    try:
        assessment = (assessor or Assessor(kb)).assess(case, today=day)
        data = render_report(
            assessment,
            case,
            audience=audience.value,
            fmt=fmt.value,
            lang=lang.value,
            knowledge=kb,
        )
    except NidationError as exc:
        fail(f"the report could not be made: {exc}")
    except Exception as exc:  # a defect must not reach the user as a traceback
        fail(f"internal error while reporting ({type(exc).__name__}: {exc}); please report it")
    try:
        output.write_bytes(data)
    except OSError as exc:
        fail(f"cannot write {output}: {exc.strerror}", code=EXIT_INPUT)
    err().print(
        f"nidation: wrote the {audience.value} report ({fmt.value}, {lang.value}) to {output}"
    )
