"""``nidation schema``: print the JSON Schema of a case file."""

from __future__ import annotations

import typer

from nidation.interfaces.cli.app import app
from nidation.io.schema import case_json_schema_text


@app.command()
def schema() -> None:
    """Print the JSON Schema (draft 2020-12) of a case file."""
    typer.echo(case_json_schema_text(), nl=False)
