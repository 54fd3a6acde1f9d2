"""``nidation rules list`` and ``nidation rules explain ID``."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table

from nidation.engine.registry import Rule
from nidation.interfaces.cli.app import EXIT_INPUT, app, fail, knowledge, out

rules_app = typer.Typer(help="List and explain the rules.", no_args_is_help=True)
app.add_typer(rules_app, name="rules")


def _as_dict(r: Rule) -> dict[str, object]:
    return {
        "id": r.id,
        "name": r.name,
        "kind": r.kind.value,
        "lifecycle": r.lifecycle,
        "since": r.since,
        "implements": list(r.implements),
        "uses": list(r.uses),
        "cases": str(r.cases_file.name) if r.cases_file else None,
    }


@rules_app.command("list")
def list_rules(
    fmt: Annotated[str, typer.Option("--format", help="table or json")] = "table",
) -> None:
    """Every rule with its id, name, kind and lifecycle."""
    from nidation.rules import default_rules

    rules = default_rules()
    if fmt == "json":
        out().print(json.dumps([_as_dict(r) for r in rules], indent=2))
        return
    if fmt != "table":
        fail(f"--format must be 'table' or 'json', not {fmt!r}", code=EXIT_INPUT)
    table = Table()
    for col in ("id", "name", "kind", "lifecycle", "implements"):
        table.add_column(col)
    for r in rules:
        table.add_row(r.id, r.name, r.kind.value, r.lifecycle, ", ".join(r.implements))
    out().print(table)


@rules_app.command("explain")
def explain(rule_id: Annotated[str, typer.Argument(help="Rule id or name.")]) -> None:
    """A rule's documentation, the knowledge it uses and its sources."""
    from nidation.engine.explain import source_refs
    from nidation.rules import default_rules

    try:
        r = default_rules().get(rule_id)
    except KeyError as exc:
        fail(str(exc.args[0]), code=EXIT_INPUT)
    console = out()
    console.print(f"{r.id} · {r.name} · {r.kind.value} · {r.lifecycle} since {r.since}\n")
    console.print(r.doc)
    console.print("\nSources:")
    for ref in source_refs(r, knowledge()):
        flag = "" if ref["verified"] else " (provisional: not verified at source)"
        strength = f" — strength: {ref['strength']}" if ref["strength"] else ""
        console.print(
            f"  [{ref['kind']}] {ref['key']}: {ref['source']}, {ref['locator']}{strength}{flag}"
        )
