"""The ``nidation`` command line (Typer + Rich).

``app.py`` creates the Typer ``app`` and the shared helpers; each command lives in its own
module that registers on that ``app``; ``main.py`` imports them all and is the entry point.
"""
