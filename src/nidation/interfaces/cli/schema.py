"""``nidation schema``: print the JSON Schema of a case file."""

from __future__ import annotations

import typer

from nidation.interfaces.cli.app import app
from nidation.io.schema import assessment_json_schema_text, case_json_schema_text


@app.command()
def schema(
    assessment: bool = typer.Option(
        False, "--assessment", help="Print the schema of an assessment instead of a case."
    ),
) -> None:
    """Print the JSON Schema (draft 2020-12) of a case file (or, with --assessment, of an
    assessment)."""
    typer.echo(assessment_json_schema_text() if assessment else case_json_schema_text(), nl=False)
