"""Entry point of the ``nidation`` command: the app with every command module registered.

To add a command, write ``nidation/interfaces/cli/<name>.py`` registering on
:data:`nidation.interfaces.cli.app.app` and import it below.
"""

from __future__ import annotations

from nidation.interfaces.cli import (
    assess,
    cohort,
    report,
    rules,
    schema,
    serve,
    synth,
    validate,
)
from nidation.interfaces.cli.app import app

__all__ = ["COMMAND_MODULES", "app"]

COMMAND_MODULES = (assess, cohort, report, rules, schema, serve, synth, validate)
"""Every module whose commands are registered on ``app``."""

if __name__ == "__main__":  # pragma: no cover
    app()
